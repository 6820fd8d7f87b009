//! The command line as users and scripts see it: help, usage errors, exit
//! codes, completions.

use crate::support::run::deploy;

/// Every subcommand, as `deploy --help` lists them.
const COMMANDS: [&str; 9] = [
    "all",
    "join",
    "reset",
    "prepare",
    "check",
    "wake",
    "inventory",
    "kubeconfig",
    "completions",
];

#[test]
fn help_lists_every_command_and_global_option() {
    let mut help = deploy().arg("--help").status(0);
    for word in COMMANDS.into_iter().chain([
        "--inventory",
        "--limit",
        "--forks",
        "--log-dir",
        "--yes",
        "--check",
        "--verbose",
        "--quiet",
        "--color",
        "DEPLOY_INVENTORY",
        "DEPLOY_LOG_DIR",
        "inventory/hosts.yml",
        "[default: 20]",
        "[default: artifacts]",
    ]) {
        help = help.stdout_has(word);
    }
    help.run();
}

#[test]
fn each_subcommand_has_its_options_in_help() {
    let cases: &[(&str, &[&str])] = &[
        (
            "all",
            &[
                "--with-rke2",
                "--prepare",
                "--ignore-check",
                "--wake",
                "--wait",
            ],
        ),
        (
            "join",
            &[
                "--join-timeout",
                "[default: 15m]",
                "--keep-going",
                "--ignore-check",
                "--wake",
            ],
        ),
        (
            "check",
            &[
                "--output",
                "human",
                "json",
                "--strict",
                "--ignore-check",
                "--wake",
            ],
        ),
        ("prepare", &["--with-rke2", "--limit", "--yes", "--check"]),
        (
            "reset",
            &[
                "--with-rke2",
                "--force",
                "--drain-timeout",
                "[default: 2m]",
                "--limit",
                "--yes",
                "--check",
            ],
        ),
        ("wake", &["--wait", "[default: 3m]", "--limit"]),
        ("inventory", &["--list", "--graph", "--host"]),
        (
            "completions",
            &["bash", "zsh", "fish", "elvish", "powershell"],
        ),
    ];
    for (command, words) in cases {
        let mut help = deploy().args([command, "--help"]).status(0);
        for word in *words {
            help = help.stdout_has(word);
        }
        help.run();
    }
}

#[test]
fn usage_errors_exit_2() {
    deploy().status(2).stderr_has("Usage").run();
    deploy()
        .arg("frobnicate")
        .status(2)
        .stderr_has("deploy: error: unrecognized subcommand 'frobnicate'")
        .run();
    deploy()
        .args(["join", "--join-timeout", "soon"])
        .status(2)
        .stderr_has("15m")
        .run();
    deploy().args(["check", "--output", "xml"]).status(2).run();
    deploy()
        .args(["reset", "--drain-timeout", "soon"])
        .status(2)
        .stderr_has("--drain-timeout")
        .run();
    deploy().args(["inventory"]).status(2).run();
    deploy().args(["--forks", "0", "check"]).status(2).run();
    deploy()
        .args(["join", "--wait", "1m"])
        .status(2)
        .stderr_has("--wake")
        .run();
    deploy()
        .args(["wake", "--wait", "0s"])
        .status(2)
        .stderr_has("at least 1s")
        .run();
    // Under the second in which progress is seen, every moment would stall.
    for too_short in ["0s", "500ms"] {
        deploy()
            .args(["prepare", "--stall-after", too_short])
            .status(2)
            .stderr_has(&format!("deploy: error: invalid value '{too_short}' for '--stall-after <DURATION>': {too_short} is less than the second"))
            .stderr_has("give at least 1s")
            .run();
    }
}

#[test]
fn completions_are_printed_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef deploy"),
        ("fish", "complete -c deploy"),
        ("elvish", "edit:completion:arg-completer[deploy]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        deploy()
            .args(["completions", shell])
            .status(0)
            .stdout_has(marker)
            .stdout_has("join-timeout")
            .run();
    }
    // A reader that closes the pipe early (`| head`) took what it wanted.
    let closed = deploy()
        .args(["completions", "bash"])
        .stdout_closed()
        .status(0)
        .run();
    assert_eq!(closed.stderr, "", "a closed pipe is no error");
}

#[test]
fn committed_completions_are_current() {
    for shell in ["bash", "zsh", "fish"] {
        let path = format!("{}/completions/deploy.{shell}", env!("CARGO_MANIFEST_DIR"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let run = deploy().args(["completions", shell]).status(0).run();
        assert!(
            committed == run.stdout,
            "{path} is stale: run `make completions` and commit the result"
        );
    }
}

#[test]
fn bash_completion_offers_subcommands_in_a_real_bash() {
    let script = format!("{}/completions/deploy.bash", env!("CARGO_MANIFEST_DIR"));
    let probe = format!(
        "source {script}; COMP_WORDS=(deploy ch); COMP_CWORD=1; _deploy deploy ch deploy; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &probe])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "check");
}

/// The command line is an interface scripts rely on: any change to the
/// help shows in review as a changed snapshot (`cargo insta review`).
#[test]
fn help_texts_are_as_reviewed() {
    for command in std::iter::once("").chain(COMMANDS) {
        let mut args: Vec<&str> = command.split_whitespace().collect();
        args.push("--help");
        let text = deploy().args(&args).status(0).run().stdout;
        let name = if command.is_empty() {
            "help".to_string()
        } else {
            format!("help-{command}")
        };
        insta::assert_snapshot!(name, text);
    }
}

/// The README's guarantees name their proofs as `module::test`: each must
/// be a test in that module, so the table cannot promise what nothing tries.
#[test]
fn every_guarantee_names_a_test_that_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("## What deploy guarantees")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a \"What deploy guarantees\" section");
    let mut named = 0;
    for row in section.lines().filter(|line| line.starts_with("| ")) {
        let proofs = row.trim_end_matches('|').rsplit('|').next().unwrap();
        for proof in proofs.split('`').skip(1).step_by(2) {
            let (module, test) = proof.split_once("::").expect("module::test");
            let file = root.join(format!("tests/integration/{module}.rs"));
            let source = std::fs::read_to_string(&file).unwrap_or_default();
            let at = source.find(&format!("fn {test}()"));
            assert!(
                at.is_some_and(|at| source[..at].trim_end().ends_with("#[test]")),
                "README names {proof}, which is no test in {}",
                file.display()
            );
            named += 1;
        }
    }
    assert!(named >= 6, "only {named} proofs named");
}
