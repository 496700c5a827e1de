#!/usr/bin/env python3
"""Print the module graph of Rust crates and fail when modules import each other back.

    python3 tests/arch/module_cycles.py crates/domain            # one crate
    python3 tests/arch/module_cycles.py crates/domain crates/api # several
    python3 tests/arch/module_cycles.py --quiet crates/store     # cycles only

An edge `a -> b` means a file of module `a` names module `b` (or an item of it):
`use crate::b::X`, `use super::b`, `crate::b::f()` in an expression, or a
relative `b::X` where `b` is a child module `a` declares. `mod b;` itself is
not an edge (a parent declaring a child is not a dependency). A name the crate
root re-exports (`pub use credits::Credits` in lib.rs) resolves to the module
it comes from.

Two graphs are checked: every module (`cycle::window -> cycle::calendar`) and
the top-level modules (`cycle -> compliance`, with edges inside one top-level
module dropped), so that "no module imports another that imports it back"
holds for files and for concepts alike. Edges seen only inside `#[cfg(test)]`
modules are marked `(test)`; they count like the others unless `--no-tests`.

The reading is lexical (comments and string literals are blanked first), not
a compiler's: a macro's expansion is not seen, and a local name that happens
to equal a child module's name followed by `::` counts as a reference to it.
The crate root counts like any module (`--ignore-root` drops its edges: an
api whose lib.rs holds the shared state and builds the app from the routes).

`--independent routes` also fails on any edge between two different children
of `routes` (or their descendants): `routes::people::sync -> routes::people`
is one resource using its own helpers, `routes::certificates ->
routes::verifications` is one resource reaching into another, whatever the
direction. What they share belongs in a module outside `routes`.
Exit status: 0 without cycles (and lateral imports), 1 with. Its own tests: test_module_cycles.py.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = "crate"


# --------------------------------------------------------------------------
# Lexing: blank comments and literals, keeping offsets and line numbers
# --------------------------------------------------------------------------


def blank(src: str) -> str:
    """`src` with comments, strings and char literals replaced by spaces (newlines kept)."""
    out: list[str] = []
    i, n = 0, len(src)

    def keep_newlines(s: str) -> str:
        return "".join("\n" if c == "\n" else " " for c in s)

    while i < n:
        c = src[i]
        nxt = src[i + 1] if i + 1 < n else ""
        if c == "/" and nxt == "/":
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "/" and nxt == "*":
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(keep_newlines(src[i:j]))
            i = j
        elif (m := re.match(r'b?r(#*)"', src[i:i + 260])) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            close = '"' + m.group(1)
            j = src.find(close, i + m.end())
            j = n if j < 0 else j + len(close)
            out.append(keep_newlines(src[i:j]))
            i = j
        elif c == '"' or (c == "b" and nxt == '"' and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_"))):
            j = i + (2 if c == "b" else 1)
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(keep_newlines(src[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{4e2d}', '中'), or a lifetime ('a).
            if nxt == "\\":
                j = src.find("'", i + 2)
                j = n if j < 0 else j + 1
                out.append(keep_newlines(src[i:j]))
                i = j
            elif i + 2 < n and src[i + 2] == "'":
                out.append("   ")
                i += 3
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


# --------------------------------------------------------------------------
# Modules of a crate
# --------------------------------------------------------------------------


def module_of(src_dir: Path, file: Path) -> str | None:
    rel = file.relative_to(src_dir)
    parts = list(rel.with_suffix("").parts)
    if parts[0] == "bin":
        return None
    if parts in (["lib"], ["main"]):
        return ROOT
    if parts[-1] == "mod":
        parts = parts[:-1]
    return "::".join(parts)


def join(module: str, name: str) -> str:
    return name if module == ROOT else f"{module}::{name}"


def parent(module: str) -> str:
    return ROOT if "::" not in module else module.rsplit("::", 1)[0]


def split_top(s: str) -> list[str]:
    """Splits `a, b::{c, d}, e` at the commas outside braces."""
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def expand_use(tree: str) -> list[list[str]]:
    """`crate::a::{b, c::{self, D}}` -> [[crate, a, b], [crate, a, c], [crate, a, c, D]]."""
    tree = re.sub(r"\s+", " ", tree).strip()
    if tree.startswith("::"):
        tree = tree[2:]
    brace = tree.find("{")
    if brace < 0:
        path = re.sub(r"\s+as\s+\w+$", "", tree)
        return [[seg.strip() for seg in path.split("::") if seg.strip()]]
    prefix = [seg.strip() for seg in tree[:brace].split("::") if seg.strip()]
    inner = tree[brace + 1:tree.rfind("}")]
    out = []
    for part in split_top(inner):
        for sub in expand_use(part):
            out.append(prefix if sub == ["self"] else prefix + sub)
    return out


@dataclass
class Edge:
    where: str
    test_only: bool


@dataclass
class Crate:
    name: str
    src_dir: Path
    modules: set[str] = field(default_factory=set)
    # module -> its children declared with `mod x;` or `mod x { .. }`
    children: dict[str, set[str]] = field(default_factory=dict)
    # root re-exports: name -> module it comes from
    reexports: dict[str, str] = field(default_factory=dict)
    # (from, to) -> first occurrence; test_only cleared by any non-test occurrence
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)


USE_RE = re.compile(r"\b(pub(?:\s*\([^)]*\))?\s+)?use\s+([^;]+);")
MOD_RE = re.compile(r"\bmod\s+(\w+)\s*([;{])")
PATH_RE = re.compile(r"(?<![\w:])((?:crate|super|self)(?:\s*::\s*\w+)+)")
CFG_TEST_RE = re.compile(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{\s*$")


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def inline_modules(text: str) -> list[tuple[int, int, list[str], bool]]:
    """The inline `mod x { .. }` blocks of a file: (start, end, names from the file module down, cfg(test))."""
    blocks = []
    stack: list[tuple[int, str, bool, int]] = []  # (depth at open, name, test, start)
    depth = 0
    for m in re.finditer(r"[{}]|\bmod\s+\w+\s*\{", text):
        tok = m.group(0)
        if tok.startswith("mod"):
            name = tok.split()[1].rstrip("{").strip()
            test = bool(CFG_TEST_RE.search(text[max(0, m.start() - 200):m.end()]))
            depth += 1
            stack.append((depth, name, test, m.start()))
        elif tok == "{":
            depth += 1
        else:
            if stack and stack[-1][0] == depth:
                d, name, test, start = stack.pop()
                names = [s[1] for s in stack] + [name]
                tests = test or any(s[2] for s in stack)
                blocks.append((start, m.end(), names, tests))
            depth -= 1
    return blocks


def scan(crate: Crate, check_tests: bool) -> None:
    files = sorted(p for p in crate.src_dir.rglob("*.rs"))
    texts: dict[str, tuple[Path, str]] = {}
    for f in files:
        mod = module_of(crate.src_dir, f)
        if mod is None:
            continue
        text = blank(f.read_text(encoding="utf-8"))
        texts[mod] = (f, text)
        crate.modules.add(mod)
    # Declared children (files and inline modules) and the root's re-exports.
    for mod, (f, text) in texts.items():
        for m in MOD_RE.finditer(text):
            child = join(mod, m.group(1))
            crate.children.setdefault(mod, set()).add(m.group(1))
            if m.group(2) == ";":
                crate.modules.add(child)
    root = texts.get(ROOT)
    if root:
        for m in USE_RE.finditer(root[1]):
            if not m.group(1):
                continue
            for path in expand_use(m.group(2)):
                if path and path[0] in ("crate", "self"):
                    path = path[1:]
                if len(path) >= 2 and path[0] in crate.children.get(ROOT, set()):
                    alias = re.search(r"\bas\s+(\w+)\s*$", m.group(2))
                    crate.reexports[alias.group(1) if alias and "{" not in m.group(2) else path[-1]] = path[0]

    for mod, (f, text) in texts.items():
        blocks = inline_modules(text)

        def context(offset: int) -> tuple[str, bool]:
            """The module (inline ones included) at `offset`, and whether it is test-only."""
            inner = [b for b in blocks if b[0] <= offset < b[1]]
            if not inner:
                return mod, False
            deepest = max(inner, key=lambda b: len(b[2]))
            here = mod
            for name in deepest[2]:
                here = join(here, name)
            return here, deepest[3]

        def file_module(here: str) -> str:
            # Attribute inline modules to their file's module.
            while here not in texts and here != ROOT:
                here = parent(here)
            return here

        def resolve(here: str, path: list[str]) -> str | None:
            """The module a path names, seen from module `here`; None for another crate's."""
            if not path:
                return None
            if path[0] == "crate":
                base, rest = ROOT, path[1:]
            elif path[0] in ("self", "super"):
                base, rest = here, path
                while rest and rest[0] in ("self", "super"):
                    base = parent(base) if rest[0] == "super" else base
                    rest = rest[1:]
            elif path[0] in crate.children.get(here, set()) or path[0] in crate.children.get(file_module(here), set()):
                base, rest = (here if path[0] in crate.children.get(here, set()) else file_module(here)), path
            else:
                return None
            target = file_module(base) if base not in crate.modules else base
            for seg in rest:
                cand = join(target, seg)
                if cand in crate.modules:
                    target = cand
                else:
                    if target == ROOT and seg in crate.reexports:
                        target = crate.reexports[seg]
                    break
            return target

        def add(offset: int, path: list[str]) -> None:
            here, test = context(offset)
            if test and not check_tests:
                return
            target = resolve(here, path)
            if target is None:
                return
            src = file_module(here)
            if target == src:
                return
            where = f"{f.as_posix()}:{line_of(text, offset)}"
            e = crate.edges.get((src, target))
            if e is None:
                crate.edges[(src, target)] = Edge(where, test)
            elif e.test_only and not test:
                crate.edges[(src, target)] = Edge(where, False)

        spans = []
        for m in USE_RE.finditer(text):
            spans.append((m.start(), m.end()))
            if mod == ROOT and m.group(1):
                continue  # the root's re-exports are aliases, resolved above
            for path in expand_use(m.group(2)):
                add(m.start(), path)
        rest = list(text)
        for s, e in spans:
            rest[s:e] = " " * (e - s)
        body = "".join(rest)
        for m in PATH_RE.finditer(body):
            add(m.start(), [seg.strip() for seg in m.group(1).split("::")])
        # Relative paths through a declared child: `calendar::Calendar`.
        kids = crate.children.get(mod, set())
        if kids:
            rel = re.compile(r"(?<![\w:])(" + "|".join(map(re.escape, sorted(kids))) + r")\s*::\s*\w+")
            for m in rel.finditer(body):
                add(m.start(), [m.group(1), "x"])


