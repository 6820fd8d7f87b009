//! The scheduler's rules, fed by hand: every moment is a base instant plus
//! a number of milliseconds, so nothing sleeps and nothing races.

use std::collections::BTreeSet;

use super::*;
use crate::step::watcher::Event;

const TIMEOUT: Duration = Duration::from_secs(900);

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn policy(forks: usize, keep_going: bool) -> Policy {
    Policy {
        forks,
        timeout: TIMEOUT,
        keep_going,
        stall_after: Duration::from_secs(60),
    }
}

/// One step's run, with every effect recorded and the forks counted.
struct Run {
    scheduler: Scheduler,
    base: Instant,
    forks: usize,
    started: Vec<usize>,
    running: BTreeSet<usize>,
    most_at_once: usize,
}

impl Run {
    fn new(step: Step, policy: Policy, already_done: &[bool]) -> (Self, Vec<Effect>) {
        let base = Instant::now();
        let (scheduler, effects) = Scheduler::start(step, policy, already_done, base);
        let mut run = Self {
            scheduler,
            base,
            forks: policy.forks,
            started: Vec::new(),
            running: BTreeSet::new(),
            most_at_once: 0,
        };
        run.record(&effects);
        (run, effects)
    }

    /// `hosts` joins, none already done.
    fn joins(hosts: usize, forks: usize, keep_going: bool) -> Self {
        Self::new(Step::Join, policy(forks, keep_going), &vec![false; hosts]).0
    }

    fn record(&mut self, effects: &[Effect]) {
        for effect in effects {
            match effect {
                Effect::Start(host) => {
                    self.started.push(*host);
                    self.running.insert(*host);
                }
                Effect::Stop(host) => assert!(self.running.remove(host), "{host} not running"),
                _ => {}
            }
        }
        assert!(self.running.len() <= self.forks, "{:?}", self.running);
        self.most_at_once = self.most_at_once.max(self.running.len());
    }

    fn feed(&mut self, input: Input, at: Duration) -> Vec<Effect> {
        let effects = self.scheduler.handle(input, self.base + at);
        self.record(&effects);
        effects
    }

    fn update(&mut self, host: usize, update: Update, at: Duration) -> Vec<Effect> {
        self.feed(Input::Update(host, update), at)
    }

    fn watched(&mut self, host: usize, event: Event, at: Duration) -> Vec<Effect> {
        self.update(host, Update::Watched(event), at)
    }

    fn tick(&mut self, at: Duration) -> Vec<Effect> {
        self.feed(Input::Tick, at)
    }

    /// The job starts and, at `at`, writes kubelet.conf and exits 0.
    fn join(&mut self, host: usize, at: Duration) {
        self.update(host, Update::Running { attached: false }, ms(0));
        self.watched(host, Event::FileAppeared, at);
        self.watched(host, Event::Exited(0), at);
    }

    /// The job starts and, at `at`, exits `code` with a line on stderr.
    fn fail(&mut self, host: usize, at: Duration, code: i32) -> Vec<Effect> {
        self.update(host, Update::Running { attached: false }, ms(0));
        let error = Event::Error("/bin/sh: 1: kubeadm: not found".into());
        self.watched(host, error, at);
        self.watched(host, Event::Exited(code), at)
    }

    fn results(self) -> Vec<(Outcome, Duration)> {
        assert!(self.scheduler.finished());
        assert!(self.running.is_empty(), "{:?} never stopped", self.running);
        self.scheduler.results()
    }

    fn outcomes(self) -> Vec<Outcome> {
        self.results()
            .into_iter()
            .map(|(outcome, _)| outcome)
            .collect()
    }
}

fn failed(reason: &str) -> Outcome {
    Outcome::Failed(reason.into())
}

#[test]
fn joins_run_at_most_forks_at_once() {
    let mut run = Run::joins(5, 2, false);
    assert_eq!(run.started, [0, 1]);
    let mut at = ms(0);
    while let Some(&host) = run.running.first() {
        at += ms(50);
        run.join(host, at);
    }
    assert_eq!(run.started, [0, 1, 2, 3, 4]);
    assert_eq!(run.most_at_once, 2);
    assert_eq!(run.outcomes(), vec![Outcome::Succeeded; 5]);
}

