//! The preflight report's own words: its sections, the counts and the
//! verdict `check`, `join` and `all` all say, and the error that stops
//! `join` and `all` before they change anything.

use super::Advice;
use crate::checks::Finding;
use crate::preflight::Counts;

/// The section of the checks on no host in particular.
pub const GENERAL_SECTION: &str = "inventory and this machine";
/// The section of the checks that compare hosts.
pub const ACROSS_SECTION: &str = "across hosts";
/// After a failure that `--ignore-check` turned into a warning.
pub const IGNORED: &str = " (ignored)";

/// What the checks found, counted: "29 passed, 1 warning(s), 1 skipped on
/// 3 host(s)".
pub fn counts(counts: &Counts, hosts: usize) -> String {
    let mut said = vec![format!("{} passed", counts.pass)];
    if counts.warn > 0 {
        let ignored = if counts.ignored > 0 {
            format!(" ({} ignored)", counts.ignored)
        } else {
            String::new()
        };
        said.push(format!("{} warning(s){ignored}", counts.warn));
    }
    if counts.fail > 0 {
        said.push(format!("{} failed", counts.fail));
    }
    if counts.skip > 0 {
        said.push(format!("{} skipped", counts.skip));
    }
    format!("{} on {hosts} host(s)", said.join(", "))
}

/// The verdict before the counts; with no failure, only `--strict` can
/// have made it "not ready".
pub fn verdict(passed: bool, failed: usize) -> &'static str {
    match (passed, failed) {
        (true, _) => "ready",
        (false, 0) => "not ready (--strict: warnings count)",
        (false, _) => "not ready",
    }
}

/// Every failure that stops `join` and `all`, with the first one's fix
/// and the ways on; `None` when nothing blocks.
pub fn blocked(blocking: &[&Finding]) -> Option<Advice> {
    let first = blocking.first()?;
    let mut message = format!(
        "{} preflight check(s) failed, nothing was changed:",
        blocking.len()
    );
    for finding in blocking {
        message.push_str(&format!("\n  ✗ {}: {}", finding.id, finding.message));
    }
    let mut fix = first.hint.clone().unwrap_or_default();
    fix.push_str(&format!(
        "\nrun `deploy check` for the full report; `--ignore-check {}` goes on regardless",
        first.id
    ));
    Some(Advice::new(message, fix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_name_only_what_there_is() {
        let counts_of = |pass, warn, fail, skip, ignored| Counts {
            pass,
            warn,
            fail,
            skip,
            ignored,
        };
        assert_eq!(
            counts(&counts_of(3, 0, 0, 0, 0), 1),
            "3 passed on 1 host(s)"
        );
        assert_eq!(
            counts(&counts_of(2, 1, 1, 1, 1), 2),
            "2 passed, 1 warning(s) (1 ignored), 1 failed, 1 skipped on 2 host(s)"
        );
        assert_eq!(verdict(false, 0), "not ready (--strict: warnings count)");
    }
}
