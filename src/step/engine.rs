//! Scheduling a long step on many hosts (joins, mostly): at most `forks`
//! at once, every host's reports decided by its [`Watcher`], the first
//! failure printed the moment it is known and nothing new started after it
//! (unless `--keep-going`), Ctrl-C honoured. The I/O of one host's step is a
//! [`Driver`]'s, so these rules are tested with a scripted driver.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crate::artifacts::Log;
use crate::messages::{self, JobStatus};
use crate::ui::progress::{HostLine, Progress};

use super::kind::Step;
use super::watcher::{Decision, Event, Watcher};

/// A host to run the step on (a worker, for joins).
#[derive(Debug, Clone)]
pub struct Worker {
    pub name: String,
    pub address: String,
    /// The step's work is already done there (kubelet.conf exists, from the
    /// preflight facts): it is reported and skipped.
    pub already_done: bool,
}

/// What a driver tells the engine about one host.
#[derive(Debug)]
pub enum Report {
    /// Progress before the job runs ("starting the join").
    State(String),
    /// The job is running: started now, or found running from an earlier
    /// `deploy` (`attached`).
    Running { attached: bool },
    /// Something the remote watch loop saw.
    Event(Event),
    /// The connection dropped; the driver is reconnecting.
    Reconnecting(String),
    /// The job could not be started or watched at all.
    Error(String),
}

/// Starts (or attaches to) one host's job and reports what it sees until
/// `stop` is set or the job has ended.
pub trait Driver: Sync {
    fn drive(&self, worker: &Worker, reports: &Sender<Report>, stop: &AtomicBool);
}

#[derive(Debug, Clone)]
pub struct Options {
    pub step: Step,
    pub forks: usize,
    pub timeout: Duration,
    pub grace: Duration,
    pub keep_going: bool,
    pub verbose: bool,
    /// The control plane endpoint, for the timeout message's curl line.
    pub endpoint: String,
}

/// How one host's step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    AlreadyDone,
    Failed(String),
    TimedOut,
    /// Not started: an earlier failure or Ctrl-C stopped the run first.
    NotStarted,
    /// Still running when Ctrl-C stopped the watching.
    LeftRunning,
}