#[test]
fn success_is_reported_at_kubelet_conf_without_waiting_for_the_exit() {
    let mut run = Run::joins(1, 1, false);
    run.update(0, Update::Running { attached: false }, ms(0));
    let effects = run.watched(0, Event::FileAppeared, ms(20));
    let appeared = Effect::Relay(0, Update::Watched(Event::FileAppeared));
    assert_eq!(effects, [appeared, Effect::Succeeded(0, ms(20))]);
    // Still watched, for a late exit code, only within the grace period.
    assert!(!run.scheduler.finished());
    assert_eq!(run.scheduler.deadline(), Some(run.base + ms(20) + GRACE));
    assert_eq!(run.tick(ms(20) + GRACE - ms(1)), []);
    assert_eq!(run.tick(ms(20) + GRACE), [Effect::Stop(0)]);
    assert_eq!(run.results(), [(Outcome::Succeeded, ms(20))]);
}

#[test]
fn the_first_failure_stops_new_joins() {
    let mut run = Run::joins(3, 1, false);
    let effects = run.fail(0, ms(10), 127);
    let exited = Effect::Relay(0, Update::Watched(Event::Exited(127)));
    let failed_now = [exited, Effect::Failed(0, Fault::Exit(127)), Effect::Stop(0)];
    assert_eq!(effects, failed_now);
    assert_eq!(run.started, [0]);
    assert_eq!(
        run.outcomes(),
        [
            failed("exit code 127"),
            Outcome::NotStarted,
            Outcome::NotStarted
        ]
    );
}

#[test]
fn a_halt_starts_no_more_joins_and_watches_the_running_ones_to_their_end() {
    let mut run = Run::joins(3, 1, false);
    run.update(0, Update::Running { attached: false }, ms(0));
    assert!(run.feed(Input::Halt, ms(5)).is_empty());
    run.watched(0, Event::FileAppeared, ms(100));
    run.watched(0, Event::Exited(0), ms(100));
    assert_eq!(run.started, [0]);
    assert_eq!(
        run.outcomes(),
        [Outcome::Succeeded, Outcome::NotStarted, Outcome::NotStarted]
    );
}

#[test]
fn joins_already_running_are_watched_to_their_end_after_a_failure() {
    let mut run = Run::joins(3, 2, false);
    run.fail(0, ms(10), 1);
    assert!(!run.scheduler.finished());
    run.join(1, ms(200));
    assert_eq!(run.started, [0, 1]);
    assert_eq!(
        run.outcomes(),
        [
            failed("exit code 1"),
            Outcome::Succeeded,
            Outcome::NotStarted
        ]
    );
}

#[test]
fn keep_going_starts_the_rest_anyway() {
    let mut run = Run::joins(3, 1, true);
    let effects = run.fail(0, ms(10), 1);
    assert_eq!(effects.last(), Some(&Effect::Start(1)));
    run.join(1, ms(20));
    run.join(2, ms(30));
    assert_eq!(
        run.outcomes(),
        [
            failed("exit code 1"),
            Outcome::Succeeded,
            Outcome::Succeeded
        ]
    );
}

#[test]
fn a_non_zero_exit_after_kubelet_conf_turns_joined_into_failed() {
    let mut run = Run::joins(1, 1, false);
    run.update(0, Update::Running { attached: false }, ms(0));
    run.watched(0, Event::FileAppeared, ms(10));
    let effects = run.watched(0, Event::Exited(1), ms(60));
    assert_eq!(
        effects[1..],
        [Effect::Failed(0, Fault::Exit(1)), Effect::Stop(0)]
    );
    assert_eq!(run.results(), [(failed("exit code 1"), ms(60))]);
}

#[test]
fn a_joined_host_keeps_its_fork_during_the_grace_period() {
    let mut run = Run::joins(2, 1, false);
    run.watched(0, Event::FileAppeared, ms(10));
    assert_eq!(run.started, [0]);
    assert_eq!(run.tick(ms(10) + GRACE - ms(1)), []);
    assert_eq!(
        run.tick(ms(10) + GRACE),
        [Effect::Stop(0), Effect::Start(1)]
    );
}

