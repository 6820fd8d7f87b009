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

const STALL: Duration = Duration::from_secs(60);

fn stalling(any_output: bool) -> (Watcher, Instant) {
    let (w, t) = watcher();
    (w.stalls_after(STALL, any_output), t)
}

#[test]
fn a_stall_is_said_once_after_no_phase_or_journal_line_for_its_time() {
    let (mut w, t) = stalling(false);
    w.observe(Event::Output("[preflight] Running".into()), secs(t, 1));
    w.observe(
        Event::Journal("E1202 cni plugin not initialized".into()),
        secs(t, 5),
    );
    // Heartbeats, stderr and lines that name no phase are no progress.
    w.observe(Event::Alive, secs(t, 30));
    w.observe(Event::Error("W1202 a warning".into()), secs(t, 40));
    w.observe(Event::Output("some line".into()), secs(t, 50));
    assert_eq!(w.stall(secs(t, 64)), None);
    assert_eq!(
        w.stall(secs(t, 65)),
        Some(Stall::Began {
            quiet: STALL,
            last_line: Some("E1202 cni plugin not initialized".into()),
        })
    );
    assert_eq!(w.stall(secs(t, 200)), None);
    // Progress again: the notice goes, and a new quiet minute stalls anew.
    w.observe(
        Event::Output("[kubelet-start] Starting".into()),
        secs(t, 201),
    );
    assert_eq!(w.stall(secs(t, 201)), Some(Stall::Ended));
    assert_eq!(w.stall(secs(t, 260)), None);
    assert!(matches!(w.stall(secs(t, 261)), Some(Stall::Began { .. })));
    // A stall is no decision: the timeout is still what ends the watch.
    assert_eq!(w.tick(secs(t, 261)), None);
    w.observe(Event::Alive, t + TIMEOUT - Duration::from_secs(1));
    assert_eq!(w.tick(t + TIMEOUT), Some(Decision::TimedOut));
    assert_eq!(w.stall(t + TIMEOUT + STALL), None);
}

#[test]
fn a_stall_without_journal_lines_has_no_last_line() {
    let (mut w, t) = stalling(false);
    assert_eq!(
        w.stall(secs(t, 60)),
        Some(Stall::Began {
            quiet: STALL,
            last_line: None
        })
    );
}

#[test]
fn any_output_is_progress_where_the_step_is_not_kubeadms() {
    let (mut w, t) = stalling(true);
    w.observe(Event::Output("[INFO]  downloading".into()), secs(t, 50));
    assert_eq!(w.stall(secs(t, 100)), None);
    assert!(w.stall(secs(t, 110)).is_some());
}

#[test]
fn no_stall_without_a_stall_time_or_after_success() {
    let (mut w, t) = watcher();
    assert_eq!(w.stall(t + TIMEOUT), None);
    let (mut w, t) = stalling(false);
    w.observe(Event::FileAppeared, secs(t, 1));
    assert_eq!(w.stall(secs(t, 100)), None);
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