impl Outcome {
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Succeeded | Outcome::AlreadyDone)
    }

    /// The words for it in the summary: "joined", "already initialised", ...
    pub fn describe(&self, step: Step) -> String {
        match self {
            Outcome::Succeeded => step.done().into(),
            Outcome::AlreadyDone => step.already().into(),
            Outcome::Failed(reason) => format!("failed: {reason}"),
            Outcome::TimedOut => "timed out".into(),
            Outcome::NotStarted => "not started".into(),
            Outcome::LeftRunning => "left running".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct WorkerResult {
    pub name: String,
    pub outcome: Outcome,
    pub elapsed: Duration,
}

/// Everything the engine needs from outside besides the driver.
pub struct Context<'a> {
    pub progress: &'a Progress,
    /// One log per worker, in the order of the workers.
    pub logs: Vec<Option<Log>>,
    /// True once Ctrl-C was pressed.
    pub interrupted: &'a (dyn Fn() -> bool + Sync),
}

/// How often the engine looks at the clock and Ctrl-C when nothing arrives.
const TICK: Duration = Duration::from_millis(100);

/// Joins `workers`; returns one result per worker, in their order.
pub fn run(
    workers: &[Worker],
    driver: &dyn Driver,
    options: &Options,
    context: &Context,
) -> Vec<WorkerResult> {
    let stops: Vec<AtomicBool> = workers.iter().map(|_| AtomicBool::new(false)).collect();
    let (send, receive) = channel::<(usize, Report)>();
    std::thread::scope(|scope| {
        let mut engine = Engine::new(workers, options, context);
        let queue: Vec<usize> = (0..workers.len())
            .filter(|&index| !engine.skip_done(index))
            .collect();
        let mut queue = queue.into_iter();
        loop {
            while engine.may_start() {
                let Some(index) = queue.next() else { break };
                engine.start(index);
                let (worker, stop, send) = (&workers[index], &stops[index], send.clone());
                scope.spawn(move || {
                    let (forward, reports) = channel();
                    // Reports are tagged with the worker on their way to the engine.
                    let relay = std::thread::spawn(move || {
                        for report in reports {
                            if send.send((index, report)).is_err() {
                                break;
                            }
                        }
                    });
                    driver.drive(worker, &forward, stop);
                    drop(forward);
                    let _ = relay.join();
                });
            }
            if engine.active() == 0 {
                break;
            }
            engine.wait(&receive);
            for (index, stop) in stops.iter().enumerate() {
                if engine.is_done(index) {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            if (context.interrupted)() {
                engine.interrupt();
                break;
            }
        }
        stops
            .iter()
            .for_each(|stop| stop.store(true, Ordering::Relaxed));
        engine.results()
    })
}

/// Where one worker's join stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Queued,
    /// Started; counts against `--forks`.
    Running,
    /// Reported joined; still watched, within the grace period, for a late
    /// non-zero exit. Keeps its place among the forks: its SSH session is
    /// still open.
    Joined,
    Done(Outcome),
}

struct Slot {
    stage: Stage,
    line: Option<HostLine>,
    watcher: Option<Watcher>,
    started: Option<Instant>,
    ended: Option<Instant>,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

struct Engine<'a> {
    workers: &'a [Worker],
    options: &'a Options,
    context: &'a Context<'a>,
    slots: Vec<Slot>,
    stopped_starting: bool,
}

impl<'a> Engine<'a> {
    fn new(workers: &'a [Worker], options: &'a Options, context: &'a Context<'a>) -> Self {
        let slots = workers
            .iter()
            .map(|_| Slot {
                stage: Stage::Queued,
                line: None,
                watcher: None,
                started: None,
                ended: None,
                stdout: Vec::new(),
                stderr: Vec::new(),
            })
            .collect();
        Self {
            workers,
            options,
            context,
            slots,
            stopped_starting: false,
        }
    }

    fn log(&self, index: usize, text: &str) {
        if let Some(Some(log)) = self.context.logs.get(index) {
            log.line(text);
        }
    }

    /// Hosts where the work is already done are reported and never started.
    fn skip_done(&mut self, index: usize) -> bool {
        if !self.workers[index].already_done {
            return false;
        }
        let step = self.options.step;
        let text = format!("{}: {}, skipped", step.already(), step.already_because());
        let text = text.as_str();
        let line = self
            .context
            .progress
            .host(&self.workers[index].name, "checking");
        line.note(text);
        self.log(index, text);
        let slot = &mut self.slots[index];
        slot.line = Some(line);
        slot.stage = Stage::Done(Outcome::AlreadyDone);
        true
    }

    fn count(&self, stage: &Stage) -> usize {
        self.slots
            .iter()
            .filter(|slot| &slot.stage == stage)
            .count()
    }

    fn may_start(&self) -> bool {
        !self.stopped_starting && self.active() < self.options.forks.max(1)
    }

    /// Joins still being watched.
    fn active(&self) -> usize {
        self.count(&Stage::Running) + self.count(&Stage::Joined)
    }

    fn is_done(&self, index: usize) -> bool {
        matches!(self.slots[index].stage, Stage::Done(_))
    }

    fn start(&mut self, index: usize) {
        let now = Instant::now();
        let slot = &mut self.slots[index];
        slot.line = Some(
            self.context
                .progress
                .host(&self.workers[index].name, "connecting"),
        );
        slot.watcher = Some(Watcher::new(
            self.options.step.rule(),
            now,
            self.options.timeout,
            self.options.grace,
        ));
        slot.started = Some(now);
        slot.stage = Stage::Running;
    }

    /// Waits for one report, or until the nearest deadline, then lets every
    /// watcher look at the clock.
    fn wait(&mut self, receive: &Receiver<(usize, Report)>) {
        let now = Instant::now();
        let nearest = (0..self.slots.len())
            .filter(|&index| !self.is_done(index))
            .filter_map(|index| self.slots[index].watcher.as_ref().map(Watcher::deadline))
            .min()
            .map_or(TICK, |deadline| deadline.saturating_duration_since(now));
        if let Ok((index, report)) = receive.recv_timeout(nearest.min(TICK)) {
            self.handle(index, report);
            // Take whatever else has arrived before looking at the clock.
            while let Ok((index, report)) = receive.try_recv() {
                self.handle(index, report);
            }
        }
        let now = Instant::now();
        for index in 0..self.slots.len() {
            if self.is_done(index) {
                continue;
            }
            let decision = self.slots[index]
                .watcher
                .as_mut()
                .and_then(|watcher| watcher.tick(now));
            if let Some(decision) = decision {
                self.decide(index, decision);
            }
        }
    }

    fn handle(&mut self, index: usize, report: Report) {
        if self.is_done(index) {
            return;
        }
        match report {
            Report::State(state) => {
                self.log(index, &state);
                self.set_line(index, state);
            }
            Report::Running { attached } => {
                let text = if attached {
                    "attached to the job already running there"
                } else {
                    "job started"
                };
                self.log(index, text);
                self.set_line(index, self.options.step.running().into());
            }
            Report::Reconnecting(reason) => {
                self.log(index, &format!("connection lost ({reason}); reconnecting"));
                self.set_line(index, format!("reconnecting ({reason})"));
            }
            // A command stopped by Ctrl-C is no failure of the job: the
            // interrupt handling reports it.
            Report::Error(_) if (self.context.interrupted)() => {}
            Report::Error(text) => {
                let block = format!(
                    "{}\n{text}",
                    messages::host_line(&self.workers[index].name, &self.workers[index].address)
                );
                let reason = format!(
                    "the {} could not be started or watched",
                    self.options.step.noun()
                );
                self.fail(index, reason, &block, None);
            }
            Report::Event(event) => self.event(index, event),
        }
    }

    fn event(&mut self, index: usize, event: Event) {
        match &event {
            Event::Output(line) => {
                self.log(index, &format!("stdout: {line}"));
                self.slots[index].stdout.push(line.clone());
            }
            Event::Error(line) => {
                self.log(index, &format!("stderr: {line}"));
                self.slots[index].stderr.push(line.clone());
            }
            Event::FileAppeared => {
                self.log(index, &format!("{} appeared", self.options.step.file()))
            }
            Event::Exited(code) => self.log(index, &format!("the job exited with code {code}")),
            Event::Vanished => self.log(index, "the job's process is gone and left no exit code"),
        }
        let running = self.slots[index].stage == Stage::Running;
        let Some(watcher) = self.slots[index].watcher.as_mut() else {
            return;
        };
        match watcher.observe(event, Instant::now()) {
            Some(decision) => self.decide(index, decision),
            None if running => {
                let state = watcher.phase().map_or_else(
                    || self.options.step.running().to_string(),
                    |phase| format!("{} [{phase}]", self.options.step.running()),
                );
                self.set_line(index, state);
            }
            None => {}
        }
    }

    fn decide(&mut self, index: usize, decision: Decision) {
        let worker = &self.workers[index];
        let still_running = self.slots[index]
            .watcher
            .as_ref()
            .is_some_and(|watcher| !watcher.is_done());
        match decision {
            Decision::Succeeded => {
                let slot = &mut self.slots[index];
                slot.ended = Some(Instant::now());
                slot.stage = if still_running {
                    Stage::Joined
                } else {
                    Stage::Done(Outcome::Succeeded)
                };
                let done = self.options.step.done();
                self.log(index, done);
                let took = short(self.elapsed(index));
                if let Some(line) = &self.slots[index].line {
                    line.succeed(&format!("{done} in {took}"));
                }
            }
            Decision::Confirmed => self.slots[index].stage = Stage::Done(Outcome::Succeeded),
            Decision::Failed(code) => {
                let stderr = self.slots[index].stderr.join("\n");
                let text = messages::step_failed(
                    self.options.step,
                    &worker.name,
                    &worker.address,
                    code,
                    &stderr,
                );
                self.fail(index, format!("exit code {code}"), &text, Some(code));
            }
            Decision::Vanished => {
                let why =
                    "The job's process ended without an exit code (killed, or the host restarted).";
                let text = messages::step_failed_because(
                    self.options.step,
                    &worker.name,
                    &worker.address,
                    why,
                );
                self.fail(index, "the process vanished".into(), &text, None);
            }
            Decision::ExitedWithoutFile => {
                let why = format!(
                    "It exited 0, but {} did not appear.",
                    self.options.step.file()
                );
                let text = messages::step_failed_because(
                    self.options.step,
                    &worker.name,
                    &worker.address,
                    &why,
                );
                let reason = format!("exited 0 without {}", self.options.step.file());
                self.fail(index, reason, &text, Some(0));
            }
            Decision::TimedOut => {
                // As observed: a service start may have exited cleanly and
                // still not produced its file.
                let rc = self.slots[index]
                    .watcher
                    .as_ref()
                    .and_then(Watcher::exit_code);
                let status = JobStatus {
                    finished: Some(rc.is_some()),
                    rc,
                    stdout: self.slots[index].stdout.join("\n"),
                    stderr: self.slots[index].stderr.join("\n"),
                };
                let (step, timeout) = (self.options.step, self.options.timeout);
                let text = messages::step_timed_out(
                    step,
                    &worker.name,
                    &worker.address,
                    timeout,
                    &status,
                    &self.options.endpoint,
                );
                self.log(index, &text);
                self.context.progress.print_block(&text);
                self.end(index, Outcome::TimedOut);
                let words = messages::in_words(timeout);
                let left = if rc.is_none() { ", left running" } else { "" };
                if let Some(line) = &self.slots[index].line {
                    line.fail(&format!("timed out after {words}{left}"));
                }
                self.stop_starting_unless_keep_going();
            }
        }
    }

    /// Prints the failure block the moment it is known, and stops new joins
    /// unless `--keep-going`.
    fn fail(&mut self, index: usize, reason: String, text: &str, rc: Option<i32>) {
        let mut text = text.to_string();
        if self.options.verbose {
            let status = JobStatus {
                finished: rc.map(|_| true),
                rc,
                stdout: self.slots[index].stdout.join("\n"),
                stderr: self.slots[index].stderr.join("\n"),
            };
            text.push_str("\n\n");
            text.push_str(&messages::job_status(self.options.step, &status));
        }
        self.log(index, &text);
        self.context.progress.print_block(&text);
        self.end(index, Outcome::Failed(reason.clone()));
        if let Some(line) = &self.slots[index].line {
            line.fail(&format!("failed: {reason}"));
        }
        self.stop_starting_unless_keep_going();
    }

    fn stop_starting_unless_keep_going(&mut self) {
        if !self.options.keep_going {
            self.stopped_starting = true;
        }
    }

    fn end(&mut self, index: usize, outcome: Outcome) {
        let slot = &mut self.slots[index];
        slot.stage = Stage::Done(outcome);
        slot.ended = Some(Instant::now());
    }

    fn interrupt(&mut self) {
        self.stopped_starting = true;
        let mut still_running = Vec::new();
        for index in 0..self.slots.len() {
            match self.slots[index].stage {
                Stage::Running => {
                    still_running.push(self.workers[index].name.clone());
                    self.end(index, Outcome::LeftRunning);
                    if let Some(line) = &self.slots[index].line {
                        line.note("interrupted: the job keeps running on the host");
                    }
                }
                Stage::Joined => self.slots[index].stage = Stage::Done(Outcome::Succeeded),
                _ => {}
            }
        }
        if !still_running.is_empty() {
            self.context.progress.print_block(&format!(
                "Interrupted: the {} keeps running on these hosts: {}.\nRun deploy again to attach to it.",
                self.options.step.noun(),
                still_running.join(", ")
            ));
        }
    }

    fn set_line(&self, index: usize, state: String) {
        if let Some(line) = &self.slots[index].line {
            line.set(state);
        }
    }

    fn elapsed(&self, index: usize) -> Duration {
        match (self.slots[index].started, self.slots[index].ended) {
            (Some(started), Some(ended)) => ended - started,
            (Some(started), None) => started.elapsed(),
            _ => Duration::ZERO,
        }
    }

    fn results(self) -> Vec<WorkerResult> {
        let elapsed: Vec<Duration> = (0..self.slots.len())
            .map(|index| self.elapsed(index))
            .collect();
        self.workers
            .iter()
            .zip(self.slots)
            .zip(elapsed)
            .map(|((worker, slot), elapsed)| WorkerResult {
                name: worker.name.clone(),
                outcome: match slot.stage {
                    Stage::Done(outcome) => outcome,
                    Stage::Joined => Outcome::Succeeded,
                    Stage::Queued | Stage::Running => Outcome::NotStarted,
                },
                elapsed,
            })
            .collect()
    }
}

/// `3.2s`, `1m 05s`: short enough for a progress line.
pub fn short(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        format!("{}m {:02}s", elapsed.as_secs() / 60, elapsed.as_secs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Ui;
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    /// Plays each worker's join from a script of (delay in ms, report).
    struct Scripted {
        scripts: HashMap<String, Vec<(u64, Report)>>,
        running: AtomicUsize,
        most_at_once: AtomicUsize,
        driven: Mutex<Vec<String>>,
    }

    impl Scripted {
        fn new(scripts: Vec<(&str, Vec<(u64, Report)>)>) -> Self {
            Self {
                scripts: scripts
                    .into_iter()
                    .map(|(name, script)| (name.to_string(), script))
                    .collect(),
                running: AtomicUsize::new(0),
                most_at_once: AtomicUsize::new(0),
                driven: Mutex::new(Vec::new()),
            }
        }
    }

    impl Driver for Scripted {
        fn drive(&self, worker: &Worker, reports: &Sender<Report>, stop: &AtomicBool) {
            self.driven.lock().unwrap().push(worker.name.clone());
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_at_once.fetch_max(now, Ordering::SeqCst);
            let script = self
                .scripts
                .get(&worker.name)
                .map_or(&[][..], Vec::as_slice);
            let mut counted = true;
            for (number, (delay, report)) in script.iter().enumerate() {
                let until = Instant::now() + Duration::from_millis(*delay);
                while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let report = match report {
                    Report::Event(event) => Report::Event(event.clone()),
                    Report::Running { attached } => Report::Running {
                        attached: *attached,
                    },
                    Report::State(text) => Report::State(text.clone()),
                    Report::Reconnecting(text) => Report::Reconnecting(text.clone()),
                    Report::Error(text) => Report::Error(text.clone()),
                };
                // The join is over once its last report is out: count it
                // before the engine can start the next one.
                if number + 1 == script.len() && script.len() > 1 {
                    self.running.fetch_sub(1, Ordering::SeqCst);
                    counted = false;
                }
                let _ = reports.send(report);
            }
            // A real driver keeps watching until told to stop.
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
            if counted {
                self.running.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    fn joins_after(ms: u64) -> Vec<(u64, Report)> {
        vec![
            (0, Report::Running { attached: false }),
            (ms, Report::Event(Event::FileAppeared)),
            (10, Report::Event(Event::Exited(0))),
        ]
    }

    fn fails_after(ms: u64, code: i32) -> Vec<(u64, Report)> {
        vec![
            (0, Report::Running { attached: false }),
            (
                ms,
                Report::Event(Event::Error("/bin/sh: 1: kubeadm: not found".into())),
            ),
            (0, Report::Event(Event::Exited(code))),
        ]
    }

    fn workers(names: &[&str]) -> Vec<Worker> {
        names
            .iter()
            .map(|name| Worker {
                name: name.to_string(),
                address: format!("{name}.lab"),
                already_done: false,
            })
            .collect()
    }

    fn options(forks: usize, keep_going: bool) -> Options {
        Options {
            step: Step::Join,
            forks,
            timeout: Duration::from_secs(5),
            grace: Duration::from_millis(200),
            keep_going,
            verbose: false,
            endpoint: "cp:6443".into(),
        }
    }

    fn run_with(
        workers: &[Worker],
        driver: &Scripted,
        options: &Options,
        interrupt_after: Option<Duration>,
    ) -> Vec<Outcome> {
        let quiet = Ui {
            interactive: false,
            color: false,
            quiet: true,
            verbose: 0,
        };
        let progress = Progress::new(quiet, &[]);
        let started = Instant::now();
        let interrupted = move || interrupt_after.is_some_and(|after| started.elapsed() >= after);
        let context = Context {
            progress: &progress,
            logs: Vec::new(),
            interrupted: &interrupted,
        };
        run(workers, driver, options, &context)
            .into_iter()
            .map(|result| result.outcome)
            .collect()
    }

    #[test]
    fn joins_run_at_most_forks_at_once() {
        let names = ["a", "b", "c", "d", "e"];
        let driver = Scripted::new(names.iter().map(|name| (*name, joins_after(50))).collect());
        let outcomes = run_with(&workers(&names), &driver, &options(2, false), None);
        assert!(
            outcomes
                .iter()
                .all(|outcome| *outcome == Outcome::Succeeded),
            "{outcomes:?}"
        );
        assert_eq!(driver.most_at_once.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn success_is_reported_at_kubelet_conf_without_waiting_for_the_exit() {
        let driver = Scripted::new(vec![(
            "a",
            vec![
                (0, Report::Running { attached: false }),
                (20, Report::Event(Event::FileAppeared)),
            ],
        )]);
        let started = Instant::now();
        let outcomes = run_with(&workers(&["a"]), &driver, &options(1, false), None);
        assert_eq!(outcomes, [Outcome::Succeeded]);
        // Joined at once, then only the short grace period for its exit code.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_first_failure_stops_new_joins() {
        let driver = Scripted::new(vec![
            ("a", fails_after(10, 127)),
            ("b", joins_after(10)),
            ("c", joins_after(10)),
        ]);
        let outcomes = run_with(
            &workers(&["a", "b", "c"]),
            &driver,
            &options(1, false),
            None,
        );
        assert_eq!(
            outcomes,
            [
                Outcome::Failed("exit code 127".into()),
                Outcome::NotStarted,
                Outcome::NotStarted
            ]
        );
        assert_eq!(*driver.driven.lock().unwrap(), ["a"]);
    }

    #[test]
    fn joins_already_running_are_watched_to_their_end_after_a_failure() {
        let driver = Scripted::new(vec![
            ("a", fails_after(10, 1)),
            ("b", joins_after(200)),
            ("c", joins_after(10)),
        ]);
        let outcomes = run_with(
            &workers(&["a", "b", "c"]),
            &driver,
            &options(2, false),
            None,
        );
        assert_eq!(
            outcomes,
            [
                Outcome::Failed("exit code 1".into()),
                Outcome::Succeeded,
                Outcome::NotStarted
            ]
        );
    }

    #[test]
    fn keep_going_starts_the_rest_anyway() {
        let driver = Scripted::new(vec![
            ("a", fails_after(10, 1)),
            ("b", joins_after(10)),
            ("c", joins_after(10)),
        ]);
        let outcomes = run_with(&workers(&["a", "b", "c"]), &driver, &options(1, true), None);
        assert_eq!(
            outcomes,
            [
                Outcome::Failed("exit code 1".into()),
                Outcome::Succeeded,
                Outcome::Succeeded
            ]
        );
    }

    #[test]
    fn a_non_zero_exit_after_kubelet_conf_turns_joined_into_failed() {
        let script = vec![
            (0, Report::Running { attached: false }),
            (10, Report::Event(Event::FileAppeared)),
            (50, Report::Event(Event::Exited(1))),
        ];
        let driver = Scripted::new(vec![("a", script)]);
        assert_eq!(
            run_with(&workers(&["a"]), &driver, &options(1, false), None),
            [Outcome::Failed("exit code 1".into())]
        );
    }

    #[test]
    fn a_silent_join_times_out_and_is_left_running() {
        let driver = Scripted::new(vec![("a", vec![(0, Report::Running { attached: false })])]);
        let mut options = options(1, false);
        options.timeout = Duration::from_millis(300);
        let started = Instant::now();
        assert_eq!(
            run_with(&workers(&["a"]), &driver, &options, None),
            [Outcome::TimedOut]
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn joined_workers_are_skipped_without_connecting() {
        let mut list = workers(&["a", "b"]);
        list[0].already_done = true;
        let driver = Scripted::new(vec![("b", joins_after(10))]);
        assert_eq!(
            run_with(&list, &driver, &options(2, false), None),
            [Outcome::AlreadyDone, Outcome::Succeeded]
        );
        assert_eq!(*driver.driven.lock().unwrap(), ["b"]);
    }

    #[test]
    fn a_driver_error_is_a_failure() {
        let driver = Scripted::new(vec![(
            "a",
            vec![(0, Report::Error("authentication denied".into()))],
        )]);
        assert_eq!(
            run_with(&workers(&["a"]), &driver, &options(1, false), None),
            [Outcome::Failed(
                "the join could not be started or watched".into()
            )]
        );
    }

    #[test]
    fn ctrl_c_starts_nothing_new_and_leaves_running_joins_running() {
        let driver = Scripted::new(vec![
            ("a", vec![(0, Report::Running { attached: false })]),
            ("b", joins_after(10)),
        ]);
        let outcomes = run_with(
            &workers(&["a", "b"]),
            &driver,
            &options(1, false),
            Some(Duration::from_millis(100)),
        );
        assert_eq!(outcomes, [Outcome::LeftRunning, Outcome::NotStarted]);
    }

    #[test]
    fn elapsed_reads_short() {
        assert_eq!(short(Duration::from_millis(3240)), "3.2s");
        assert_eq!(short(Duration::from_secs(65)), "1m 05s");
    }
}
