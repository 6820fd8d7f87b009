//! The I/O half of preflight: the probe sent to each host through the
//! remote layer, failures classified.

use std::time::Duration;

use anyhow::Result;

use super::{Report, gather_and_judge, read_answer, suggest_waking};
use crate::checks::{Answers, ConnectFailure, ConnectKind, Ignore, Probed, catalog};
use crate::cluster::{Cluster, Host};
use crate::exit::Problem;
use crate::messages::remote as say;
use crate::probe::Inputs;
use crate::remote::{Failure, RemoteError, Session, Target};
use crate::ui::{Ui, progress::Progress};

/// The probe's own time: its slowest step is the 2 s endpoint test.
const PROBE_LIMIT: Duration = Duration::from_secs(20);

/// What a preflight run needs from its caller.
pub struct Checker<'a> {
    pub cluster: &'a Cluster,
    pub session: &'a Session,
    pub forks: usize,
    pub ignore: &'a Ignore,
    pub ui: Ui,
    /// With `--wake`: the hosts waking left without an answer, answered
    /// for (asking them again would only wait out the connect timeout).
    /// `None` without `--wake`.
    pub woke: Option<Answers>,
}

/// Probes `hosts` in parallel and judges them. Every host's own trouble is
/// a finding in the report; the only error is Ctrl-C.
pub fn run(ctx: &Checker, hosts: &[&Host]) -> Result<Report> {
    let progress = Progress::new(ctx.ui, &[]);
    let tally = progress.tally(crate::messages::progress::PROBING, hosts.len());
    let report = gather_and_judge(ctx.cluster, hosts, ctx.forks, ctx.ignore, |host, inputs| {
        let _asking = tally.asking(&host.name);
        if let Some(known) = ctx.woke.as_ref().and_then(|woke| woke.get(&host.name)) {
            return known.clone();
        }
        let probed = probe(ctx.session, &host.target, inputs);
        match ctx.woke {
            Some(_) => probed,
            None => suggest_waking(host, probed),
        }
    });
    drop(tally);
    drop(progress);
    // Ctrl-C killed the probes still running: their "failures" are ours,
    // and the run ends as interrupted (130), not as a failed check (1).
    if crate::interrupt::requested() {
        return Err(anyhow::Error::new(Problem::interrupted()).context("preflight was stopped"));
    }
    Ok(report)
}

/// For `deploy all` right after `kubeadm init`: the workers' view of the
/// control plane endpoint, which the first run had to skip. The report
/// holds only that check (and the hosts that could not be asked).
pub fn endpoint_after_init(ctx: &Checker, hosts: &[&Host]) -> Result<Report> {
    let mut report = run(ctx, hosts)?;
    report.checks.retain(|finding| {
        finding.id == catalog::WORKER_ENDPOINT_REACHABLE
            || (finding.id == catalog::HOST_REACHABLE && finding.blocks())
    });
    Ok(report)
}

/// One round trip: the script with its inputs on stdin, the answer parsed.
fn probe(session: &Session, target: &Target, inputs: &Inputs) -> Probed {
    match session.run(target, &inputs.command(), PROBE_LIMIT) {
        Ok(output) if output.success() => read_answer(&output.stdout_text()),
        Ok(output) => Probed::Failed(ConnectFailure {
            kind: ConnectKind::Other,
            advice: say::probe_exited(output.code, &output.stderr_text()),
        }),
        Err(err) => Probed::Failed(classify(&err)),
    }
}

/// The remote layer's typed failure, with its own words and fix (without
/// the host's name: whoever says it names the host).
pub fn classify(err: &anyhow::Error) -> ConnectFailure {
    let Some(remote) = err.downcast_ref::<RemoteError>() else {
        return ConnectFailure {
            kind: ConnectKind::Other,
            advice: say::probe_not_sent(err, crate::exit::fix_of(err)),
        };
    };
    let kind = match remote.failure {
        Failure::Unreachable | Failure::ConnectionLost => ConnectKind::Unreachable,
        Failure::Refused => ConnectKind::Refused,
        Failure::AuthDenied => ConnectKind::AuthDenied,
        Failure::HostKeyUnknown => ConnectKind::HostKeyUnknown,
        Failure::HostKeyChanged => ConnectKind::HostKeyChanged,
        Failure::SudoPassword
        | Failure::SudoWrongPassword
        | Failure::SudoDenied
        | Failure::SudoMissing => ConnectKind::Sudo,
        Failure::TimeLimit => ConnectKind::TimedOut,
    };
    ConnectFailure {
        kind,
        advice: remote.advice().clone(),
    }
}
