//! What a join's observations mean, decided without any I/O: the engine
//! feeds in what the remote watch loop reports (kubelet.conf appeared, the
//! job exited, an output line, time passing) and acts on the decisions.
//!
//! The rules are the incident's fix done properly: kubelet.conf appearing is
//! success at once; a non-zero exit is failure at any moment, even after
//! kubelet.conf appeared (within a grace period); neither within the join
//! timeout is a timeout, and the job is left running.

use std::time::{Duration, Instant};

/// One thing the remote watch loop saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A line of the join's standard output.
    Output(String),
    /// A line of the join's standard error.
    Error(String),
    /// /etc/kubernetes/kubelet.conf exists.
    KubeletConf,
    /// The join process ended with this exit code.
    Exited(i32),
    /// The join process is gone and left no exit code (killed with its
    /// wrapper, or the host rebooted).
    Vanished,
}

/// What the engine should do about the join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The worker joined: report it now; keep watching for its exit code.
    Joined,
    /// kubeadm finished cleanly after the worker joined: stop watching.
    Confirmed,
    /// The join failed with this exit code: report it with its stderr.
    Failed(i32),
    /// The join exited 0 yet kubelet.conf never appeared.
    ExitedWithoutKubeletConf,
    /// The join process disappeared without an exit code.
    Vanished,
    /// Neither signal within the join timeout; the job is left running.
    TimedOut,
}

/// How long after kubelet.conf appears we still wait for the join's exit
/// code, so a late non-zero exit is not missed.
pub const GRACE: Duration = Duration::from_secs(10);

/// The state of one worker's join.
#[derive(Debug, Clone)]
pub struct Watcher {
    started: Instant,
    timeout: Duration,
    grace: Duration,
    phase: Option<String>,
    joined_at: Option<Instant>,
    /// When the join exited 0 without kubelet.conf seen yet.
    exited_at: Option<Instant>,
    done: bool,
}

impl Watcher {
    pub fn new(started: Instant, timeout: Duration, grace: Duration) -> Self {
        Self {
            started,
            timeout,
            grace,
            phase: None,
            joined_at: None,
            exited_at: None,
            done: false,
        }
    }

    /// kubeadm's current phase (`kubelet-start`, ...), from its output.
    pub fn phase(&self) -> Option<&str> {
        self.phase.as_deref()
    }

    pub fn joined(&self) -> bool {
        self.joined_at.is_some()
    }

    /// Nothing more to watch.
    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn observe(&mut self, event: Event, now: Instant) -> Option<Decision> {
        if self.done {
            return None;
        }
        match event {
            Event::Output(line) => {
                if let Some(phase) = phase_of(&line) {
                    self.phase = Some(phase.to_string());
                }
                None
            }
            Event::Error(_) => None,
            Event::KubeletConf if self.joined_at.is_none() => {
                self.joined_at = Some(now);
                // Only a clean exit is ever remembered: a failed one ends the
                // watch at once. Joined and exited: nothing left to see.
                if self.exited_at.is_some() {
                    return Some(self.finish(Decision::Joined));
                }
                Some(Decision::Joined)
            }
            Event::KubeletConf => None,
            Event::Vanished => Some(self.finish(Decision::Vanished)),
            Event::Exited(code) if code != 0 => Some(self.finish(Decision::Failed(code))),
            Event::Exited(_) => {
                self.exited_at = Some(now);
                if self.joined_at.is_some() {
                    Some(self.finish(Decision::Confirmed))
                } else {
                    // kubeadm writes kubelet.conf before it exits 0; give the
                    // file the grace period to be seen before calling it odd.
                    None
                }
            }
        }
    }

    /// Time passing with nothing observed.
    pub fn tick(&mut self, now: Instant) -> Option<Decision> {
        if self.done {
            return None;
        }
        if let Some(joined_at) = self.joined_at {
            // Joined, and the exit code did not come within the grace
            // period: the join stands.
            return (now >= joined_at + self.grace).then(|| self.finish(Decision::Confirmed));
        }
        if let Some(exited_at) = self.exited_at {
            return (now >= exited_at + self.grace)
                .then(|| self.finish(Decision::ExitedWithoutKubeletConf));
        }
        (now >= self.started + self.timeout).then(|| self.finish(Decision::TimedOut))
    }

    /// The next moment [`tick`](Self::tick) could decide something.
    pub fn deadline(&self) -> Instant {
        match (self.joined_at, self.exited_at) {
            (Some(joined_at), _) => joined_at + self.grace,
            (None, Some(exited_at)) => exited_at + self.grace,
            (None, None) => self.started + self.timeout,
        }
    }

    fn finish(&mut self, decision: Decision) -> Decision {
        self.done = true;
        decision
    }
}

