//! Ansible inventories, read as `ansible-inventory` (ansible-core 2.19)
//! reads them: YAML or INI chosen as Ansible's plugins choose, the same
//! groups, host order and merged variables, and `--limit` patterns.

mod error;
mod hostname;
mod ini;
mod model;
pub mod output;
mod pattern;
mod pyliteral;
mod roles;
mod source;
mod walks;
mod yaml;
mod yaml11;
mod yaml_groups;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod scale;

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::{Map, Value};

pub use roles::{Role, Roles};

use crate::exit::Problem;
use error::ParseError;
use model::Model;

/// A loaded inventory: groups, hosts in Ansible's order, each host's merged
/// variables, and the roles deploy gives the hosts.
#[derive(Debug, Clone)]
pub struct Inventory {
    path: PathBuf,
    model: Model,
    /// Host indexes in the order Ansible lists `all`.
    order: Vec<usize>,
    merged: Vec<Map<String, Value>>,
    roles: Roles,
    /// Each host's role, by its index.
    role_of: Vec<Option<Role>>,
}

impl Inventory {
    /// Reads and checks an inventory file. Every mistake in it is a usage
    /// error (exit 2) naming the file, the line and column where known, and a fix.
    pub fn load(path: &Path) -> Result<Inventory> {
        let text = source::read(path)?;
        let model = parse(path, &text).map_err(|err| located(path, &err))?;
        Self::from_model(path, model.finish()).map_err(|err| located(path, &err))
    }

    fn from_model(path: &Path, model: Model) -> Result<Self, ParseError> {
        let order = model.group_hosts(model::ALL);
        let merged = model.merged_vars();
        let (roles, role_of) = roles::resolve(&model, &order, &merged)
            .map_err(|(message, fix)| ParseError::new(message).fix(fix))?;
        Ok(Self {
            path: path.to_owned(),
            model,
            order,
            merged,
            roles,
            role_of,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every host, in the order `ansible-inventory` lists group `all`.
    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .map(|h| self.model.hosts[*h].name.as_str())
    }

    /// A host's variables merged as `ansible-inventory --host` shows them.
    pub fn host_vars(&self, name: &str) -> Option<&Map<String, Value>> {
        self.model.host(name).map(|h| &self.merged[h])
    }

    /// The hosts an Ansible pattern (`--limit`) selects, in inventory order.
    /// A pattern, or any part of it, that matches nothing is a usage error
    /// naming close matches.
    pub fn select(&self, pattern: &str) -> Result<Vec<String>> {
        let hosts = pattern::select(&self.model, &self.order, pattern)
            .map_err(|(message, fix)| Problem::usage(message).fix(fix))?;
        Ok(hosts
            .into_iter()
            .map(|h| self.model.hosts[h].name.clone())
            .collect())
    }

    /// Control plane, kubeadm workers and RKE2 hosts (see roles.rs for the rule).
    pub fn roles(&self) -> Roles {
        self.roles.clone()
    }

    /// Every group with its hosts, in Ansible's order: what a template's
    /// `groups` holds.
    pub fn groups(&self) -> Map<String, Value> {
        self.model
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                let hosts = self.model.group_hosts(g).into_iter();
                let names = hosts.map(|h| Value::from(self.model.hosts[h].name.clone()));
                (group.name.clone(), Value::Array(names.collect()))
            })
            .collect()
    }

    /// The groups `host` is in, directly or through children, `all`
    /// excepted, sorted: what a template's `group_names` holds.
    pub fn group_names(&self, host: &str) -> Vec<String> {
        let Some(h) = self.model.host(host) else {
            return Vec::new();
        };
        let mut names = std::collections::BTreeSet::new();
        for direct in &self.model.hosts[h].groups {
            for g in std::iter::once(*direct).chain(self.model.ancestors(*direct)) {
                if g != model::ALL {
                    names.insert(self.model.groups[g].name.clone());
                }
            }
        }
        names.into_iter().collect()
    }

    /// The role of one host, if it has one.
    pub fn role(&self, name: &str) -> Option<Role> {
        self.model.host(name).and_then(|h| self.role_of[h])
    }
}

fn located(path: &Path, err: &ParseError) -> anyhow::Error {
    let problem = Problem::usage(err.located(&path.display().to_string()));
    let fix = err
        .fix
        .clone()
        .unwrap_or_else(|| "correct the inventory; inventory/example.yml shows the format".into());
    problem.fix(fix).into()
}

/// YAML or INI, chosen as Ansible's plugins choose: a file named .yml,
/// .yaml, .json or with no extension is tried as YAML first, then as INI.
fn parse(path: &Path, text: &str) -> Result<Model, ParseError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let yaml_first = matches!(ext.as_deref(), None | Some("yml" | "yaml" | "json"));
    let mut model = Model::default();
    if !yaml_first {
        let filled = ini::populate(text, &mut model);
        return model.checked(filled);
    }
    let yaml_error = match yaml::parse(text) {
        Ok(Some(root)) if matches!(root.kind, yaml::YamlKind::Map(_)) => {
            let filled = yaml_groups::populate(root, &mut model);
            return model.checked(filled);
        }
        Ok(_) => ParseError::new("a YAML inventory is a mapping of groups; this file is not one")
            .at(1, Some(1)),
        Err(err) => err,
    };
    let filled = ini::populate(text, &mut model);
    match model.checked(filled) {
        Ok(model) => Ok(model),
        Err(ini_error) if ext.is_none() && text.trim_start().starts_with('[') => Err(ini_error),
        Err(_) => Err(yaml_error),
    }
}
