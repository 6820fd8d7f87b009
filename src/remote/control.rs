//! The private directory holding a session's ControlMaster sockets, and
//! closing those masters.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::interrupt;

/// Control directories of live sessions, for an exit that skips destructors.
static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// How long `ssh -O exit` may take per master before we stop waiting.
const CLOSE_LIMIT: Duration = Duration::from_secs(5);

/// A 0700 directory under /tmp, removed (masters closed first) on drop.
#[derive(Debug)]
pub struct ControlDir {
    dir: tempfile::TempDir,
}

impl ControlDir {
    /// Made directly in /tmp rather than $TMPDIR: a socket path must fit in
    /// 108 bytes, and a long $TMPDIR would not leave room for the %C hash.
    pub fn new() -> Result<ControlDir> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix("deploy-")
            .permissions(fs::Permissions::from_mode(0o700))
            .tempdir_in("/tmp")
            .context("creating a private directory in /tmp for SSH control sockets")?;
        interrupt::lock(&LIVE).insert(dir.path().to_owned());
        interrupt::at_exit(close_live);
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
        close_masters(self.dir.path());
        interrupt::lock(&LIVE).remove(self.dir.path());
    }
}

/// Every live session's masters closed and directory removed: for a second
/// Ctrl-C, which exits without running destructors.
fn close_live() {
    let dirs: Vec<PathBuf> = interrupt::lock(&LIVE).iter().cloned().collect();
    for dir in dirs {
        close_masters(&dir);
        let _ = fs::remove_dir_all(&dir);
    }
}

/// Closes every master whose socket is in `dir` (`ssh -O exit`), each within
/// a few seconds. Best effort: this runs on the way out, where an error has
/// nobody to go to, and a master we fail to close still ends by ControlPersist.
pub fn close_masters(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let sockets: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    if sockets.is_empty() {
        return;
    }
    let Ok(ssh) = which::which("ssh") else {
        return;
    };
    // All at once, then waited for: one by one, 30 masters took longer
    // than the whole `deploy check` of 30 hosts.
    let handles: Vec<_> = sockets
        .iter()
        .map(|socket| {
            let mut control_path = std::ffi::OsString::from("ControlPath=");
            control_path.push(socket);
            // The destination is a placeholder: the socket path has no tokens.
            duct::cmd(
                &ssh,
                [
                    "-o".into(),
                    control_path,
                    "-O".into(),
                    "exit".into(),
                    "--".into(),
                    "deploy-master".into(),
                ],
            )
            .stdin_null()
            .stdout_null()
            .stderr_null()
            .unchecked()
            .start()
        })
        .collect();
    let deadline = std::time::Instant::now() + CLOSE_LIMIT;
    for handle in handles.into_iter().flatten() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if !matches!(handle.wait_timeout(left), Ok(Some(_))) {
            let _ = handle.kill();
        }
    }
    // A master that died without cleaning up leaves its socket behind.
    for socket in sockets {
        let _ = fs::remove_file(&socket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_directory_is_private_short_and_removed_on_drop() {
        let control = ControlDir::new().unwrap();
        let path = control.path().to_owned();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // The socket is DIR/<40-hex %C hash>; unix sockets allow 107 bytes.
        assert!(path.as_os_str().len() + 1 + 40 < 108, "{}", path.display());
        // A stale socket file (a master killed by SIGKILL) is cleaned up too.
        fs::write(path.join("0123abcd"), b"").unwrap();
        drop(control);
        assert!(!path.exists());
    }
}
