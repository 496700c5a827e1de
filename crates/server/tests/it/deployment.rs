//! The deployments install what the code loads: every Debian package of the fonts
//! `cme_documents::Fonts::system()` reads ([`cme_documents::FONT_PACKAGES`]) is installed by the
//! Dockerfile's final stage (the image that runs `cme serve`) and by `make run`. Without them
//! the server starts, but every PDF answers 500.

use std::collections::BTreeSet;

use cme_documents::FONT_PACKAGES;

fn repo_file(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Logical lines: continuation backslashes joined.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        match line.trim_end().strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The packages of every `apt-get install` in `commands` (options skipped; a package list ends
/// at `&&`, `;`, `|`, `>` or the end).
fn apt_installs(commands: &str) -> BTreeSet<String> {
    let words: Vec<&str> = commands.split_whitespace().collect();
    let mut packages = BTreeSet::new();
    for (i, pair) in words.windows(2).enumerate() {
        if pair[0].ends_with("apt-get") && pair[1] == "install" {
            for word in &words[i + 2..] {
                if ["&&", ";", "|", "||"].contains(word) || word.starts_with('>') {
                    break;
                }
                if !word.starts_with('-') && !word.starts_with('$') {
                    packages.insert(word.trim_end_matches(';').to_owned());
                }
                if word.ends_with(';') {
                    break;
                }
            }
        }
    }
    packages
}

/// The packages the Dockerfile's last stage installs.
fn final_stage_packages(dockerfile: &str) -> BTreeSet<String> {
    let lines = logical_lines(dockerfile);
    let last_from = lines
        .iter()
        .rposition(|l| l.trim_start().to_ascii_uppercase().starts_with("FROM "))
        .unwrap_or_else(|| panic!("the Dockerfile has no FROM"));
    let runs: Vec<&str> = lines[last_from..].iter().filter_map(|l| l.trim_start().strip_prefix("RUN ")).collect();
    apt_installs(&runs.join(" && "))
}

fn missing(installed: &BTreeSet<String>) -> Vec<&'static str> {
    FONT_PACKAGES.iter().copied().filter(|p| !installed.contains(*p)).collect()
}

#[test]
fn the_image_installs_the_font_packages() {
    let installed = final_stage_packages(&repo_file("Dockerfile"));
    assert!(installed.contains("ca-certificates"), "the parser found {installed:?}");
    assert!(missing(&installed).is_empty(), "the Dockerfile's final stage lacks {:?}", missing(&installed));
}

#[test]
fn the_parser_sees_only_the_final_stage() {
    let dockerfile = "FROM a AS build\nRUN apt-get install -y fonts-noto-cjk fonts-hanazono\n\
                      FROM b\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl \\\n    \
                      fonts-noto-cjk && rm -rf /var/lib/apt/lists/*\n";
    let installed = final_stage_packages(dockerfile);
    assert_eq!(installed, ["curl", "fonts-noto-cjk"].map(str::to_owned).into(), "{installed:?}");
    assert_eq!(missing(&installed), vec!["fonts-hanazono"]);
}

/// `make run` depends on the target that installs the font packages.
#[test]
fn make_run_installs_the_font_packages() {
    let makefile = repo_file("Makefile");
    let lines = logical_lines(&makefile);
    let variable = |name: &str| -> String {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(name).and_then(|r| r.trim_start().strip_prefix(":=")))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    // A target's prerequisites and its recipe (the tab-indented lines after it).
    let target = |name: &str| -> (Vec<String>, String) {
        let Some(at) = lines.iter().position(|l| l.starts_with(&format!("{name}:"))) else {
            return (Vec::new(), String::new());
        };
        let prerequisites = lines[at][name.len() + 1..].split_whitespace().map(str::to_owned).collect();
        let recipe: Vec<&str> =
            lines[at + 1..].iter().take_while(|l| l.starts_with('\t')).map(String::as_str).collect();
        (prerequisites, recipe.join("\n"))
    };
    let (mut pending, _) = target("run");
    let mut installed = BTreeSet::new();
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let (prerequisites, recipe) = target(&name);
        let recipe = recipe.replace("$(FONT_PACKAGES)", &variable("FONT_PACKAGES"));
        installed.extend(apt_installs(&recipe));
        pending.extend(prerequisites);
    }
    assert!(
        missing(&installed).is_empty(),
        "`make run` does not install {:?} (it installs {installed:?})",
        missing(&installed)
    );
}

