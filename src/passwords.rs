//! Vault passwords, from where Ansible takes them: `--vault-id LABEL@SOURCE`,
//! `--vault-password-file` (an executable is run and its output used),
//! `--ask-vault-pass`, and their environment variables. Each password is a
//! [`Secret`]; an envelope is opened with the password of its label first,
//! then with every other, as ansible-core does.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::exit::Problem;
use crate::messages::vault as say;
use crate::secret::Secret;
use crate::vault::{Envelope, Error};

/// Asks a question on the terminal, nothing echoed: what was typed.
pub type Ask<'a> = &'a dyn Fn(&str) -> std::io::Result<String>;

/// The label of a password given without one.
pub const DEFAULT_LABEL: &str = "default";
/// How long a password script may take (it may ask a password manager).
const SCRIPT_LIMIT: Duration = Duration::from_secs(120);

/// Where one password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file holding it, or an executable printing it.
    File(PathBuf),
    /// Asked on the terminal.
    Prompt,
}

/// One `--vault-id`: a label and where its password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultId {
    pub label: String,
    pub source: Source,
}

impl VaultId {
    /// `LABEL@SOURCE` or `SOURCE`, where SOURCE is a path or `prompt`.
    pub fn parse(text: &str) -> Result<VaultId> {
        let (label, source) = match text.split_once('@') {
            Some((label, source)) => (label, source),
            None => (DEFAULT_LABEL, text),
        };
        if label.is_empty() || source.is_empty() || label.contains(';') {
            bail!(Problem::usage(say::bad_vault_id(text)).fix(say::VAULT_ID_FORM));
        }
        let source = match source {
            "prompt" => Source::Prompt,
            path => Source::File(PathBuf::from(path)),
        };
        Ok(VaultId {
            label: label.to_owned(),
            source,
        })
    }
}

/// The passwords given, in the order given.
#[derive(Debug, Default)]
pub struct Keyring {
    keys: Vec<Key>,
    /// What each envelope opened to: one vaulted value that many hosts
    /// share costs one key derivation, not one per host.
    opened: std::sync::Mutex<std::collections::HashMap<String, Secret>>,
}

#[derive(Debug)]
struct Key {
    label: String,
    password: Secret,
}

impl Keyring {
    /// Reads every file, runs every script and asks every prompt, now: a
    /// source that gives no password stops here, naming it.
    /// `ask` puts a question on the terminal and returns what was typed.
    pub fn gather(ids: &[VaultId], ask: Ask) -> Result<Keyring> {
        let mut keys = Vec::new();
        for id in ids {
            let password = match &id.source {
                Source::File(path) => from_file(path, &id.label)?,
                Source::Prompt => prompt(&id.label, ask)?,
            };
            keys.push(Key {
                label: id.label.clone(),
                password: Secret::new(password),
            });
        }
        Ok(Keyring {
            keys,
            opened: Default::default(),
        })
    }

    /// Every vault password, for the run's redaction.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.keys.iter().map(|key| &key.password)
    }

    /// Opens vaulted `text` from `origin` (a file, or a variable and its
    /// file): the label's password first, then the others.
    pub fn open(&self, origin: &str, text: &str) -> Result<String> {
        if let Some(plain) = crate::interrupt::lock(&self.opened).get(text) {
            return Ok(plain.expose().to_owned());
        }
        let plain = self.decrypt(origin, text)?;
        crate::interrupt::lock(&self.opened).insert(text.to_owned(), Secret::new(plain.clone()));
        Ok(plain)
    }

    fn decrypt(&self, origin: &str, text: &str) -> Result<String> {
        let envelope = Envelope::parse(text)
            .map_err(|err| Problem::usage(say::unreadable(origin, &err)).fix(say::REENCRYPT))?;
        if self.keys.is_empty() {
            bail!(Problem::usage(say::no_password(origin)).fix(say::GIVE_PASSWORD));
        }
        let label = envelope.vault_id.as_deref();
        let mut order: Vec<&Key> = self
            .keys
            .iter()
            .filter(|key| Some(key.label.as_str()) == label)
            .collect();
        order.extend(
            self.keys
                .iter()
                .filter(|key| Some(key.label.as_str()) != label),
        );
        for key in order {
            match envelope.decrypt(key.password.expose().as_bytes()) {
                Ok(plain) => {
                    return String::from_utf8(plain)
                        .map_err(|_| Problem::usage(say::not_text(origin)).into());
                }
                Err(Error::WrongPassword) => continue,
                Err(err) => {
                    bail!(Problem::usage(say::unreadable(origin, &err)).fix(say::REENCRYPT))
                }
            }
        }
        let labels: Vec<&str> = self.keys.iter().map(|key| key.label.as_str()).collect();
        bail!(Problem::usage(say::wrong_password(origin, label, &labels)).fix(say::CHECK_PASSWORD))
    }
}

