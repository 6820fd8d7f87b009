//! The private directory of a session's master sockets (and their logs),
//! named after the process that owns it, and the sweep that removes the
//! directories of runs that ended without removing their own (SIGKILL).

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::process;
use crate::interrupt;

/// Where the directories are made: directly in /tmp rather than $TMPDIR,
/// since a socket path must fit in 108 bytes and a long $TMPDIR would not
/// leave room for it.
const TMP: &str = "/tmp";
const PREFIX: &str = "deploy-";

/// Control directories of live sessions, for an exit that skips destructors.
static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// How long `ssh -O exit` may take per stale master before we stop waiting.
const CLOSE_LIMIT: Duration = Duration::from_secs(5);

/// A 0700 directory `/tmp/deploy-PID-START-XXXXXX`, removed on drop: PID
/// and START (its start time, since a pid is reused) name the process that
/// owns it, so a later run can tell one whose owner is gone.
#[derive(Debug)]
pub struct ControlDir {
    dir: tempfile::TempDir,
}

impl ControlDir {
    /// Sweeps the directories stale runs left, then makes ours.
    pub fn new() -> Result<ControlDir> {
        sweep(Path::new(TMP));
        let me = Owner::me().context("reading this process's start time in /proc/self/stat")?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-{}-", me.pid, me.start))
            .permissions(fs::Permissions::from_mode(0o700))
            .tempdir_in(TMP)
            .context("creating a private directory in /tmp for SSH control sockets")?;
        interrupt::lock(&LIVE).insert(dir.path().to_owned());
        interrupt::at_exit(remove_live);
        // SSH is about to start: a first Ctrl-C now lets the phases wind down.
        interrupt::work_in_flight();
        Ok(ControlDir { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for ControlDir {
    fn drop(&mut self) {
        interrupt::lock(&LIVE).remove(self.dir.path());
    }
}

/// Every live session's directory removed: for a second Ctrl-C, which
/// exits without running destructors. Its masters die with the process.
fn remove_live() {
    let dirs: Vec<PathBuf> = interrupt::lock(&LIVE).iter().cloned().collect();
    for dir in dirs {
        let _ = fs::remove_dir_all(&dir);
    }
}

/// A process as a control directory names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Owner {
    pid: u32,
    /// When it started, in clock ticks after boot (/proc/PID/stat, field 22).
    start: u64,
}

impl Owner {
    fn me() -> Option<Owner> {
        Owner::of(std::process::id())
    }

    /// The process `pid` as it is now, if it lives.
    fn of(pid: u32) -> Option<Owner> {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name (field 2) may hold spaces: count after its `)`.
        let (_, rest) = stat.rsplit_once(')')?;
        let mut fields = rest.split_whitespace();
        if fields.next()? == "Z" {
            return None;
        }
        let start = fields.nth(18)?.parse().ok()?;
        Some(Owner { pid, start })
    }

    /// The owner a directory's name gives, if it is one of ours.
    fn named(name: &str) -> Option<Owner> {
        let mut parts = name.strip_prefix(PREFIX)?.splitn(3, '-');
        let pid = parts.next()?.parse().ok()?;
        let start = parts.next()?.parse().ok()?;
        parts.next()?;
        Some(Owner { pid, start })
    }

    fn gone(self) -> bool {
        Owner::of(self.pid) != Some(self)
    }
}

/// Removes the control directories in `tmp` whose owner is gone, closing
/// any master still serving a socket in them first. Only directories that
/// are certainly a session's: named as ours name them, ours (same user),
/// private (0700), and not a link. Best effort: nothing here may stop a run.
fn sweep(tmp: &Path) {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    let Ok(entries) = fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = name.to_str().and_then(Owner::named) else {
            continue;
        };
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let ours = meta.is_dir() && meta.uid() == uid && meta.mode() & 0o777 == 0o700;
        if ours && owner.gone() {
            close_masters(&entry.path());
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Closes every master whose socket is in `dir` (`ssh -O exit`), each within
/// a few seconds: our masters die with their run, but a master some other
/// ssh put there may not have.
fn close_masters(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let sockets: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_socket()))
        .map(|entry| entry.path())
        .collect();
    if sockets.is_empty() {
        return;
    }
    let Ok(ssh) = which::which("ssh") else {
        return;
    };
    // All at once, then waited for: one by one, 30 masters take longer
    // than a whole `deploy check` of 30 hosts.
    let handles: Vec<_> = sockets
        .iter()
        .map(|socket| {
            let mut control_path = std::ffi::OsString::from("ControlPath=");
            control_path.push(socket);
            // The destination is a placeholder: the socket path has no tokens.
            let args = ["-o".into(), control_path, "-O".into(), "exit".into()];
            let args = args
                .into_iter()
                .chain(["--".into(), "deploy-master".into()]);
            process::expression(&ssh, args.collect(), None)
                .stdout_null()
                .stderr_null()
                .start()
        })
        .collect();
    let deadline = Instant::now() + CLOSE_LIMIT;
    for handle in handles.into_iter().flatten() {
        let left = deadline.saturating_duration_since(Instant::now());
        if !matches!(handle.wait_timeout(left), Ok(Some(_))) {
            let _ = handle.kill();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_is_private_short_named_after_us_and_removed_on_drop() {
        let control = ControlDir::new().unwrap();
        let path = control.path().to_owned();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // A socket is DIR/<16 hex>; unix socket paths allow 107 bytes.
        assert!(path.as_os_str().len() + 1 + 16 < 108, "{}", path.display());
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(Owner::named(name), Owner::me(), "{name}");
        fs::write(path.join("0123abcd.log"), b"").unwrap();
        drop(control);
        assert!(!path.exists());
    }

    #[test]
    fn owners_are_read_from_names_only_when_whole() {
        assert_eq!(
            Owner::named("deploy-4242-987654-Ab3xYz"),
            Some(Owner {
                pid: 4242,
                start: 987654
            })
        );
        for name in [
            "deploy-lab-Ab3xYz",
            "deploy-Ab3xYz",
            "deploy-4242-Ab3xYz",
            "deploy-4242-987654",
            "other-4242-987654-Ab3xYz",
        ] {
            assert_eq!(Owner::named(name), None, "{name}");
        }
    }

    #[test]
    fn only_private_directories_of_gone_owners_are_swept() {
        let tmp = tempfile::tempdir().unwrap();
        let me = Owner::me().unwrap();
        let make = |name: &str, mode: u32| {
            let dir = tmp.path().join(name);
            fs::create_dir(&dir).unwrap();
            fs::write(dir.join("0123abcd.log"), b"").unwrap();
            fs::set_permissions(&dir, fs::Permissions::from_mode(mode)).unwrap();
            dir
        };
        // Gone: started at another moment than the process with its pid now.
        let stale = make(&format!("deploy-{}-{}-aaaaaa", me.pid, me.start + 1), 0o700);
        let live = make(&format!("deploy-{}-{}-bbbbbb", me.pid, me.start), 0o700);
        let shared = make(&format!("deploy-{}-{}-cccccc", me.pid, me.start + 1), 0o755);
        let foreign = make("deploy-lab-dddddd", 0o700);
        sweep(tmp.path());
        assert!(!stale.exists());
        for kept in [live, shared, foreign] {
            assert!(kept.exists(), "{}", kept.display());
        }
    }
}
