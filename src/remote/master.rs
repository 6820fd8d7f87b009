//! One master connection per host, started by us and kept in the
//! foreground (`ssh -M -N -o ControlPersist=no`): the commands run as clients
//! of its socket (`ControlMaster=no`). A master that ssh daemonized itself
//! (`ControlPersist`) would leave our process tree and outlive a `deploy`
//! killed with SIGKILL; ours is a child tied to a thread of its own that
//! waits for it (`process::tie`), so it dies with `deploy` whatever ends it.
//!
//! Each master writes what it says to a log beside its socket, read when it
//! fails (why it could not connect) and when it is up (a host key warning
//! it logged in despite).

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::options;
use super::process;
use super::target::SshTarget;
use crate::interrupt;

/// How often a wait for a master looks at its socket, the clock and the
/// caller's stop.
const LOOK: Duration = Duration::from_millis(5);
/// How long closing waits for the masters to end after SIGTERM.
const CLOSE_LIMIT: Duration = Duration::from_secs(2);

/// The masters of one session, one per socket path.
#[derive(Debug)]
pub(crate) struct Masters {
    dir: PathBuf,
    masters: Mutex<HashMap<PathBuf, Master>>,
}

/// One host's master: the socket its clients use, and its process's life.
/// Cloning shares it.
#[derive(Debug, Clone)]
pub(crate) struct Master(Arc<Core>);

#[derive(Debug)]
struct Core {
    socket: PathBuf,
    log: PathBuf,
    program: PathBuf,
    args: Vec<OsString>,
    host: String,
    life: Mutex<Life>,
    changed: Condvar,
}

/// The current master process of a host: a new one replaces an ended one.
#[derive(Debug, Default)]
struct Life {
    /// Counts the processes started, so an old one's end is not taken for
    /// the new one's.
    generation: u64,
    /// Started (or being started) and not yet ended.
    running: bool,
    pid: Option<i32>,
    /// How the last one ended: its exit code.
    ended: Option<i32>,
}

/// How waiting for a master ended.
#[derive(Debug)]
pub(crate) enum Up {
    /// Ready for clients; what it said while connecting.
    Ready(String),
    /// It ended before it was ready: its exit code and what it said.
    Failed(i32, String),
    TimedOut,
    /// The caller's `stop` (Ctrl-C, say) asked to stop waiting.
    Stopped,
}

impl Masters {
    pub fn new(dir: &Path) -> Masters {
        Masters {
            dir: dir.to_owned(),
            masters: Mutex::new(HashMap::new()),
        }
    }

    /// The master for `ssh`, made (not started) on first use. Its socket is
    /// named after everything that decides the connection, so two hosts
    /// that are one and the same connection share it.
    pub fn of(&self, program: &Path, ssh: &SshTarget, connect_timeout: Duration) -> Master {
        let mut hasher = DefaultHasher::new();
        (&ssh.host, ssh.port, &ssh.user, &ssh.key_file, &ssh.args).hash(&mut hasher);
        let name = format!("{:016x}", hasher.finish());
        let socket = self.dir.join(&name);
        let mut masters = interrupt::lock(&self.masters);
        let master = masters.entry(socket.clone()).or_insert_with(|| {
            Master(Arc::new(Core {
                args: options::master_command(ssh, &socket, connect_timeout),
                log: self.dir.join(format!("{name}.log")),
                socket,
                program: program.to_owned(),
                host: ssh.host.clone(),
                life: Mutex::new(Life::default()),
                changed: Condvar::new(),
            }))
        });
        master.clone()
    }

    /// Ends every master: SIGTERM, then SIGKILL for any still there after
    /// [`CLOSE_LIMIT`]. Each removes its socket as it ends.
    fn close(&self) {
        let masters: Vec<Master> = interrupt::lock(&self.masters).values().cloned().collect();
        for master in &masters {
            master.signal(libc::SIGTERM);
        }
        let deadline = Instant::now() + CLOSE_LIMIT;
        for master in &masters {
            master.end(deadline);
        }
    }
}

impl Drop for Masters {
    fn drop(&mut self) {
        self.close();
    }
}

