//! Ansible inventories, read as `ansible-inventory` (ansible-core 2.19)
//! reads them: one or more sources (files, or directories of them), YAML
//! or INI chosen as Ansible's plugins choose, group_vars/ and host_vars/
//! beside each source, `-e`, vaulted files opened; the same groups, host
//! order and merged variables, and `--limit` patterns.

mod error;
mod hostname;
mod ini;
mod kv;
mod load;
mod merge;
mod model;
pub mod output;
mod pattern;
mod pyliteral;
mod roles;
mod source;
mod vars_text;
mod walks;
mod yaml;
mod yaml11;
mod yaml_groups;
mod yaml_map;
mod yaml_node;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod scale;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::{Map, Value};

pub use load::Request;
pub use roles::{Role, Roles};
pub use yaml::{UNSAFE_KEY, VAULT_KEY, is_template, marked_text};

use crate::exit::Problem;
use error::ParseError;
use merge::{Beside, Layer};
use model::{From, Model};

/// Opens a vaulted text: given where it comes from (a file) and the
/// envelope, the plaintext, or why it cannot be opened.
pub type Open<'a> = &'a dyn Fn(&str, &str) -> Result<String>;

/// A loaded inventory: groups, hosts in Ansible's order, each host's merged
/// variables and where each came from, and the roles deploy gives the hosts.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The first source: what the inventory is called.
    path: PathBuf,
    /// The directory relative paths in variables are taken from: the first
    /// source's, or the source itself when it is a directory.
    dir: PathBuf,
    model: Model,
    /// Host indexes in the order Ansible lists `all`.
    order: Vec<usize>,
    merged: Vec<Map<String, Value>>,
    /// Where each host's variables came from: indexes into `origins`.
    from: Vec<From>,
    /// The files read and each `-e`, as errors name them.
    origins: Vec<String>,
    /// What was read differently from what it says, as Ansible warns.
    warnings: Vec<String>,
    roles: Roles,
    /// Each host's role, by its index.
    role_of: Vec<Option<Role>>,
}

/// What the loading found, before it is merged.
struct Parts {
    model: Model,
    beside: Beside,
    extra: Vec<Layer>,
    origins: Vec<String>,
    warnings: Vec<String>,
}

impl Inventory {
    /// Reads and checks one inventory file or directory, with the
    /// group_vars/ and host_vars/ beside it; a vaulted file is refused.
    /// Every mistake in it is a usage error (exit 2) naming the file, the
    /// line and column where known, and a fix.
    pub fn load(path: &Path) -> Result<Inventory> {
        let no_password = |origin: &str, _: &str| -> Result<String> {
            use crate::messages::vault as say;
            Err(Problem::usage(say::no_password(origin))
                .fix(say::GIVE_PASSWORD)
                .into())
        };
        Self::load_from(&Request {
            sources: &[path.to_owned()],
            extra_vars: &[],
            open: &no_password,
        })
    }

    /// Reads every source in order into one inventory, later ones
    /// overriding earlier values, then the variables beside them and `-e`.
    pub fn load_from(request: &Request) -> Result<Inventory> {
        let (dir, parts) = load::load(request)?;
        let path = request.sources.first().cloned().unwrap_or_default();
        Self::from_parts(&path, dir, parts).map_err(|err| located(&path, &err, None))
    }

    fn from_parts(path: &Path, dir: PathBuf, parts: Parts) -> Result<Self, ParseError> {
        let Parts {
            model,
            beside,
            extra,
            origins,
            warnings,
        } = parts;
        let order = model.group_hosts(model::ALL);
        let merged = merge::merge(&model, &beside, &extra);
        let all = merge::all_level(&model, &beside, &extra);
        let (roles, role_of) = roles::resolve(&model, &order, &merged.vars, &all)
            .map_err(|(message, fix)| ParseError::new(message).fix(fix))?;
        Ok(Self {
            path: path.to_owned(),
            dir,
            model,
            order,
            merged: merged.vars,
            from: merged.from,
            origins,
            warnings,
            roles,
            role_of,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The directory of the first source (the source, when a directory).
    pub fn dir(&self) -> &Path {
        &self.dir
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

    /// Where the value a host has for `var` was set: the file, or the
    /// `-e` (`-e #2`, `-e @FILE`).
    pub fn origin(&self, host: &str, var: &str) -> Option<&str> {
        let h = self.model.host(host)?;
        let origin = self.from[h].get(var)?;
        self.origins.get(*origin as usize).map(String::as_str)
    }

    /// What was read otherwise than written (a key written twice, a
    /// group_vars that is no directory), as Ansible warns of it.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
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

/// A parse error as a usage problem naming the file; `fix` replaces the
/// parser's own.
fn located(path: &Path, err: &ParseError, fix: Option<&str>) -> anyhow::Error {
    let problem = Problem::usage(err.located(&path.display().to_string()));
    let fix = match (fix, &err.fix) {
        _ if err.write_out => crate::messages::inventory::write_it_out(path),
        (Some(fix), _) => fix.to_owned(),
        (None, Some(fix)) => fix.clone(),
        (None, None) => "correct the inventory; inventory/example.yml shows the format".into(),
    };
    problem.fix(fix).into()
}

/// YAML or INI, chosen as Ansible's plugins choose: a file named .yml,
/// .yaml, .json or with no extension is tried as YAML first, then as INI.
/// Reads into `model`, which may hold earlier files; returns the keys the
/// YAML wrote twice.
fn parse_into(
    path: &Path,
    text: &str,
    model: &mut Model,
) -> Result<Vec<yaml_map::Duplicate>, ParseError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let yaml_first = matches!(ext.as_deref(), None | Some("yml" | "yaml" | "json"));
    if !yaml_first {
        let filled = ini::populate(text, model);
        return model.check(filled).map(|()| Vec::new());
    }
    let yaml_error = match yaml::read(text) {
        Ok(yaml::Document {
            root: Some(root),
            duplicates,
        }) if matches!(root.kind, yaml::YamlKind::Map(_)) => {
            let filled = yaml_groups::populate(root, model);
            return model.check(filled).map(|()| duplicates);
        }
        Ok(_) => ParseError::new("a YAML inventory is a mapping of groups; this file is not one")
            .at(1, Some(1)),
        Err(err) => err,
    };
    // A YAML syntax error leaves the model as it was: INI starts afresh.
    let filled = ini::populate(text, model);
    match model.check(filled) {
        Ok(()) => Ok(Vec::new()),
        Err(ini_error) if ext.is_none() && text.trim_start().starts_with('[') => Err(ini_error),
        Err(_) => Err(yaml_error),
    }
}

/// An inventory read from one text, nothing beside it: what the parsers'
/// tests need.
#[cfg(test)]
fn from_text(name: &str, text: &str) -> Result<Inventory, ParseError> {
    let mut model = Model::default();
    parse_into(Path::new(name), text, &mut model)?;
    let parts = Parts {
        model: model.finish(),
        beside: Beside::default(),
        extra: Vec::new(),
        origins: vec![name.to_owned()],
        warnings: Vec::new(),
    };
    Inventory::from_parts(Path::new(name), PathBuf::new(), parts)
}
