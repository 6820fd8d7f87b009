//! The preflight report's own words: its sections, the counts and the
//! verdict `check`, `join` and `all` all say, and the error that stops
//! `join` and `all` before they change anything.

use serde::Serialize;

use super::Advice;

/// The findings counted by status: `summary` in the JSON report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    /// Warnings that were failures before `--ignore-check`.
    pub ignored: usize,
}

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
/// Each failure is (check id, message, fix).
pub fn blocked(blocking: &[(&str, &str, Option<&str>)]) -> Option<Advice> {
    let &(first_id, _, first_fix) = blocking.first()?;
    let mut message = format!(
        "{} preflight check(s) failed, nothing was changed:",
        blocking.len()
    );
    for (id, said, _) in blocking {
        message.push_str(&format!("\n  ✗ {id}: {said}"));
    }
    let mut fix = first_fix.unwrap_or_default().to_owned();
    fix.push_str(&format!(
        "\nrun `deploy check` for the full report; `--ignore-check {first_id}` goes on regardless"
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
