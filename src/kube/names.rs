//! The shapes Kubernetes accepts for what the inventory names: node names,
//! label keys and values, taints, and the version kubeadm is told. Checked
//! before any host is touched, because each ends up in a tool's arguments
//! or configuration; `messages::checks` says what a [`Flaw`] means.

/// What is wrong with a value, and in which part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flaw {
    pub part: Part,
    pub defect: Defect,
}

/// The part of a value a flaw is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Whole,
    /// A label's or taint's key, before `/` when it has a prefix.
    Prefix,
    /// The key's name, after `/` when there is a prefix.
    Name,
    Value,
    Effect,
}

/// How a part departs from the shape it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    Empty,
    TooLong {
        max: usize,
    },
    /// A character the part may not hold.
    Character(char),
    /// It must start and end with a letter or digit.
    Edge,
    /// A label without `=`.
    NoValue,
    /// A taint without `:Effect`.
    NoEffect,
    /// An effect other than the three there are.
    UnknownEffect,
    /// A key with more than one `/`.
    Slashes,
    /// A version kubeadm does not accept.
    Version,
}

fn flaw(part: Part, defect: Defect) -> Flaw {
    Flaw { part, defect }
}

/// The longest DNS subdomain, and the longest label name or value.
const SUBDOMAIN_MAX: usize = 253;
const NAME_MAX: usize = 63;

