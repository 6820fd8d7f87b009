//! Reaching hosts, over real SSH to the lab, through the library API
//! (`deploy::remote`): commands, become, each connection failure and its
//! message, quoting, secrets, detached jobs, control sockets, Ctrl-C, and
//! the local connection inside a private mount namespace.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use deploy::exit::{Code, code_of, render};
use deploy::remote::job::{self, JobState, Started};
use deploy::remote::{Cmd, Ending, Failure, RemoteError, Session, StreamEvent, Target};
use serde_json::{Map, Value};

use crate::support::lab::Lab;

const LIMIT: Duration = Duration::from_secs(20);

/// A host's variables as the lab's inventory gives them.
pub fn vars(lab: &Lab, node: &str) -> Map<String, Value> {
    let text = fs::read_to_string(lab.inventory()).unwrap();
    let inventory: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let host = ["monitoring_nodes", "storage_nodes", "compute_nodes"]
        .iter()
        .find_map(|group| inventory[group]["hosts"].get(node))
        .unwrap_or_else(|| panic!("{node} is not in the inventory:\n{text}"));
    match serde_json::to_value(host).unwrap() {
        Value::Object(vars) => vars,
        other => panic!("{node}: {other}"),
    }
}

fn target(lab: &Lab, node: &str) -> Target {
    Target::from_vars(node, &vars(lab, node)).unwrap()
}

fn target_with(lab: &Lab, node: &str, var: &str, value: &str) -> Target {
    let mut vars = vars(lab, node);
    vars.insert(var.into(), value.into());
    Target::from_vars(node, &vars).unwrap()
}

fn session() -> Session {
    Session::new(Duration::from_secs(5)).unwrap()
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).trim().to_string()
}

/// Live ssh master processes serving sockets in `dir`.
fn masters_in(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let stat = fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        if stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'))
        {
            continue;
        }
        let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains("ControlMaster=yes") && cmdline.contains(&*dir.to_string_lossy()) {
            found.push(cmdline);
        }
    }
    found
}

/// The master sockets in `dir`.
fn sockets_in(dir: &Path) -> usize {
    use std::os::unix::fs::FileTypeExt;
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_type().unwrap().is_socket())
        .count()
}

/// The masters still running in `dir` once they have had their moment to
/// go: a process killed by the kernel (its parent gone) takes one to end.
fn masters_left(dir: &Path) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let left = masters_in(dir);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn failure(err: &anyhow::Error) -> Failure {
    err.downcast_ref::<RemoteError>()
        .unwrap_or_else(|| panic!("not a remote error: {err:#}"))
        .failure
}

#[test]
fn a_command_on_each_node_over_one_master_per_host() {
    let Some(lab) = Lab::builder()
        .control("masternode")
        .worker("storagenodet3500")
        .rke2("homelab")
        .option("homelab", "become")
        .start()
    else {
        return;
    };
    let session = session();
    let control = session.control_dir().to_owned();
    for node in ["masternode", "storagenodet3500", "homelab"] {
        let out = session
            .run(
                &target(&lab, node),
                &Cmd::argv(["sh", "-c", "hostname; id -u"]),
                LIMIT,
            )
            .unwrap();
        assert_eq!(
            (out.code, text(&out.stdout)),
            (0, format!("{node}\n0")),
            "{node}"
        );
    }
    // Each host got its master; later commands reuse it.
    assert_eq!(sockets_in(&control), 3);
    assert_eq!(masters_in(&control).len(), 3, "{:?}", masters_in(&control));
    let worker = target(&lab, "storagenodet3500");
    let runs = 20;
    let started = Instant::now();
    for _ in 0..runs {
        session.run(&worker, &Cmd::argv(["true"]), LIMIT).unwrap();
    }
    let warm = started.elapsed() / runs;
    eprintln!("one command over a warm ControlMaster: {warm:.1?}");
    assert!(warm < Duration::from_millis(500), "{warm:?}");
    drop(session);
    assert!(!control.exists(), "control directory left behind");
    assert_eq!(
        masters_left(&control),
        Vec::<String>::new(),
        "masters left running"
    );
}

