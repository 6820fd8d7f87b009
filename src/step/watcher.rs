//! What a long step's observations mean, decided without any I/O: the
//! scheduler feeds in what the remote watch loop reports (the watched file
//! appeared, the job exited, an output line, time passing) and acts on the
//! decisions.
//!
//! For a join these are the incident's fix done properly: kubelet.conf
//! appearing is success at once; a non-zero exit is failure at any moment,
//! even after kubelet.conf appeared (within a grace period); neither within
//! the join timeout is a timeout, and the job is left running — unless the
//! host had stopped answering by then: its join's state is unknown.

use std::time::{Duration, Instant};

use crate::kube::Step;

/// One thing the remote watch loop saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A line of the job's standard output.
    Output(String),
    /// A line of the job's standard error.
    Error(String),
    /// The watched file exists (kubelet.conf for a join).
    FileAppeared,
    /// The job's process ended with this exit code.
    Exited(i32),
    /// The job's process is gone and left no exit code (killed with its
    /// wrapper, or the host rebooted).
    Vanished,
    /// The loop's heartbeat: the host still answers.
    Alive,
}

/// What counts as success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The file appearing, at once; a clean exit waits the grace period for
    /// it, and a non-zero exit within the grace period still fails (joins).
    FileFirst,
    /// A clean exit; the file does not matter (kubeadm init, an installer).
    CleanExit,
    /// The file appearing; a clean exit only means the job started it, so
    /// the file is awaited until the timeout (a service coming up).
    FileAfterStart,
}

impl Rule {
    /// What counts as success for each kind of step.
    pub fn of(step: Step) -> Rule {
        match step {
            Step::Join => Rule::FileFirst,
            // kubeadm init writes admin.conf long before the control plane
            // is up; only its clean exit says it is done.
            Step::Init | Step::Rke2Install | Step::Reset | Step::Rke2Uninstall | Step::Prepare => {
                Rule::CleanExit
            }
            // systemctl can return before the server has written rke2.yaml.
            Step::Rke2Start => Rule::FileAfterStart,
        }
    }
}

/// What the scheduler should do about the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// It worked: report it now. With [`Rule::FileFirst`] the watch goes on
    /// for the exit code until [`Watcher::is_done`].
    Succeeded,
    /// The job finished cleanly after it succeeded: stop watching.
    Confirmed,
    /// It failed with this exit code: report it with its stderr.
    Failed(i32),
    /// The job exited 0, yet the file never appeared.
    ExitedWithoutFile,
    /// The job's process disappeared without an exit code.
    Vanished,
    /// No decision within the timeout; the job is left running.
    TimedOut,
    /// No decision within the timeout, and the host has not answered since
    /// this moment: how the job is doing there is unknown.
    Unreachable(Instant),
}

/// How long after kubelet.conf appears we still wait for the join's exit
/// code, so a late non-zero exit is not missed.
pub const GRACE: Duration = Duration::from_secs(10);

/// The watch loop says something at least every second (its heartbeat);
/// this long without a word, the host is taken to have stopped answering.
pub const SILENCE: Duration = Duration::from_secs(5);

/// The state of one host's step.
#[derive(Debug, Clone)]
pub struct Watcher {
    rule: Rule,
    started: Instant,
    timeout: Duration,
    grace: Duration,
    phase: Option<String>,
    succeeded_at: Option<Instant>,
    /// When the job exited 0 with the file not seen yet.
    exited_at: Option<Instant>,
    exit_code: Option<i32>,
    done: bool,
    /// When the host last answered.
    heard: Instant,
    /// The connection to it was lost and is not back yet.
    lost: bool,
}

impl Watcher {
    pub fn new(rule: Rule, started: Instant, timeout: Duration, grace: Duration) -> Self {
        Self {
            rule,
            started,
            timeout,
            grace,
            phase: None,
            succeeded_at: None,
            exited_at: None,
            exit_code: None,
            done: false,
            heard: started,
            lost: false,
        }
    }

    /// The host answered (the job started, the loop said something).
    pub fn heard(&mut self, now: Instant) {
        self.heard = now;
        self.lost = false;
    }

    /// The connection to the host was lost; it is being made again.
    pub fn lost(&mut self) {
        self.lost = true;
    }

    /// Since when the host has not answered, if it has stopped answering.
    fn unreachable_since(&self, now: Instant) -> Option<Instant> {
        (self.lost || now.saturating_duration_since(self.heard) >= SILENCE).then_some(self.heard)
    }