#[test]
fn a_silent_join_times_out_and_is_left_running() {
    let mut run = Run::joins(2, 1, false);
    run.update(0, Update::Running { attached: false }, ms(0));
    assert_eq!(run.scheduler.deadline(), Some(run.base + TIMEOUT));
    // The join says nothing; its host does (the watch loop's heartbeat).
    run.watched(0, Event::Alive, TIMEOUT - ms(1000));
    assert_eq!(run.tick(TIMEOUT - ms(1)), []);
    // No exit code: the job is still running there.
    assert_eq!(
        run.tick(TIMEOUT),
        [Effect::TimedOut(0, None), Effect::Stop(0)]
    );
    assert_eq!(
        run.results(),
        [(Outcome::TimedOut, TIMEOUT), (Outcome::NotStarted, ms(0))]
    );
}

#[test]
fn a_timeout_says_the_exit_code_when_the_job_exited() {
    let (mut run, _) = Run::new(Step::Rke2Start, policy(1, false), &[false]);
    run.watched(0, Event::Exited(0), ms(100));
    run.watched(0, Event::Alive, TIMEOUT - ms(1000));
    assert_eq!(run.tick(TIMEOUT - ms(1)), []);
    assert_eq!(
        run.tick(TIMEOUT),
        [Effect::TimedOut(0, Some(0)), Effect::Stop(0)]
    );
}

#[test]
fn a_host_lost_at_the_timeout_is_unreachable_and_stops_new_joins() {
    let mut run = Run::joins(2, 1, false);
    run.update(0, Update::Running { attached: false }, ms(0));
    run.watched(0, Event::Alive, ms(3000));
    let reconnecting = Update::Reconnecting("connection refused".into());
    assert_eq!(
        run.update(0, reconnecting.clone(), ms(3500)),
        [Effect::Relay(0, reconnecting)]
    );
    assert_eq!(
        run.tick(TIMEOUT),
        [Effect::Unreachable(0, run.base + ms(3000)), Effect::Stop(0)]
    );
    assert_eq!(
        run.results(),
        [
            (Outcome::Unreachable, TIMEOUT),
            (Outcome::NotStarted, ms(0))
        ]
    );
}

#[test]
fn joined_workers_are_skipped_without_connecting() {
    let (mut run, effects) = Run::new(Step::Join, policy(2, false), &[true, false]);
    assert_eq!(effects, [Effect::Skip(0), Effect::Start(1)]);
    run.join(1, ms(10));
    assert_eq!(run.started, [1]);
    assert_eq!(
        run.results(),
        [(Outcome::AlreadyDone, ms(0)), (Outcome::Succeeded, ms(10))]
    );
}

#[test]
fn nothing_is_watched_when_every_host_is_done_already() {
    let (run, effects) = Run::new(Step::Init, policy(1, false), &[true]);
    assert_eq!(effects, [Effect::Skip(0)]);
    assert_eq!(run.scheduler.deadline(), None);
    assert_eq!(run.outcomes(), [Outcome::AlreadyDone]);
}

#[test]
fn a_driver_error_is_a_failure() {
    let mut run = Run::joins(2, 1, false);
    let effects = run.update(0, Update::Broken("authentication denied".into()), ms(5));
    let broken = Fault::Driver("authentication denied".into());
    assert_eq!(effects, [Effect::Failed(0, broken), Effect::Stop(0)]);
    assert_eq!(
        run.outcomes(),
        [
            failed("the join could not be started or watched"),
            Outcome::NotStarted
        ]
    );
}

#[test]
fn ctrl_c_starts_nothing_new_and_leaves_running_joins_running() {
    let mut run = Run::joins(2, 1, false);
    run.update(0, Update::Running { attached: false }, ms(0));
    assert_eq!(
        run.feed(Input::Interrupt, ms(100)),
        [Effect::Stop(0), Effect::LeftRunning(vec![0])]
    );
    // The driver's command was stopped by the same Ctrl-C: no failure.
    assert_eq!(
        run.update(0, Update::Broken("interrupted".into()), ms(110)),
        []
    );
    assert_eq!(
        run.results(),
        [
            (Outcome::LeftRunning, ms(100)),
            (Outcome::NotStarted, ms(0))
        ]
    );
}

#[test]
fn ctrl_c_lets_a_success_within_its_grace_period_stand() {
    let mut run = Run::joins(2, 2, false);
    run.watched(0, Event::FileAppeared, ms(10));
    assert_eq!(
        run.feed(Input::Interrupt, ms(50)),
        [
            Effect::Stop(0),
            Effect::Stop(1),
            Effect::LeftRunning(vec![1])
        ]
    );
    assert_eq!(
        run.results(),
        [(Outcome::Succeeded, ms(10)), (Outcome::LeftRunning, ms(50))]
    );
}