#[test]
fn become_runs_through_sudo_and_a_password_prompt_is_an_error() {
    let Some(lab) = Lab::builder()
        .worker("w")
        .option("w", "become")
        .worker("p")
        .option("p", "sudo-password")
        .start()
    else {
        return;
    };
    let session = session();
    let out = session
        .run(
            &target(&lab, "w"),
            &Cmd::argv(["sh", "-c", "id -un; echo \"$SUDO_USER\""]),
            LIMIT,
        )
        .unwrap();
    assert_eq!(text(&out.stdout), "root\ndeployer");
    // Without become the same login stays deployer.
    let plain = target_with(&lab, "w", "ansible_become", "false");
    let out = session
        .run(&plain, &Cmd::argv(["id", "-un"]), LIMIT)
        .unwrap();
    assert_eq!(text(&out.stdout), "deployer");
    // Scripts too are run by sudo.
    let out = session
        .run(
            &target(&lab, "w"),
            &Cmd::script("whoami", "id -u").var("X", "1"),
            LIMIT,
        )
        .unwrap();
    assert_eq!(text(&out.stdout), "0");

    let started = Instant::now();
    let err = session
        .run(&target(&lab, "p"), &Cmd::argv(["true"]), LIMIT)
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "sudo waited");
    assert_eq!(failure(&err), Failure::SudoPassword);
    let message = render(&err);
    assert!(message.contains("p (deployer@"), "{message}");
    assert!(
        message.contains("sudo asks deployer for a password to become root"),
        "{message}"
    );
    assert!(
        message.contains("fix: give deploy deployer's password on the host"),
        "{message}"
    );
}

/// A TCP listener that never accepts: the kernel completes the handshake,
/// and ssh then waits for a banner that never comes, like a hung host.
fn silent_listener(address: &str) -> std::net::TcpListener {
    std::net::TcpListener::bind(address).unwrap()
}