    /// kubeadm's current phase (`kubelet-start`, ...), from its output.
    pub fn phase(&self) -> Option<&str> {
        self.phase.as_deref()
    }

    /// The job's exit code, once seen.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }

    /// Nothing more to watch.
    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn observe(&mut self, event: Event, now: Instant) -> Option<Decision> {
        if self.done {
            return None;
        }
        self.heard(now);
        match event {
            Event::Alive => None,
            Event::Output(line) => {
                if let Some(phase) = phase_of(&line) {
                    self.phase = Some(phase.to_string());
                }
                None
            }
            Event::Error(_) => None,
            Event::FileAppeared => self.file_appeared(now),
            Event::Exited(code) => {
                self.exit_code = Some(code);
                if code != 0 {
                    return Some(self.finish(Decision::Failed(code)));
                }
                match self.rule {
                    Rule::CleanExit => Some(self.finish(Decision::Succeeded)),
                    Rule::FileFirst if self.succeeded_at.is_some() => {
                        Some(self.finish(Decision::Confirmed))
                    }
                    // A join writes kubelet.conf before it exits 0; give the
                    // file the grace period to be seen before calling it odd.
                    // A service start waits for its file to the timeout.
                    Rule::FileFirst | Rule::FileAfterStart => {
                        self.exited_at = Some(now);
                        None
                    }
                }
            }
            Event::Vanished => Some(self.finish(Decision::Vanished)),
        }
    }

    fn file_appeared(&mut self, now: Instant) -> Option<Decision> {
        match self.rule {
            Rule::CleanExit => None,
            Rule::FileAfterStart => Some(self.finish(Decision::Succeeded)),
            Rule::FileFirst if self.succeeded_at.is_some() => None,
            Rule::FileFirst => {
                self.succeeded_at = Some(now);
                // Only a clean exit is ever remembered: a failed one ends
                // the watch at once. Succeeded and exited: nothing left to see.
                if self.exited_at.is_some() {
                    return Some(self.finish(Decision::Succeeded));
                }
                Some(Decision::Succeeded)
            }
        }
    }

    /// Time passing with nothing observed.
    pub fn tick(&mut self, now: Instant) -> Option<Decision> {
        if self.done || now < self.deadline() {
            return None;
        }
        let decision = match (self.rule, self.succeeded_at, self.exited_at) {
            // Succeeded, and the exit code did not come within the grace
            // period: the success stands.
            (Rule::FileFirst, Some(_), _) => Decision::Confirmed,
            (Rule::FileFirst, None, Some(_)) => Decision::ExitedWithoutFile,
            _ => match self.unreachable_since(now) {
                Some(since) => Decision::Unreachable(since),
                None => Decision::TimedOut,
            },
        };
        Some(self.finish(decision))
    }

