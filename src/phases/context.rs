//! What every phase of `deploy all` works with: the inventory, the SSH
//! session, the artifacts, and how to say what is happening.

use std::time::Duration;

use anyhow::{Context as _, Result};
use console::style;
use serde_json::{Map, Value};

use std::collections::HashMap;

use crate::artifacts::{Artifacts, HostSummary, Log};
use crate::cli::Global;
use crate::inventory::Inventory;
use crate::join;
use crate::join::engine::{Options, Outcome, Worker};
use crate::join::step::Step;
use crate::join::watcher::GRACE;
use crate::join::{Assignment, run_step};
use crate::remote::{Session, Target};
use crate::secret::Secret;
use crate::ui::Ui;

pub struct Ctx<'a> {
    pub global: &'a Global,
    pub inventory: &'a Inventory,
    pub session: &'a Session,
    pub artifacts: &'a Artifacts,
    pub ui: Ui,
    /// The run's log (`deploy.log`).
    pub log: Log,
}

impl Ctx<'_> {
    pub fn vars(&self, host: &str) -> Map<String, Value> {
        self.inventory.host_vars(host).cloned().unwrap_or_default()
    }

    pub fn target(&self, host: &str) -> Result<Target> {
        Target::from_vars(host, &self.vars(host))
    }

    pub fn address(&self, host: &str) -> String {
        join::address_of(self.inventory, host)
    }

    /// A bound from an inventory variable (`api_ready_timeout: 5m`), or
    /// `default`.
    pub fn duration(&self, host: &str, key: &str, default: Duration) -> Result<Duration> {
        match self.vars(host).get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::String(text)) => crate::cli::parse_duration(text)
                .map_err(|why| {
                    crate::exit::Problem::usage(format!("`{key}: {text}` in the inventory: {why}"))
                })
                .with_context(|| format!("reading {key} for {host}")),
            Some(other) => Err(crate::exit::Problem::usage(format!(
                "`{key}` in the inventory must be a duration such as 5m, not {other}"
            ))
            .into()),
        }
    }

    /// Runs one long step on `host` — detached, watched, with its progress
    /// line and log — and stops the phase when it does not succeed.
    pub fn watched(
        &self,
        host: &str,
        step: Step,
        command: &str,
        input: Option<Secret>,
        timeout: Duration,
    ) -> Result<HostSummary> {
        let address = self.address(host);
        let worker = Worker {
            name: host.to_string(),
            address: address.clone(),
            already_done: false,
        };
        let assignment = Assignment {
            target: self.target(host)?,
            command: command.to_string(),
            input,
        };
        let options = Options {
            step,
            forks: 1,
            timeout,
            grace: GRACE,
            keep_going: false,
            verbose: self.ui.verbose > 0,
            endpoint: String::new(),
        };
        let results = run_step(
            self.session,
            self.artifacts,
            self.ui,
            std::slice::from_ref(&worker),
            HashMap::from([(host.to_string(), assignment)]),
            &options,
            Vec::new(),
        );
        let result = &results[0];
        // Ctrl-C left the job running (the engine said where): that is an
        // interruption, exit 130, not a failure of the step.
        if result.outcome != Outcome::Succeeded && crate::interrupt::requested() {
            return Err(crate::exit::Problem::interrupted().into());
        }
        if result.outcome != Outcome::Succeeded {
            return Err(super::failed(
                host,
                &address,
                &result.outcome.describe(step),
                self,
            ));
        }
        Ok(HostSummary {
            host: host.to_string(),
            result: step.done().into(),
            seconds: result.elapsed.as_secs_f64(),
            detail: None,
        })
    }

    /// A line about the phase at hand, to the person and to the run log.
    pub fn say(&self, text: &str) {
        self.log.line(text);
        if !self.global.quiet {
            eprintln!("    {text}");
        }
    }

    /// The heading of a phase.
    pub fn heading(&self, number: usize, title: &str) {
        self.log.line(&format!("== {title}"));
        eprintln!(
            "{} {}",
            style(format!("[{number}/7]")).dim().for_stderr(),
            style(title).bold().for_stderr()
        );
    }
}