#[test]
fn each_connection_failure_has_its_own_message_and_fix() {
    let Some(lab) = Lab::builder()
        .control("c")
        .worker("gone")
        .option("gone", "no-sshd")
        .start()
    else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let session = Session::new(Duration::from_secs(2)).unwrap();
    let run = |target: &Target| {
        let started = Instant::now();
        let err = session
            .run(target, &Cmd::argv(["true"]), LIMIT)
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(code_of(&err), Code::Failed);
        (failure(&err), render(&err))
    };

    let (kind, message) = run(&target(&lab, "gone"));
    assert_eq!(kind, Failure::Refused, "{message}");
    assert!(message.contains("refused the SSH connection"), "{message}");
    assert!(message.contains("Connection refused"), "{message}");

    // Another key than the one the node knows; only that key is offered.
    let key = scratch.path().join("stranger");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(made.success());
    let mut stranger = vars(&lab, "c");
    stranger.insert(
        "ansible_ssh_private_key_file".into(),
        key.to_string_lossy().into(),
    );
    let common = stranger["ansible_ssh_common_args"]
        .as_str()
        .unwrap()
        .to_owned();
    stranger.insert(
        "ansible_ssh_common_args".into(),
        format!("{common} -o IdentitiesOnly=yes").into(),
    );
    let (kind, message) = run(&Target::from_vars("c", &stranger).unwrap());
    assert_eq!(kind, Failure::AuthDenied, "{message}");
    assert!(
        message.contains("Permission denied (publickey)"),
        "{message}"
    );
    assert!(message.contains("ssh-copy-id -p 2222 root@"), "{message}");

    // An empty known_hosts with strict checking: the key is unknown.
    let empty = scratch.path().join("known_hosts_empty");
    fs::write(&empty, "").unwrap();
    let strict = format!(
        "-o UserKnownHostsFile={} -o StrictHostKeyChecking=yes",
        empty.display()
    );
    let (kind, message) = run(&target_with(&lab, "c", "ansible_ssh_common_args", &strict));
    assert_eq!(kind, Failure::HostKeyUnknown, "{message}");
    assert!(message.contains("not in known_hosts"), "{message}");
    assert!(
        fs::read_to_string(&empty).unwrap().is_empty(),
        "a key was accepted"
    );

    // A different key recorded for the node: changed, and never retryable.
    let changed = scratch.path().join("known_hosts_changed");
    let other = fs::read_to_string(key.with_extension("pub")).unwrap();
    let other = other
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    fs::write(&changed, format!("[{}]:2222 {other}\n", lab.address("c"))).unwrap();
    let args = format!(
        "-o UserKnownHostsFile={} -o StrictHostKeyChecking=yes",
        changed.display()
    );
    let (kind, message) = run(&target_with(&lab, "c", "ansible_ssh_common_args", &args));
    assert_eq!(kind, Failure::HostKeyChanged, "{message}");
    assert!(!kind.retryable());
    assert!(message.contains("has CHANGED"), "{message}");
    assert!(message.contains("ssh-keygen -f"), "{message}");

    // The same with checking switched off: ssh warns, then logs in anyway.
    // A connection to a host whose key changed is never trusted.
    let lax = format!(
        "-o UserKnownHostsFile={} -o StrictHostKeyChecking=no",
        changed.display()
    );
    let (kind, message) = run(&target_with(&lab, "c", "ansible_ssh_common_args", &lax));
    assert_eq!(kind, Failure::HostKeyChanged, "{message}");
    assert!(message.contains("(it now sends SHA256:"), "{message}");

    // A host that accepts TCP but never speaks: unreachable after the connect timeout.
    let silent_address = format!("{}.200", lab.address("c").rsplit_once('.').unwrap().0);
    let _silent = silent_listener(&format!("{silent_address}:2222"));
    let (kind, message) = run(&target_with(&lab, "c", "ansible_host", &silent_address));
    assert_eq!(kind, Failure::Unreachable, "{message}");
    assert!(message.contains("cannot be reached"), "{message}");
    assert!(message.contains("--connect-timeout"), "{message}");

    // The time limit: a command that outlives it is stopped and named.
    let started = Instant::now();
    let err = session
        .run(
            &target(&lab, "c"),
            &Cmd::argv(["sleep", "30"]),
            Duration::from_secs(1),
        )
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(failure(&err), Failure::TimeLimit);
    let message = render(&err);
    assert!(message.contains("c (root@"), "{message}");
    assert!(
        message.contains("`sleep 30` did not finish within 1s"),
        "{message}"
    );

    // And a command that merely fails is output, not a connection failure.
    let out = session
        .run(
            &target(&lab, "c"),
            &Cmd::argv(["sh", "-c", "echo no >&2; exit 255"]),
            LIMIT,
        )
        .unwrap();
    assert_eq!((out.code, text(&out.stderr)), (255, "no".into()));
}

#[test]
fn a_hostile_inventory_value_stays_text() {
    let Some(lab) = Lab::builder()
        .control("c")
        .worker("w")
        .option("w", "become")
        .start()
    else {
        return;
    };
    // The lab's nodes share /tmp with this machine: a touch would show here.
    let pwned = format!("/tmp/deploy-pwned-{}", std::process::id());
    let value = format!("a; touch {pwned}; $(touch {pwned}) `touch {pwned}` ' \" \\");
    let session = session();
    for node in ["c", "w"] {
        let mut vars = vars(&lab, node);
        vars.insert("node_label".into(), value.clone().into());
        let host = Target::from_vars(node, &vars).unwrap();
        let value = vars["node_label"].as_str().unwrap();
        let out = session
            .run(&host, &Cmd::argv(["printf", "%s", value]), LIMIT)
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), value, "{node}");
        let out = session
            .run(
                &host,
                &Cmd::script("echo var", "printf %s \"$V\"").var("V", value),
                LIMIT,
            )
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), value, "{node}");
    }
    assert!(!Path::new(&pwned).exists(), "the value ran as a command");
}

/// Every command line on a node, as `ps` shows them.
fn process_list(lab: &Lab, node: &str) -> String {
    text(&lab.exec(node, &["ps", "-eo", "args"]).stdout)
}

