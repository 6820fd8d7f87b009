//! The scheduler run for real: a scoped thread per started host's driver,
//! all sending on one channel, and a loop that hands the scheduler what
//! arrives, the time and Ctrl-C, then carries out its effects.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use super::driver::{Driver, Update, Updates};
use super::scheduler::{Effect, Input, Scheduler};
use super::{Outcome, Policy};
use crate::kube::Step;

/// The longest wait between two looks at Ctrl-C.
const TICK: Duration = Duration::from_millis(100);

/// Runs `step` on a host for each flag in `already_done`, showing every
/// effect with `show`; each host's outcome and time, in their order. Once
/// `halt` is set, no more hosts start.
pub fn run(
    step: Step,
    policy: Policy,
    already_done: &[bool],
    halt: Option<&AtomicBool>,
    driver: &dyn Driver,
    show: &mut dyn FnMut(&Effect),
) -> Vec<(Outcome, Duration)> {
    let stops: Vec<AtomicBool> = already_done
        .iter()
        .map(|_| AtomicBool::new(false))
        .collect();
    let (sender, receiver) = channel();
    std::thread::scope(|scope| {
        let (mut scheduler, mut effects) =
            Scheduler::start(step, policy, already_done, Instant::now());
        loop {
            for effect in &effects {
                show(effect);
                match *effect {
                    Effect::Start(host) => {
                        let (updates, stop) = (Updates::new(host, sender.clone()), &stops[host]);
                        scope.spawn(move || driver.drive(host, &updates, stop));
                    }
                    Effect::Stop(host) => stops[host].store(true, Ordering::Relaxed),
                    _ => {}
                }
            }
            // Every started driver has been told to stop: the scope's end
            // waits for them.
            if scheduler.finished() {
                break;
            }
            effects = next(&mut scheduler, &receiver);
            if halt.is_some_and(|halt| halt.load(Ordering::SeqCst)) {
                effects.extend(scheduler.handle(Input::Halt, Instant::now()));
            }
        }
        scheduler.results()
    })
}

/// Waits for the drivers' next updates, or until the nearest deadline,
/// and feeds the scheduler.
fn next(scheduler: &mut Scheduler, receiver: &Receiver<(usize, Update)>) -> Vec<Effect> {
    let wait = scheduler.deadline().map_or(TICK, |deadline| {
        deadline.saturating_duration_since(Instant::now()).min(TICK)
    });
    let first = receiver.recv_timeout(wait).ok();
    let now = Instant::now();
    let interrupted = crate::interrupt::requested();
    let arrived = first
        .into_iter()
        .chain(std::iter::from_fn(|| receiver.try_recv().ok()));
    let mut effects = Vec::new();
    for (host, update) in arrived {
        // A driver's error caused by Ctrl-C is no failure of its job; what
        // arrived before it (a success, the last output) still counts.
        if interrupted && matches!(update, Update::Broken(_)) {
            continue;
        }
        effects.extend(scheduler.handle(Input::Update(host, update), now));
    }
    let last = if interrupted {
        Input::Interrupt
    } else {
        Input::Tick
    };
    effects.extend(scheduler.handle(last, now));
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::step::watcher::Event;

    /// Plays each host's updates at once and ends, like a driver whose job
    /// is already over.
    struct Scripted(Vec<Vec<Update>>);

    impl Driver for Scripted {
        fn drive(&self, host: usize, updates: &Updates, _stop: &AtomicBool) {
            for update in &self.0[host] {
                updates.send(update.clone());
            }
        }
    }

    fn initialised() -> Vec<Update> {
        vec![
            Update::Starting,
            Update::Running { attached: false },
            Update::Watched(Event::Exited(0)),
        ]
    }

    #[test]
    fn each_drivers_updates_reach_its_own_host() {
        let driver = Scripted(vec![
            vec![Update::Broken("permission denied".into())],
            initialised(),
            vec![Update::Watched(Event::Exited(2))],
            initialised(),
        ]);
        let policy = Policy {
            forks: 2,
            timeout: Duration::from_secs(60),
            keep_going: true,
            stall_after: Duration::from_secs(60),
        };
        let mut shown = Vec::new();
        let results = run(
            Step::Init,
            policy,
            &[false, false, false, true],
            None,
            &driver,
            &mut |effect| shown.push(effect.clone()),
        );
        let outcomes: Vec<Outcome> = results.into_iter().map(|(outcome, _)| outcome).collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Failed("the kubeadm init could not be started or watched".into()),
                Outcome::Succeeded,
                Outcome::Failed("exit code 2".into()),
                Outcome::AlreadyDone,
            ]
        );
        let started = |host| shown.contains(&Effect::Start(host));
        let stopped = |host| shown.contains(&Effect::Stop(host));
        assert!(
            (0..3).all(|host| started(host) && stopped(host)),
            "{shown:?}"
        );
        assert_eq!(shown.first(), Some(&Effect::Skip(3)));
    }
}
