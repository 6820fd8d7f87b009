//! What a run leaves in `--log-dir`: a log of the run, a log per host, the
//! kubeconfigs and `summary.json`. Every file is 0600 and every line passes
//! through secret redaction first.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::exit::Problem;
use crate::messages;
use crate::secret::{Secret, redact};

/// The run's own log, beside each host's.
const RUN_LOG: &str = "deploy.log";

/// The log directory of one run.
#[derive(Clone)]
pub struct Artifacts {
    dir: PathBuf,
    secrets: Arc<Mutex<Vec<Secret>>>,
}

impl Artifacts {
    /// The directory, made if need be and found writable, before any host
    /// is asked anything: a usage error naming it otherwise.
    pub fn create(dir: &Path) -> Result<Self> {
        let usable =
            std::fs::create_dir_all(dir).and_then(|()| tempfile::tempfile_in(dir).map(drop));
        if let Err(err) = usable {
            return Err(Problem::usage(messages::commands::log_dir_unusable(dir, &err)).into());
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            secrets: Arc::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// From now on, `secret` is masked in everything written here.
    pub fn hide(&self, secret: &Secret) {
        if let Ok(mut secrets) = self.secrets.lock() {
            secrets.push(secret.clone());
        }
    }

    /// `text` with every secret known to this run masked.
    pub fn redact(&self, text: &str) -> String {
        match self.secrets.lock() {
            Ok(secrets) => redact(text, &secrets.iter().collect::<Vec<_>>()),
            Err(_) => redact(text, &[]),
        }
    }

    /// The run's log, or one host's (`<host>.log`), appended to.
    pub fn log(&self, host: Option<&str>) -> Result<Log> {
        let path = host.map_or_else(|| self.dir.join(RUN_LOG), |host| self.host_log(host));
        let file = open_private(&path, true)?;
        Ok(Log {
            file: Arc::new(Mutex::new(file)),
            artifacts: self.clone(),
        })
    }

    /// Where `host`'s log is: `NAME.log`, but never the run's own log (a
    /// host named `deploy` gets `deploy.host.log`).
    pub fn host_log(&self, host: &str) -> PathBuf {
        let name = format!("{}.log", file_safe(host));
        if name == RUN_LOG {
            self.dir.join(format!("{}.host.log", file_safe(host)))
        } else {
            self.dir.join(name)
        }
    }

    /// Writes a whole file (a kubeconfig, the summary), 0600, replacing it.
    pub fn write(&self, name: &str, contents: &[u8]) -> Result<PathBuf> {
        let path = self.dir.join(file_safe(name));
        let mut file = open_private(&path, false)?;
        file.write_all(contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }

    /// Whether an earlier run left the file `name` here (a kubeconfig).
    pub fn has(&self, name: &str) -> bool {
        self.dir.join(file_safe(name)).is_file()
    }

    /// Renames the file `name` to `name` + `suffix`, replacing an older
    /// one: a kubeconfig whose cluster is gone. Both paths.
    pub fn rename_with(&self, name: &str, suffix: &str) -> Result<(PathBuf, PathBuf)> {
        let from = self.dir.join(file_safe(name));
        let to = self.dir.join(file_safe(&format!("{name}{suffix}")));
        std::fs::rename(&from, &to)
            .with_context(|| format!("cannot rename {} to {}", from.display(), to.display()))?;
        Ok((from, to))
    }

    /// `summary.json`: what each phase did on each host, and how long it took.
    pub fn write_summary(&self, summary: &Summary) -> Result<PathBuf> {
        let mut json = serde_json::to_vec_pretty(summary).context("writing summary.json")?;
        json.push(b'\n');
        self.write(
            "summary.json",
            self.redact(&String::from_utf8_lossy(&json)).as_bytes(),
        )
    }
}

fn open_private(path: &Path, append: bool) -> Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    // mode() applies only when the file is created; an older file may be wider.
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .with_context(|| format!("cannot restrict {} to 0600", path.display()))?;
    Ok(file)
}

/// Host names become file names: keep them from leaving the directory.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

/// A log file; lines are timestamped, redacted, and written whole.
#[derive(Clone)]
pub struct Log {
    file: Arc<Mutex<File>>,
    artifacts: Artifacts,
}

impl Log {
    pub fn line(&self, text: &str) {
        let stamp = humantime::format_rfc3339_seconds(SystemTime::now());
        let mut block = String::new();
        for line in self.artifacts.redact(text).lines() {
            block.push_str(&format!("{stamp} {line}\n"));
        }
        // A log that cannot be written must not stop a deployment.
        if let Ok(mut file) = self.file.lock() {
            let _ = file.write_all(block.as_bytes());
        }
    }
}

/// The machine-readable record of a run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    /// The events' schema version (`--output jsonl`): the two share their
    /// names for outcomes.
    pub schema: u32,
    pub command: String,
    pub result: String,
    pub seconds: f64,
    pub phases: Vec<PhaseSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseSummary {
    pub phase: String,
    /// The chain it ran in, where two ran side by side (`kubeadm`, `rke2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<&'static str>,
    /// `succeeded`, `skipped`, `failed`, `halted`, `interrupted` or
    /// `not_begun`, as its `phase_finished` event says.
    pub outcome: &'static str,
    pub result: String,
    pub seconds: f64,
    pub hosts: Vec<HostSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostSummary {
    pub host: String,
    /// A long step's outcome, named as its event (`succeeded`, `failed`,
    /// `timed_out`, ...); none for the other phases' hosts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
    pub result: String,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The likely cause of its failure, when one was found: the same object
    /// as its `failed` or `timed_out` event's `cause`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<serde_json::Value>,
}

impl HostSummary {
    /// A host a phase only looked at or decided about: no step ran there.
    pub fn noted(host: &str, result: impl Into<String>, detail: Option<String>) -> Self {
        Self {
            host: host.to_owned(),
            outcome: None,
            result: result.into(),
            seconds: 0.0,
            detail,
            cause: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_named_deploy_does_not_write_into_the_runs_log() {
        let dir = tempfile::tempdir().unwrap();
        let artifacts = Artifacts::create(dir.path()).unwrap();
        assert_eq!(artifacts.host_log("w1"), dir.path().join("w1.log"));
        assert_eq!(
            artifacts.host_log("deploy"),
            dir.path().join("deploy.host.log")
        );
        artifacts.log(None).unwrap().line("the run");
        artifacts.log(Some("deploy")).unwrap().line("the host");
        let run = std::fs::read_to_string(dir.path().join("deploy.log")).unwrap();
        assert!(
            run.contains("the run") && !run.contains("the host"),
            "{run}"
        );
    }

    #[test]
    fn a_log_directory_that_cannot_be_made_is_a_usage_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let err = Artifacts::create(&file.join("logs")).err().unwrap();
        assert_eq!(crate::exit::code_of(&err), crate::exit::Code::Usage);
        assert!(format!("{err:#}").contains("a-file/logs"), "{err:#}");
        assert!(crate::exit::fix_of(&err).unwrap().contains("--log-dir"));
    }
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn logs_are_private_and_never_hold_a_secret() {
        let dir = tempfile::tempdir().unwrap();
        let artifacts = Artifacts::create(&dir.path().join("logs")).unwrap();
        let token = Secret::new("abcdef.0123456789abcdef");
        artifacts.hide(&token);
        let log = artifacts.log(Some("w1")).unwrap();
        log.line("kubeadm join --token abcdef.0123456789abcdef\nsecond line");
        let path = dir.path().join("logs/w1.log");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("0123456789abcdef"), "{text}");
        assert_eq!(text.lines().count(), 2);
        assert!(
            text.lines()
                .next()
                .unwrap()
                .ends_with(" kubeadm join --token ******")
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_stale_kubeconfig_is_renamed_over_an_older_stale_one() {
        let dir = tempfile::tempdir().unwrap();
        let artifacts = Artifacts::create(dir.path()).unwrap();
        assert!(!artifacts.has("m-kubeconfig.yaml"));
        artifacts.write("m-kubeconfig.yaml", b"new").unwrap();
        artifacts.write("m-kubeconfig.yaml.stale", b"old").unwrap();
        assert!(artifacts.has("m-kubeconfig.yaml"));
        let (from, to) = artifacts
            .rename_with("m-kubeconfig.yaml", ".stale")
            .unwrap();
        assert_eq!(from, dir.path().join("m-kubeconfig.yaml"));
        assert_eq!(to, dir.path().join("m-kubeconfig.yaml.stale"));
        assert!(!artifacts.has("m-kubeconfig.yaml"));
        assert_eq!(std::fs::read_to_string(&to).unwrap(), "new");
    }

    #[test]
    fn host_names_cannot_escape_the_directory() {
        assert_eq!(file_safe("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_safe("a; rm -rf /"), "a__rm_-rf__");
        assert_eq!(file_safe("node01.example"), "node01.example");
    }

    /// The README's example of summary.json has the keys a summary has at
    /// each level, and its words for `result` are the exit codes'.
    #[test]
    fn the_readme_shows_summary_json_as_it_is() {
        let readme = include_str!("../README.md");
        let (example, words) = readme
            .split("and `summary.json`:\n\n```json\n")
            .nth(1)
            .and_then(|rest| rest.split_once("```"))
            .expect("README shows summary.json");
        let example: serde_json::Value = serde_json::from_str(example).unwrap();
        let summary = serde_json::to_value(Summary {
            schema: crate::events::schema::VERSION,
            command: "all".into(),
            result: "success".into(),
            seconds: 4.5,
            phases: vec![PhaseSummary {
                phase: "workers".into(),
                chain: None,
                outcome: "succeeded",
                result: "joined".into(),
                seconds: 1.6,
                hosts: vec![HostSummary {
                    outcome: Some("succeeded"),
                    host: "w1".into(),
                    result: "joined".into(),
                    seconds: 1.6,
                    detail: None,
                    cause: None,
                }],
            }],
        })
        .unwrap();
        let keys = |value: &serde_json::Value| -> Vec<String> {
            value.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys(&example), keys(&summary));
        assert_eq!(keys(&example["phases"][0]), keys(&summary["phases"][0]));
        assert_eq!(
            keys(&example["phases"][0]["hosts"][0]),
            keys(&summary["phases"][0]["hosts"][0])
        );
        let words = words.split("\n\n").nth(1).unwrap_or_default();
        use crate::exit::Code;
        for code in [Code::Success, Code::Failed, Code::Usage, Code::Interrupted] {
            assert!(
                words.contains(&format!("`{}`", code.word())),
                "{}",
                code.word()
            );
        }
    }

    #[test]
    fn the_summary_is_json_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let artifacts = Artifacts::create(dir.path()).unwrap();
        let summary = Summary {
            schema: 1,
            command: "join".into(),
            result: "success".into(),
            seconds: 1.5,
            phases: vec![PhaseSummary {
                phase: "workers".into(),
                chain: None,
                outcome: "succeeded",
                result: "success".into(),
                seconds: 1.0,
                hosts: vec![HostSummary {
                    outcome: None,
                    host: "w1".into(),
                    result: "joined".into(),
                    seconds: 1.0,
                    detail: None,
                    cause: None,
                }],
            }],
        };
        let path = artifacts.write_summary(&summary).unwrap();
        let value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(value["phases"][0]["hosts"][0]["result"], "joined");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
