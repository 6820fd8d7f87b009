//! The command line as users and scripts see it: help, usage errors, exit
//! codes, completions.

use assert_cmd::Command;
use predicates::prelude::*;

fn deploy() -> Command {
    let mut cmd = Command::cargo_bin("deploy").unwrap();
    // A fixed width keeps help text on predictable lines.
    cmd.env("COLUMNS", "200");
    cmd.env_remove("DEPLOY_INVENTORY")
        .env_remove("DEPLOY_LOG_DIR");
    cmd
}

#[test]
fn help_lists_every_command_and_global_option() {
    let out = deploy().arg("--help").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for word in [
        "all",
        "join",
        "check",
        "inventory",
        "completions",
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
    ] {
        assert!(text.contains(word), "`deploy --help` lacks {word}:\n{text}");
    }
}

#[test]
fn each_subcommand_has_its_options_in_help() {
    let cases: &[(&str, &[&str])] = &[
        ("all", &["--with-rke2", "--ignore-check"]),
        (
            "join",
            &[
                "--join-timeout",
                "[default: 15m]",
                "--keep-going",
                "--ignore-check",
            ],
        ),
        (
            "check",
            &["--output", "human", "json", "--strict", "--ignore-check"],
        ),
        ("inventory", &["--list", "--graph", "--host"]),
        (
            "completions",
            &["bash", "zsh", "fish", "elvish", "powershell"],
        ),
    ];
    for (command, words) in cases {
        let out = deploy().args([command, "--help"]).assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        for word in *words {
            assert!(
                text.contains(word),
                "`deploy {command} --help` lacks {word}:\n{text}"
            );
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    deploy()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
    deploy().arg("frobnicate").assert().code(2);
    deploy()
        .args(["join", "--join-timeout", "soon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("15m"));
    deploy().args(["check", "--output", "xml"]).assert().code(2);
    deploy().args(["inventory"]).assert().code(2);
    deploy().args(["--forks", "0", "check"]).assert().code(2);
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
            .assert()
            .success()
            .stdout(predicate::str::contains(marker))
            .stdout(predicate::str::contains("join-timeout"));
    }
}

#[test]
fn committed_completions_are_current() {
    for shell in ["bash", "zsh", "fish"] {
        let path = format!("{}/completions/deploy.{shell}", env!("CARGO_MANIFEST_DIR"));
        let committed = std::fs::read(&path).unwrap_or_default();
        let out = deploy().args(["completions", shell]).assert().success();
        assert!(
            committed == out.get_output().stdout,
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
    for command in ["", "all", "join", "check", "inventory", "completions"] {
        let mut args: Vec<&str> = command.split_whitespace().collect();
        args.push("--help");
        let out = deploy().args(&args).assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let name = if command.is_empty() {
            "help".to_string()
        } else {
            format!("help-{command}")
        };
        insta::assert_snapshot!(name, text);
    }
}