#[test]
fn a_vanished_job_and_a_clean_exit_without_the_file_fail() {
    let mut run = Run::joins(2, 2, true);
    let effects = run.watched(0, Event::Vanished, ms(10));
    assert_eq!(
        effects[1..],
        [Effect::Failed(0, Fault::Vanished), Effect::Stop(0)]
    );
    run.watched(1, Event::Exited(0), ms(10));
    assert_eq!(
        run.tick(ms(10) + GRACE),
        [Effect::Failed(1, Fault::NoFile), Effect::Stop(1)]
    );
    assert_eq!(
        run.outcomes(),
        [
            failed("the process vanished"),
            failed("exited 0 without /etc/kubernetes/kubelet.conf")
        ]
    );
}

#[test]
fn what_a_running_host_says_is_relayed_with_its_phase() {
    let mut run = Run::joins(1, 1, false);
    assert_eq!(
        run.update(0, Update::Starting, ms(0)),
        [Effect::Relay(0, Update::Starting)]
    );
    let line = Event::Output("[preflight] Running pre-flight checks".into());
    assert_eq!(
        run.watched(0, line.clone(), ms(5)),
        [
            Effect::Relay(0, Update::Watched(line)),
            Effect::Running(0, Some("preflight".into()))
        ]
    );
    run.watched(0, Event::FileAppeared, ms(10));
    // Within the grace period the line says joined; output is only logged.
    let late = Event::Output("This node has joined the cluster".into());
    assert_eq!(
        run.watched(0, late.clone(), ms(11)),
        [Effect::Relay(0, Update::Watched(late))]
    );
    run.watched(0, Event::Exited(0), ms(12));
    // A finished host's late words change nothing.
    let reconnecting = Update::Reconnecting("connection reset".into());
    assert_eq!(run.update(0, reconnecting, ms(13)), []);
}

#[test]
fn results_are_in_job_order_with_each_hosts_time() {
    let mut run = Run::joins(3, 2, false);
    run.join(1, ms(30));
    assert_eq!(run.started, [0, 1, 2]);
    run.join(0, ms(70));
    run.join(2, ms(100));
    assert_eq!(
        run.results(),
        [
            (Outcome::Succeeded, ms(70)),
            (Outcome::Succeeded, ms(30)),
            (Outcome::Succeeded, ms(70)),
        ]
    );
}

#[test]
fn the_deadline_is_the_nearest_watchers() {
    let mut run = Run::joins(2, 2, false);
    assert_eq!(run.scheduler.deadline(), Some(run.base + TIMEOUT));
    run.watched(1, Event::FileAppeared, ms(40));
    assert_eq!(run.scheduler.deadline(), Some(run.base + ms(40) + GRACE));
}

#[test]
fn fault_reasons_name_the_step() {
    let broken = Fault::Driver("no route to host".into());
    assert_eq!(
        broken.reason(Step::Init),
        "the kubeadm init could not be started or watched"
    );
    assert_eq!(broken.exit_code(), None);
    assert_eq!(Fault::NoFile.exit_code(), Some(0));
    assert_eq!(Fault::Exit(2).reason(Step::Rke2Install), "exit code 2");
}

#[test]
fn a_quiet_running_join_stalls_and_resumes_but_ends_only_at_its_timeout() {
    let mut run = Run::joins(1, 1, false);
    run.update(0, Update::Running { attached: false }, ms(0));
    let line = "E1202 \"Container runtime network not ready\"";
    run.watched(0, Event::Journal(line.into()), ms(500));
    assert!(run.feed(Input::Tick, ms(60_499)).is_empty());
    let stalled = run.feed(Input::Tick, ms(60_500));
    assert_eq!(stalled, [Effect::Stalled(0, ms(60_000), Some(line.into()))]);
    // Said once, whatever else arrives meanwhile.
    assert!(!run.feed(Input::Tick, ms(70_000)).contains(&stalled[0]));
    let resumed = run.watched(0, Event::Output("[kubelet-check] x".into()), ms(80_000));
    assert_eq!(resumed.last(), Some(&Effect::Resumed(0)));
    run.watched(0, Event::Alive, TIMEOUT - ms(1));
    let ended = run.feed(Input::Tick, TIMEOUT);
    assert!(ended.contains(&Effect::TimedOut(0, None)), "{ended:?}");
}