/// kubeadm prints `[kubelet-start] Writing kubelet configuration ...`: the
/// word in brackets at the start of a line is the phase it is in.
pub fn phase_of(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('[')?;
    let phase = &rest[..rest.find(']')?];
    let valid = !phase.is_empty()
        && phase
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/');
    valid.then_some(phase)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(900);

    fn watcher() -> (Watcher, Instant) {
        let start = Instant::now();
        (Watcher::new(start, TIMEOUT, GRACE), start)
    }

    fn secs(start: Instant, seconds: u64) -> Instant {
        start + Duration::from_secs(seconds)
    }

    #[test]
    fn kubelet_conf_is_success_at_once_and_a_clean_exit_confirms_it() {
        let (mut w, t) = watcher();
        assert_eq!(
            w.observe(Event::KubeletConf, secs(t, 3)),
            Some(Decision::Joined)
        );
        assert!(w.joined() && !w.is_done());
        assert_eq!(
            w.observe(Event::Exited(0), secs(t, 4)),
            Some(Decision::Confirmed)
        );
        assert!(w.is_done());
    }

    #[test]
    fn a_non_zero_exit_fails_at_once_before_kubelet_conf() {
        let (mut w, t) = watcher();
        assert_eq!(
            w.observe(Event::Exited(127), secs(t, 1)),
            Some(Decision::Failed(127))
        );
        assert!(w.is_done());
        assert_eq!(w.observe(Event::KubeletConf, secs(t, 2)), None);
    }

    #[test]
    fn a_non_zero_exit_after_kubelet_conf_still_fails() {
        let (mut w, t) = watcher();
        w.observe(Event::KubeletConf, secs(t, 3));
        assert_eq!(
            w.observe(Event::Exited(1), secs(t, 5)),
            Some(Decision::Failed(1))
        );
    }

    #[test]
    fn joined_without_an_exit_stands_after_the_grace_period() {
        let (mut w, t) = watcher();
        w.observe(Event::KubeletConf, secs(t, 3));
        assert_eq!(w.deadline(), secs(t, 3) + GRACE);
        assert_eq!(w.tick(secs(t, 4)), None);
        assert_eq!(w.tick(secs(t, 3) + GRACE), Some(Decision::Confirmed));
    }

    #[test]
    fn exit_zero_waits_for_kubelet_conf_within_the_grace_period() {
        let (mut w, t) = watcher();
        assert_eq!(w.observe(Event::Exited(0), secs(t, 3)), None);
        assert_eq!(
            w.observe(Event::KubeletConf, secs(t, 4)),
            Some(Decision::Joined)
        );
        assert!(w.is_done());

        let (mut w, t) = watcher();
        w.observe(Event::Exited(0), secs(t, 3));
        assert_eq!(
            w.tick(secs(t, 3) + GRACE),
            Some(Decision::ExitedWithoutKubeletConf)
        );
    }

    #[test]
    fn neither_signal_times_out_at_the_join_timeout_and_not_before() {
        let (mut w, t) = watcher();
        assert_eq!(w.deadline(), t + TIMEOUT);
        assert_eq!(w.tick(t + TIMEOUT - Duration::from_millis(1)), None);
        assert_eq!(w.tick(t + TIMEOUT), Some(Decision::TimedOut));
        assert_eq!(w.tick(t + TIMEOUT), None);
    }

    #[test]
    fn a_vanished_join_fails_at_once() {
        let (mut w, t) = watcher();
        assert_eq!(
            w.observe(Event::Vanished, secs(t, 2)),
            Some(Decision::Vanished)
        );
        assert!(w.is_done());
    }

    #[test]
    fn kubeadm_phases_are_taken_from_its_output() {
        let (mut w, t) = watcher();
        w.observe(
            Event::Output("[preflight] Running pre-flight checks".into()),
            t,
        );
        assert_eq!(w.phase(), Some("preflight"));
        w.observe(Event::Output("W1124 12:00:00 some warning [x]".into()), t);
        w.observe(
            Event::Output("[kubelet-start] Writing kubelet configuration".into()),
            t,
        );
        assert_eq!(w.phase(), Some("kubelet-start"));
    }

    #[test]
    fn phase_lines_are_recognised_strictly() {
        assert_eq!(phase_of("[kubelet-check] Waiting"), Some("kubelet-check"));
        assert_eq!(
            phase_of("[control-plane-join/etcd] x"),
            Some("control-plane-join/etcd")
        );
        assert_eq!(phase_of("[WARNING Swap]: swap is on"), None);
        assert_eq!(phase_of("no brackets"), None);
        assert_eq!(phase_of("[]"), None);
        assert_eq!(phase_of("[unterminated"), None);
    }
}
