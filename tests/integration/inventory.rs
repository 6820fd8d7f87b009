//! `deploy inventory`: parity with the real `ansible-inventory` on every
//! fixture, and a clear exit-2 error for every kind of bad input.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::run::deploy;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inventories");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "fixtures missing from {}", dir.display());
    files
}

/// The real ansible-inventory (from `make ansible`), or `None` to skip.
/// With CI=true a missing one fails: the tier must run there.
pub(crate) fn ansible() -> Option<Ansible> {
    let path = std::env::var_os("DEPLOY_ANSIBLE_INVENTORY").map(PathBuf::from);
    match path.filter(|p| p.is_file()) {
        Some(bin) => {
            let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ansible-home");
            std::fs::create_dir_all(home.join("tmp")).unwrap();
            let config = home.join("ansible.cfg");
            std::fs::write(&config, "").unwrap();
            Some(Ansible { bin, home, config })
        }
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "CI=true but DEPLOY_ANSIBLE_INVENTORY names no ansible-inventory: run the tests through `make test`"
            )
        }
        None => {
            eprintln!(
                "SKIPPED: ansible-inventory parity tier: DEPLOY_ANSIBLE_INVENTORY is not set; `make test` installs it"
            );
            None
        }
    }
}

pub(crate) struct Ansible {
    bin: PathBuf,
    home: PathBuf,
    config: PathBuf,
}

