//! Ansible Vault envelopes, read as ansible-core writes them: the header
//! `$ANSIBLE_VAULT;1.1;AES256` (or `1.2;AES256;<vault id>`), then hex of
//! `hex(salt) \n hex(HMAC) \n hex(ciphertext)`. The key is PBKDF2-SHA256
//! (10,000 rounds, 80 bytes: AES key, HMAC key, counter), the HMAC is
//! SHA-256 over the ciphertext, the cipher AES-256 in CTR mode over
//! PKCS#7-padded text. The same for whole files and inline `!vault` values.

use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type Aes256Ctr = ctr::Ctr128BE<Aes256>;

/// What every vaulted text starts with.
pub const PREFIX: &str = "$ANSIBLE_VAULT;";
const ROUNDS: u32 = 10_000;
const KEY_LEN: usize = 32;
const BLOCK: usize = 16;

/// Why an envelope could not be read or opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The first line is not a vault header Ansible writes (quoted).
    Header(String),
    /// A cipher other than AES256 (Ansible writes no other).
    Cipher(String),
    /// The body is not what Ansible writes: cut short or edited.
    Body(BodyFault),
    /// The HMAC does not match: the password is not this vault's (or the
    /// ciphertext was changed).
    WrongPassword,
}

/// What is wrong with an envelope's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    NotHex,
    NotThreeParts,
    Padding,
}

/// Whether `text` is vaulted (a whole file or an inline value).
pub fn is_vaulted(text: &str) -> bool {
    text.trim_start().starts_with(PREFIX)
}

/// A parsed envelope: nothing decrypted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The label of a 1.2 envelope (`--vault-id LABEL@...`).
    pub vault_id: Option<String>,
    salt: Vec<u8>,
    mac: Vec<u8>,
    ciphertext: Vec<u8>,
}

impl Envelope {
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim_start();
        let (header, body) = text.split_once('\n').unwrap_or((text, ""));
        let header = header.trim_end();
        let fields: Vec<&str> = header.split(';').collect();
        let (cipher, vault_id) = match fields.as_slice() {
            ["$ANSIBLE_VAULT", "1.1", cipher] => (*cipher, None),
            ["$ANSIBLE_VAULT", "1.2", cipher, id] if !id.is_empty() => {
                (*cipher, Some((*id).to_owned()))
            }
            _ => return Err(Error::Header(header.to_owned())),
        };
        if cipher != "AES256" {
            return Err(Error::Cipher(cipher.to_owned()));
        }
        let hex_body: String = body.split_whitespace().collect();
        let inner = hex::decode(hex_body).map_err(|_| Error::Body(BodyFault::NotHex))?;
        let mut parts = inner.splitn(3, |byte| *byte == b'\n');
        let mut next = || -> Result<Vec<u8>, Error> {
            let part = parts.next().ok_or(Error::Body(BodyFault::NotThreeParts))?;
            hex::decode(part.trim_ascii()).map_err(|_| Error::Body(BodyFault::NotHex))
        };
        let (salt, mac, ciphertext) = (next()?, next()?, next()?);
        Ok(Self {
            vault_id,
            salt,
            mac,
            ciphertext,
        })
    }

    /// The plaintext, when `password` is this vault's.
    pub fn decrypt(&self, password: &[u8]) -> Result<Vec<u8>, Error> {
        let keys = Keys::derive(password, &self.salt);
        if keys.mac(&self.ciphertext).verify_slice(&self.mac).is_err() {
            return Err(Error::WrongPassword);
        }
        let mut text = self.ciphertext.clone();
        keys.cipher().apply_keystream(&mut text);
        let pad = usize::from(*text.last().ok_or(Error::Body(BodyFault::Padding))?);
        let padded = (1..=BLOCK).contains(&pad)
            && pad <= text.len()
            && text[text.len() - pad..]
                .iter()
                .all(|b| usize::from(*b) == pad);
        if !padded {
            return Err(Error::Body(BodyFault::Padding));
        }
        text.truncate(text.len() - pad);
        Ok(text)
    }
}

/// The three values PBKDF2 gives from a password and a salt.
struct Keys([u8; 2 * KEY_LEN + BLOCK]);

impl Keys {
    fn derive(password: &[u8], salt: &[u8]) -> Self {
        let mut derived = [0u8; 2 * KEY_LEN + BLOCK];
        pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, ROUNDS, &mut derived);
        Self(derived)
    }

    fn cipher(&self) -> Aes256Ctr {
        let (key, rest) = self.0.split_at(KEY_LEN);
        let counter = &rest[KEY_LEN..];
        Aes256Ctr::new(key.into(), counter.into())
    }

    fn mac(&self, ciphertext: &[u8]) -> Hmac<Sha256> {
        let key = &self.0[KEY_LEN..2 * KEY_LEN];
        // HMAC takes a key of any length: this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(ciphertext);
        mac
    }
}

