//! Why a vaulted file or value could not be opened.

use std::fmt;

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
