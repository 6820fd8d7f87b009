//! A host as the inventory describes how to reach it: Ansible's connection
//! variables, read once into a [`Target`] so nothing downstream looks at raw
//! variables again.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::{Map, Value};

use super::home::expand_home;
use super::sudo::{Become, BecomePassword};
use super::vars::{bad_var, text};
use crate::exit::Problem;
use crate::messages::cluster::{KeyFileFault, key_file_home_unknown, key_file_unusable};

/// How to reach one inventory host and whom to become there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    name: String,
    connection: Connection,
    sudo: Option<Become>,
}

/// The transport: OpenSSH, or this machine through `sh -c`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Ssh(SshTarget),
    Local,
}

/// Everything `ssh` is told about a host, straight from the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    pub host: String,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub key_file: Option<PathBuf>,
    /// `ansible_ssh_common_args` then `ansible_ssh_extra_args`, split like a shell.
    pub args: Vec<String>,
}

impl Target {
    /// Reads the connection variables of host `name` (its merged host vars).
    /// Mistakes are usage errors naming the host and the variable.
    pub fn from_vars(name: &str, vars: &Map<String, Value>) -> Result<Target> {
        let connection = match text(name, vars, "ansible_connection")?.as_deref() {
            None | Some("ssh") | Some("smart") => Connection::Ssh(ssh_target(name, vars)?),
            Some("local") => Connection::Local,
            Some(other) => {
                return Err(bad_var(
                    name,
                    "ansible_connection",
                    format!("connection `{other}` is not supported"),
                )
                .fix("use `ssh` (the default) or `local`")
                .into());
            }
        };
        let sudo = super::become_vars::read(name, vars)?;
        Ok(Target {
            name: name.to_owned(),
            connection,
            sudo,
        })
    }

    /// A target on this machine, for tests and for callers without an inventory.
    pub fn local(name: &str) -> Target {
        Target {
            name: name.to_owned(),
            connection: Connection::Local,
            sudo: None,
        }
    }

    /// The inventory name, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the host is reached, for messages: `user@host:port` or `local`.
    pub fn address(&self) -> String {
        match &self.connection {
            Connection::Local => "local".into(),
            Connection::Ssh(ssh) => {
                let user = ssh
                    .user
                    .as_deref()
                    .map(|u| format!("{u}@"))
                    .unwrap_or_default();
                match ssh.port {
                    Some(port) => format!("{user}{}:{port}", ssh.host),
                    None => format!("{user}{}", ssh.host),
                }
            }
        }
    }

    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The private key ssh is told to use, when the inventory names one.
    pub fn key_file(&self) -> Option<&Path> {
        match &self.connection {
            Connection::Ssh(ssh) => ssh.key_file.as_deref(),
            Connection::Local => None,
        }
    }

    /// The key file can be read: a usage error naming host, variable and
    /// path otherwise, before ssh would turn it into "Permission denied".
    pub fn check_key_file(&self) -> Result<()> {
        let Some(path) = self.key_file() else {
            return Ok(());
        };
        let fault = match std::fs::File::open(path).and_then(|file| file.metadata()) {
            Ok(meta) if meta.is_file() => return Ok(()),
            Ok(_) => KeyFileFault::NotAFile,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => KeyFileFault::Missing,
            Err(_) => KeyFileFault::Unreadable,
        };
        Err(Problem::usage(key_file_unusable(&self.name, path, fault)).into())
    }

    /// The user commands run as through `sudo`, when the inventory asks for become.
    pub fn become_user(&self) -> Option<&str> {
        self.sudo.as_ref().map(|sudo| sudo.user.as_str())
    }

    /// Whom commands run as through sudo, and with what password.
    pub fn sudo(&self) -> Option<&Become> {
        self.sudo.as_ref()
    }

    /// Sets the become password (a templated or decrypted value, say),
    /// whatever the inventory's variables gave. Nothing without become.
    pub fn set_become_password(&mut self, password: BecomePassword) {
        if let Some(sudo) = &mut self.sudo {
            sudo.password = Some(password);
        }
    }

