//! Waking sleeping hosts before anything asks them: a host that does not
//! answer SSH and has a `wol_mac` gets Wake-on-LAN's magic packet and is
//! waited for, a progress line each, until SSH answers or `--wait` runs
//! out. `deploy wake` is this alone; with `--wake`, `check` runs it before
//! preflight and `join` and `all` as their first phase, so that preflight
//! judges the woken hosts like any other.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::poll::{self, Look};
use super::{Chain, Ctx, Done, Phase};
use crate::artifacts::HostSummary;
use crate::checks::{Answers, ConnectFailure, ConnectKind, Probed};
use crate::cluster::Host;
use crate::config::Config;
use crate::messages::progress::CONNECTING;
use crate::messages::{Advice, Subject, wake as say};
use crate::preflight::pool;
use crate::remote::{Cmd, Failure, RemoteError, Session};
use crate::ui::Ui;
use crate::ui::progress::Progress;
use crate::wol::{self, Mac};

/// A look runs `true`: quick once connected, which `--connect-timeout`
/// bounds.
const LOOK_LIMIT: Duration = Duration::from_secs(10);

/// The packet goes out again this often while a host is awaited: one that
/// was lost, or arrived while the machine was still going to sleep, would
/// otherwise leave it asleep.
const RESEND: Duration = Duration::from_secs(10);

/// What waking needs from its caller.
pub struct Waker<'a> {
    pub session: &'a Session,
    pub ui: Ui,
    pub forks: usize,
    /// `--wait`: how long a woken host has to answer SSH.
    pub wait: Duration,
    /// `--check`: look at each host, send nothing.
    pub dry_run: bool,
}

impl<'a> Waker<'a> {
    /// Waking as this run's configuration says, through `session`.
    pub fn new(config: &Config, session: &'a Session, wait: Duration) -> Self {
        Self {
            session,
            ui: config.ui,
            forks: config.forks,
            wait,
            dry_run: config.dry_run,
        }
    }
}

/// How waking one host ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Woken {
    /// SSH answered before any packet.
    AlreadyUp,
    /// No `wol_mac`: not looked at.
    NoMac,
    /// SSH answered this long after the first packet.
    Woke(Duration),
    /// `--check`: no answer, and no packet sent; why the look failed.
    LeftAsleep(String),
    /// No answer within the wait; why the last look failed.
    Asleep { waited: Duration, last: String },
    /// The packet could not be sent: the socket's error.
    NotSent(String),
}

/// One host and how waking it ended.
#[derive(Debug, Clone)]
pub struct Woke<'h> {
    pub host: &'h Host,
    pub outcome: Woken,
}

impl Woke<'_> {
    /// The word for the table and the summary.
    pub fn result(&self) -> &'static str {
        match self.outcome {
            Woken::AlreadyUp => say::RESULT_UP,
            Woken::NoMac => say::RESULT_NO_MAC,
            Woken::Woke(_) => say::RESULT_WOKEN,
            Woken::LeftAsleep(_) => say::RESULT_WOULD_WAKE,
            Woken::Asleep { .. } => say::RESULT_NOT_WOKEN,
            Woken::NotSent(_) => say::RESULT_NOT_SENT,
        }
    }

    /// From the packet to the answer, or to giving up.
    pub fn elapsed(&self) -> Duration {
        match self.outcome {
            Woken::Woke(took) => took,
            Woken::Asleep { waited, .. } => waited,
            _ => Duration::ZERO,
        }
    }

    /// Why the host is not awake, and what to do; `None` when it is, or
    /// when it has no `wol_mac`.
    pub fn failure(&self) -> Option<Advice> {
        let (mac, to) = target(self.host)?;
        match &self.outcome {
            Woken::AlreadyUp | Woken::NoMac | Woken::Woke(_) => None,
            Woken::LeftAsleep(last) => Some(say::left_asleep(self.host, last)),
            Woken::Asleep { waited, last } => {
                Some(say::did_not_wake(self.host, &mac, &to, *waited, last))
            }
            Woken::NotSent(why) => Some(say::packet_not_sent(&mac, &to, why)),
        }
    }
}

/// The MAC and where its packet goes, when the inventory's settings parse.
fn target(host: &Host) -> Option<(Mac, SocketAddr)> {
    host.wake.as_ref()?.target()
}

/// The hosts of `hosts` that can be woken.
pub fn wakeable<'h>(hosts: &[&'h Host]) -> Vec<&'h Host> {
    hosts
        .iter()
        .copied()
        .filter(|host| target(host).is_some())
        .collect()
}

