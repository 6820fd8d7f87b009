//! Why a vaulted file or value could not be opened, and what is wrong with
//! a vault password's source.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use crate::vault::{BodyFault, Error};

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Header(header) => write!(
                f,
                "{header:?} is not a vault header ansible-vault writes \
                 ($ANSIBLE_VAULT;1.1;AES256 or $ANSIBLE_VAULT;1.2;AES256;ID)"
            ),
            Error::Cipher(cipher) => {
                write!(
                    f,
                    "vault cipher {cipher:?} is not AES256, the only one Ansible uses"
                )
            }
            Error::Body(fault) => {
                let what = match fault {
                    BodyFault::NotHex => "is not hexadecimal",
                    BodyFault::NotThreeParts => "lacks its salt, HMAC or ciphertext",
                    BodyFault::Padding => "has broken padding",
                };
                write!(
                    f,
                    "the vaulted text {what}: it was cut short or edited by hand"
                )
            }
            Error::WrongPassword => {
                f.write_str("the vault password does not open it (or the vaulted text was changed)")
            }
        }
    }
}

impl std::error::Error for Error {}

pub const VAULT_ID_FORM: &str =
    "write --vault-id LABEL@FILE, LABEL@prompt, FILE or prompt (FILE may be an executable)";
pub const GIVE_PASSWORD: &str = "give the vault password with --vault-password-file FILE, \
     --vault-id LABEL@FILE or --ask-vault-pass (or set ANSIBLE_VAULT_PASSWORD_FILE)";
pub const CHECK_PASSWORD: &str = "give the password this was encrypted with; \
     `ansible-vault view` with the same password shows whether it opens";
pub const REENCRYPT: &str =
    "encrypt it again with ansible-vault (encrypt, or encrypt_string for a value)";
pub const PASSWORD_FILE_FIX: &str = "give a readable file holding the password, or an executable \
     that prints it and exits 0";

/// A vaulted variable, as an error names it.
pub fn variable_of(host: &str, variable: &str) -> String {
    format!("variable {variable} of host {host}")
}

pub fn bad_vault_id(text: &str) -> String {
    format!("--vault-id {text:?} is not LABEL@SOURCE or SOURCE")
}

pub fn unreadable(origin: &str, err: &Error) -> String {
    format!("{origin}: {err}")
}

pub fn no_password(origin: &str) -> String {
    format!("{origin} is vaulted, and no vault password was given")
}

pub fn wrong_password(origin: &str, label: Option<&str>, tried: &[&str]) -> String {
    let labelled = label
        .map(|label| format!(" (vault id {label})"))
        .unwrap_or_default();
    format!(
        "{origin}{labelled}: no vault password given opens it (tried: {})",
        tried.join(", ")
    )
}

pub fn not_text(origin: &str) -> String {
    format!("{origin}: the decrypted text is not UTF-8, so it is no inventory text")
}

pub fn password_file_unreadable(path: &Path, err: &std::io::Error) -> String {
    format!("vault password file {}: {err}", path.display())
}

pub fn password_empty(path: &Path) -> String {
    format!(
        "vault password file {} gave an empty password",
        path.display()
    )
}

pub fn script_not_started(path: &Path) -> String {
    format!("running vault password script {}", path.display())
}

pub fn script_too_slow(path: &Path, limit: Duration) -> String {
    format!(
        "vault password script {} did not finish within {}",
        path.display(),
        super::in_words(limit)
    )
}

pub fn script_failed(path: &Path, code: Option<i32>, stderr: &str) -> String {
    let code = code.map_or_else(|| "a signal".to_owned(), |code| format!("exit code {code}"));
    let said = match stderr {
        "" => String::new(),
        text => format!(": {text}"),
    };
    format!(
        "vault password script {} ended with {code}{said}",
        path.display()
    )
}

/// The question on the terminal; `label` is `None` for the default one.
pub fn prompt(label: Option<&str>) -> String {
    match label {
        None => "Vault password: ".to_owned(),
        Some(label) => format!("Vault password ({label}): "),
    }
}

pub fn prompt_failed(err: &std::io::Error) -> String {
    format!("the vault password could not be asked on the terminal: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_says_what_is_wrong() {
        assert_eq!(
            Error::Header("$ANSIBLE_VAULT;1.0;AES".into()).to_string(),
            "\"$ANSIBLE_VAULT;1.0;AES\" is not a vault header ansible-vault writes \
             ($ANSIBLE_VAULT;1.1;AES256 or $ANSIBLE_VAULT;1.2;AES256;ID)"
        );
        assert!(
            Error::Body(BodyFault::NotHex)
                .to_string()
                .contains("cut short")
        );
        assert!(
            Error::WrongPassword
                .to_string()
                .contains("does not open it")
        );
    }
}
