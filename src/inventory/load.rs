//! An inventory's sources read as ansible-core's InventoryManager reads
//! them: each source in turn (a directory's files sorted), all filling one
//! model, reconciled once at the end; then group_vars/ and host_vars/
//! beside each source, and `-e`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::merge::{Beside, DirVars, Layer};
use super::model::Model;
use super::source::{self, Kind};
use super::vars_text::{self, Extra};
use super::yaml_map::Duplicate;
use super::{Open, Parts, located, parse_into};
use crate::exit::Problem;
use crate::messages::inventory as say;

/// What to read: the sources in order, the `-e` texts in order, and how
/// to open a vaulted file.
pub struct Request<'a> {
    pub sources: &'a [PathBuf],
    pub extra_vars: &'a [String],
    pub open: Open<'a>,
}

/// The first source's directory, and what was read.
pub(super) fn load(request: &Request) -> Result<(PathBuf, Parts)> {
    let mut reading = Reading::default();
    let mut model = Model::default();
    for source in request.sources {
        reading.source(source, request.open, &mut model)?;
    }
    let model = model.finish();
    let beside = reading.beside(request.sources, &model, request.open)?;
    let extra = reading.extra(request.extra_vars, request.open)?;
    let dir = request
        .sources
        .first()
        .map_or_else(PathBuf::new, |first| source::base(first));
    Ok((
        dir,
        Parts {
            model,
            beside,
            extra,
            origins: reading.origins,
            warnings: reading.warnings,
        },
    ))
}

#[derive(Default)]
struct Reading {
    origins: Vec<String>,
    warnings: Vec<String>,
}

impl Reading {
    /// A new origin: its index.
    fn origin(&mut self, name: String) -> u32 {
        self.origins.push(name);
        (self.origins.len() - 1) as u32
    }

    fn duplicates(&mut self, shown: &str, duplicates: &[Duplicate]) {
        for d in duplicates {
            let place = format!("{shown}:{}:{}", d.line, d.column);
            self.warnings.push(say::duplicate_key(&place, &d.key));
        }
    }

    /// One source: a file, or the files of a directory.
    fn source(&mut self, source: &Path, open: Open, model: &mut Model) -> Result<()> {
        let source::Files { directory, files } = source::inventory_files(source)?;
        if directory && files.is_empty() {
            return Err(Problem::usage(say::nothing_in(source))
                .fix(say::NOTHING_IN_FIX)
                .into());
        }
        for file in &files {
            let read = self.file(file, open, directory, model);
            if directory {
                read.with_context(|| say::in_directory(source))?;
            } else {
                read?;
            }
        }
        Ok(())
    }

    fn file(
        &mut self,
        file: &Path,
        open: Open,
        in_directory: bool,
        model: &mut Model,
    ) -> Result<()> {
        if source::is_script(file) {
            return Err(Problem::usage(say::script(file))
                .fix(say::write_it_out(file))
                .into());
        }
        let Some(text) = source::inventory(file, open, in_directory)? else {
            return Ok(());
        };
        let shown = file.display().to_string();
        model.origin = self.origin(shown.clone());
        let fix = in_directory.then_some(say::IN_DIRECTORY_FIX);
        let duplicates = parse_into(file, &text, model).map_err(|err| located(file, &err, fix))?;
        self.duplicates(&shown, &duplicates);
        Ok(())
    }

    /// group_vars/ and host_vars/ beside each source, each directory read
    /// once however many sources are in it.
    fn beside(&mut self, sources: &[PathBuf], model: &Model, open: Open) -> Result<Beside> {
        let mut beside = Beside::default();
        let mut known: HashMap<PathBuf, usize> = HashMap::new();
        for source in sources {
            let dir = source::base(source);
            let key = source::identity(&dir);
            let ix = match known.get(&key) {
                Some(ix) => *ix,
                None => {
                    let vars = self.dir_vars(&dir, model, open)?;
                    beside.dirs.push(vars);
                    known.insert(key, beside.dirs.len() - 1);
                    beside.dirs.len() - 1
                }
            };
            beside.sources.push(ix);
        }
        Ok(beside)
    }

    fn dir_vars(&mut self, dir: &Path, model: &Model, open: Open) -> Result<DirVars> {
        let groups = model.groups.iter().map(|g| g.name.as_str());
        let hosts = model.hosts.iter().map(|h| h.name.as_str());
        Ok(DirVars {
            groups: self.vars_of(&dir.join("group_vars"), groups, open)?,
            hosts: self.vars_of(&dir.join("host_vars"), hosts, open)?,
        })
    }

    /// The variables in `vars_dir` for each of `names` that has some. A
    /// name starting with `/` has none, as in Ansible.
    fn vars_of<'a>(
        &mut self,
        vars_dir: &Path,
        names: impl Iterator<Item = &'a str>,
        open: Open,
    ) -> Result<HashMap<String, Vec<Layer>>> {
        let listed = source::vars_dir(vars_dir)?;
        if listed.not_a_directory {
            self.warnings.push(say::vars_not_a_directory(vars_dir));
        }
        let mut out = HashMap::new();
        if listed.found.is_empty() {
            return Ok(out);
        }
        for name in names.filter(|name| !name.starts_with('/')) {
            let Some(found) = listed.found.get(name) else {
                continue;
            };
            let mut layers = Vec::new();
            for file in source::vars_files(found)? {
                let text = source::text(&file, Kind::Variables, open)?;
                let (vars, duplicates) =
                    vars_text::vars_file(&text).map_err(|err| located(&file, &err, None))?;
                let shown = file.display().to_string();
                self.duplicates(&shown, &duplicates);
                let origin = self.origin(shown);
                layers.push(Layer { origin, vars });
            }
            out.insert(name.to_owned(), layers);
        }
        Ok(out)
    }

    /// Each `-e`, in order.
    fn extra(&mut self, texts: &[String], open: Open) -> Result<Vec<Layer>> {
        let mut layers = Vec::new();
        for (index, text) in texts.iter().enumerate() {
            let number = index + 1;
            let refused = |(message, fix): vars_text::Refused| Problem::usage(message).fix(fix);
            let (shown, read) = match vars_text::extra(number, text).map_err(refused)? {
                Extra::Nothing => continue,
                Extra::Vars(vars, duplicates) => (say::extra_vars(number), (vars, duplicates)),
                Extra::File(file) => {
                    let path = home(&file);
                    let text = source::text(&path, Kind::Variables, open)?;
                    let shown = say::extra_vars_file(&file);
                    match vars_text::extra_document(&shown, &text).map_err(refused)? {
                        Extra::Vars(vars, duplicates) => (shown, (vars, duplicates)),
                        _ => continue,
                    }
                }
            };
            let (vars, duplicates) = read;
            self.duplicates(&shown, &duplicates);
            let origin = self.origin(shown);
            layers.push(Layer { origin, vars });
        }
        Ok(layers)
    }
}

/// `~/` at the start of an `-e @FILE` is the home directory, as Ansible
/// expands it (the shell does not, after `@`).
fn home(file: &str) -> PathBuf {
    match (file.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(file),
    }
}