    /// Gives `password` (`-K`'s) to a host that becomes and whose inventory
    /// gives none: the inventory's wins, even empty, as in Ansible.
    pub fn offer_become_password(&mut self, password: &BecomePassword) {
        if let Some(sudo) = &mut self.sudo
            && sudo.password.is_none()
        {
            sudo.password = Some(password.clone());
        }
    }
}

fn ssh_target(name: &str, vars: &Map<String, Value>) -> Result<SshTarget> {
    let host = text(name, vars, "ansible_host")?.unwrap_or_else(|| name.to_owned());
    // A host starting with `-` would be read by ssh as an option; anything
    // but a name or an address (`;`, spaces, quotes) is a mistake.
    let host_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_' | '%');
    if host.is_empty() || host.starts_with('-') || !host.chars().all(host_char) {
        return Err(
            bad_var(name, "ansible_host", format!("`{host}` is not a host name"))
                .fix("set ansible_host to the host's name or IP address")
                .into(),
        );
    }
    let port = match text(name, vars, "ansible_port")? {
        None => None,
        Some(port) => Some(
            port.parse::<u16>()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| {
                    bad_var(
                        name,
                        "ansible_port",
                        format!("`{port}` is not a port number"),
                    )
                    .fix("use a number from 1 to 65535")
                })?,
        ),
    };
    let user = text(name, vars, "ansible_user")?;
    let user_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '$');
    if let Some(user) = &user
        && (user.is_empty() || user.starts_with('-') || !user.chars().all(user_char))
    {
        return Err(
            bad_var(name, "ansible_user", format!("`{user}` is not a user name"))
                .fix("set ansible_user to the login name on the host")
                .into(),
        );
    }
    let key_file = match text(name, vars, "ansible_ssh_private_key_file")? {
        Some(path) => Some(expand_home(&path).map_err(|unknown| {
            Problem::usage(key_file_home_unknown(
                name,
                &path,
                &unknown.user,
                unknown.error.as_ref(),
            ))
        })?),
        None => None,
    };
    let mut args = Vec::new();
    for var in ["ansible_ssh_common_args", "ansible_ssh_extra_args"] {
        if let Some(line) = text(name, vars, var)? {
            args.extend(shlex::split(&line).ok_or_else(|| {
                bad_var(name, var, format!("`{line}` has an unterminated quote"))
                    .fix("quote ssh arguments as you would in a shell")
            })?);
        }
    }
    Ok(SshTarget {
        host,
        port,
        user,
        key_file,
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::{Code, code_of};
    use serde_json::json;

    fn vars(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn ssh(target: &Target) -> &SshTarget {
        match target.connection() {
            Connection::Ssh(ssh) => ssh,
            Connection::Local => panic!("expected ssh"),
        }
    }

    #[test]
    fn the_name_is_the_host_when_nothing_else_is_given() {
        let target = Target::from_vars("node1", &Map::new()).unwrap();
        assert_eq!(ssh(&target).host, "node1");
        assert_eq!(target.address(), "node1");
        assert_eq!(target.become_user(), None);
    }

    #[test]
    fn a_key_file_must_exist_and_be_readable() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("id_ed25519");
        std::fs::write(&key, "key").unwrap();
        let target = |path: &Path| {
            Target::from_vars(
                "w1",
                &vars(json!({ "ansible_ssh_private_key_file": path.to_str().unwrap() })),
            )
            .unwrap()
        };
        target(&key).check_key_file().unwrap();
        assert!(Target::local("here").check_key_file().is_ok());
        let missing = dir.path().join("id_k3s");
        let err = target(&missing).check_key_file().unwrap_err();
        assert_eq!(code_of(&err), Code::Usage);
        assert!(
            format!("{err:#}").contains("id_k3s does not exist"),
            "{err:#}"
        );
        let err = target(dir.path()).check_key_file().unwrap_err();
        assert!(format!("{err:#}").contains("is not a file"), "{err:#}");
    }

    #[test]
    fn connection_variables_are_honoured() {
        let target = Target::from_vars(
            "homelab",
            &vars(json!({
                "ansible_host": "192.0.2.62",
                "ansible_port": 2222,
                "ansible_user": "deployer",
                "ansible_ssh_private_key_file": "~/.ssh/id_k3s",
                "ansible_ssh_common_args": "-o 'UserKnownHostsFile=/tmp/a b' -o StrictHostKeyChecking=yes",
                "ansible_ssh_extra_args": "-v",
                "ansible_become": "yes",
                "ansible_become_method": "sudo",
            })),
        )
        .unwrap();
        let ssh = ssh(&target);
        assert_eq!(ssh.host, "192.0.2.62");
        assert_eq!(ssh.port, Some(2222));
        assert_eq!(target.address(), "deployer@192.0.2.62:2222");
        assert_eq!(
            ssh.args,
            [
                "-o",
                "UserKnownHostsFile=/tmp/a b",
                "-o",
                "StrictHostKeyChecking=yes",
                "-v"
            ]
        );
        assert!(!ssh.key_file.as_ref().unwrap().starts_with("~"));
        assert!(ssh.key_file.as_ref().unwrap().ends_with(".ssh/id_k3s"));
        assert_eq!(target.become_user(), Some("root"));
    }

    #[test]
    fn ports_may_be_text_as_ini_inventories_give_them() {
        let target = Target::from_vars("n", &vars(json!({"ansible_port": "22"}))).unwrap();
        assert_eq!(ssh(&target).port, Some(22));
        for bad in [json!("ssh"), json!(0), json!(70000), json!(["22"])] {
            let err = Target::from_vars("n", &vars(json!({ "ansible_port": bad }))).unwrap_err();
            assert_eq!(code_of(&err), Code::Usage, "{err:#}");
            assert!(format!("{err:#}").contains("host n: ansible_port"));
        }
    }

    #[test]
    fn local_connection_needs_no_ssh() {
        let target =
            Target::from_vars("masternode", &vars(json!({"ansible_connection": "local"}))).unwrap();
        assert_eq!(target.connection(), &Connection::Local);
        assert_eq!(target.address(), "local");
    }

    #[test]
    fn unsupported_connections_are_usage_errors() {
        for (var, value) in [
            ("ansible_connection", "winrm"),
            ("ansible_connection", "docker"),
        ] {
            let err = Target::from_vars("n", &vars(json!({ var: value }))).unwrap_err();
            assert_eq!(code_of(&err), Code::Usage);
            assert!(format!("{err:#}").contains(value));
        }
    }

    #[test]
    fn values_that_ssh_would_read_as_options_are_refused() {
        for (var, value) in [
            ("ansible_host", "-oProxyCommand=touch /tmp/pwned"),
            ("ansible_host", "10.0.0.1;reboot"),
            ("ansible_host", "a b"),
            ("ansible_user", "-oProxyCommand=x"),
            ("ansible_user", "root x"),
            ("ansible_user", "root\n"),
            ("ansible_ssh_common_args", "-o 'unterminated"),
        ] {
            let err = Target::from_vars("n", &vars(json!({ var: value }))).unwrap_err();
            assert_eq!(code_of(&err), Code::Usage, "{var}");
            if var != "ansible_ssh_common_args" {
                assert!(crate::exit::fix_of(&err).is_some(), "{var}: no fix");
            }
        }
        for (var, value) in [
            ("ansible_host", "fe80::1%eth0"),
            ("ansible_host", "node_1.lab"),
            ("ansible_user", "svc-deploy@corp"),
        ] {
            assert!(
                Target::from_vars("n", &vars(json!({ var: value }))).is_ok(),
                "{value}"
            );
        }
    }

    #[test]
    fn another_users_home_comes_from_the_passwd_database() {
        let key = |path: &str| {
            Target::from_vars("w1", &vars(json!({ "ansible_ssh_private_key_file": path })))
        };
        let target = key("~root/.ssh/id_k3s").unwrap();
        assert_eq!(target.key_file(), Some(Path::new("/root/.ssh/id_k3s")));

        let err = key("~no-such-user-here/.ssh/id").unwrap_err();
        assert_eq!(code_of(&err), Code::Usage);
        let text = format!("{err:#}");
        assert!(
            text.contains("host w1: ansible_ssh_private_key_file: ~no-such-user-here/.ssh/id: no user `no-such-user-here`"),
            "{text}"
        );
        assert!(
            crate::exit::fix_of(&err)
                .is_some_and(|fix| fix.contains("getent passwd no-such-user-here")),
            "{err:#}"
        );
    }
}
