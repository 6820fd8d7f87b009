//! What every phase of `deploy all` works with: the inventory, the SSH
//! session, the artifacts, and how to say what is happening.

use std::time::Duration;

use anyhow::{Context as _, Result};
use console::style;
use serde_json::{Map, Value};

use crate::artifacts::{Artifacts, Log};
use crate::cli::Global;
use crate::inventory::Inventory;
use crate::join;
use crate::remote::{Session, Target};
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
