//! What is wrong with the inventory's variables when the cluster model is
//! built from them (the key file's among them): usage errors naming the
//! variable, the host and, where there is one, the fix.

use std::fmt::Display;
use std::path::Path;

use super::Advice;

/// A `*_timeout` written as text that is not a duration: `why` says what
/// was wrong with it and how durations are written.
pub fn timeout_invalid(key: &str, text: &str, why: &str) -> String {
    format!("`{key}: {text}` in the inventory: {why}")
}

/// A `*_timeout` that is not text at all (a list, a map, a bare number).
pub fn timeout_not_text(key: &str, value: &dyn Display) -> String {
    format!("`{key}` in the inventory must be a duration such as 5m, not {value}")
}

/// Above either of them: which host's variable it was.
pub fn reading_timeout(key: &str, host: &str) -> String {
    format!("reading {key} for {host}")
}

/// `rke2_config` is not a map of RKE2 settings.
pub fn rke2_config_not_a_map(value: &dyn Display) -> String {
    format!("`rke2_config` must be a map of RKE2 settings, not {value}")
}

/// Why the map could not be written as YAML.
pub const WRITING_RKE2_CONFIG: &str = "writing the RKE2 config.yaml";

/// `host`'s `rke2_config` cannot become a config.yaml: `why` is the whole
/// chain, the variable named in it.
pub fn rke2_config_invalid(host: &str, why: &anyhow::Error) -> Advice {
    Advice::new(
        format!("{host}: {why:#}"),
        "write rke2_config as a map of RKE2 settings, like `rke2_config: {write-kubeconfig-mode: \"0644\"}`",
    )
}

/// A mirror variable that is not a URL apt or dnf could read.
pub fn mirror_invalid(host: &str, name: &str, value: &str) -> Advice {
    Advice::new(
        format!("{host}: {name} is {value:?}, not a URL"),
        format!(
            "write it as an http(s):// or file:/ URL without spaces or quotes, like {name}: \"{}\"",
            if name.ends_with("key") {
                "https://mirror.example/kubernetes/v1.30/deb/Release.key"
            } else {
                "https://mirror.example/kubernetes/v1.30/deb/"
            }
        ),
    )
}

/// Above the reason `--limit`'s pattern selects nothing, for `inventory
/// --list` as for the commands that build the model: the refusal names the
/// pattern, this the inventory.
pub fn limit(inventory: &Path) -> String {
    format!("applying --limit to {}", inventory.display())
}

/// Why `ansible_ssh_private_key_file` cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFileFault {
    Missing,
    Unreadable,
    NotAFile,
}

/// Without the file ssh goes on with other keys and ends in "Permission
/// denied", as a wrong key does: this names the file instead.
pub fn key_file_unusable(host: &str, path: &Path, fault: KeyFileFault) -> Advice {
    let what = match fault {
        KeyFileFault::Missing => "does not exist",
        KeyFileFault::Unreadable => "cannot be read by this user",
        KeyFileFault::NotAFile => "is not a file",
    };
    let path = path.display();
    Advice::new(
        format!("host {host}: ansible_ssh_private_key_file: {path} {what}"),
        format!(
            "point ansible_ssh_private_key_file at the private key that logs in to {host} (`~/` is your home directory), or make one: `ssh-keygen -t ed25519 -f {path}`, then `ssh-copy-id -i {path} USER@HOST`"
        ),
    )
}

/// `~user/...` in the key file's path, and no home for `user` on this
/// machine (`error`: the passwd lookup itself failed).
pub fn key_file_home_unknown(
    host: &str,
    path: &str,
    user: &str,
    error: Option<&std::io::Error>,
) -> Advice {
    let what = match error {
        None => format!("no user `{user}` on this machine, so `~{user}` has no home directory"),
        Some(err) => format!("the home directory of `{user}` could not be looked up: {err}"),
    };
    Advice::new(
        format!("host {host}: ansible_ssh_private_key_file: {path}: {what}"),
        format!(
            "write the key's path in full, or with `~/` for your own home directory; `~{user}/` needs `{user}` in this machine's passwd database (`getent passwd {user}`)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_that_is_no_url_is_named_with_an_example() {
        let advice = mirror_invalid("masternode", "kubernetes_apt_repo", "not a url");
        assert_eq!(
            advice.message,
            "masternode: kubernetes_apt_repo is \"not a url\", not a URL"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "write it as an http(s):// or file:/ URL without spaces or quotes, like kubernetes_apt_repo: \"https://mirror.example/kubernetes/v1.30/deb/\""
            )
        );
        let key = mirror_invalid("masternode", "kubernetes_apt_key", "x");
        assert!(key.fix.unwrap().ends_with("Release.key\""));
    }

    #[test]
    fn a_bad_timeout_names_the_variable_and_the_host() {
        assert_eq!(
            timeout_invalid("join_timeout", "soon", "expected number"),
            "`join_timeout: soon` in the inventory: expected number"
        );
        assert_eq!(
            timeout_not_text("join_timeout", &"[1]"),
            "`join_timeout` in the inventory must be a duration such as 5m, not [1]"
        );
        assert_eq!(
            reading_timeout("join_timeout", "w1"),
            "reading join_timeout for w1"
        );
    }

    #[test]
    fn a_bad_rke2_config_says_how_to_write_it() {
        let why = anyhow::anyhow!(rke2_config_not_a_map(&"\"x\""));
        assert_eq!(
            rke2_config_invalid("r1", &why),
            Advice::new(
                "r1: `rke2_config` must be a map of RKE2 settings, not \"x\"",
                "write rke2_config as a map of RKE2 settings, like `rke2_config: {write-kubeconfig-mode: \"0644\"}`"
            )
        );
    }

    #[test]
    fn an_unusable_key_file_names_host_variable_path_and_fix() {
        let path = Path::new("/home/me/.ssh/id_k3s");
        let advice = key_file_unusable("w1", path, KeyFileFault::Missing);
        assert_eq!(
            advice.message,
            "host w1: ansible_ssh_private_key_file: /home/me/.ssh/id_k3s does not exist"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "point ansible_ssh_private_key_file at the private key that logs in to w1 (`~/` is your home directory), or make one: `ssh-keygen -t ed25519 -f /home/me/.ssh/id_k3s`, then `ssh-copy-id -i /home/me/.ssh/id_k3s USER@HOST`"
            )
        );
        let unreadable = key_file_unusable("w1", path, KeyFileFault::Unreadable);
        assert!(unreadable.message.ends_with("cannot be read by this user"));
        let directory = key_file_unusable("w1", path, KeyFileFault::NotAFile);
        assert!(directory.message.ends_with("is not a file"));
    }

    #[test]
    fn a_tilde_user_without_a_home_names_host_value_user_and_fix() {
        let advice = key_file_home_unknown("w1", "~ops/.ssh/id", "ops", None);
        assert_eq!(
            advice.message,
            "host w1: ansible_ssh_private_key_file: ~ops/.ssh/id: no user `ops` on this machine, so `~ops` has no home directory"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "write the key's path in full, or with `~/` for your own home directory; `~ops/` needs `ops` in this machine's passwd database (`getent passwd ops`)"
            )
        );
        let error = std::io::Error::from_raw_os_error(libc::EIO);
        let failed = key_file_home_unknown("w1", "~ops/id", "ops", Some(&error));
        assert!(
            failed
                .message
                .ends_with("the home directory of `ops` could not be looked up: Input/output error (os error 5)"),
            "{}",
            failed.message
        );
    }
}