impl Master {
    /// Waits until the master is ready for clients, starting it if none
    /// runs (never started, or ended: a lost connection gets a new one).
    /// `stop` is asked along the way (Ctrl-C is the caller's to ask about);
    /// past `deadline` a master still connecting is killed.
    pub fn up(&self, deadline: Instant, stop: &dyn Fn() -> bool) -> Up {
        let core = &self.0;
        let mut life = interrupt::lock(&core.life);
        if !life.running {
            life.generation += 1;
            life.running = true;
            life.pid = None;
            life.ended = None;
            let (master, generation) = (self.clone(), life.generation);
            let started = std::thread::Builder::new()
                .name(format!("ssh master {}", core.host))
                .spawn(move || master.run(generation));
            if let Err(err) = started {
                life.running = false;
                return Up::Failed(-1, format!("starting a thread for ssh: {err}"));
            }
        }
        loop {
            if !life.running {
                return Up::Failed(life.ended.unwrap_or(-1), core.said());
            }
            if life.pid.is_some() && is_socket(&core.socket) {
                return Up::Ready(core.said());
            }
            if stop() {
                return Up::Stopped;
            }
            let now = Instant::now();
            if now >= deadline {
                if let Some(pid) = life.pid {
                    kill(pid, libc::SIGKILL);
                }
                return Up::TimedOut;
            }
            let wait = LOOK.min(deadline - now);
            life = core
                .changed
                .wait_timeout(life, wait)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// The socket its clients connect to.
    pub fn socket(&self) -> &Path {
        &self.0.socket
    }

    /// Whether the master still serves its socket. A client whose master
    /// died exits 255 without a word, as a command may exit 255 itself.
    pub fn alive(&self) -> bool {
        let running = interrupt::lock(&self.0.life).running;
        running && std::os::unix::net::UnixStream::connect(&self.0.socket).is_ok()
    }

    /// The master's own thread: starts it, waits for its end, records it.
    /// The process is tied to this thread, which lives exactly as long.
    fn run(&self, generation: u64) {
        let core = &self.0;
        // A socket left by a master killed outright would make the new one
        // run without multiplexing ("already exists").
        let _ = fs::remove_file(&core.socket);
        let spawned = fs::File::create(&core.log).and_then(|log| {
            let mut command = std::process::Command::new(&core.program);
            command
                .args(&core.args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(log);
            process::tie(&mut command);
            command.spawn()
        });
        let code = match spawned {
            Ok(mut child) => {
                let pid = child.id() as i32;
                self.update(generation, |life| life.pid = Some(pid));
                // Its pid is signalled only while it is known here, and
                // known only until the process is reaped: no pid reused by
                // another process is ever signalled.
                wait_unreaped(pid);
                self.update(generation, |life| life.pid = None);
                match child.wait() {
                    Ok(status) => process::exit_code(&status),
                    Err(_) => -1,
                }
            }
            Err(err) => {
                let _ = fs::write(
                    &core.log,
                    format!("cannot start {}: {err}\n", core.program.display()),
                );
                -1
            }
        };
        let _ = fs::remove_file(&core.socket);
        self.update(generation, |life| {
            life.running = false;
            life.pid = None;
            life.ended = Some(code);
        });
    }

    fn update(&self, generation: u64, change: impl FnOnce(&mut Life)) {
        let mut life = interrupt::lock(&self.0.life);
        if life.generation == generation {
            change(&mut life);
            self.0.changed.notify_all();
        }
    }

    fn signal(&self, signal: i32) {
        if let Some(pid) = interrupt::lock(&self.0.life).pid {
            kill(pid, signal);
        }
    }

    /// Ends the master now, if it runs: its connection was lost, and while
    /// it winds down it would still take clients, which would fail. The
    /// next [`Master::up`] starts a new one.
    pub fn end_now(&self) {
        self.signal(libc::SIGTERM);
        self.end(Instant::now() + CLOSE_LIMIT);
    }

    /// SIGTERM (again, should it have been starting), then SIGKILL past
    /// `deadline`, until it has ended.
    fn end(&self, deadline: Instant) {
        let mut signal = libc::SIGTERM;
        loop {
            if self.wait_ended(Instant::now() + Duration::from_millis(100)) {
                return;
            }
            if Instant::now() >= deadline {
                if signal == libc::SIGKILL {
                    return;
                }
                signal = libc::SIGKILL;
            }
            self.signal(signal);
        }
    }

    /// Whether the master has ended (or never ran) by `deadline`.
    fn wait_ended(&self, deadline: Instant) -> bool {
        let mut life = interrupt::lock(&self.0.life);
        while life.running {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            life = self
                .0
                .changed
                .wait_timeout(life, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
        true
    }
}

impl Core {
    fn said(&self) -> String {
        fs::read(&self.log)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }
}

fn is_socket(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_socket())
}

fn kill(pid: i32, signal: i32) {
    if pid > 0 {
        // SAFETY: kill(2) has no memory effects; the pid is our own child's,
        // not yet reaped.
        unsafe {
            libc::kill(pid, signal);
        }
    }
}

/// Waits for the child `pid` to end, leaving it to be reaped.
fn wait_unreaped(pid: i32) {
    loop {
        // SAFETY: waitid(2) writes only into `info`, which we own.
        let done = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if done == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
}