/// Wakes `hosts` (at most `forks` at once). Every host's own trouble is in
/// its result; the errors are Ctrl-C and a session that cannot run.
pub fn wake<'h>(waker: &Waker, hosts: &[&'h Host]) -> Result<Vec<Woke<'h>>> {
    let names: Vec<&str> = hosts.iter().map(|host| host.name.as_str()).collect();
    let progress = Progress::new(waker.ui, &names);
    let outcomes = pool::map(hosts, waker.forks, |host| one(waker, &progress, host));
    drop(progress);
    hosts
        .iter()
        .zip(outcomes)
        .map(|(host, outcome)| outcome.map(|outcome| Woke { host, outcome }))
        .collect()
}

fn one(waker: &Waker, progress: &Progress, host: &Host) -> Result<Woken> {
    let line = progress.host(&host.name, CONNECTING);
    let Some((mac, to)) = target(host) else {
        line.note(say::NO_MAC);
        return Ok(Woken::NoMac);
    };
    let why = match look(waker.session, host)? {
        Look::Ready(()) => {
            line.succeed(say::ALREADY_UP);
            return Ok(Woken::AlreadyUp);
        }
        Look::Waiting(why) => why,
    };
    if waker.dry_run {
        line.note(&say::would_wake(&to));
        return Ok(Woken::LeftAsleep(why));
    }
    if let Err(err) = wol::send(&mac, to) {
        line.fail(&say::not_sent(&err));
        return Ok(Woken::NotSent(err.to_string()));
    }
    line.set(say::sent(&to));
    let sent = Instant::now();
    let mut last_sent = sent;
    let waited = poll::until(
        waker.wait,
        || {
            if last_sent.elapsed() >= RESEND {
                if let Err(err) = wol::send(&mac, to) {
                    return Ok(Look::Ready(Err(err.to_string())));
                }
                last_sent = Instant::now();
            }
            Ok(match look(waker.session, host)? {
                Look::Ready(()) => Look::Ready(Ok(())),
                Look::Waiting(why) => Look::Waiting(why),
            })
        },
        |_| {},
    )?;
    Ok(match waited {
        Ok(Ok(())) => {
            let took = sent.elapsed();
            line.succeed(&say::woken(took));
            Woken::Woke(took)
        }
        Ok(Err(why)) => {
            line.fail(&say::not_sent(&why));
            Woken::NotSent(why)
        }
        Err(last) => {
            line.fail(&say::not_woken(waker.wait));
            Woken::Asleep {
                waited: waker.wait,
                last,
            }
        }
    })
}

/// Whether SSH answers on `host`: ready when it does, waiting (with ssh's
/// reason) while nothing does.
fn look(session: &Session, host: &Host) -> Result<Look<()>> {
    let Err(err) = session.run(&host.target, &Cmd::argv(["true"]), LOOK_LIMIT) else {
        return Ok(Look::Ready(()));
    };
    match err.downcast_ref::<RemoteError>() {
        Some(remote) if asleep(remote.failure) => {
            Ok(Look::Waiting(remote.advice().message.clone()))
        }
        // Its SSH answered: the host is up, and preflight judges the login.
        Some(_) => Ok(Look::Ready(())),
        None => Err(err),
    }
}

/// A failed look that leaves the host to be woken: nothing answered, or
/// not in time. A refused key, a host key or sudo means SSH answered.
fn asleep(failure: Failure) -> bool {
    failure.retryable() || failure == Failure::TimeLimit
}

/// For preflight after `--wake`: each host left without an answer, with
/// why and what to do, so it is not asked again.
pub fn answers(woke: &[Woke]) -> Answers {
    woke.iter()
        .filter_map(|woke| {
            let advice = woke.failure()?;
            let failure = ConnectFailure {
                kind: ConnectKind::Unreachable,
                advice,
            };
            Some((woke.host.name.clone(), Probed::Failed(failure)))
        })
        .collect()
}

/// `deploy wake`'s verdict: every host that did not wake, with the fix;
/// `None` when each is up (or left asleep by `--check`).
pub fn failures(woke: &[Woke]) -> Option<Advice> {
    let failed: Vec<(&dyn Subject, Advice)> = woke
        .iter()
        .filter(|woke| matches!(woke.outcome, Woken::Asleep { .. } | Woken::NotSent(_)))
        .filter_map(|woke| Some((woke.host as &dyn Subject, woke.failure()?)))
        .collect();
    (!failed.is_empty()).then(|| say::not_all_woken(&failed))
}

/// How many hosts ended each way.
fn summary(woke: &[Woke]) -> String {
    let count = |word: &str| woke.iter().filter(|woke| woke.result() == word).count();
    let words = [
        say::RESULT_WOKEN,
        say::RESULT_UP,
        say::RESULT_WOULD_WAKE,
        say::RESULT_NOT_WOKEN,
        say::RESULT_NOT_SENT,
        say::RESULT_NO_MAC,
    ];
    let counted: Vec<(&str, usize)> = words.iter().map(|word| (*word, count(word))).collect();
    say::counted(&counted)
}

