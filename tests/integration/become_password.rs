//! Become with a password, over real SSH to lab nodes whose sudo asks for
//! one (`sudo-password`): the password from the inventory and from `-K`, a
//! wrong one failing its host with its own message, and the password
//! nowhere but on sudo's stdin — not in output, logs, summary.json, nor in
//! the command lines or environments of the node's processes.

use std::time::{Duration, Instant};

use deploy::exit::render;
use deploy::remote::job::{self, JobState};
use deploy::remote::{Cmd, Failure, Session, Target};
use serde_json::Value;

use crate::pty;
use crate::remote::{failure, vars};
use crate::support::lab::{Lab, cluster};
use crate::support::run::{self, Run, deploy, lab_args};
use crate::support::scenario::Scenario;

/// deployer's password on `sudo-password` nodes (tests/lab/lib/node_files.sh).
const PASSWORD: &str = r#"lab pw7Zr 'q' "$HOME" \x"#;
/// A part of it that no quoting changes: looked for where it must never be.
const FRAGMENT: &str = "pw7Zr";
const WRONG: &str = "not-deployers-Qx9";
const LIMIT: Duration = Duration::from_secs(120);
const CALL: Duration = Duration::from_secs(20);

/// Gives `node` `var: password` in the lab's inventory, beside its other
/// become variables.
fn give_password(lab: &Lab, node: &str, var: &str, password: &str) {
    let path = lab.inventory();
    let text = std::fs::read_to_string(&path).unwrap();
    let host = text
        .find(&format!("\n    {node}:\n"))
        .unwrap_or_else(|| panic!("{node} is not in the inventory:\n{text}"));
    let method = "      ansible_become_method: sudo\n";
    let at = host + text[host..].find(method).expect("a become host") + method.len();
    let line = format!(
        "      {var}: {}\n",
        serde_json::to_string(password).unwrap()
    );
    std::fs::write(&path, format!("{}{line}{}", &text[..at], &text[at..])).unwrap();
}

/// `node` as the inventory gives it, with `var: password` added.
fn target(lab: &Lab, node: &str, var: &str, password: &str) -> Target {
    let mut vars = vars(lab, node);
    vars.insert(var.into(), password.into());
    Target::from_vars(node, &vars).unwrap()
}

/// What `node`'s processes showed while `busy` said so, sampled every
/// 50 ms: their command lines, then their environments.
fn watch(lab: &Lab, node: &str, mut busy: impl FnMut() -> bool) -> String {
    let look = "ps -eo args; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'";
    let mut seen = String::new();
    while busy() {
        seen.push_str(&String::from_utf8_lossy(
            &lab.exec(node, &["sh", "-c", look]).stdout,
        ));
        std::thread::sleep(Duration::from_millis(50));
    }
    seen
}

/// Every file the runs left in the log directory, summary.json among them.
fn logs(lab: &Lab) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(run::log_dir(lab)).unwrap() {
        let path = entry.unwrap().path();
        text.push_str(&format!("== {}\n", path.display()));
        text.push_str(&std::fs::read_to_string(path).unwrap());
    }
    text
}

fn never_in(place: &str, text: &str, password: &str) {
    for secret in [password, FRAGMENT] {
        assert!(!text.contains(secret), "{secret:?} is in {place}:\n{text}");
    }
}

/// The one finding `id` about `host` in a `check --output json` run.
fn finding(run: &Run, id: &str, host: &str) -> Value {
    let json = run.json();
    let found: Vec<&Value> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == id && c["host"] == host)
        .collect();
    assert_eq!(found.len(), 1, "{id} on {host}: {}", run.stdout);
    found[0].clone()
}

fn joined(lab: &Lab, worker: &str) -> bool {
    lab.node_path(worker, "/etc/kubernetes/kubelet.conf")
        .exists()
}

