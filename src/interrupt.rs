//! Ctrl-C and SIGTERM. The first sets a flag that running commands poll:
//! they stop their child, and `deploy` winds down, closing its SSH masters
//! on the way out. The second exits 130 at once, after killing every child
//! it still tracks and closing every live control master, so nothing is left
//! behind either way.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

static REQUESTED: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<()> = OnceLock::new();
/// Process groups of running children: each child leads its own group, so a
/// terminal's Ctrl-C reaches `deploy` alone and we decide what stops.
static CHILDREN: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
/// Control directories of live sessions.
static CONTROL_DIRS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Whether the user asked `deploy` to stop. Long waits poll this.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Starts listening for SIGINT and SIGTERM, once per process.
pub fn install() -> Result<()> {
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    let mut signals = Signals::new([SIGINT, SIGTERM])
        .context("installing the Ctrl-C (SIGINT/SIGTERM) handler")?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                if REQUESTED.swap(true, Ordering::SeqCst) {
                    exit_now();
                }
                // Above the live lines, if any, so they are not torn.
                crate::ui::progress::print_above(
                    "deploy: stopping (press Ctrl-C again to stop at once)",
                );
            }
        })
        .context("starting the signal thread")?;
    let _ = INSTALLED.set(());
    Ok(())
}

/// The second signal: nothing more is waited for.
fn exit_now() -> ! {
    crate::ui::progress::restore_terminal();
    for group in lock(&CHILDREN).iter() {
        kill_group(*group);
    }
    let dirs: Vec<PathBuf> = lock(&CONTROL_DIRS).iter().cloned().collect();
    for dir in dirs {
        crate::remote::close_masters(&dir);
        let _ = std::fs::remove_dir_all(&dir);
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

pub(crate) fn track_control_dir(dir: &Path) {
    lock(&CONTROL_DIRS).insert(dir.to_owned());
}

pub(crate) fn forget_control_dir(dir: &Path) {
    lock(&CONTROL_DIRS).remove(dir);
}

/// A poisoned registry is still a usable set of numbers and paths.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