# --------------------------------------------------------------------------
# Graphs and cycles
# --------------------------------------------------------------------------


def collapse(edges: dict[tuple[str, str], Edge], level: int) -> dict[tuple[str, str], Edge]:
    out: dict[tuple[str, str], Edge] = {}
    for (a, b), e in edges.items():
        ka, kb = "::".join(a.split("::")[:level]), "::".join(b.split("::")[:level])
        if ka == kb:
            continue
        old = out.get((ka, kb))
        if old is None or (old.test_only and not e.test_only):
            out[(ka, kb)] = e
    return out


def sccs(nodes: set[str], edges: dict[tuple[str, str], Edge]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one node."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(succ):
        if v not in index:
            visit(v)
    return sorted(out)


def report_cycles(title: str, nodes: set[str], edges: dict[tuple[str, str], Edge]) -> int:
    comps = sccs(nodes, edges)
    if not comps:
        print(f"  cycles ({title}): none")
        return 0
    print(f"  cycles ({title}): {len(comps)}")
    for comp in comps:
        print(f"    {' <-> '.join(comp)}")
        members = set(comp)
        for (a, b), e in sorted(edges.items()):
            if a in members and b in members:
                mark = " (test)" if e.test_only else ""
                print(f"      {a} -> {b}{mark}  [{e.where}]")
    return len(comps)


def report_lateral(prefix: str, edges: dict[tuple[str, str], Edge]) -> int:
    """Edges between different children of `prefix`, printed; their count."""
    depth = len(prefix.split("::"))

    def child(m: str) -> str | None:
        parts = m.split("::")
        if len(parts) <= depth or "::".join(parts[:depth]) != prefix:
            return None
        return "::".join(parts[: depth + 1])

    bad = sorted(
        ((a, b), e) for (a, b), e in edges.items() if child(a) and child(b) and child(a) != child(b)
    )
    if not bad:
        print(f"  imports between children of {prefix}: none")
        return 0
    print(f"  imports between children of {prefix}: {len(bad)}")
    for (a, b), e in bad:
        mark = " (test)" if e.test_only else ""
        print(f"    {a} -> {b}{mark}  [{e.where}]")
    return len(bad)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("crates", nargs="+", help="crate directories (holding src/) or src directories")
    ap.add_argument("--no-tests", action="store_true", help="ignore references inside #[cfg(test)] modules")
    ap.add_argument("--quiet", action="store_true", help="print the cycles only, not the graph")
    ap.add_argument(
        "--ignore-root",
        action="store_true",
        help="drop edges to and from the crate root (lib.rs as a composition root holding shared state)",
    )
    ap.add_argument(
        "--independent",
        action="append",
        default=[],
        metavar="MODULE",
        help="fail on imports between different children of MODULE (e.g. routes: no route file imports another)",
    )
    args = ap.parse_args()
    found = 0
    for arg in args.crates:
        d = Path(arg)
        src = d / "src" if (d / "src").is_dir() else d
        crate = Crate(name=src.parent.name, src_dir=src)
        scan(crate, check_tests=not args.no_tests)
        if args.ignore_root:
            crate.edges = {k: e for k, e in crate.edges.items() if ROOT not in k}
        nodes = set(crate.modules)
        print(f"crate {crate.name} ({src.as_posix()}): {len(nodes)} modules, {len(crate.edges)} edges")
        if not args.quiet:
            by: dict[str, list[str]] = {}
            for (a, b), e in crate.edges.items():
                by.setdefault(a, []).append(b + (" (test)" if e.test_only else ""))
            for mod in sorted(nodes):
                deps = ", ".join(sorted(by.get(mod, []))) or "-"
                print(f"  {mod} -> {deps}")
        found += report_cycles("modules", nodes, crate.edges)
        top = {m.split("::")[0] for m in nodes}
        found += report_cycles("top-level modules", top, collapse(crate.edges, 1))
        for prefix in args.independent:
            found += report_lateral(prefix, crate.edges)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