#[test]
fn the_password_reaches_sudo_alone_and_commands_keep_their_own_stdin() {
    let Some(lab) = Lab::builder()
        .worker("p")
        .option("p", "sudo-password")
        .worker("n")
        .option("n", "become")
        .start()
    else {
        return;
    };
    let session = Session::new(Duration::from_secs(5)).unwrap();
    // Where sudo asks (p) and where it does not (n: NOPASSWD), the command
    // runs as root and reads nothing of the password.
    for node in ["p", "n"] {
        let target = target(&lab, node, "ansible_become_password", PASSWORD);
        let out = session
            .run(&target, &Cmd::argv(["sh", "-c", "id -un; cat"]), CALL)
            .unwrap();
        assert_eq!(out.stdout_text(), "root\n", "{node}: {}", out.stderr_text());
        let script = Cmd::script("vars", "id -u; printf '%s\\n' \"$V\"").var("V", "a 'b'");
        let out = session.run(&target, &script, CALL).unwrap();
        assert_eq!(out.stdout_text(), "0\na 'b'\n", "{node}");
        let started = job::start(&session, &target, "payload", &["cat"], Some(b"tok\n"));
        started.unwrap_or_else(|err| panic!("{node}: {err:#}"));
        let mut status = job::status(&session, &target, "payload").unwrap();
        let deadline = Instant::now() + CALL;
        while status.state == JobState::Running && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            status = job::status(&session, &target, "payload").unwrap();
        }
        assert_eq!(status.state, JobState::Exited(0), "{node}");
        assert_eq!(status.stdout_tail, b"tok\n", "{node}");
    }

    // Nothing on the node shows it while a command runs through sudo.
    let target = target(&lab, "p", "ansible_become_password", PASSWORD);
    let seen = std::thread::scope(|scope| {
        let sleeping = scope.spawn(|| session.run(&target, &Cmd::argv(["sleep", "2"]), CALL));
        let seen = watch(&lab, "p", || !sleeping.is_finished());
        sleeping.join().unwrap().unwrap();
        seen
    });
    assert!(seen.contains("sudo -k -S"), "sudo was never seen:\n{seen}");
    assert!(seen.contains("PATH="), "no environment was read");
    never_in("p's processes", &seen, PASSWORD);

    // A wrong password is refused at once, as a failure of its own.
    let started = Instant::now();
    let wrong = target_with_wrong(&lab, "p");
    let err = session.run(&wrong, &Cmd::argv(["true"]), CALL).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "sudo waited");
    assert_eq!(failure(&err), Failure::SudoWrongPassword);
    let message = render(&err);
    assert!(message.contains("p (deployer@"), "{message}");
    assert!(
        message.contains("sudo refused the become password for deployer"),
        "{message}"
    );
    assert!(
        message.contains("fix: check ansible_become_pass for p"),
        "{message}"
    );
    never_in("the error", &message, WRONG);
    // Where sudo asks for none, the password is not even tried, as in Ansible.
    let out = session
        .run(
            &target_with_wrong(&lab, "n"),
            &Cmd::argv(["id", "-u"]),
            CALL,
        )
        .unwrap();
    assert_eq!(out.stdout_text(), "0\n");
}

/// `node` with a wrong password in `ansible_become_pass`.
fn target_with_wrong(lab: &Lab, node: &str) -> Target {
    target(lab, node, "ansible_become_pass", WRONG)
}

#[test]
fn check_and_join_with_the_inventory_password_never_show_it() {
    let Some(lab) = cluster(&[("w1", &["sudo-password"])]) else {
        return;
    };
    give_password(&lab, "w1", "ansible_become_password", PASSWORD);
    let check = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["check", "--output", "json"])
        .status(0)
        .run();
    let sudo = finding(&check, "host.sudo", "w1");
    assert_eq!(sudo["status"], "pass", "{sudo}");
    assert!(sudo["message"].as_str().unwrap().ends_with("runs as root"));
    let plan = deploy().on(&lab).args(["--check", "join"]).status(0).run();

    lab.set_scenario("w1", &Scenario::JoinDelay(Duration::from_secs(2)));
    let mut running = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["-v", "join"])
        .status(0)
        .spawn();
    let seen = watch(&lab, "w1", || running.is_running());
    let join = running.finish();
    assert!(joined(&lab, "w1"), "{}", join.stderr);
    assert!(seen.contains("sudo -k -S"), "sudo was never seen:\n{seen}");
    assert!(seen.contains("kubeadm join"), "the join was never seen");
    assert!(seen.contains("PATH="), "no environment was read");

    let logs = logs(&lab);
    assert!(logs.contains("summary.json"), "{logs}");
    never_in(
        "the output",
        &(check.all() + &plan.all() + &join.all()),
        PASSWORD,
    );
    never_in("the log directory", &logs, PASSWORD);
    never_in("w1's processes", &seen, PASSWORD);
}

