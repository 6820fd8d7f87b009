//! Checks every host gets: reached, root (or sudo), and what it runs.

use super::catalog::{HOST_KEYS, HOST_OS, HOST_REACHABLE, HOST_SUDO};
use super::model::{ConnectKind, Probed};
use super::{Finding, Status};
use crate::cluster::Host;
use crate::messages::checks as say;
use crate::probe::Facts;
use crate::remote::Connection;

/// A sudo that fails means the login itself worked, so it is reported as a
/// pass here and a failure of `host.sudo`.
pub fn reachable(spec: &Host, probed: &Probed) -> Vec<Finding> {
    let on = |id, status, text| Finding::new(id, Some(&spec.name), status, text);
    let failure = match probed {
        Probed::Answered { .. } => {
            return vec![on(HOST_REACHABLE, Status::Pass, say::reachable(spec))];
        }
        Probed::Failed(failure) => failure,
    };
    let text = say::unreachable(spec, &failure.advice);
    if failure.kind == ConnectKind::Sudo {
        return vec![
            on(HOST_REACHABLE, Status::Pass, say::reachable(spec)),
            on(HOST_SUDO, Status::Fail, text),
        ];
    }
    vec![on(HOST_REACHABLE, Status::Fail, text)]
}

/// Whether ssh is told to accept any host key: then a first connection to
/// an impostor goes unnoticed (a changed key still fails: see `remote`).
pub fn host_keys(spec: &Host) -> Finding {
    let on = |status, text| Finding::new(HOST_KEYS, Some(&spec.name), status, text);
    let Connection::Ssh(ssh) = spec.target.connection() else {
        return on(Status::Skip, say::host_keys_local(spec));
    };
    match weakened(&ssh.args) {
        Some(setting) => on(Status::Warn, say::host_keys_weakened(spec, setting)),
        None => on(Status::Pass, say::host_keys_checked(spec)),
    }
}

/// The ssh option, among `args`, that turns host-key checking off.
fn weakened(args: &[String]) -> Option<&str> {
    args.iter()
        .map(|arg| arg.trim_start_matches("-o").trim())
        .find(|option| {
            let option = option.to_ascii_lowercase().replace([' ', '\t'], "=");
            option == "stricthostkeychecking=no"
                || option == "stricthostkeychecking=off"
                || option == "userknownhostsfile=/dev/null"
        })
}

/// kubeadm needs root: logged in as root, or `ansible_become`, through
/// which the probe itself ran (so it reports uid 0 when sudo works).
pub fn sudo(spec: &Host, facts: &Facts) -> Finding {
    let (status, text) = match facts.uid {
        Some(0) => (Status::Pass, say::root(spec)),
        Some(uid) => (Status::Fail, say::not_root(spec, uid)),
        None => (Status::Warn, say::uid_unknown(spec)),
    };
    Finding::new(HOST_SUDO, Some(&spec.name), status, text)
}

pub fn os(spec: &Host, facts: &Facts) -> Finding {
    let arch = if facts.arch.is_empty() {
        "unknown architecture"
    } else {
        &facts.arch
    };
    let pretty = match (&facts.os.pretty_name, &facts.os.id) {
        (pretty, _) if !pretty.is_empty() => pretty.clone(),
        (_, id) if !id.is_empty() => format!("{id} {}", facts.os.version_id),
        _ => {
            return Finding::new(
                HOST_OS,
                Some(&spec.name),
                Status::Warn,
                say::os_unknown(spec, arch),
            );
        }
    };
    Finding::new(
        HOST_OS,
        Some(&spec.name),
        Status::Pass,
        say::os(spec, &pretty, arch),
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    #[test]
    fn host_key_checking_switched_off_is_a_warning_naming_the_option() {
        let args = |line: &str| shlex::split(line).unwrap();
        assert_eq!(
            weakened(&args("-o StrictHostKeyChecking=no")),
            Some("StrictHostKeyChecking=no")
        );
        assert_eq!(
            weakened(&args("-oUserKnownHostsFile=/dev/null -o ForwardAgent=no")),
            Some("UserKnownHostsFile=/dev/null")
        );
        assert_eq!(weakened(&args("-o StrictHostKeyChecking=accept-new")), None);
        let mut host = spec("w1", "192.0.2.11", WORKER);
        host.target = Target::from_vars(
            "w1",
            serde_json::json!({"ansible_ssh_common_args": "-o StrictHostKeyChecking=no"})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        let finding = host_keys(&host);
        assert_eq!(finding.status, Status::Warn);
        assert!(
            finding.message.contains("StrictHostKeyChecking=no"),
            "{}",
            finding.message
        );
        assert_eq!(
            finding.hint.as_deref(),
            Some(
                "set `-o StrictHostKeyChecking=accept-new` in ansible_ssh_common_args: new hosts' \
                 keys are recorded, changed ones refused"
            )
        );
        assert_eq!(host_keys(&spec("m", "m", CONTROL)).status, Status::Skip);
    }
    use crate::remote::Target;

    #[test]
    fn a_host_without_an_answer_fails_with_the_failure_own_fix() {
        let m = spec("m", "192.0.2.10", CONTROL);
        for kind in [
            ConnectKind::Unreachable,
            ConnectKind::Refused,
            ConnectKind::AuthDenied,
            ConnectKind::HostKeyUnknown,
            ConnectKind::HostKeyChanged,
            ConnectKind::TimedOut,
            ConnectKind::Other,
        ] {
            let found = reachable(&m, &failed(kind));
            assert_eq!(found.len(), 1, "{kind:?}");
            assert_eq!(
                (found[0].id, found[0].status),
                (HOST_REACHABLE, Status::Fail)
            );
            assert_eq!(
                found[0].message,
                format!("m (192.0.2.10): {FAILED_MESSAGE}")
            );
            assert_eq!(found[0].hint.as_deref(), Some(FAILED_FIX));
        }
    }

    #[test]
    fn a_failing_sudo_is_a_sudo_failure_after_a_good_login() {
        let m = spec("m", "192.0.2.10", CONTROL);
        let found = reachable(&m, &failed(ConnectKind::Sudo));
        assert_eq!(found[0].status, Status::Pass);
        assert_eq!(found[1].id, HOST_SUDO);
        assert_eq!(found[1].status, Status::Fail);
        assert_eq!(found[1].hint.as_deref(), Some(FAILED_FIX));
    }

    #[test]
    fn commands_must_run_as_root() {
        let mut m = spec("m", "192.0.2.10", CONTROL);
        let mut facts = healthy();
        assert_eq!(sudo(&m, &facts).status, Status::Pass);
        facts.uid = Some(1000);
        let finding = sudo(&m, &facts);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .message
                .contains("commands run as uid 1000 without ansible_become")
        );
        m.target = Target::from_vars(
            "m",
            serde_json::json!({"ansible_become": true})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert!(
            sudo(&m, &facts)
                .message
                .contains("uid 1000 even with ansible_become")
        );
        facts.uid = None;
        assert_eq!(sudo(&m, &facts).status, Status::Warn);
    }

    #[test]
    fn the_os_is_reported_and_unknown_is_a_warning() {
        let m = spec("m", "192.0.2.10", CONTROL);
        let mut facts = healthy();
        let finding = os(&m, &facts);
        assert_eq!(
            finding.message,
            "m (192.0.2.10): Debian GNU/Linux 12 (bookworm), x86_64"
        );
        facts.os = Default::default();
        assert_eq!(os(&m, &facts).status, Status::Warn);
    }
}