/// ansible-vault's own envelopes, for the tests of whatever opens them.
#[cfg(test)]
pub(crate) mod fixtures {
    /// `ansible-vault encrypt_string --vault-password-file` (ansible-core
    /// 2.19) with the password `lab-vault-pass`, of `s3cret-sudo`.
    pub const V11: &str = "$ANSIBLE_VAULT;1.1;AES256
          39376466333936653838353038623264643166646161363837363561363664353538373164363964
          3266653431666665346365346331363662393435613230650a393738356330663234613662346132
          61323162643430353932313966386538333832643061363933383936623363653938376330623337
          6230626639383137620a326635613061663934393062643838383731633036306631346636313435
          3764";
    /// The same with `--vault-id homelab@FILE`, of "multi\nline value\n".
    pub const V12: &str = "$ANSIBLE_VAULT;1.2;AES256;homelab
37343335383863613034643133616138336566373363323536346533636637643030343235623565
3764626435653762646630363564373735386664316665380a306439333564646262333935383330
35333936613830373662323664373963356635303837383532663933353139663833373535376438
6539316138306537350a626530353662383131323035326266353835303263366361386130343737
38616633323836366162353261663163656266363332653235633638663664313363
";
    pub const PASSWORD: &[u8] = b"lab-vault-pass";
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use super::fixtures::{PASSWORD, V11, V12};

    /// The other direction, for round trips: deploy itself never encrypts.
    fn encrypt(plain: &[u8], password: &[u8], salt: &[u8]) -> String {
        let keys = Keys::derive(password, salt);
        let pad = BLOCK - plain.len() % BLOCK;
        let mut text = plain.to_vec();
        text.extend(std::iter::repeat_n(pad as u8, pad));
        keys.cipher().apply_keystream(&mut text);
        let mac = keys.mac(&text).finalize().into_bytes();
        let inner = format!(
            "{}\n{}\n{}",
            hex::encode(salt),
            hex::encode(mac),
            hex::encode(&text)
        );
        format!("$ANSIBLE_VAULT;1.1;AES256\n{}\n", hex::encode(inner))
    }

    #[test]
    fn ansibles_own_envelopes_open_with_its_password() {
        let v11 = Envelope::parse(V11).unwrap();
        assert_eq!(v11.vault_id, None);
        assert_eq!(v11.decrypt(PASSWORD).unwrap(), b"s3cret-sudo");
        let v12 = Envelope::parse(V12).unwrap();
        assert_eq!(v12.vault_id.as_deref(), Some("homelab"));
        assert_eq!(v12.decrypt(PASSWORD).unwrap(), b"multi\nline value\n");
    }

    #[test]
    fn a_wrong_password_is_told_apart_from_a_damaged_envelope() {
        let v11 = Envelope::parse(V11).unwrap();
        assert_eq!(v11.decrypt(b"lab-vault-pas"), Err(Error::WrongPassword));
        let odd = &V11[..V11.len() - 3];
        assert_eq!(Envelope::parse(odd), Err(Error::Body(BodyFault::NotHex)));
        // A whole line lost: the HMAC no longer matches, as with Ansible.
        let short = Envelope::parse(V11.trim_end_matches("3764")).unwrap();
        assert_eq!(short.decrypt(PASSWORD), Err(Error::WrongPassword));
        assert_eq!(
            Envelope::parse("$ANSIBLE_VAULT;1.1;AES256\n61620a6364\n"),
            Err(Error::Body(BodyFault::NotThreeParts))
        );
        assert_eq!(
            Envelope::parse("$ANSIBLE_VAULT;1.0;AES\nab"),
            Err(Error::Header("$ANSIBLE_VAULT;1.0;AES".into()))
        );
        assert_eq!(
            Envelope::parse("$ANSIBLE_VAULT;1.1;DES\nab"),
            Err(Error::Cipher("DES".into()))
        );
    }

    #[test]
    fn vaulted_text_is_recognised_by_its_prefix() {
        assert!(is_vaulted(V11));
        assert!(is_vaulted("\n  $ANSIBLE_VAULT;1.2;AES256;x\n"));
        assert!(!is_vaulted("ANSIBLE_VAULT"));
    }

    proptest! {
        #[test]
        fn anything_parses_or_fails_without_a_panic(text in "\\PC{0,300}") {
            let _ = Envelope::parse(&text);
            let _ = Envelope::parse(&format!("$ANSIBLE_VAULT;1.1;AES256\n{text}"));
        }
    }

    // Each case derives keys: 0.2 s unoptimised, so fewer cases.
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn hex_bodies_of_any_shape_fail_without_a_panic(
            salt in proptest::collection::vec(any::<u8>(), 0..40),
            mac in proptest::collection::vec(any::<u8>(), 0..40),
            text in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let inner = format!("{}\n{}\n{}", hex::encode(salt), hex::encode(mac), hex::encode(text));
            let envelope = format!("$ANSIBLE_VAULT;1.1;AES256\n{}", hex::encode(inner));
            let parsed = Envelope::parse(&envelope).unwrap();
            prop_assert!(parsed.decrypt(b"x").is_err());
        }

        #[test]
        fn what_is_encrypted_comes_back(
            plain in proptest::collection::vec(any::<u8>(), 0..100),
            password in proptest::collection::vec(any::<u8>(), 1..20),
            salt in proptest::collection::vec(any::<u8>(), 32),
        ) {
            let envelope = Envelope::parse(&encrypt(&plain, &password, &salt)).unwrap();
            prop_assert_eq!(envelope.decrypt(&password).unwrap(), plain);
        }
    }
}
