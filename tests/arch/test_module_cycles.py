#!/usr/bin/env python3
"""Checks module_cycles.py on small made-up crates: `python3 tests/arch/test_module_cycles.py`."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).with_name("module_cycles.py")


def run(files: dict[str, str], *flags: str) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            p = Path(d, "src", name)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        r = subprocess.run([sys.executable, SCRIPT, *flags, d], capture_output=True, text=True, check=False)
        return r.returncode, r.stdout


class ModuleCycles(unittest.TestCase):
    def test_a_use_and_a_path_make_a_cycle(self):
        code, out = run({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::b::B;\npub struct A;\n",
            "b.rs": "pub struct B;\npub fn f() -> crate::a::A { crate::a::A }\n",
        })
        self.assertEqual(code, 1, out)
        self.assertIn("a <-> b", out)

    def test_comments_strings_and_chars_are_not_references(self):
        code, out = run({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::b::B;\n",
            "b.rs": (
                "pub struct B;\n// crate::a::x\n/* crate::a::y /* nested */ crate::a::z */\n"
                "const S: &str = \"crate::a::s\";\nconst R: &str = r#\"crate::a::\"r\"#;\n"
                "const C: char = '\"';\nfn l<'a>(x: &'a str) -> &'a str { x }\n"
            ),
        })
        self.assertEqual(code, 0, out)
        self.assertIn("b -> -", out)

    def test_independent_children_may_not_import_each_other(self):
        files = {
            "lib.rs": "pub mod routes;\npub mod paging;\n",
            "paging.rs": "pub fn page() {}\n",
            "routes/mod.rs": "pub mod people;\npub mod org;\n",
            "routes/people/mod.rs": "pub mod sync;\npub fn load() {}\n",
            "routes/people/sync.rs": "use super::load;\nuse crate::paging::page;\n",
            "routes/org.rs": "use crate::paging::page;\n",
        }
        code, out = run(files, "--independent", "routes")
        self.assertEqual(code, 0, out)
        self.assertIn("imports between children of routes: none", out)
        files["routes/org.rs"] = "use crate::paging::page;\nfn f() { crate::routes::people::load() }\n"
        code, out = run(files, "--independent", "routes")
        self.assertEqual(code, 1, out)
        self.assertIn("routes::org -> routes::people", out)
        # Without the flag it is no cycle.
        code, out = run(files)
        self.assertEqual(code, 0, out)

    def test_nested_modules_super_and_grouped_uses(self):
        files = {
            "lib.rs": "pub mod cycle;\npub mod report;\npub use report::Figures;\n",
            "cycle/mod.rs": "pub mod calendar;\npub mod window;\n",
            "cycle/calendar.rs": "pub struct Calendar;\n",
            "cycle/window.rs": "use super::calendar::Calendar;\nuse crate::{Figures, report::{self}};\n",
            "report.rs": "pub struct Figures;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::cycle::window;\n}\n",
        }
        code, out = run(files)
        self.assertIn("cycle::window -> cycle::calendar, report", out)
        self.assertIn("report -> cycle::window (test)", out)
        # The test-only edge closes a cycle of top-level modules ...
        self.assertEqual(code, 1, out)
        self.assertIn("cycle <-> report", out)
        # ... which --no-tests leaves out.
        code, out = run(files, "--no-tests")
        self.assertEqual(code, 0, out)


if __name__ == "__main__":
    unittest.main()