/// A password file's text, or an executable's output, without the
/// surrounding whitespace, as Ansible strips it.
fn from_file(path: &Path, label: &str) -> Result<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|err| {
        Problem::usage(say::password_file_unreadable(path, &err)).fix(say::PASSWORD_FILE_FIX)
    })?;
    let text = if meta.is_file() && meta.permissions().mode() & 0o111 != 0 {
        run_script(path, label)?
    } else {
        std::fs::read_to_string(path).map_err(|err| {
            Problem::usage(say::password_file_unreadable(path, &err)).fix(say::PASSWORD_FILE_FIX)
        })?
    };
    let password = text.trim();
    if password.is_empty() {
        bail!(Problem::usage(say::password_empty(path)).fix(say::PASSWORD_FILE_FIX));
    }
    Ok(password.to_owned())
}

/// Runs a password script: its stdout is the password. A `*-client`
/// script is told the label (`--vault-id LABEL`), as Ansible tells it.
fn run_script(path: &Path, label: &str) -> Result<String> {
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("");
    let args: Vec<&str> = match stem.ends_with("-client") {
        true => vec!["--vault-id", label],
        false => Vec::new(),
    };
    let handle = duct::cmd(path, args)
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .start()
        .with_context(|| say::script_not_started(path))?;
    let Some(output) = handle
        .wait_timeout(SCRIPT_LIMIT)
        .context(say::script_not_started(path))?
    else {
        let _ = handle.kill();
        bail!(Problem::usage(say::script_too_slow(path, SCRIPT_LIMIT)).fix(say::PASSWORD_FILE_FIX));
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            Problem::usage(say::script_failed(
                path,
                output.status.code(),
                stderr.trim()
            ))
            .fix(say::PASSWORD_FILE_FIX)
        );
    }
    String::from_utf8(output.stdout.clone())
        .map_err(|_| Problem::usage(say::password_empty(path)).into())
}