/// A DNS-1123 subdomain: what a node's name must be. Lowercase letters,
/// digits, `-` and `.`, each dot-separated part starting and ending with a
/// letter or digit, at most 253 characters.
pub fn subdomain(text: &str, part: Part) -> Result<(), Flaw> {
    if text.is_empty() {
        return Err(flaw(part, Defect::Empty));
    }
    if text.len() > SUBDOMAIN_MAX {
        return Err(flaw(part, Defect::TooLong { max: SUBDOMAIN_MAX }));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.')))
    {
        return Err(flaw(part, Defect::Character(c)));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if text
        .split('.')
        .any(|piece| !alnum(piece.chars().next()) || !alnum(piece.chars().last()))
    {
        return Err(flaw(part, Defect::Edge));
    }
    Ok(())
}

/// A node's name.
pub fn node_name(name: &str) -> Result<(), Flaw> {
    subdomain(name, Part::Whole)
}

/// A label name or value: at most 63 of letters, digits, `-`, `_` and `.`,
/// starting and ending with a letter or digit; a value may be empty.
fn name_part(text: &str, part: Part) -> Result<(), Flaw> {
    if text.is_empty() {
        return if part == Part::Value {
            Ok(())
        } else {
            Err(flaw(part, Defect::Empty))
        };
    }
    if text.len() > NAME_MAX {
        return Err(flaw(part, Defect::TooLong { max: NAME_MAX }));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(flaw(part, Defect::Character(c)));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(text.chars().next()) || !alnum(text.chars().last()) {
        return Err(flaw(part, Defect::Edge));
    }
    Ok(())
}

/// A label or taint key: an optional DNS subdomain prefix and `/`, then a name.
pub fn key(key: &str) -> Result<(), Flaw> {
    match key.split_once('/') {
        Some((_, name)) if name.contains('/') => Err(flaw(Part::Name, Defect::Slashes)),
        Some((prefix, name)) => {
            subdomain(prefix, Part::Prefix)?;
            name_part(name, Part::Name)
        }
        None => name_part(key, Part::Name),
    }
}

/// A label as the inventory writes it: `key=value` (the value may be empty).
pub fn label(text: &str) -> Result<(), Flaw> {
    let (k, value) = text
        .split_once('=')
        .ok_or_else(|| flaw(Part::Whole, Defect::NoValue))?;
    key(k)?;
    name_part(value, Part::Value)
}

/// What a taint keeps off a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub const ALL: [TaintEffect; 3] = [
        TaintEffect::NoSchedule,
        TaintEffect::PreferNoSchedule,
        TaintEffect::NoExecute,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// A taint: `key=value:Effect` or `key:Effect`, as kubespray's
/// `node_taints` and `kubectl taint` write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: TaintEffect,
}

impl Taint {
    pub fn parse(text: &str) -> Result<Taint, Flaw> {
        let (pair, effect) = text
            .rsplit_once(':')
            .ok_or_else(|| flaw(Part::Whole, Defect::NoEffect))?;
        let effect = TaintEffect::ALL
            .into_iter()
            .find(|known| known.as_str() == effect)
            .ok_or_else(|| flaw(Part::Effect, Defect::UnknownEffect))?;
        let (k, value) = pair.split_once('=').unwrap_or((pair, ""));
        key(k)?;
        name_part(value, Part::Value)?;
        Ok(Taint {
            key: k.to_owned(),
            value: value.to_owned(),
            effect,
        })
    }

    /// As `kubectl taint` and RKE2's `node-taint` take it.
    pub fn text(&self) -> String {
        match self.value.as_str() {
            "" => format!("{}:{}", self.key, self.effect.as_str()),
            value => format!("{}={value}:{}", self.key, self.effect.as_str()),
        }
    }
}

/// A version kubeadm's `--kubernetes-version` (and `kubernetesVersion`)
/// takes, once deploy has written `1.29` as `stable-1.29`: a release
/// (`v1.29.3`, `1.30.0-rc.1`) or a release label (`stable`, `latest-1.29`),
/// either after an optional `release/`, `ci/` or `ci-cross/`.
pub fn kubeadm_version(version: &str) -> Result<(), Flaw> {
    let bad = || flaw(Part::Whole, Defect::Version);
    let label = ["ci-cross/", "ci/", "release/"]
        .into_iter()
        .find_map(|bucket| version.strip_prefix(bucket))
        .unwrap_or(version);
    let bucket_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+');
    if label.is_empty() || !label.chars().all(bucket_chars) {
        return Err(bad());
    }
    if release(label) || release_label(label) {
        Ok(())
    } else {
        Err(bad())
    }
}

/// `v?MAJOR.MINOR.PATCH` without leading zeros, then any of `-_.+` and
/// letters and digits (kubeadm's kubeReleaseRegex).
fn release(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let mut rest = text;
    for position in 0..3 {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let number = &rest[..digits];
        if number.is_empty() || (number.len() > 1 && number.starts_with('0')) {
            return false;
        }
        rest = &rest[digits..];
        if position < 2 {
            let Some(after) = rest.strip_prefix('.') else {
                return false;
            };
            rest = after;
        }
    }
    rest.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+'))
}

/// `stable`, `latest`, `stable-1`, `latest-1.29` (kubeadm's
/// kubeReleaseLabelRegex: a major of one digit, a minor of one or two
/// not starting with 0).
fn release_label(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("stable")
        .or_else(|| text.strip_prefix("latest"))
    else {
        return false;
    };
    let Some(numbers) = rest.strip_prefix('-') else {
        return rest.is_empty();
    };
    let nonzero_digit = |s: &str| s.len() == 1 && s.as_bytes()[0].is_ascii_digit() && s != "0";
    match numbers.split_once('.') {
        None => nonzero_digit(numbers),
        Some((major, minor)) => {
            nonzero_digit(major)
                && matches!(minor.len(), 1 | 2)
                && minor.chars().all(|c| c.is_ascii_digit())
                && !minor.starts_with('0')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(result: Result<(), Flaw>) -> Option<(Part, Defect)> {
        result.err().map(|flaw| (flaw.part, flaw.defect))
    }

    #[test]
    fn node_names_are_dns_subdomains() {
        for good in ["masternode", "storagenodet3500", "w-1.lab", "a", "0"] {
            assert_eq!(node_name(good), Ok(()), "{good}");
        }
        assert_eq!(
            fault(node_name("storage01$(id)")),
            Some((Part::Whole, Defect::Character('$')))
        );
        assert_eq!(
            fault(node_name("Storage")),
            Some((Part::Whole, Defect::Character('S')))
        );
        assert_eq!(
            fault(node_name("under_score")),
            Some((Part::Whole, Defect::Character('_')))
        );
        assert_eq!(fault(node_name("-n")), Some((Part::Whole, Defect::Edge)));
        assert_eq!(fault(node_name("a..b")), Some((Part::Whole, Defect::Edge)));
        assert_eq!(fault(node_name("")), Some((Part::Whole, Defect::Empty)));
        let long = "a".repeat(254);
        assert_eq!(
            fault(node_name(&long)),
            Some((Part::Whole, Defect::TooLong { max: 253 }))
        );
        assert_eq!(node_name(&long[1..]), Ok(()));
    }

    #[test]
    fn labels_are_key_equals_value() {
        for good in [
            "vmstation.io/role=storage",
            "node-role.kubernetes.io/control-plane=",
            "x=ok",
            "A_b.c=Z-9",
        ] {
            assert_eq!(label(good), Ok(()), "{good}");
        }
        assert_eq!(
            fault(label("--dry-run=client")),
            Some((Part::Name, Defect::Edge))
        );
        assert_eq!(
            fault(label("-n=kube-system")),
            Some((Part::Name, Defect::Edge))
        );
        assert_eq!(
            fault(label("x=$(reboot)")),
            Some((Part::Value, Defect::Character('$')))
        );
        assert_eq!(fault(label("x")), Some((Part::Whole, Defect::NoValue)));
        assert_eq!(
            fault(label("Bad.IO/x=1")),
            Some((Part::Prefix, Defect::Character('B')))
        );
        assert_eq!(fault(label("a/b/c=1")), Some((Part::Name, Defect::Slashes)));
        assert_eq!(fault(label("/x=1")), Some((Part::Prefix, Defect::Empty)));
        assert_eq!(fault(label("=1")), Some((Part::Name, Defect::Empty)));
        let long = "v".repeat(64);
        assert_eq!(
            fault(label(&format!("x={long}"))),
            Some((Part::Value, Defect::TooLong { max: 63 }))
        );
        assert_eq!(
            fault(label(&format!("{long}=x"))),
            Some((Part::Name, Defect::TooLong { max: 63 }))
        );
    }

    #[test]
    fn taints_have_a_key_an_optional_value_and_an_effect() {
        let taint = Taint::parse("dedicated=storage:NoSchedule").unwrap();
        assert_eq!(
            (taint.key.as_str(), taint.value.as_str(), taint.effect),
            ("dedicated", "storage", TaintEffect::NoSchedule)
        );
        assert_eq!(taint.text(), "dedicated=storage:NoSchedule");
        let bare = Taint::parse("node.example.com/gpu:PreferNoSchedule").unwrap();
        assert_eq!(bare.value, "");
        assert_eq!(bare.text(), "node.example.com/gpu:PreferNoSchedule");
        assert!(Taint::parse("k=v:NoExecute").is_ok());
        let fault = |text: &str| Taint::parse(text).err().map(|f| (f.part, f.defect));
        assert_eq!(fault("k=v"), Some((Part::Whole, Defect::NoEffect)));
        assert_eq!(
            fault("k=v:noschedule"),
            Some((Part::Effect, Defect::UnknownEffect))
        );
        assert_eq!(
            fault("--overwrite:NoSchedule"),
            Some((Part::Name, Defect::Edge))
        );
        assert_eq!(
            fault("k=a b:NoSchedule"),
            Some((Part::Value, Defect::Character(' ')))
        );
    }

    #[test]
    fn versions_are_what_kubeadm_accepts() {
        for good in [
            "v1.29.3",
            "1.29.3",
            "v1.30.0-rc.1",
            "v1.29.0+abc",
            "stable",
            "latest",
            "stable-1",
            "stable-1.29",
            "latest-1.9",
            "ci/latest",
            "release/stable-1.29",
            "ci/v1.31.0-alpha.1.2+abcdef",
        ] {
            assert_eq!(kubeadm_version(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "1.29",
            "v1.29",
            "1.29.3; rm -rf /",
            "$(id)",
            "--dry-run",
            "01.29.3",
            "stable-1.0",
            "stable-1.100",
            "stable-10.1",
            "nightly",
            "v1.29.3 ",
            "other/v1.29.3",
        ] {
            assert_eq!(
                fault(kubeadm_version(bad)),
                Some((Part::Whole, Defect::Version)),
                "{bad:?}"
            );
        }
    }
}