#[test]
fn a_wrong_become_password_fails_its_host_at_once_with_its_own_message() {
    let Some(lab) = cluster(&[("w1", &["sudo-password"]), ("w2", &[])]) else {
        return;
    };
    give_password(&lab, "w1", "ansible_become_pass", WRONG);
    let check = deploy()
        .on(&lab)
        .limit(LIMIT)
        .args(["check", "--output", "json"])
        .status(1)
        .run();
    assert!(
        check.took < Duration::from_secs(30),
        "took {:?}",
        check.took
    );
    let sudo = finding(&check, "host.sudo", "w1");
    assert_eq!(sudo["status"], "fail", "{sudo}");
    let message = sudo["message"].as_str().unwrap();
    assert!(
        message.contains("sudo refused the become password for deployer"),
        "{sudo}"
    );
    assert!(
        sudo["hint"]
            .as_str()
            .unwrap()
            .starts_with("check ansible_become_pass for w1"),
        "{sudo}"
    );
    assert_eq!(finding(&check, "host.sudo", "w2")["status"], "pass");

    let join = deploy()
        .on(&lab)
        .limit(LIMIT)
        .arg("join")
        .status(1)
        .stderr_has("sudo refused the become password for deployer")
        .stderr_has("check ansible_become_pass for w1")
        .run();
    assert!(
        !joined(&lab, "w1") && !joined(&lab, "w2"),
        "{}",
        join.stderr
    );
    never_in("the output", &(check.all() + &join.all()), WRONG);
    never_in("the log directory", &logs(&lab), WRONG);
}

#[test]
fn ask_become_pass_asks_once_on_the_terminal_for_hosts_the_inventory_leaves_without() {
    let Some(lab) = cluster(&[("w1", &["sudo-password"]), ("w2", &["sudo-password"])]) else {
        return;
    };
    // w1's own password wins over -K's, as in Ansible: a wrong one typed
    // at the prompt only reaches w2, whose inventory gives none.
    give_password(&lab, "w1", "ansible_become_password", PASSWORD);
    let base = lab_args(&lab);
    let args = |command: &'static str| {
        let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
        args.extend(["-K", command]);
        args
    };
    let typed = |command: &'static str, password: &str| {
        let mut running = pty::spawn(&args(command), &[], lab.dir(), LIMIT);
        running.wait_for("BECOME password: ");
        running.send(format!("{password}\r").as_bytes());
        running.finish()
    };
    let screen = typed("check", WRONG);
    assert_eq!(screen.code, 1, "{}", screen.text());
    let text = screen.text();
    assert_eq!(text.matches("BECOME password:").count(), 1, "{text}");
    assert!(text.contains("sudo refused the become password"), "{text}");
    assert!(
        text.contains("type deployer's password on w2 at -K's prompt"),
        "{text}"
    );
    never_in("the terminal", &text, WRONG);

    let screen = typed("check", PASSWORD);
    assert_eq!(screen.code, 0, "{}", screen.text());
    never_in("the terminal", &screen.output, PASSWORD);
    let screen = typed("join", PASSWORD);
    assert_eq!(screen.code, 0, "{}", screen.text());
    assert!(joined(&lab, "w1") && joined(&lab, "w2"));
    never_in("the terminal", &screen.output, PASSWORD);
    never_in("the log directory", &logs(&lab), PASSWORD);

    // With no terminal to ask on, -K is refused before any host is asked.
    deploy()
        .on(&lab)
        .args(["-K", "check"])
        .without_terminal()
        .status(2)
        .stderr_has("-K (--ask-become-pass) needs a terminal to ask on")
        .stderr_has("fix: ")
        .run();
}