    /// The next moment [`tick`](Self::tick) could decide something.
    pub fn deadline(&self) -> Instant {
        match (self.rule, self.succeeded_at, self.exited_at) {
            (Rule::FileFirst, Some(succeeded_at), _) => succeeded_at + self.grace,
            (Rule::FileFirst, None, Some(exited_at)) => exited_at + self.grace,
            _ => self.started + self.timeout,
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
        (Watcher::new(Rule::FileFirst, start, TIMEOUT, GRACE), start)
    }

    fn secs(start: Instant, seconds: u64) -> Instant {
        start + Duration::from_secs(seconds)
    }

    #[test]
    fn kubelet_conf_is_success_at_once_and_a_clean_exit_confirms_it() {
        let (mut w, t) = watcher();
        assert_eq!(
            w.observe(Event::FileAppeared, secs(t, 3)),
            Some(Decision::Succeeded)
        );
        assert!(!w.is_done());
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
        assert_eq!(w.observe(Event::FileAppeared, secs(t, 2)), None);
    }

    #[test]
    fn a_non_zero_exit_after_kubelet_conf_still_fails() {
        let (mut w, t) = watcher();
        w.observe(Event::FileAppeared, secs(t, 3));
        assert_eq!(
            w.observe(Event::Exited(1), secs(t, 5)),
            Some(Decision::Failed(1))
        );
    }

    #[test]
    fn joined_without_an_exit_stands_after_the_grace_period() {
        let (mut w, t) = watcher();
        w.observe(Event::FileAppeared, secs(t, 3));
        assert_eq!(w.deadline(), secs(t, 3) + GRACE);
        assert_eq!(w.tick(secs(t, 4)), None);
        assert_eq!(w.tick(secs(t, 3) + GRACE), Some(Decision::Confirmed));
    }

    #[test]
    fn exit_zero_waits_for_kubelet_conf_within_the_grace_period() {
        let (mut w, t) = watcher();
        assert_eq!(w.observe(Event::Exited(0), secs(t, 3)), None);
        assert_eq!(
            w.observe(Event::FileAppeared, secs(t, 4)),
            Some(Decision::Succeeded)
        );
        assert!(w.is_done());

        let (mut w, t) = watcher();
        w.observe(Event::Exited(0), secs(t, 3));
        assert_eq!(
            w.tick(secs(t, 3) + GRACE),
            Some(Decision::ExitedWithoutFile)
        );
    }

    #[test]
    fn neither_signal_times_out_at_the_join_timeout_and_not_before() {
        let (mut w, t) = watcher();
        assert_eq!(w.deadline(), t + TIMEOUT);
        // Its host answers all along (the loop's heartbeat).
        w.observe(Event::Alive, t + TIMEOUT - Duration::from_secs(1));
        assert_eq!(w.tick(t + TIMEOUT - Duration::from_millis(1)), None);
        assert_eq!(w.tick(t + TIMEOUT), Some(Decision::TimedOut));
        assert_eq!(w.tick(t + TIMEOUT), None);
    }

    #[test]
    fn a_host_silent_or_lost_at_the_timeout_is_unreachable_since_last_heard() {
        let (mut w, t) = watcher();
        w.observe(Event::Alive, secs(t, 10));
        w.lost();
        assert_eq!(
            w.tick(t + TIMEOUT),
            Some(Decision::Unreachable(secs(t, 10)))
        );

        // Lost, then back: it answers again.
        let (mut w, t) = watcher();
        w.lost();
        w.observe(Event::Alive, t + TIMEOUT - SILENCE / 2);
        assert_eq!(w.tick(t + TIMEOUT), Some(Decision::TimedOut));

        // Never lost, but silent (frozen): as good as gone after SILENCE.
        let (mut w, t) = watcher();
        w.observe(Event::Output("[preflight] x".into()), secs(t, 20));
        assert_eq!(
            w.tick(t + TIMEOUT),
            Some(Decision::Unreachable(secs(t, 20)))
        );
        let (mut w, t) = watcher();
        w.heard(t + TIMEOUT - SILENCE + Duration::from_millis(1));
        assert_eq!(w.tick(t + TIMEOUT), Some(Decision::TimedOut));
    }

    #[test]
    fn a_success_stands_however_the_host_is_reached_afterwards() {
        let (mut w, t) = watcher();
        w.observe(Event::FileAppeared, secs(t, 3));
        w.lost();
        assert_eq!(w.tick(secs(t, 3) + GRACE), Some(Decision::Confirmed));
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
    fn a_clean_exit_is_success_for_init_and_the_file_does_not_matter() {
        let t = Instant::now();
        let mut w = Watcher::new(Rule::CleanExit, t, TIMEOUT, GRACE);
        assert_eq!(w.observe(Event::FileAppeared, secs(t, 1)), None);
        assert_eq!(
            w.observe(Event::Exited(0), secs(t, 9)),
            Some(Decision::Succeeded)
        );
        assert!(w.is_done());
        let mut w = Watcher::new(Rule::CleanExit, t, TIMEOUT, GRACE);
        assert_eq!(
            w.observe(Event::Exited(1), secs(t, 9)),
            Some(Decision::Failed(1))
        );
        assert_eq!(w.exit_code(), Some(1));
    }

    #[test]
    fn a_service_start_waits_for_its_file_after_a_clean_exit() {
        let t = Instant::now();
        let mut w = Watcher::new(Rule::FileAfterStart, t, TIMEOUT, GRACE);
        assert_eq!(w.observe(Event::Exited(0), secs(t, 1)), None);
        assert_eq!(w.tick(secs(t, 1) + GRACE), None);
        assert_eq!(
            w.observe(Event::FileAppeared, secs(t, 30)),
            Some(Decision::Succeeded)
        );
        assert!(w.is_done());

        let mut w = Watcher::new(Rule::FileAfterStart, t, TIMEOUT, GRACE);
        assert_eq!(w.observe(Event::Exited(0), secs(t, 1)), None);
        w.observe(Event::Alive, t + TIMEOUT - Duration::from_secs(1));
        assert_eq!(w.tick(t + TIMEOUT), Some(Decision::TimedOut));

        let mut w = Watcher::new(Rule::FileAfterStart, t, TIMEOUT, GRACE);
        assert_eq!(
            w.observe(Event::Exited(1), secs(t, 1)),
            Some(Decision::Failed(1))
        );
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