impl Ansible {
    /// Hermetic: its own home, temp and config under target/, no warnings.
    fn run(&self, inventory: &Path, args: &[&str]) -> String {
        let out = self.output(inventory, args);
        assert!(
            out.status.success(),
            "ansible-inventory {args:?} on {} failed:\n{}",
            inventory.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// ansible-inventory must refuse this too.
    fn refuses(&self, inventory: &Path, args: &[&str]) {
        let out = self.output(inventory, args);
        assert!(
            !out.status.success(),
            "ansible-inventory {args:?} read {}",
            inventory.display()
        );
    }

    fn output(&self, inventory: &Path, args: &[&str]) -> std::process::Output {
        let mut line = vec!["-i".to_owned(), inventory.display().to_string()];
        line.extend(args.iter().map(|arg| (*arg).to_owned()));
        self.command(&line).output().unwrap()
    }

    /// ansible-inventory with these arguments, sources included, in `dir`;
    /// it must succeed: its stdout.
    pub(crate) fn run_in(&self, dir: &Path, args: &[String]) -> String {
        let out = self.command(args).current_dir(dir).output().unwrap();
        assert!(
            out.status.success(),
            "ansible-inventory {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn command(&self, args: &[String]) -> std::process::Command {
        let mut command = std::process::Command::new(&self.bin);
        command
            .args(args)
            .env("ANSIBLE_HOME", &self.home)
            .env("ANSIBLE_LOCAL_TEMP", self.home.join("tmp"))
            .env("ANSIBLE_CONFIG", &self.config)
            .env("ANSIBLE_LOCALHOST_WARNING", "False")
            .env("ANSIBLE_INVENTORY_UNPARSED_WARNING", "False")
            .env("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
            .env("ANSIBLE_DEPRECATION_WARNINGS", "False")
            .env("ANSIBLE_NOCOLOR", "1")
            .env_remove("ANSIBLE_VAULT_PASSWORD_FILE")
            .env_remove("ANSIBLE_VAULT_IDENTITY_LIST")
            .env_remove("ANSIBLE_INVENTORY");
        command
    }
}

/// ansible-inventory takes a third of a second to start: fixtures run side by side.
fn each_fixture(check: impl Fn(&Path) + Sync) {
    let files = fixtures();
    std::thread::scope(|scope| {
        for file in &files {
            let check = &check;
            scope.spawn(move || check(file));
        }
    });
}

pub(crate) fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("not JSON ({err}):\n{text}"))
}

/// `deploy -i INVENTORY inventory ARGS...`, which must succeed: its stdout.
fn deploy_ok(inventory: &Path, args: &[&str]) -> String {
    deploy()
        .arg("-i")
        .arg(inventory)
        .arg("inventory")
        .args(args)
        .status(0)
        .run()
        .stdout
}

#[test]
fn list_equals_ansible_inventory_on_every_fixture() {
    let Some(ansible) = ansible() else { return };
    each_fixture(|file| {
        let ours = json(&deploy_ok(file, &["--list"]));
        let theirs = json(&ansible.run(file, &["--list"]));
        assert_eq!(ours, theirs, "--list differs on {}", file.display());
    });
}

#[test]
fn graph_equals_ansible_inventory_then_shows_roles() {
    let Some(ansible) = ansible() else { return };
    for file in fixtures() {
        let ours = deploy_ok(&file, &["--graph"]);
        let (tree, roles) = ours.split_once("\n\n").expect("graph, blank line, roles");
        assert_eq!(
            tree,
            ansible.run(&file, &["--graph"]).trim_end(),
            "--graph differs on {}",
            file.display()
        );
        assert!(roles.starts_with("roles resolved by deploy:"), "{roles}");
    }
    let file = fixtures()
        .into_iter()
        .find(|f| f.ends_with("features.yml"))
        .unwrap();
    assert_eq!(
        deploy_ok(&file, &["--graph", "prod"])
            .split_once("\n\n")
            .unwrap()
            .0,
        ansible.run(&file, &["--graph", "prod"]).trim_end()
    );
}

#[test]
fn host_equals_ansible_inventory_for_every_host() {
    let Some(ansible) = ansible() else { return };
    each_fixture(|file| {
        let name = file.file_name().unwrap().to_str().unwrap();
        if !(name.starts_with("vmstation") || name.starts_with("types") || name.ends_with(".ini")) {
            return;
        }
        let list = json(&deploy_ok(file, &["--list"]));
        let hosts: Vec<String> = list["_meta"]["hostvars"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        // --list already compares every host's variables; --host is checked
        // on every host of the user's inventories and one host of the others.
        let take = if name.starts_with("vmstation") {
            hosts.len()
        } else {
            1
        };
        for host in hosts.iter().take(take) {
            let ours = json(&deploy_ok(file, &["--host", host]));
            assert_eq!(
                ours,
                json(&ansible.run(file, &["--host", host])),
                "--host {host} differs on {}",
                file.display()
            );
        }
    });
}

#[test]
fn limit_equals_ansible_inventory_limit() {
    let Some(ansible) = ansible() else { return };
    let file = fixtures()
        .into_iter()
        .find(|f| f.ends_with("features.yml"))
        .unwrap();
    for pattern in [
        "web",
        "web0*",
        "prod:!edge*",
        "prod,&web",
        "!web",
        "edge1,db-b,plain",
    ] {
        let ours = deploy()
            .arg("-i")
            .arg(&file)
            .args(["--limit", pattern, "inventory", "--list"])
            .status(0)
            .run();
        assert_eq!(
            ours.json(),
            json(&ansible.run(&file, &["--list", "--limit", pattern])),
            "--limit {pattern}"
        );
    }
}

#[test]
fn the_users_inventories_resolve_the_same_roles() {
    for file in fixtures().iter().filter(|f| {
        f.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("vmstation")
    }) {
        let graph = deploy_ok(file, &["--graph"]);
        let roles = graph.split_once("\n\n").unwrap().1;
        assert_eq!(
            roles.trim_end(),
            "roles resolved by deploy:\n  control plane: masternode\n  workers:       storagenodet3500\n  RKE2:          homelab",
            "{}",
            file.display()
        );
    }
}

#[test]
fn metacharacters_are_printed_as_data() {
    let file = fixtures()
        .into_iter()
        .find(|f| f.ends_with("metacharacters.yml"))
        .unwrap();
    let list = json(&deploy_ok(&file, &["--list"]));
    assert_eq!(
        list["_meta"]["hostvars"]["host;rm -rf /"]["ansible_host"],
        "$(touch /tmp/deploy-pwned)"
    );
    assert!(!Path::new("/tmp/deploy-pwned").exists());
}

#[test]
fn verbose_notes_values_shown_as_written() {
    let file = fixtures()
        .into_iter()
        .find(|f| f.ends_with("types.yml"))
        .unwrap();
    deploy()
        .args(["-v", "-i", file.to_str().unwrap()])
        .args(["inventory", "--host", "typed"])
        .status(0)
        .stderr_has("shown as written here, rendered where deploy uses them")
        .stderr_has("typed: templated")
        .stdout_has("{{ groups['all'] | length }}")
        .run();
    deploy()
        .args(["-i", file.to_str().unwrap(), "inventory", "--host", "typed"])
        .stderr_is("")
        .run();
}

/// A bad input: exit 2, one error naming the file, every expected word, a fix.
fn refused(name: &str, content: &[u8], args: &[&str], words: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let mut deploy = deploy()
        .arg("-i")
        .arg(&path)
        .args(args)
        .status(2)
        .stderr_has(&path.display().to_string())
        .stderr_has("\n  fix: ");
    for word in words {
        deploy = deploy.stderr_has(word);
    }
    let err = deploy.run().stderr;
    assert!(err.starts_with("deploy: error: "), "{name}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_inventories_are_usage_errors_with_location_and_fix() {
    let list = &["inventory", "--list"];
    refused(
        "syntax.yml",
        b"all:\n  hosts:\n    a: [1\n",
        list,
        &["syntax.yml:4:1:", "YAML syntax error"],
    );
    refused(
        "syntax.ini",
        b"[g]\nh a='open\n",
        list,
        &["syntax.ini:2:5:", "no closing quotation"],
    );
    refused(
        "section.ini",
        b"[g]\nh\n[g two]\n",
        list,
        &["section.ini:3:1:", "invalid section"],
    );
    refused(
        "list.yml",
        b"all:\n  hosts:\n    - a\n    - b\n",
        list,
        &[
            "list.yml:3:5:",
            "`hosts` of group all must be a mapping",
            "node1:",
        ],
    );
    refused(
        "cycle.yml",
        b"a:\n  children:\n    b:\n      children:\n        a:\n",
        list,
        &["cycle.yml:3:5:", "cycle", "cannot contain itself"],
    );
    refused(
        "cycle.ini",
        b"[a:children]\nb\n[b:children]\na\n",
        list,
        &["cycle.ini:4:1:", "cycle"],
    );
    // ansible-inventory refuses it too: reconciling would put p under all.
    refused(
        "all-under.ini",
        b"[p:children]\nall\n[p]\nh\n",
        list,
        &["all-under.ini:2:1:", "group all cannot be a child of p"],
    );
    refused(
        "range.yml",
        b"g:\n  hosts:\n    node[01:03:\n",
        list,
        &["range.yml:3:5:", "unterminated range"],
    );
    refused(
        "range.ini",
        b"[g]\nnode[01:03\n",
        list,
        &["range.ini:2:1:", "unterminated range"],
    );
    refused(
        "empty.yml",
        b"",
        list,
        &[
            "is empty",
            "-i PATH",
            "DEPLOY_INVENTORY",
            "inventory/example.yml",
        ],
    );
    refused(
        "comments.ini",
        b"# nothing\n\n; here\n",
        list,
        &["is empty"],
    );
    refused(
        "binary.yml",
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
        list,
        &["binary file"],
    );
    refused(
        "latin1.ini",
        b"[g]\nh note=caf\xe9\n",
        list,
        &["latin1.ini:2:", "not UTF-8"],
    );
    refused(
        "huge.yml",
        &vec![b'#'; 5 * 1024 * 1024],
        list,
        &["larger than 4 MiB"],
    );
    refused("scalar.yml", b"just words\n: x\n", list, &["scalar.yml:"]);
    refused(
        "bad.yml",
        b"all:\n  hosts: {a: }\n",
        &["--limit", "b", "inventory", "--list"],
        &["--limit", "`b` matches no host", "did you mean"],
    );
    refused(
        "bad.yml",
        b"all:\n  hosts: {alpha: , beta: }\n",
        &["inventory", "--host", "alpah"],
        &["did you mean alpha"],
    );
    refused(
        "bad.yml",
        b"all:\n  hosts: {a: }\n",
        &["inventory", "--graph", "nope"],
        &["no group nope", "the groups are: all, ungrouped"],
    );
    refused(
        "roles.yml",
        b"all:\n  vars: {deploy_worker_group: muscle}\n  hosts: {a: }\n",
        list,
        &[
            "deploy_worker_group names group muscle",
            "set deploy_worker_group to one of",
        ],
    );
}

#[test]
fn a_missing_inventory_says_how_to_point_at_one() {
    let mut missing = deploy()
        .args(["-i", "/nonexistent/hosts.yml", "inventory", "--list"])
        .status(2);
    for word in [
        "/nonexistent/hosts.yml does not exist",
        "-i PATH",
        "DEPLOY_INVENTORY",
        "inventory/example.yml",
    ] {
        missing = missing.stderr_has(word);
    }
    missing.run();
    deploy()
        .env("DEPLOY_INVENTORY", "/nonexistent/env.ini")
        .args(["inventory", "--list"])
        .status(2)
        .stderr_has("/nonexistent/env.ini does not exist")
        .run();
}

#[test]
fn the_example_inventory_reads_in_the_users_shape() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory/example.yml");
    let graph = deploy_ok(&example, &["--graph"]);
    for group in ["@monitoring_nodes:", "@storage_nodes:", "@compute_nodes:"] {
        assert!(graph.contains(group), "{graph}");
    }
    let list = json(&deploy_ok(&example, &["--list"]));
    for vars in list["_meta"]["hostvars"].as_object().unwrap().values() {
        assert!(
            vars["ansible_host"]
                .as_str()
                .unwrap()
                .starts_with("192.0.2."),
            "{vars}"
        );
    }
}

/// `groups` groups, each nested in the one before under `children:`, then
/// `leaf` with host h, whose variables are `vars`, indented to fit.
fn nested_chain(groups: usize, vars: &str) -> String {
    let mut text = String::new();
    for g in 0..groups {
        let indent = "    ".repeat(g);
        text.push_str(&format!(
            "{indent}g{g}:\n{indent}  vars: {{at{g}: {g}}}\n{indent}  children:\n"
        ));
    }
    let indent = "    ".repeat(groups);
    text.push_str(&format!(
        "{indent}leaf:\n{indent}  hosts:\n{indent}    h:\n"
    ));
    for line in vars.lines() {
        text.push_str(&format!("{indent}      {line}\n"));
    }
    text
}

/// `levels` mappings, each the only value of the one above.
fn nested_value(levels: usize) -> String {
    (0..levels)
        .map(|level| format!("{}k{level}:\n", "  ".repeat(level)))
        .collect::<String>()
        + &"  ".repeat(levels)
        + "leaf\n"
}

/// A chain of `groups` groups in INI, a host at the bottom.
fn ini_chain(groups: usize) -> String {
    let mut text: String = (0..groups)
        .map(|g| format!("[g{g}:children]\ng{}\n", g + 1))
        .collect();
    text.push_str(&format!("[g{groups}]\nbottom\n"));
    text
}

#[test]
fn deep_inventories_read_as_ansible_inventory_reads_them() {
    let Some(ansible) = ansible() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Ansible's loader gives up past about 160 levels of variables and 240
    // nested groups; these are as deep as it goes, and deeper than deploy
    // once took.
    let cases = [
        (
            "vars.yml",
            nested_chain(2, &format!("deep:\n{}", indent(&nested_value(150)))),
        ),
        ("groups.yml", nested_chain(200, "v: 1")),
        ("chain.ini", ini_chain(900)),
    ];
    for (name, text) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        for args in [&["--list"][..], &["--graph"], &["--host", "h"]] {
            if name == "chain.ini" && args[0] == "--host" {
                continue;
            }
            let ours = deploy_ok(&file, args);
            let theirs = ansible.run(&file, args);
            // As text: serde_json reads no deeper than 128 levels.
            let ours = match args[0] {
                "--graph" => ours.split_once("\n\n").unwrap().0.to_owned(),
                _ => ours,
            };
            assert_eq!(ours.trim_end(), theirs.trim_end(), "{name} {args:?}");
        }
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

#[test]
fn deeper_than_ansible_inventory_reads_is_refused_by_both_with_the_line() {
    let Some(ansible) = ansible() else { return };
    let dir = tempfile::tempdir().unwrap();
    // `all`, its vars, then 998 mappings: 1001 levels, the last at line 1001.
    let deep = format!(
        "all:\n  vars:\n    deep:\n{}",
        indent(&indent(&indent(&nested_value(998))))
    );
    let file = dir.path().join("deep.yml");
    std::fs::write(&file, &deep).unwrap();
    ansible.refuses(&file, &["--list"]);
    refused(
        "deep.yml",
        deep.as_bytes(),
        &["inventory", "--list"],
        &[
            "deep.yml:1001:",
            "more than 1000 levels deep",
            "defined at the top level",
        ],
    );
    let file = dir.path().join("chain.ini");
    std::fs::write(&file, ini_chain(1000)).unwrap();
    ansible.refuses(&file, &["--graph"]);
    refused(
        "chain.ini",
        ini_chain(1000).as_bytes(),
        &["inventory", "--graph"],
        &[
            "--graph cannot draw group all",
            "nest more than 1000 deep",
            "use --list",
        ],
    );
}

#[test]
fn deep_inventories_never_exhaust_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let chain = dir.path().join("chain.ini");
    std::fs::write(&chain, ini_chain(100_000)).unwrap();
    let list = json(&deploy_ok(&chain, &["--list"]));
    assert_eq!(list["g99999"]["children"][0], "g100000");
    assert_eq!(deploy_ok(&chain, &["--host", "bottom"]).trim(), "{}");
    // The deepest YAML that fits in the 4 MiB an inventory may have.
    let deep = nested_value(2000);
    assert!(deep.len() < 4 << 20);
    refused(
        "deep.yml",
        deep.as_bytes(),
        &["inventory", "--list"],
        &["deep.yml:1001:", "1000 levels"],
    );
}