/// The sources of every `COPY` that is not `--from` another stage.
fn copy_sources(dockerfile: &str) -> Vec<String> {
    let mut sources = Vec::new();
    for line in logical_lines(dockerfile) {
        let Some(rest) = line.trim_start().strip_prefix("COPY ") else { continue };
        let words: Vec<&str> = rest.split_whitespace().collect();
        if words.iter().any(|w| w.starts_with("--from")) {
            continue;
        }
        let args: Vec<&str> = words.into_iter().filter(|w| !w.starts_with("--")).collect();
        if let Some((_, srcs)) = args.split_last() {
            sources.extend(srcs.iter().map(|s| (*s).to_owned()));
        }
    }
    sources
}

/// What can be checked of the image without a Docker daemon: every file it
/// copies from the repository exists, the binary it runs is the one the build
/// stage builds, and the files folder the compose file mounts exists in the
/// image and belongs to the user the server runs as.
#[test]
fn the_dockerfile_copies_what_exists_and_runs_the_server() {
    let dockerfile = repo_file("Dockerfile");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sources = copy_sources(&dockerfile);
    assert!(sources.contains(&"frontend/package.json".to_owned()), "the parser found {sources:?}");
    for src in &sources {
        assert!(root.join(src).exists(), "the Dockerfile copies {src}, which is not in the repository");
    }
    assert!(dockerfile.contains("cargo build --release -p cme-server"));
    assert!(dockerfile.contains("COPY --from=build /src/target/release/cme /usr/local/bin/cme"));
    let server_toml = repo_file("crates/server/Cargo.toml");
    assert!(server_toml.contains("name = \"cme\""), "the server's binary is no longer `cme`");
    assert!(dockerfile.contains("CMD [\"cme\", \"serve\"]"));
    let compose = repo_file("docker-compose.yml");
    let files_dir = compose
        .lines()
        .find_map(|l| l.trim().strip_prefix("CME_FILES_DIR: "))
        .unwrap_or_else(|| panic!("docker-compose.yml sets no CME_FILES_DIR"));
    assert!(
        dockerfile.contains(&format!("mkdir -p {files_dir} && chown cme {files_dir}")),
        "the image must create {files_dir} for the user cme (a named volume takes its owner from the image)"
    );
    assert!(compose.contains(&format!("files:{files_dir}")), "the replicas must share the files volume");
}

/// The compose file runs several replicas behind the balancer, whose
/// configuration is deploy/haproxy.cfg (the one tests/ops/two_instances.py
/// runs), and HAProxy accepts that configuration.
#[test]
fn the_compose_topology_is_replicas_behind_the_tested_balancer() {
    let compose = repo_file("docker-compose.yml");
    let replicas: u32 = compose
        .lines()
        .find_map(|l| l.trim().strip_prefix("replicas: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("the server service sets no replicas"));
    assert!(replicas >= 2, "{replicas} replica(s)");
    assert!(compose.contains("./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"));
    assert!(compose.contains("CME_TRUSTED_PROXIES:"), "behind the balancer the server must trust its X-Forwarded-For");
    let cfg = repo_file("deploy/haproxy.cfg");
    assert!(cfg.contains(&format!("server-template cme {replicas} server:8080 check")), "one server per replica");
    let haproxy =
        ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"].into_iter().find(|p| std::path::Path::new(p).exists());
    let Some(haproxy) = haproxy else {
        eprintln!("haproxy is not installed: its check of deploy/haproxy.cfg is skipped (make test installs it)");
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = std::process::Command::new(haproxy)
        .args(["-c", "-f"])
        .arg(root.join("deploy/haproxy.cfg"))
        .output()
        .expect("run haproxy -c");
    assert!(out.status.success(), "haproxy refuses deploy/haproxy.cfg: {}", String::from_utf8_lossy(&out.stderr));
}
