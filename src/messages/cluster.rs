//! What is wrong with the inventory's variables when the cluster model is
//! built from them: usage errors naming the variable, the host and, where
//! there is one, the fix.

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

/// Above the reason `--limit`'s pattern selects nothing, for `inventory
/// --list` as for the commands that build the model: the refusal names the
/// pattern, this the inventory.
pub fn limit(inventory: &Path) -> String {
    format!("applying --limit to {}", inventory.display())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