/// `--wake` for `join` and `all`: the first phase. It is read-only in the
/// manager's sense: it comes before the questions (which need preflight's
/// answers) and under `--check` it only looks, sending nothing.
pub struct Wake {
    pub wait: Duration,
}

impl Phase for Wake {
    fn title(&self) -> &'static str {
        "wake"
    }

    fn chain(&self) -> Chain {
        Chain::Common
    }

    fn read_only(&self) -> bool {
        true
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        wakeable(&ctx.cluster.participants(true))
            .is_empty()
            .then(|| say::NOTHING_TO_WAKE.to_owned())
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        Ok(ctx
            .woke
            .iter()
            .flatten()
            .map(|woke| say::plan(&woke.host.name, woke.result()))
            .collect())
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let waker = Waker::new(ctx.config, ctx.session, self.wait);
        let woke = wake(&waker, &wakeable(&ctx.cluster.participants(true)))?;
        let result = summary(&woke);
        ctx.say(&result);
        let hosts = woke
            .iter()
            .map(|woke| HostSummary {
                outcome: None,
                host: woke.host.name.clone(),
                result: woke.result().into(),
                seconds: woke.elapsed().as_secs_f64(),
                detail: woke.failure().map(|advice| advice.message),
                cause: None,
            })
            .collect();
        ctx.woke = Some(woke);
        Ok(Done { result, hosts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{WORKER, spec};
    use crate::cluster::WakeOnLan;

    fn host(mac: Option<&str>) -> Host {
        let mut host = spec("w1", "192.0.2.11", WORKER);
        host.wake =
            mac.and_then(|mac| WakeOnLan::new(Some(mac.into()), Some("192.0.2.255".into()), None));
        host
    }

    #[test]
    fn only_a_host_nothing_answered_for_is_woken() {
        for failure in [
            Failure::Unreachable,
            Failure::Refused,
            Failure::ConnectionLost,
            Failure::TimeLimit,
        ] {
            assert!(asleep(failure), "{failure:?}");
        }
        for failure in [
            Failure::AuthDenied,
            Failure::HostKeyChanged,
            Failure::HostKeyUnknown,
            Failure::SudoPassword,
        ] {
            assert!(!asleep(failure), "{failure:?}");
        }
        let hosts = [
            host(Some("b8:ac:6f:7e:6c:9d")),
            host(None),
            host(Some("junk")),
        ];
        let refs: Vec<&Host> = hosts.iter().collect();
        assert_eq!(wakeable(&refs).len(), 1);
    }

    #[test]
    fn a_host_that_did_not_wake_is_answered_for_with_the_bios_and_ethtool_fix() {
        let w1 = host(Some("b8:ac:6f:7e:6c:9d"));
        let woke = [
            Woke {
                host: &w1,
                outcome: Woken::Asleep {
                    waited: Duration::from_secs(3),
                    last: "cannot be reached over SSH".into(),
                },
            },
            Woke {
                host: &w1,
                outcome: Woken::Woke(Duration::from_millis(2500)),
            },
        ];
        assert_eq!(woke[0].result(), "did not wake");
        assert_eq!(woke[0].elapsed(), Duration::from_secs(3));
        let advice = woke[0].failure().unwrap();
        assert_eq!(
            advice.message,
            "did not wake: no SSH answer within 3 seconds of the Wake-on-LAN packet for \
             b8:ac:6f:7e:6c:9d sent to 192.0.2.255:9 (last: cannot be reached over SSH)"
        );
        let Some(Probed::Failed(failure)) = answers(&woke).remove("w1") else {
            panic!("w1 not answered for");
        };
        assert_eq!(
            (failure.kind, failure.advice),
            (ConnectKind::Unreachable, advice.clone())
        );
        let verdict = failures(&woke).unwrap();
        assert!(
            verdict
                .message
                .starts_with("1 host(s) did not wake:\n  ✗ w1 (192.0.2.11): did not wake")
        );
        assert!(verdict.fix.unwrap().contains("ethtool"));
        assert_eq!(summary(&woke), "1 woken, 1 did not wake");
    }

    #[test]
    fn check_leaves_a_host_asleep_without_failing_and_no_mac_is_no_failure() {
        let w1 = host(Some("b8-ac-6f-7e-6c-9d"));
        let bare = host(None);
        let woke = [
            Woke {
                host: &w1,
                outcome: Woken::LeftAsleep("cannot be reached over SSH".into()),
            },
            Woke {
                host: &bare,
                outcome: Woken::NoMac,
            },
        ];
        assert_eq!(failures(&woke), None);
        assert!(
            woke[0]
                .failure()
                .unwrap()
                .fix
                .unwrap()
                .contains("deploy wake -l w1")
        );
        assert_eq!(woke[1].failure(), None);
        assert_eq!(answers(&woke).len(), 1);
        assert_eq!(summary(&woke), "1 would wake, 1 no wol_mac");
    }
}
