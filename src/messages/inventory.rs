//! What is wrong with the inventory's sources as a whole: the sources
//! `deploy` does not read, files in an inventory directory, group_vars/
//! and host_vars/ files, `-e`, and what `deploy` reads but warns about.

use std::path::Path;

pub const VAULT_NOT_TEXT: &str =
    "the !vault tag takes a string: the vaulted text `ansible-vault encrypt_string` prints";

pub fn unsupported_tag(tag: &str) -> String {
    format!("unsupported YAML tag {tag}")
}

/// The fix for a source `deploy` does not run: what Ansible makes of it,
/// written out once as a static inventory.
pub fn write_it_out(path: &Path) -> String {
    format!(
        "write out what Ansible makes of it and give deploy that file:\n\
         ansible-inventory -i {} --list --yaml > hosts.yml",
        path.display()
    )
}

pub fn plugin(name: &str) -> String {
    format!(
        "this configures the inventory plugin {name}; deploy reads static YAML and INI \
         inventories and runs no plugin (constructed groups and keyed_groups included)"
    )
}

pub fn script(path: &Path) -> String {
    format!(
        "{} is an executable inventory script, which deploy does not run",
        path.display()
    )
}

pub fn host_list(text: &str) -> String {
    format!(
        "-i {text} names no file, and Ansible reads a comma in -i as a list of host names, \
         which deploy does not take"
    )
}

pub const HOST_LIST_FIX: &str = "give -i once for each inventory file or directory, \
     or list them in DEPLOY_INVENTORY=hosts.yml,more.yml";

pub fn nothing_in(dir: &Path) -> String {
    format!(
        "inventory directory {} holds no inventory file",
        dir.display()
    )
}

pub const NOTHING_IN_FIX: &str = "put the inventory (YAML or INI) in it, or point -i at the file";

/// Context for a file of a directory no reader takes.
pub fn in_directory(dir: &Path) -> String {
    format!("reading inventory directory {}", dir.display())
}

/// Ansible warns and skips such a file; deploy stops, so that no group or
/// host goes missing unnoticed.
pub const IN_DIRECTORY_FIX: &str = "correct it, move it out of the inventory directory, or give \
     it an extension Ansible skips (.md, .txt, .orig, .bak, .cfg, …)";

pub fn unlistable(dir: &Path, err: &std::io::Error) -> String {
    format!("cannot list directory {}: {err}", dir.display())
}

pub const UNLISTABLE_FIX: &str = "make it readable, or point -i elsewhere";

/// The fix for a variables file (group_vars/, host_vars/, `-e @FILE`)
/// that cannot be read.
pub const VARIABLES_FILE_FIX: &str = "give a YAML or JSON file of variables, or remove it";

pub fn not_a_mapping(what: &str) -> String {
    format!("variables must be a mapping of names to values, not {what}")
}

pub const VARS_FILE_FIX: &str = "write the variables as `name: value`, one per line";

/// A group_vars or host_vars that is a file rather than a directory.
pub fn vars_not_a_directory(path: &Path) -> String {
    format!(
        "{} is not a directory, so no variables are read from it (as in Ansible)",
        path.display()
    )
}

/// How a warning is said on stderr.
pub fn warning(text: &str) -> String {
    format!("deploy: warning: {text}")
}

/// A key written twice in one YAML mapping.
pub fn duplicate_key(place: &str, key: &str) -> String {
    format!(
        "{place}: key {key:?} is written twice in one mapping; the last one counts, as in Ansible"
    )
}

/// How an `-e` is named: never by its text, which may hold a secret.
pub fn extra_vars(number: usize) -> String {
    format!("-e #{number}")
}

pub fn extra_vars_file(path: &str) -> String {
    format!("-e @{path}")
}

pub fn extra_vars_path(number: usize) -> String {
    format!(
        "{} looks like a file name; Ansible asks for an @ before it",
        extra_vars(number)
    )
}

pub const EXTRA_VARS_PATH_FIX: &str = "write -e @FILE to read variables from a file";

pub fn extra_vars_not_a_mapping(origin: &str, what: &str) -> String {
    format!("{origin} is {what}, and extra variables must be a mapping of names to values")
}

pub fn extra_vars_unbalanced(origin: &str) -> String {
    format!("{origin}: a quote or a {{{{ }}}}, {{% %}} or {{# #}} block is not closed")
}

pub fn extra_vars_escape(origin: &str, escape: &str) -> String {
    format!("{origin}: the escape {escape} is not a character deploy can decode")
}

pub const EXTRA_VARS_FIX: &str = "write -e KEY=VALUE (quote values with spaces), \
     -e '{\"key\": \"value\"}' or -e @FILE";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_vars_are_named_by_number_never_by_their_text() {
        assert_eq!(extra_vars(2), "-e #2");
        assert!(extra_vars_path(1).starts_with("-e #1 looks like a file"));
        assert_eq!(
            extra_vars_unbalanced("-e #1"),
            "-e #1: a quote or a {{ }}, {% %} or {# #} block is not closed"
        );
    }

    #[test]
    fn sources_deploy_does_not_run_say_how_to_write_them_out() {
        let fix = write_it_out(Path::new("inv/aws_ec2.yml"));
        assert!(fix.ends_with("ansible-inventory -i inv/aws_ec2.yml --list --yaml > hosts.yml"));
        assert!(plugin("constructed").contains("plugin constructed"));
    }
}
