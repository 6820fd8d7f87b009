//! One changing `deploy` at a time per cluster: `join`, `all` and `reset` hold an
//! exclusive lock on a file named after the inventory, which says who holds
//! it. The kernel drops the lock when the process ends, however it ends, so
//! a killed `deploy` never leaves a stale one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, Result};

use crate::exit::Problem;
use crate::messages::commands as say;

/// Held for the run; dropping it (or exiting) releases the cluster.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Takes the lock of the cluster `inventory` describes, for `command`;
/// a usage error naming the holder when another `deploy` has it.
pub fn take(inventory: &Path, command: &str) -> Result<RunLock> {
    let path = path_for(inventory);
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| say::lock_unusable(&path))?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .with_context(|| say::lock_unusable(&path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(Problem::usage(say::cluster_busy(&holder, inventory)).into());
        }
        Err(TryLockError::Error(err)) => {
            return Err(err).with_context(|| say::lock_unusable(&path));
        }
    }
    let since = humantime::format_rfc3339_seconds(SystemTime::now());
    let holder = say::lock_holder(std::process::id(), command, &since.to_string());
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(holder.as_bytes()))
        .with_context(|| say::lock_unusable(&path))?;
    Ok(RunLock { _file: file })
}

/// `$TMPDIR/deploy-locks-UID/HASH.lock`: one file per inventory, by its
/// canonical path, so `-i hosts.yml` and `-i ./hosts.yml` are one cluster.
fn path_for(inventory: &Path) -> PathBuf {
    let canonical = inventory
        .canonicalize()
        .unwrap_or_else(|_| inventory.to_owned());
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir()
        .join(format!("deploy-locks-{uid}"))
        .join(format!(
            "{:016x}.lock",
            fnv1a(canonical.as_os_str().as_encoded_bytes())
        ))
}

/// FNV-1a: a stable name for a path of any length. std's hasher may change
/// between Rust releases, and two builds of deploy must agree on the name.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_naming_the_holder_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let inventory = dir.path().join("hosts.yml");
        std::fs::write(&inventory, "all: {}\n").unwrap();
        let first = take(&inventory, "deploy join").unwrap();
        let refused = take(&dir.path().join("./hosts.yml"), "deploy all").unwrap_err();
        let text = format!("{refused:#}");
        assert!(text.contains(&std::process::id().to_string()), "{text}");
        assert!(text.contains("deploy join"), "{text}");
        assert_eq!(crate::exit::code_of(&refused), crate::exit::Code::Usage);
        drop(first);
        take(&inventory, "deploy all").unwrap();
    }

    #[test]
    fn names_are_stable_and_differ_by_path() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(
            path_for(Path::new("/x/a.yml")),
            path_for(Path::new("/x/b.yml"))
        );
    }
}
