//! Loading from files: sources, what lies beside them, vaulted files
//! opened through the caller's hook, and each refusal's fix.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Inventory, Request};
use crate::exit::fix_of;
use crate::messages::inventory as say;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Loads `sources` (under `root`); vaulted texts are "opened" by taking
/// what follows the header's line, and each origin asked is recorded.
fn load(root: &Path, sources: &[&str], extra: &[&str]) -> (Result<Inventory>, Vec<String>) {
    let asked = RefCell::new(Vec::new());
    let open = |origin: &str, text: &str| -> Result<String> {
        asked.borrow_mut().push(origin.to_owned());
        Ok(text
            .split_once('\n')
            .map_or("", |(_, rest)| rest)
            .to_owned())
    };
    let sources: Vec<PathBuf> = sources.iter().map(|s| root.join(s)).collect();
    let extra: Vec<String> = extra.iter().map(|e| (*e).to_owned()).collect();
    let loaded = Inventory::load_from(&Request {
        sources: &sources,
        extra_vars: &extra,
        open: &open,
    });
    (loaded, asked.into_inner())
}

#[test]
fn vaulted_files_are_opened_through_the_hook_naming_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            ("hosts.ini", "$ANSIBLE_VAULT;1.1;AES256\n[web]\nw1\n"),
            (
                "group_vars/web.yml",
                "$ANSIBLE_VAULT;1.1;AES256\nsecret: s\n",
            ),
            ("extra.yml", "$ANSIBLE_VAULT;1.1;AES256\ne: 1\n"),
        ],
    );
    let extra = format!("@{}", root.join("extra.yml").display());
    let (inv, asked) = load(root, &["hosts.ini"], &[&extra]);
    let inv = inv.unwrap();
    assert_eq!(inv.host_vars("w1").unwrap()["secret"], "s");
    assert_eq!(inv.host_vars("w1").unwrap()["e"], 1);
    let shown = |name: &str| root.join(name).display().to_string();
    assert_eq!(
        asked,
        [
            shown("hosts.ini"),
            shown("group_vars/web.yml"),
            shown("extra.yml")
        ]
    );
    assert_eq!(
        inv.origin("w1", "secret"),
        Some(shown("group_vars/web.yml").as_str())
    );
}

#[test]
fn a_group_vars_that_is_a_file_is_warned_of_and_read_no_further() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("hosts.yml", "all:\n  hosts: {h: }\n"),
            ("group_vars", "a: 1\n"),
        ],
    );
    let inv = load(dir.path(), &["hosts.yml"], &[]).0.unwrap();
    assert!(inv.host_vars("h").unwrap().is_empty());
    assert_eq!(
        inv.warnings(),
        [say::vars_not_a_directory(&dir.path().join("group_vars"))]
    );
}

#[test]
fn each_refusal_carries_its_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            ("ok.yml", "all:\n  hosts: {h: }\n"),
            ("group_vars/all.yml", "- not a mapping\n"),
            ("plugin/aws_ec2.yml", "plugin: amazon.aws.aws_ec2\n"),
            ("script/inv.sh", "#!/bin/sh\n"),
            ("broken/a.yml", "all: [\n"),
            ("empty/.keep", ""),
        ],
    );
    let script = root.join("script/inv.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    let fix = |sources: &[&str], extra: &[&str]| {
        let err = load(root, sources, extra).0.unwrap_err();
        fix_of(&err).map(str::to_owned).unwrap_or_default()
    };
    assert_eq!(fix(&["ok.yml"], &[]), say::VARS_FILE_FIX);
    let plugin = root.join("plugin/aws_ec2.yml");
    assert_eq!(fix(&["plugin"], &[]), say::write_it_out(&plugin));
    assert_eq!(fix(&["script"], &[]), say::write_it_out(&script));
    assert_eq!(fix(&["broken"], &[]), say::IN_DIRECTORY_FIX);
    assert_eq!(fix(&["empty"], &[]), say::NOTHING_IN_FIX);
    assert_eq!(
        fix(&["plugin/aws_ec2.yml"], &["/etc/vars"]),
        say::write_it_out(&plugin)
    );
    std::fs::remove_file(root.join("group_vars/all.yml")).unwrap();
    assert_eq!(fix(&["ok.yml"], &["/etc/vars"]), say::EXTRA_VARS_PATH_FIX);
    assert_eq!(fix(&["ok.yml"], &["[1]"]), say::EXTRA_VARS_FIX);
    assert_eq!(fix(&["ok.yml"], &["@absent.yml"]), say::VARIABLES_FILE_FIX);
}
