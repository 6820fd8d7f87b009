//! Ctrl-C and SIGTERM. Until work is in flight (a layer above says so when
//! it opens SSH connections), there is nothing to wind down and a signal
//! ends `deploy` at once, wherever the main thread is: blocked opening a
//! FIFO, or deep in a big inventory. Once work is in flight, the first
//! signal sets a flag that running commands poll: they stop their child,
//! and `deploy` winds down, closing its SSH masters on the way out. The
//! second exits 130 at once. Exiting at once kills every child still
//! tracked and runs the exit hooks the layers above registered (removing
//! the control directories, giving the terminal back; the masters die with
//! the process), so nothing is left behind either way. This module knows
//! no layer above it: they register with it.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

static REQUESTED: AtomicBool = AtomicBool::new(false);
/// Whether work that winds itself down on the first signal is in flight.
static IN_FLIGHT: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<()> = OnceLock::new();
/// Process groups of running children: each child leads its own group, so a
/// terminal's Ctrl-C reaches `deploy` alone and we decide what stops.
static CHILDREN: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
/// What must happen even on an exit that skips destructors.
static EXIT_HOOKS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// Whether the user asked `deploy` to stop. Long waits poll this.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// From now on the first signal only asks the work in flight to wind down.
pub(crate) fn work_in_flight() {
    IN_FLIGHT.store(true, Ordering::SeqCst);
}

/// Starts listening for SIGINT and SIGTERM, once per process. `stopping`
/// tells the person, on a first signal with work in flight, that deploy is
/// winding down; `stopped`, that a signal with nothing in flight ended it.
pub fn install(stopping: fn(), stopped: fn()) -> Result<()> {
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    let mut signals = Signals::new([SIGINT, SIGTERM])
        .context("installing the Ctrl-C (SIGINT/SIGTERM) handler")?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                if !IN_FLIGHT.load(Ordering::SeqCst) {
                    stopped();
                    exit_now();
                }
                if REQUESTED.swap(true, Ordering::SeqCst) {
                    exit_now();
                }
                stopping();
            }
        })
        .context("starting the signal thread")?;
    let _ = INSTALLED.set(());
    Ok(())
}

/// A signal with nothing to wind down, or the second: nothing more is
/// waited for.
fn exit_now() -> ! {
    for group in lock(&CHILDREN).iter() {
        kill_group(*group);
    }
    // Last registered first, as destructors would run: the terminal (set
    // up last) gets its echo back before the masters' slower closing.
    let hooks: Vec<fn()> = lock(&EXIT_HOOKS).clone();
    for hook in hooks.into_iter().rev() {
        hook();
    }
    std::process::exit(crate::exit::Code::Interrupted as i32);
}

/// Kills a child's whole process group (the child and anything it started).
pub(crate) fn kill_group(group: i32) {
    if group > 0 {
        // SAFETY: kill(2) has no memory effects; a negative pid names a group.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}

/// Tracks a running child's process group until dropped.
#[derive(Debug)]
pub(crate) struct ChildGuard(i32);

pub(crate) fn track_child(group: i32) -> ChildGuard {
    lock(&CHILDREN).insert(group);
    ChildGuard(group)
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        lock(&CHILDREN).remove(&self.0);
    }
}

/// Runs `hook` if a second signal ends the process at once; registering
/// the same hook again changes nothing.
pub(crate) fn at_exit(hook: fn()) {
    let mut hooks = lock(&EXIT_HOOKS);
    if !hooks.iter().any(|known| std::ptr::fn_addr_eq(*known, hook)) {
        hooks.push(hook);
    }
}

/// A poisoned registry is still a usable set of numbers and paths.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
