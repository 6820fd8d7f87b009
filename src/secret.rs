//! Secrets (the kubeadm join token) never reach output, logs or errors: the
//! type prints as `******`, and text from hosts is redacted before use.

use std::fmt;

pub const MASK: &str = "******";

/// A value that must not be shown. Only [`Secret::expose`] reveals it, at
/// the one place it is written to a host's stdin.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// `text` with every known secret, and anything shaped like a kubeadm
/// bootstrap token (`[a-z0-9]{6}.[a-z0-9]{16}`), replaced by the mask — so a
/// token from an earlier run, echoed in kubeadm's output, is hidden too.
pub fn redact(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        if !secret.0.is_empty() {
            out = out.replace(&secret.0, MASK);
        }
    }
    mask_tokens(&out)
}

fn mask_tokens(text: &str) -> String {
    let bytes = text.as_bytes();
    let token_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 23 <= bytes.len() {
        let starts_word = i == 0 || !token_char(bytes[i - 1]);
        let ends_word = i + 23 == bytes.len() || !token_char(bytes[i + 23]);
        if starts_word
            && ends_word
            && bytes[i + 6] == b'.'
            && bytes[i..i + 6].iter().all(|&b| token_char(b))
            && bytes[i + 7..i + 23].iter().all(|&b| token_char(b))
        {
            out.push_str(&text[copied..i]);
            out.push_str(MASK);
            i += 23;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let token = Secret::new("abcdef.0123456789abcdef");
        assert_eq!(format!("{token} {token:?}"), "****** ******");
        assert_eq!(token.expose(), "abcdef.0123456789abcdef");
    }

    #[test]
    fn known_secrets_and_token_shapes_are_masked() {
        let token = Secret::new("s3cr3t-value");
        let text = "kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef x s3cr3t-value";
        assert_eq!(
            redact(text, &[&token]),
            "kubeadm join 10.0.0.1:6443 --token ****** x ******"
        );
    }

    #[test]
    fn look_alikes_that_are_not_tokens_stay() {
        for text in [
            "sha256:0123456789abcdef0123456789abcdef",
            "xabcdef.0123456789abcdef",
            "abcdef.0123456789abcdefg",
            "ABCDEF.0123456789ABCDEF",
            "ünïcödé abcdef.012345",
        ] {
            assert_eq!(redact(text, &[]), text);
        }
        assert_eq!(redact("(abcdef.0123456789abcdef)", &[]), "(******)");
    }
}