fn prompt(label: &str, ask: Ask) -> Result<String> {
    let question = say::prompt(Some(label).filter(|label| *label != DEFAULT_LABEL));
    let password = ask(&question).map_err(|err| match err.kind() {
        std::io::ErrorKind::Interrupted => anyhow::Error::new(Problem::interrupted()),
        _ => Problem::usage(say::prompt_failed(&err))
            .fix(say::GIVE_PASSWORD)
            .into(),
    })?;
    if crate::interrupt::requested() {
        bail!(Problem::interrupted());
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vault::fixtures::{V11, V12};

    fn no_terminal(_: &str) -> std::io::Result<String> {
        Err(std::io::ErrorKind::NotFound.into())
    }

    #[test]
    fn a_prompt_is_asked_its_labels_question_and_its_failures_said() {
        let asked = std::cell::RefCell::new(Vec::new());
        let ask = |question: &str| -> std::io::Result<String> {
            asked.borrow_mut().push(question.to_owned());
            Ok("typed".into())
        };
        let ids = [
            VaultId::parse("prompt").unwrap(),
            VaultId::parse("homelab@prompt").unwrap(),
        ];
        let ring = Keyring::gather(&ids, &ask).unwrap();
        assert!(ring.secrets().all(|secret| secret.expose() == "typed"));
        assert_eq!(
            *asked.borrow(),
            ["Vault password: ", "Vault password (homelab): "]
        );
        let err = Keyring::gather(&ids[..1], &no_terminal).unwrap_err();
        assert_eq!(crate::exit::fix_of(&err), Some(say::GIVE_PASSWORD));
        let interrupted =
            |_: &str| -> std::io::Result<String> { Err(std::io::ErrorKind::Interrupted.into()) };
        let err = Keyring::gather(&ids[..1], &interrupted).unwrap_err();
        assert_eq!(crate::exit::code_of(&err), crate::exit::Code::Interrupted);
    }

    fn keyring(passwords: &[(&str, &str)]) -> Keyring {
        Keyring {
            opened: Default::default(),
            keys: passwords
                .iter()
                .map(|(label, password)| Key {
                    label: (*label).to_owned(),
                    password: Secret::new(*password),
                })
                .collect(),
        }
    }

    #[test]
    fn vault_ids_take_a_label_or_the_default() {
        assert_eq!(
            VaultId::parse("homelab@~/.vault").unwrap(),
            VaultId {
                label: "homelab".into(),
                source: Source::File("~/.vault".into())
            }
        );
        assert_eq!(VaultId::parse("prompt").unwrap().source, Source::Prompt);
        assert_eq!(VaultId::parse("prompt").unwrap().label, DEFAULT_LABEL);
        let err = VaultId::parse("@file").unwrap_err();
        assert_eq!(crate::exit::fix_of(&err), Some(say::VAULT_ID_FORM));
    }

    #[test]
    fn the_right_password_opens_whatever_its_label() {
        let ring = keyring(&[("other", "nope"), ("default", "lab-vault-pass")]);
        assert_eq!(ring.open("group_vars/all.yml", V11).unwrap(), "s3cret-sudo");
        assert_eq!(ring.open("x", V12).unwrap(), "multi\nline value\n");
    }

    #[test]
    fn no_password_and_wrong_passwords_name_the_origin_and_the_fix() {
        let err = Keyring::default()
            .open("vault_pass in group_vars/secrets.yml", V11)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("vault_pass in group_vars/secrets.yml"),
            "{err}"
        );
        assert_eq!(crate::exit::fix_of(&err), Some(say::GIVE_PASSWORD));
        let err = keyring(&[("homelab", "nope")])
            .open("f.yml", V12)
            .unwrap_err();
        assert!(err.to_string().contains("f.yml"), "{err}");
        assert_eq!(crate::exit::fix_of(&err), Some(say::CHECK_PASSWORD));
        let err = keyring(&[("a", "b")])
            .open("f.yml", "$ANSIBLE_VAULT;1.1;AES256\nzz")
            .unwrap_err();
        assert_eq!(crate::exit::fix_of(&err), Some(say::REENCRYPT));
    }

    #[test]
    fn files_are_stripped_and_scripts_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pass");
        std::fs::write(&file, "  lab-vault-pass\n\n").unwrap();
        let script = dir.path().join("vault-client");
        std::fs::write(
            &script,
            "#!/bin/sh\n[ \"$1 $2\" = '--vault-id homelab' ] && echo lab-vault-pass\n",
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
        let failing = dir.path().join("broken");
        std::fs::write(&failing, "#!/bin/sh\necho locked >&2\nexit 3\n").unwrap();
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o700)).unwrap();

        let ids = [
            VaultId {
                label: "default".into(),
                source: Source::File(file),
            },
            VaultId {
                label: "homelab".into(),
                source: Source::File(script),
            },
        ];
        let ring = Keyring::gather(&ids, &no_terminal).unwrap();
        assert!(
            ring.secrets()
                .all(|secret| secret.expose() == "lab-vault-pass")
        );
        let err = Keyring::gather(
            &[VaultId {
                label: "default".into(),
                source: Source::File(failing),
            }],
            &no_terminal,
        )
        .unwrap_err();
        assert!(err.to_string().contains("exit code 3"), "{err}");
        assert!(err.to_string().contains("locked"), "{err}");
        let err = Keyring::gather(
            &[VaultId {
                label: "default".into(),
                source: Source::File(dir.path().join("absent")),
            }],
            &no_terminal,
        )
        .unwrap_err();
        assert_eq!(crate::exit::fix_of(&err), Some(say::PASSWORD_FILE_FIX));
    }
}
