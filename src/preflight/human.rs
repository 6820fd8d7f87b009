//! The report for people: a table per host, one line per check, the fix
//! under each warning and failure, and a summary line. Colour only through
//! `console::style`, which follows the decision made once in `Ui`.

use std::fmt::Write;

use console::style;

use super::report::{HostInfo, Report};
use crate::checks::{Finding, Status};
use crate::messages::{self, report as say};

/// The whole report as text, ending with a newline.
pub fn render(report: &Report, strict: bool) -> String {
    let mut out = String::new();
    let width = report.checks.iter().map(|f| f.id.len()).max().unwrap_or(0);
    let general: Vec<&Finding> = report
        .checks
        .iter()
        .filter(|f| f.host.is_none() && !f.id.starts_with("cluster."))
        .collect();
    section(&mut out, say::GENERAL_SECTION, "", &general, width);
    for host in &report.hosts {
        let findings: Vec<&Finding> = report
            .checks
            .iter()
            .filter(|f| f.host.as_deref() == Some(host.name.as_str()))
            .collect();
        section(&mut out, &heading(host), &prefix(host), &findings, width);
    }
    let across: Vec<&Finding> = report
        .checks
        .iter()
        .filter(|f| f.host.is_none() && f.id.starts_with("cluster."))
        .collect();
    section(&mut out, say::ACROSS_SECTION, "", &across, width);
    out.push_str(&summary_line(report, strict));
    out.push('\n');
    out
}

fn heading(host: &HostInfo) -> String {
    let mut heading = messages::who(&host.name, &host.address);
    if let (Some(os), Some(arch)) = (&host.os, &host.arch) {
        heading.push_str(&format!("  {}", style(format!("{os}, {arch}")).dim()));
    }
    heading
}

/// The host's own name starts most of its messages; under its heading
/// that is said already.
fn prefix(host: &HostInfo) -> String {
    format!("{} ", messages::host_line(&host.name, &host.address))
}

fn section(out: &mut String, title: &str, prefix: &str, findings: &[&Finding], width: usize) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", style(title).bold());
    for finding in findings {
        let message = finding
            .message
            .strip_prefix(prefix)
            .unwrap_or(&finding.message);
        let ignored = if finding.ignored { say::IGNORED } else { "" };
        let _ = writeln!(
            out,
            "  {} {:width$}  {message}{ignored}",
            marker(finding.status),
            finding.id,
        );
        if let Some(hint) = &finding.hint {
            for line in messages::fix_lines("      ", style("fix:").cyan(), hint) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out.push('\n');
}

fn marker(status: Status) -> console::StyledObject<&'static str> {
    match status {
        Status::Pass => style("✓").green(),
        Status::Warn => style("!").yellow().bold(),
        Status::Fail => style("✗").red().bold(),
        Status::Skip => style("-").dim(),
    }
}

/// What the checks found, counted: "29 passed, 1 warning(s), 1 skipped on
/// 3 host(s)". `join` and `all` say it too.
pub fn counts(report: &Report) -> String {
    say::counts(&report.counts(), report.hosts.len())
}

fn summary_line(report: &Report, strict: bool) -> String {
    let passed = report.passed(strict);
    let verdict = style(say::verdict(passed, report.counts().fail)).bold();
    let verdict = if passed {
        verdict.green()
    } else {
        verdict.red()
    };
    format!("{verdict}: {}", counts(report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Advice;

    fn finding(
        id: &'static str,
        host: Option<&str>,
        status: Status,
        message: &str,
        hint: Option<&str>,
    ) -> Finding {
        let advice = Advice {
            message: message.into(),
            fix: hint.map(str::to_owned),
        };
        Finding::new(id, host, status, advice)
    }

    #[test]
    fn a_table_per_host_with_markers_fixes_and_a_summary() {
        console::set_colors_enabled(false);
        let mut ignored = finding(
            "worker.swap",
            Some("w1"),
            Status::Warn,
            "w1 (192.0.2.11): swap is on",
            Some("swapoff -a"),
        );
        ignored.ignored = true;
        let report = Report {
            facts: Default::default(),
            hosts: vec![
                HostInfo {
                    name: "m".into(),
                    address: "192.0.2.10".into(),
                    os: Some("Debian 12".into()),
                    arch: Some("x86_64".into()),
                    reachable: true,
                },
                HostInfo {
                    name: "w1".into(),
                    address: "192.0.2.11".into(),
                    os: None,
                    arch: None,
                    reachable: true,
                },
            ],
            checks: vec![
                finding(
                    "inventory.control-plane",
                    None,
                    Status::Pass,
                    "control plane: m",
                    None,
                ),
                finding(
                    "control-plane.kubeadm",
                    Some("m"),
                    Status::Fail,
                    "kubeadm not found on the control plane m (192.0.2.10)",
                    Some("install kubeadm\napt-get install -y kubeadm"),
                ),
                ignored,
                finding(
                    "worker.endpoint-reachable",
                    Some("w1"),
                    Status::Skip,
                    "w1 (192.0.2.11): later",
                    None,
                ),
                finding(
                    "cluster.clock-skew",
                    None,
                    Status::Pass,
                    "clocks agree",
                    None,
                ),
            ],
        };
        let text = render(&report, false);
        let expected = "\
inventory and this machine
  ✓ inventory.control-plane    control plane: m

m (192.0.2.10)  Debian 12, x86_64
  ✗ control-plane.kubeadm      kubeadm not found on the control plane m (192.0.2.10)
      fix: install kubeadm
           apt-get install -y kubeadm

w1 (192.0.2.11)
  ! worker.swap                swap is on (ignored)
      fix: swapoff -a
  - worker.endpoint-reachable  later

across hosts
  ✓ cluster.clock-skew         clocks agree

not ready: 2 passed, 1 warning(s) (1 ignored), 1 failed, 1 skipped on 2 host(s)
";
        assert_eq!(text, expected);
    }
}