#[test]
fn secrets_on_stdin_never_show_in_the_remote_process_list() {
    let Some(lab) = Lab::builder().worker("w").option("w", "become").start() else {
        return;
    };
    let secret = "abcdef.0123456789abcdef";
    let session = session();
    let host = target(&lab, "w");
    std::thread::scope(|scope| {
        let var = scope.spawn(|| {
            session.run(
                &host,
                &Cmd::script("with token", "sleep 2; echo ${#TOKEN}").var("TOKEN", secret),
                LIMIT,
            )
        });
        std::thread::sleep(Duration::from_millis(1000));
        let ps = process_list(&lab, "w");
        assert!(
            ps.contains("sleep 2"),
            "looked too early or too late:\n{ps}"
        );
        assert!(!ps.contains(secret), "the secret is visible:\n{ps}");
        assert_eq!(
            text(&var.join().unwrap().unwrap().stdout),
            secret.len().to_string()
        );
    });
}

#[test]
fn a_detached_job_is_found_again_after_its_connection_was_killed() {
    let Some(lab) = Lab::builder().worker("w").option("w", "become").start() else {
        return;
    };
    let secret = "kubeadm-token-9f8e7d";
    let host = target(&lab, "w");
    let name = "join";
    let argv = [
        "sh",
        "-c",
        "read -r token; echo \"got ${#token}\"; sleep 3; echo done >&2; exit 7",
    ];
    let first = session();
    let pid = match job::start(
        &first,
        &host,
        name,
        &argv,
        Some(format!("{secret}\n").as_bytes()),
    )
    .unwrap()
    {
        Started::New { pid } => pid,
        other => panic!("{other:?}"),
    };
    let ps = process_list(&lab, "w");
    assert!(ps.contains("deploy-job-join"), "{ps}");
    assert!(
        !ps.contains(secret),
        "the payload is on a command line:\n{ps}"
    );
    // The payload is a private file in memory while the job runs, never
    // on the disk (a tmpfs of the node's own).
    let shm = "/dev/shm/deploy-job.*";
    let modes = format!("stat -c %a {shm}/payload {shm}");
    let mode = lab.exec("w", &["sh", "-c", &modes]);
    assert_eq!(text(&mode.stdout), "600\n700");
    let on_disk = lab.exec("w", &["grep", "-rqF", secret, "/var/lib/deploy/jobs"]);
    assert!(!on_disk.status.success(), "the payload is on the disk");

    // Kill every SSH connection to the node, from the node's side.
    let killed = lab.exec("w", &["pkill", "-KILL", "-f", "sshd: deployer"]);
    assert!(killed.status.success(), "{killed:?}");
    drop(first);

    let second = session();
    match job::start(&second, &host, name, &argv, None).unwrap() {
        Started::Attached {
            pid: again,
            started_at,
        } => {
            assert_eq!(again, pid);
            assert!(started_at.ends_with('Z'), "{started_at}");
        }
        other => panic!("started twice: {other:?}"),
    }
    assert_eq!(
        job::status(&second, &host, name).unwrap().state,
        JobState::Running
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        let status = job::status(&second, &host, name).unwrap();
        if status.state != JobState::Running || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(status.state, JobState::Exited(7));
    assert_eq!(status.pid, Some(pid));
    assert_eq!(text(&status.stdout_tail), format!("got {}", secret.len()));
    assert_eq!(text(&status.stderr_tail), "done");
    // The secret does not outlive the job.
    let payload = lab.exec("w", &["sh", "-c", &format!("test -e {shm}")]);
    assert!(
        !payload.status.success(),
        "the payload file was left behind"
    );
    assert_eq!(
        job::status(&second, &host, "other").unwrap().state,
        JobState::Missing
    );
}

#[test]
fn a_stream_yields_lines_live_and_reports_a_lost_connection() {
    let Some(lab) = Lab::builder().worker("w").start() else {
        return;
    };
    let session = session();
    let host = target(&lab, "w");
    let next = |stream: &deploy::remote::Stream| {
        stream
            .recv_timeout(Duration::from_secs(10))
            .unwrap()
            .expect("an event within 10s")
    };
    let stream = session
        .stream(
            &host,
            &Cmd::script(
                "ticks",
                "for i in 1 2 3; do echo tick $i; sleep 0.3; done; exit 5",
            ),
            &|| false,
        )
        .unwrap();
    for i in 1..=3 {
        assert!(matches!(next(&stream), StreamEvent::Line(line) if line == format!("tick {i}")));
    }
    assert!(matches!(
        next(&stream),
        StreamEvent::Ended(Ending::Exited(5))
    ));

    let stream = session
        .stream(
            &host,
            &Cmd::script("watch", "echo watching; sleep 60"),
            &|| false,
        )
        .unwrap();
    assert!(matches!(next(&stream), StreamEvent::Line(line) if line == "watching"));
    let killed = lab.exec("w", &["pkill", "-KILL", "-f", "sshd: root"]);
    assert!(killed.status.success(), "{killed:?}");
    let started = Instant::now();
    match next(&stream) {
        StreamEvent::Ended(Ending::Failed(err)) => {
            assert_eq!(err.failure, Failure::ConnectionLost, "{err}");
            assert!(err.failure.retryable());
        }
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // A new connection works at once: the dead master was replaced.
    let out = session
        .run(&host, &Cmd::argv(["echo", "back"]), LIMIT)
        .unwrap();
    assert_eq!(text(&out.stdout), "back");
}

/// Runs one test of this binary in a child process, with `env` set, and
/// returns it started with piped stdout.
fn helper(test: &str, env: &[(&str, &str)], wrapper: &[&str]) -> std::process::Child {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = match wrapper.split_first() {
        Some((program, args)) => {
            let mut cmd = Command::new(program);
            cmd.args(args).arg(exe);
            cmd
        }
        None => Command::new(exe),
    };
    cmd.args([
        "--exact",
        test,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .envs(env.iter().copied())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap()
}

/// The value of the first `key: value` line the helper prints; on its
/// absence, the helper's stderr says why.
fn read_line_with(child: &mut std::process::Child, key: &str) -> String {
    let stdout = child.stdout.as_mut().unwrap();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        // libtest prints its `test NAME ... ` in front of the first line.
        if let Some((_, value)) = line.split_once(&format!("{key}: ")) {
            return value.to_owned();
        }
    }
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    panic!("the helper never printed {key}:\n{stderr}");
}

fn send(child: &std::process::Child, signal: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
}

fn wait_with_limit(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the helper did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Not a test on its own: the process `control_sockets_are_gone_after_ctrl_c`
/// starts and interrupts. It opens a master, then either runs a long
/// command (polling Ctrl-C) or sleeps without polling.
#[test]
#[ignore = "run by control_sockets_are_gone_after_ctrl_c"]
fn ctrl_c_helper() {
    let (Ok(inventory), Ok(mode)) = (std::env::var("HELPER_VARS"), std::env::var("HELPER_MODE"))
    else {
        return;
    };
    deploy::interrupt::install(|| {}, || {}).unwrap();
    let vars: Map<String, Value> = serde_json::from_str(&inventory).unwrap();
    let host = Target::from_vars("w", &vars).unwrap();
    let session = session();
    session.run(&host, &Cmd::argv(["true"]), LIMIT).unwrap();
    println!("control-dir: {}", session.control_dir().display());
    if mode == "poll" {
        let err = session
            .run(&host, &Cmd::argv(["sleep", "60"]), Duration::from_secs(90))
            .unwrap_err();
        drop(session);
        eprintln!("{}", render(&err));
        std::process::exit(code_of(&err) as i32);
    }
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn control_sockets_are_gone_after_ctrl_c() {
    let Some(lab) = Lab::builder().worker("w").start() else {
        return;
    };
    let vars = serde_json::to_string(&vars(&lab, "w")).unwrap();
    for (mode, signals) in [("poll", 1), ("sleep", 2)] {
        let mut child = helper(
            "remote::ctrl_c_helper",
            &[("HELPER_VARS", &vars), ("HELPER_MODE", mode)],
            &[],
        );
        let control = PathBuf::from(read_line_with(&mut child, "control-dir"));
        assert_eq!(masters_in(&control).len(), 1, "{mode}: no master to close");
        std::thread::sleep(Duration::from_millis(300));
        for _ in 0..signals {
            send(&child, libc::SIGINT);
            std::thread::sleep(Duration::from_millis(100));
        }
        let status = wait_with_limit(&mut child, Duration::from_secs(10));
        assert_eq!(status.code(), Some(130), "{mode}");
        assert!(!control.exists(), "{mode}: control directory left behind");
        assert_eq!(
            masters_left(&control),
            Vec::<String>::new(),
            "{mode}: master left running"
        );
    }
}

/// Not a test on its own: runs inside `unshare -m` for
/// `the_local_connection_runs_sh_on_this_machine`, with a tmpfs over the
/// job directory so nothing reaches the real machine's files.
#[test]
#[ignore = "run by the_local_connection_runs_sh_on_this_machine"]
fn local_connection_helper() {
    if std::env::var("HELPER_MODE").as_deref() != Ok("local") {
        return;
    }
    // Over all of /var/lib: making the job directory itself first would
    // create it on the real machine. And over /dev/shm, the payload's.
    for dir in ["/var/lib", "/dev/shm"] {
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "deploy-test", dir])
            .status()
            .unwrap();
        assert!(mounted.success(), "{dir}");
    }
    let masternode: Map<String, Value> = serde_json::from_str(
        r#"{"ansible_host": "192.0.2.63", "ansible_connection": "local", "ansible_become": true}"#,
    )
    .unwrap();
    let host = Target::from_vars("masternode", &masternode).unwrap();
    let session = session();
    let out = session
        .run(
            &host,
            &Cmd::argv([
                "sh",
                "-c",
                "hostname; id -u; printf %s \"$1\"",
                "sh",
                "a; touch /pwned",
            ]),
            LIMIT,
        )
        .unwrap();
    let hostname = fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}0\na; touch /pwned", hostname)
    );
    let started = job::start(
        &session,
        &host,
        "local-job",
        &["sh", "-c", "cat; exit 4"],
        Some(b"payload"),
    )
    .unwrap();
    assert!(matches!(started, Started::New { .. }), "{started:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        let status = job::status(&session, &host, "local-job").unwrap();
        if status.state != JobState::Running || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.state, JobState::Exited(4));
    assert_eq!(status.stdout_tail, b"payload");
    // The job went where the tmpfs is: this namespace only.
    assert!(Path::new(job::ROOT_JOBS_DIR).join("local-job/rc").exists());
    // No ssh anywhere: no master was ever made.
    assert_eq!(sockets_in(session.control_dir()), 0);
    println!("local-ok: yes");
}

#[test]
fn the_local_connection_runs_sh_on_this_machine() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root && std::env::var("CI").as_deref() != Ok("true") {
        eprintln!("skipping: a private mount namespace needs root");
        return;
    }
    let mut child = helper(
        "remote::local_connection_helper",
        &[("HELPER_MODE", "local")],
        &["unshare", "-m", "--propagation", "private"],
    );
    let ok = read_line_with(&mut child, "local-ok");
    let status = wait_with_limit(&mut child, Duration::from_secs(30));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(status.success() && ok == "yes", "{status:?}\n{stderr}");
    assert!(
        !Path::new(job::ROOT_JOBS_DIR).join("local-job").exists(),
        "the job escaped the private mount namespace"
    );
}

#[test]
fn two_starts_of_one_job_at_once_start_it_once() {
    // `slow`: every `date` on the node takes 0.5 s, and starting a job
    // calls it between looking for a running job and recording its own.
    let Some(lab) = Lab::builder()
        .worker("w")
        .option("w", "become")
        .option("w", "slow")
        .start()
    else {
        return;
    };
    let host = target(&lab, "w");
    let argv = ["sleep", "3"];
    for round in 0..3 {
        let name = format!("race{round}");
        let started: Vec<Started> = std::thread::scope(|scope| {
            let both: Vec<_> = (0..2)
                .map(|_| scope.spawn(|| job::start(&session(), &host, &name, &argv, None).unwrap()))
                .collect();
            both.into_iter().map(|one| one.join().unwrap()).collect()
        });
        let new = started
            .iter()
            .filter(|start| matches!(start, Started::New { .. }))
            .count();
        assert_eq!(new, 1, "round {round}: {started:?}");
        let pids: Vec<u32> = started
            .iter()
            .map(|start| match start {
                Started::New { pid } | Started::Attached { pid, .. } => *pid,
            })
            .collect();
        assert_eq!(pids[0], pids[1], "round {round}: {started:?}");
    }
}
