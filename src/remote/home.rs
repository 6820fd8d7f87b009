//! `~` at the start of a path, as Ansible's `os.path.expanduser` reads it:
//! `~` and `~/...` are this user's home (`$HOME`, else the passwd
//! database), `~user/...` that user's home from the passwd database.

use std::ffi::{CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// A `~user` whose home could not be found: no such user, or the
/// lookup itself failed (`error`).
#[derive(Debug)]
pub struct UnknownHome {
    pub user: String,
    pub error: Option<std::io::Error>,
}

/// `path` with its leading `~` or `~user` replaced by that home. A path
/// without one stays as it is; so does `~` when no home can be found,
/// as Python's `expanduser` leaves it.
pub fn expand_home(path: &str) -> Result<PathBuf, UnknownHome> {
    expand_with(path, std::env::var_os("HOME").map(PathBuf::from), |user| {
        passwd_home(Some(user))
    })
}

/// The rule, with `$HOME` and the passwd database handed in.
fn expand_with(
    path: &str,
    home: Option<PathBuf>,
    home_of: impl Fn(&str) -> std::io::Result<Option<PathBuf>>,
) -> Result<PathBuf, UnknownHome> {
    let Some(after) = path.strip_prefix('~') else {
        return Ok(PathBuf::from(path));
    };
    let (user, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
    let rest = rest.trim_start_matches('/');
    let home = if user.is_empty() {
        match home.or_else(|| passwd_home(None).ok().flatten()) {
            Some(home) => home,
            None => return Ok(PathBuf::from(path)),
        }
    } else {
        match home_of(user) {
            Ok(Some(home)) => home,
            found => {
                return Err(UnknownHome {
                    user: user.to_owned(),
                    error: found.err(),
                });
            }
        }
    };
    Ok(if rest.is_empty() {
        home
    } else {
        home.join(rest)
    })
}

/// The home directory of `user` (this process's user when `None`) in the
/// passwd database, through the C library as `pwd.getpwnam` does, so
/// NSS sources (LDAP, sssd) count too. `Ok(None)`: no such user.
fn passwd_home(user: Option<&str>) -> std::io::Result<Option<PathBuf>> {
    let name = match user.map(CString::new) {
        Some(Ok(name)) => Some(name),
        // A NUL byte: no user has that name.
        Some(Err(_)) => return Ok(None),
        None => None,
    };
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: `entry` and `buf` outlive the call, `buf.len()` is the
        // buffer's size, and `found` is either null or points at `entry`,
        // whose strings point into `buf`, read before either is dropped.
        unsafe {
            let mut entry: libc::passwd = std::mem::zeroed();
            let mut found: *mut libc::passwd = std::ptr::null_mut();
            let rc = match &name {
                Some(name) => libc::getpwnam_r(
                    name.as_ptr(),
                    &mut entry,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut found,
                ),
                None => libc::getpwuid_r(
                    libc::getuid(),
                    &mut entry,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut found,
                ),
            };
            if rc == libc::ERANGE && buf.len() < 1 << 20 {
                buf.resize(buf.len() * 2, 0);
                continue;
            }
            if rc != 0 {
                return Err(std::io::Error::from_raw_os_error(rc));
            }
            if found.is_null() || entry.pw_dir.is_null() {
                return Ok(None);
            }
            let dir = CStr::from_ptr(entry.pw_dir).to_bytes();
            return Ok(Some(PathBuf::from(OsStr::from_bytes(dir))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn homes(user: &str) -> std::io::Result<Option<PathBuf>> {
        match user {
            "deployer" => Ok(Some(PathBuf::from("/srv/deployer/"))),
            "broken" => Err(std::io::Error::from_raw_os_error(libc::EIO)),
            _ => Ok(None),
        }
    }

    fn expand(path: &str, home: Option<&str>) -> Result<PathBuf, UnknownHome> {
        expand_with(path, home.map(PathBuf::from), homes)
    }

    #[test]
    fn a_leading_tilde_is_this_users_home() {
        let me = Some("/home/me");
        assert_eq!(
            expand("~/.ssh/id", me).unwrap(),
            PathBuf::from("/home/me/.ssh/id")
        );
        assert_eq!(expand("~", me).unwrap(), PathBuf::from("/home/me"));
        assert_eq!(expand("/etc/key", me).unwrap(), PathBuf::from("/etc/key"));
        assert_eq!(expand("a/~/b", me).unwrap(), PathBuf::from("a/~/b"));
    }

    #[test]
    fn tilde_user_is_that_users_home_or_an_error_naming_the_user() {
        assert_eq!(
            expand("~deployer/.ssh/id", None).unwrap(),
            PathBuf::from("/srv/deployer/.ssh/id")
        );
        assert_eq!(
            expand("~deployer", None).unwrap(),
            PathBuf::from("/srv/deployer/")
        );
        let unknown = expand("~nobody-here/id", Some("/home/me")).unwrap_err();
        assert_eq!(unknown.user, "nobody-here");
        assert!(unknown.error.is_none());
        let failed = expand("~broken/id", None).unwrap_err();
        assert_eq!(failed.user, "broken");
        assert!(failed.error.is_some());
    }

    #[test]
    fn the_passwd_database_knows_root_and_not_a_made_up_name() {
        assert_eq!(
            passwd_home(Some("root")).unwrap(),
            Some(PathBuf::from("/root"))
        );
        assert_eq!(passwd_home(Some("no-such-user-here")).unwrap(), None);
        assert_eq!(passwd_home(Some("nul\0name")).unwrap(), None);
        assert!(passwd_home(None).unwrap().is_some());
    }
}