#[test]
fn ctrl_c_at_the_become_prompt_ends_deploy_and_gives_the_terminal_back() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = "monitoring_nodes:\n  hosts:\n    m:\n      ansible_connection: local\n";
    std::fs::write(dir.path().join("hosts.yml"), inventory).unwrap();
    let args = ["-i", "hosts.yml", "-K", "check"];
    let mut running = pty::spawn(&args, &[], dir.path(), Duration::from_secs(20));
    running.wait_for("BECOME password: ");
    running.send(b"typed\x03");
    let screen = running.finish();
    assert_eq!(screen.code, 130, "{}", screen.text());
    assert!(screen.echoes, "the terminal was left without echo");
    never_in("the terminal", &screen.output, "typed");
}

/// The user's own layout: `hosts.yml`, a vaulted `group_vars/all/secrets.yml`
/// and `ansible_become_pass` templated from the vaulted variable.
fn users_layout(lab: &Lab) -> (std::path::PathBuf, std::path::PathBuf) {
    let root = lab.dir().join("ansible/inventory");
    std::fs::create_dir_all(root.join("group_vars/all")).unwrap();
    std::fs::create_dir_all(root.join("host_vars")).unwrap();
    let hosts = root.join("hosts.yml");
    std::fs::copy(lab.inventory(), &hosts).unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vaulted");
    std::fs::copy(
        fixtures.join("secrets-sudo.yml"),
        root.join("group_vars/all/secrets.yml"),
    )
    .unwrap();
    std::fs::write(
        root.join("host_vars/w1.yml"),
        "ansible_become_pass: \"{{ vault_homelab_sudo_password }}\"\n",
    )
    .unwrap();
    let vault_pass = lab.dir().join("vault-pass");
    std::fs::write(&vault_pass, "lab-vault-pass\n").unwrap();
    (hosts, vault_pass)
}

#[test]
fn the_users_layout_opens_the_vaulted_become_password_where_it_is_used() {
    let Some(lab) = cluster(&[("w1", &["sudo-password"])]) else {
        return;
    };
    let (hosts, vault_pass) = users_layout(&lab);
    let on = |extra: &[&str]| {
        let mut args = vec![
            "-i".to_owned(),
            hosts.display().to_string(),
            "--log-dir".to_owned(),
            run::log_dir(&lab).display().to_string(),
        ];
        args.extend(extra.iter().map(|arg| (*arg).to_owned()));
        deploy().args(args).limit(LIMIT)
    };
    let file = vault_pass.display().to_string();
    let check = on(&["--vault-password-file", &file, "check", "--output", "json"]).run();
    assert_eq!(finding(&check, "host.sudo", "w1")["status"], "pass");
    let mut running = on(&["--vault-password-file", &file, "join"]).spawn();
    let seen = watch(&lab, "w1", || running.is_running());
    let join = running.finish();
    assert!(joined(&lab, "w1"), "{}", join.stderr);
    let shown = check.all() + &join.all() + &logs(&lab);
    never_in("the output and the log directory", &shown, PASSWORD);
    never_in("w1's processes", &seen, PASSWORD);
    assert!(
        !shown.contains("lab-vault-pass"),
        "the vault password shows"
    );

    // What deploy uses, as it uses it, with the secrets masked.
    let resolved = on(&[
        "--vault-password-file",
        &file,
        "inventory",
        "--host",
        "w1",
        "--resolved",
    ])
    .stdout_has("\"ansible_become_pass\": \"******\"")
    .stdout_has("\"control_plane_endpoint\": ")
    .run();
    never_in("--resolved", &resolved.all(), PASSWORD);

    // Each wrong password has its own message.
    let wrong_vault = lab.dir().join("wrong-vault-pass");
    std::fs::write(&wrong_vault, "not-the-vault-pass\n").unwrap();
    on(&[
        "--vault-password-file",
        &wrong_vault.display().to_string(),
        "check",
    ])
    .status(2)
    .stderr_has("no vault password given opens it")
    .run();
    on(&[
        "--vault-password-file",
        &file,
        "-e",
        &format!("vault_homelab_sudo_password={WRONG}"),
        "check",
    ])
    .status(1)
    .stdout_has("sudo refused the become password for deployer")
    .run();
}
