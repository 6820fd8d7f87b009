//! Inventories made of more than one file, as users keep them: group_vars/
//! and host_vars/ beside the inventory, inventory directories, several
//! sources, vault, `-e`, duplicate keys. `--list` and every host's `--host`
//! equal the real ansible-inventory's with the same arguments.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::inventory::{Ansible, ansible, json};
use crate::support::run::deploy;

const PASSWORD: &str = "lab-vault-pass";

/// A vaulted fixture's text (tests/fixtures/vaulted, password `lab-vault-pass`).
fn vaulted(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vaulted");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The files, written under a new directory; a name ending in `/` is an
/// empty directory. The password file `pw` is always there.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), format!("{PASSWORD}\n")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(dir) = name.strip_suffix('/') {
            std::fs::create_dir_all(path.parent().unwrap().join(dir)).unwrap();
            continue;
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

/// `deploy ARGS inventory VIEW…` in `dir`, which must succeed: its stdout.
fn ours(dir: &Path, args: &[&str], view: &[&str]) -> String {
    deploy()
        .current_dir(dir)
        .args(args)
        .arg("inventory")
        .args(view)
        .status(0)
        .run()
        .stdout
}

/// `--list` and each host's `--host` as ansible-inventory prints them with
/// the same arguments; the list, for more checks.
fn same(ansible: &Ansible, dir: &Path, args: &[&str]) -> Value {
    let theirs = |view: &[&str]| {
        let mut line = strings(args);
        line.extend(strings(view));
        json(&ansible.run_in(dir, &line))
    };
    let list = json(&ours(dir, args, &["--list"]));
    assert_eq!(list, theirs(&["--list"]), "--list with {args:?}");
    let hosts: Vec<String> = list["_meta"]["hostvars"]
        .as_object()
        .map(|hosts| hosts.keys().cloned().collect())
        .unwrap_or_default();
    for host in &hosts {
        let view = ["--host", host.as_str()];
        assert_eq!(
            json(&ours(dir, args, &view)),
            theirs(&view),
            "--host {host} with {args:?}"
        );
    }
    list
}

const HOSTS_YML: &str = "\
all:
  vars: {a: inv_all, b: inv_all, c: inv_all, d: inv_all, e: inv_all, f: inv_all}
  children:
    prod:
      vars: {b: inv_prod, p: inv_prod}
      children:
        web:
          vars: {b: inv_web, c: inv_web, d: inv_web}
          hosts:
            h1: {d: inv_h1}
            h2:
    db:
      vars: {ansible_group_priority: 10, c: inv_db}
      hosts:
        h2: {e: inv_h2}
        h3: {inventory_hostname: not_shown, group_names: [x]}
    zz:
      hosts:
        h3:
";

#[test]
fn group_vars_and_host_vars_in_every_form_take_ansibles_precedence() {
    let Some(ansible) = ansible() else { return };
    let dir = tree(&[
        ("inv/hosts.yml", HOSTS_YML),
        (
            "inv/group_vars/all.yml",
            "a: gv_all\nc: gv_all\nf: gv_all\n",
        ),
        // Only the first of NAME, NAME.yml, NAME.yaml, NAME.json is read.
        ("inv/group_vars/all.json", "{\"a\": \"never\"}"),
        ("inv/group_vars/prod", "p: gv_prod\nc: gv_prod\n"),
        ("inv/group_vars/web/01.yml", "c: gv_web_01\nw: [1]\n"),
        ("inv/group_vars/web/02.yaml", "c: gv_web_02\n"),
        ("inv/group_vars/web/deeper/03.json", "{\"w\": {\"n\": 3}}"),
        ("inv/group_vars/web/plain", "plain: yes\n"),
        ("inv/group_vars/web/.hidden.yml", "c: hidden\n"),
        ("inv/group_vars/web/backup.yml~", "c: backup\n"),
        ("inv/group_vars/web/notes.txt", "c: notes\n"),
        ("inv/group_vars/web/skip.d/x.yml", "c: skipped\n"),
        ("inv/group_vars/db.yaml", "c: gv_db\nd: gv_db\n"),
        ("inv/group_vars/db.json", "{\"c\": \"never\"}"),
        ("inv/group_vars/zz.yml", "c: gv_zz\n"),
        ("inv/group_vars/nosuchgroup.yml", "broken: [\n"),
        ("inv/group_vars/empty.yml", ""),
        ("inv/host_vars/h1.yaml", "d: hv_h1\nf: hv_h1\n"),
        ("inv/host_vars/h2/x.yml", "e: hv_h2\n"),
        ("inv/host_vars/h3.json", "{\"ansible_host\": \"192.0.2.3\"}"),
    ]);
    let list = same(&ansible, dir.path(), &["-i", "inv/hosts.yml"]);
    let h2 = &list["_meta"]["hostvars"]["h2"];
    // web is deeper than db, so its files win; any group_vars file wins
    // over the inventory's own group variables, and host_vars over both.
    assert_eq!(
        (&h2["c"], &h2["d"], &h2["e"]),
        (&"gv_web_02".into(), &"gv_db".into(), &"hv_h2".into())
    );
    assert_eq!(list["_meta"]["hostvars"]["h1"]["w"]["n"], 3);
    // db and zz are one level down; db's priority puts it last, so it wins.
    assert_eq!(list["_meta"]["hostvars"]["h3"]["c"], "gv_db");
    same(&ansible, dir.path(), &["-i", "inv"]);
}

#[test]
fn directories_and_repeated_sources_fill_one_inventory() {
    let Some(ansible) = ansible() else { return };
    let dir = tree(&[
        (
            "one/10-hosts.ini",
            "[web]\nw1 v=ini one=1\n[db]\nd1\n[web:vars]\nx=from_ini\n",
        ),
        (
            "one/20-more.yml",
            "web:\n  hosts:\n    w1: {v: yaml}\n    w2:\n  vars: {x: from_yaml}\n",
        ),
        ("one/sub/30-nested", "[db]\nd2 nested=1\n"),
        ("one/sub/group_vars/db.yml", "never: read\n"),
        ("one/README.md", "# notes\n"),
        ("one/hosts.cfg", "not read\n"),
        ("one/old.ini.bak", "[old]\nx\n"),
        ("one/.hidden", "[hidden]\nh\n"),
        ("one/group_vars/web.yml", "gv: one\n"),
        (
            "two/hosts.yml",
            "all:\n  hosts:\n    w1: {v: two}\n    lone:\n",
        ),
        ("two/group_vars/web.yml", "gv: two\n"),
        ("two/host_vars/w1.yml", "hv: two\n"),
    ]);
    let list = same(&ansible, dir.path(), &["-i", "one"]);
    assert_eq!(list["_meta"]["hostvars"]["d2"]["nested"], 1);
    let list = same(&ansible, dir.path(), &["-i", "one", "-i", "two/hosts.yml"]);
    assert_eq!(list["_meta"]["hostvars"]["w1"]["gv"], "two");
    same(&ansible, dir.path(), &["-i", "two/hosts.yml", "-i", "one"]);
    // DEPLOY_INVENTORY as ANSIBLE_INVENTORY: a comma-separated list.
    let env = deploy()
        .current_dir(dir.path())
        .env("DEPLOY_INVENTORY", "one, two/hosts.yml")
        .args(["inventory", "--list"])
        .run()
        .json();
    assert_eq!(env, list);
}

#[test]
fn vaulted_files_and_values_read_as_ansible_reads_them() {
    let Some(ansible) = ansible() else { return };
    let hosts = format!(
        "all:\n  children:\n    web:\n      hosts:\n        h1:\n          plain: text\n          {}\n          u: !unsafe '{{{{ not templated }}}}'\n          ul: !unsafe [a, {{k: b}}]\n",
        vaulted("inline.yml")
            .trim_end()
            .replace('\n', "\n          ")
    );
    let dir = tree(&[
        ("inv/hosts.yml", &hosts),
        ("inv/more.ini", &vaulted("more.ini")),
        (
            "inv/group_vars/all/plain.yml",
            "shared: plain\nsudo: '{{ vault_sudo }}'\n",
        ),
        ("inv/group_vars/all/secrets.yml", &vaulted("secrets.yml")),
        ("inv/host_vars/v1.yml", &vaulted("secrets.yml")),
        ("extra.yml", &vaulted("extra.yml")),
    ]);
    let args = [
        "-i",
        "inv",
        "--vault-id",
        "homelab@pw",
        "--vault-password-file",
        "pw",
        "-e",
        "@extra.yml",
    ];
    let list = same(&ansible, dir.path(), &args);
    let h1 = &list["_meta"]["hostvars"]["h1"];
    assert_eq!(h1["vault_sudo"], "s3cret-sudo");
    assert_eq!(h1["shared"], "from_vaulted_all");
    assert!(
        h1["inline_secret"]["__ansible_vault"]
            .as_str()
            .unwrap()
            .starts_with("$ANSIBLE_VAULT;1.1;AES256\n")
    );
    assert_eq!(h1["u"]["__ansible_unsafe"], "{{ not templated }}");
    assert_eq!(list["_meta"]["hostvars"]["v1"]["x"], 1);
    // The inline value is opened only where it is used: no password is
    // needed to read the inventory around it.
    let inline_only = tree(&[("hosts.yml", &hosts)]);
    same(&ansible, inline_only.path(), &["-i", "hosts.yml"]);
}

#[test]
fn extra_vars_in_every_form_win_over_everything() {
    let Some(ansible) = ansible() else { return };
    let dir = tree(&[
        ("inv/hosts.yml", HOSTS_YML),
        ("inv/host_vars/h1.yml", "a: hv\nk: hv\n"),
        ("vars.yml", "y: yes\nlist: [1, 2]\nk: from_file\n"),
        ("vars.json", "{\"j\": {\"deep\": true}}"),
    ]);
    let list = same(
        &ansible,
        dir.path(),
        &[
            "-i",
            "inv/hosts.yml",
            "-e",
            "a=1 b=\"x y\" c='q' d=\\x41 loose",
            "-e",
            "{\"e\": [1, \"{{ x }}\"], \"n\": null}",
            "-e",
            "{f: yes, g: 1.5, u: !unsafe '{{ y }}'}",
            "-e",
            "@vars.yml",
            "-e",
            "@vars.json",
            "-e",
            "",
            "-e",
            "inventory_hostname=dropped",
        ],
    );
    let h1 = &list["_meta"]["hostvars"]["h1"];
    assert_eq!(
        (&h1["a"], &h1["b"], &h1["d"]),
        (&"1".into(), &"x y".into(), &"A".into())
    );
    assert_eq!(
        (&h1["k"], &h1["_raw_params"]),
        (&"from_file".into(), &"loose".into())
    );
    assert_eq!(list["_meta"]["hostvars"]["h3"]["f"], true);
}

#[test]
fn duplicate_keys_keep_the_last_value_and_are_warned_of() {
    let Some(ansible) = ansible() else { return };
    let text = "all:\n  hosts:\n    a: {x: 1, y: 1}\n    b:\n    a: {x: 2}\ng:\n  hosts: {c: }\ng:\n  hosts: {d: }\n  vars: {v: 1, v: 2}\n";
    let dir = tree(&[("hosts.yml", text), ("group_vars/g.yml", "w: 1\nw: 2\n")]);
    same(&ansible, dir.path(), &["-i", "hosts.yml"]);
    deploy()
        .current_dir(dir.path())
        .args(["-i", "hosts.yml", "inventory", "--list"])
        .stderr_has("deploy: warning: hosts.yml:5:5: key \"a\" is written twice")
        .stderr_has("hosts.yml:8:1: key \"g\"")
        .stderr_has("hosts.yml:10:16: key \"v\"")
        .stderr_has("group_vars/g.yml:2:1: key \"w\"")
        .run();
}

/// deploy refuses: exit 2, every word in the error, a fix.
fn refused(dir: &Path, args: &[&str], words: &[&str]) -> String {
    let mut run = deploy()
        .current_dir(dir)
        .args(args)
        .args(["inventory", "--list"])
        .status(2)
        .stderr_has("\n  fix: ");
    for word in words {
        run = run.stderr_has(word);
    }
    let err = run.run().stderr;
    assert!(err.starts_with("deploy: error: "), "{err}");
    err
}

#[test]
fn sources_deploy_does_not_read_are_refused_with_a_way_out() {
    let dir = tree(&[
        (
            "plugin.yml",
            "plugin: constructed\nstrict: true\ngroups: {web: true}\n",
        ),
        ("script.py", "#!/bin/sh\necho '{}'\n"),
        ("bad/hosts.yml", "all:\n  hosts: {a: }\n"),
        ("bad/broken.yml", "all:\n  hosts: [a\n"),
        ("empty/README.md", "notes\n"),
        ("vaulted.yml", &vaulted("secrets.yml")),
        ("hosts.yml", "all:\n  hosts: {a: }\n"),
        ("wrong", "not the password\n"),
        ("list.yml", "- a\n"),
    ]);
    use std::os::unix::fs::PermissionsExt;
    let script = dir.path().join("script.py");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let d = dir.path();
    refused(
        d,
        &["-i", "plugin.yml"],
        &[
            "plugin.yml:",
            "inventory plugin constructed",
            "ansible-inventory -i plugin.yml --list --yaml > hosts.yml",
        ],
    );
    refused(
        d,
        &["-i", "script.py"],
        &[
            "script.py is an executable inventory script",
            "--list --yaml",
        ],
    );
    refused(
        d,
        &["-i", "hosts.yml,other.yml"],
        &[
            "Ansible reads a comma in -i as a list of host names",
            "DEPLOY_INVENTORY=",
        ],
    );
    refused(
        d,
        &["-i", "bad"],
        &[
            "reading inventory directory bad",
            "bad/broken.yml:",
            "YAML syntax error",
            "extension Ansible skips",
        ],
    );
    refused(
        d,
        &["-i", "empty"],
        &["inventory directory empty holds no inventory file"],
    );
    refused(
        d,
        &["-i", "vaulted.yml"],
        &[
            "vaulted.yml is vaulted, and no vault password was given",
            "--vault-password-file",
        ],
    );
    refused(
        d,
        &["-i", "vaulted.yml", "--vault-password-file", "wrong"],
        &["vaulted.yml: no vault password given opens it"],
    );
    refused(
        d,
        &["-i", "hosts.yml", "-e", "./vars.yml"],
        &["-e #1 looks like a file", "-e @FILE"],
    );
    refused(
        d,
        &["-i", "hosts.yml", "-e", "a=1", "-e", "@list.yml"],
        &["-e @list.yml is a list"],
    );
    refused(
        d,
        &["-i", "hosts.yml", "-e", "k=\"open"],
        &["-e #1: a quote"],
    );
    refused(
        d,
        &["-i", "hosts.yml", "-e", "@absent.yml"],
        &["variables file absent.yml does not exist"],
    );
    let err = refused(
        d,
        &["-i", "hosts.yml", "-e", "secret=\"hunter2"],
        &["-e #1"],
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn origins_name_the_file_each_value_came_from() {
    let dir = tree(&[
        ("inv/hosts.yml", HOSTS_YML),
        ("inv/group_vars/web/01.yml", "c: gv_web\n"),
        ("inv/host_vars/h1.yml", "f: hv\n"),
        ("more.ini", "[web]\nh1 z=1\n"),
    ]);
    let inv = dir.path().join("inv");
    let more = dir.path().join("more.ini");
    let sources: Vec<PathBuf> = vec![inv.clone(), more.clone()];
    let extra = ["g=1".to_owned()];
    let open = |_: &str, _: &str| -> anyhow::Result<String> { unreachable!() };
    let inventory = deploy::inventory::Inventory::load_from(&deploy::inventory::Request {
        sources: &sources,
        extra_vars: &extra,
        open: &open,
    })
    .unwrap();
    let shown = |path: PathBuf| path.display().to_string();
    assert_eq!(
        inventory.origin("h1", "a"),
        Some(shown(inv.join("hosts.yml")).as_str())
    );
    assert_eq!(
        inventory.origin("h1", "c"),
        Some(shown(inv.join("group_vars/web/01.yml")).as_str())
    );
    assert_eq!(
        inventory.origin("h1", "f"),
        Some(shown(inv.join("host_vars/h1.yml")).as_str())
    );
    assert_eq!(inventory.origin("h1", "z"), Some(shown(more).as_str()));
    assert_eq!(inventory.origin("h1", "g"), Some("-e #1"));
    assert_eq!(inventory.origin("h1", "nope"), None);
}

#[test]
fn ask_vault_pass_asks_once_on_the_terminal_and_never_echoes() {
    let dir = tree(&[
        ("hosts.yml", "all:\n  hosts: {h: }\n"),
        ("group_vars/all.yml", &vaulted("secrets.yml")),
    ]);
    let limit = std::time::Duration::from_secs(60);
    let args = ["-J", "-i", "hosts.yml", "inventory", "--host", "h"];
    let screen = crate::pty::run_answering(&args, dir.path(), limit, "Vault password: ", PASSWORD);
    let text = screen.text();
    assert_eq!(screen.code, 0, "{text}");
    assert!(text.contains("\"vault_sudo\": \"s3cret-sudo\""), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert_eq!(text.matches("Vault password").count(), 1, "{text}");
}
