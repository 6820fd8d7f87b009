//! Reading the files an inventory is made of: missing, too big, empty or
//! binary files are refused before any parser sees them, and vaulted
//! ones opened. `tree` finds the files: in an inventory directory, and in
//! group_vars/ and host_vars/.

mod tree;

use std::io::Read;
use std::path::Path;

use anyhow::Result;

pub use tree::{Files, base, identity, inventory_files, vars_dir, vars_files};

use super::Open;
use crate::exit::Problem;

/// Real inventories are kilobytes; a file this big is the wrong file.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

const POINT_AT_ONE: &str = "point deploy at your inventory with -i PATH or DEPLOY_INVENTORY=PATH;\ninventory/example.yml shows the format";

/// What a file is to the person reading an error about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Inventory,
    Variables,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Inventory => "inventory",
            Kind::Variables => "variables file",
        }
    }

    fn fix(self) -> &'static str {
        match self {
            Kind::Inventory => POINT_AT_ONE,
            Kind::Variables => crate::messages::inventory::VARIABLES_FILE_FIX,
        }
    }
}

/// An inventory file's text, opened if vaulted. An empty one is refused
/// when named on its own; in a directory it adds nothing, as in Ansible.
pub fn inventory(path: &Path, open: Open, in_directory: bool) -> Result<Option<String>> {
    let text = text(path, Kind::Inventory, open)?;
    if meaningful(&text) {
        return Ok(Some(text));
    }
    if in_directory {
        return Ok(None);
    }
    Err(
        Problem::usage(format!("inventory {} is empty", path.display()))
            .fix(POINT_AT_ONE)
            .into(),
    )
}

/// A file's text, checked, opened with `open` when it is vaulted.
pub fn text(path: &Path, kind: Kind, open: Open) -> Result<String> {
    let shown = path.display().to_string();
    let text = decode(&shown, kind, read(path, kind)?)?;
    if !crate::vault::is_vaulted(&text) {
        return Ok(text);
    }
    let plain = open(&shown, &text)?;
    Ok(plain
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(plain))
}

fn read(path: &Path, kind: Kind) -> Result<Vec<u8>> {
    let (shown, word) = (path.display(), kind.word());
    let file = std::fs::File::open(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => {
            Problem::usage(format!("{word} {shown} does not exist")).fix(kind.fix())
        }
        _ => Problem::usage(format!("cannot open {word} {shown}: {err}")).fix(kind.fix()),
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| {
            Problem::usage(format!("cannot read {word} {shown}: {err}")).fix(kind.fix())
        })?;
    Ok(bytes)
}

/// The checks an inventory's bytes pass, apart from the file system.
#[cfg(test)]
pub fn check(shown: &str, bytes: Vec<u8>) -> Result<String> {
    let text = decode(shown, Kind::Inventory, bytes)?;
    match meaningful(&text) {
        true => Ok(text),
        false => Err(Problem::usage(format!("inventory {shown} is empty")).into()),
    }
}

/// Bytes into text: not too big, not binary, UTF-8, without a BOM.
fn decode(shown: &str, kind: Kind, bytes: Vec<u8>) -> Result<String> {
    let word = kind.word();
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Problem::usage(format!(
            "{word} {shown} is larger than {} MiB, too big to be an inventory",
            MAX_BYTES / (1024 * 1024)
        ))
        .fix(kind.fix())
        .into());
    }
    if bytes.contains(&0) {
        return Err(Problem::usage(format!(
            "{word} {shown} is a binary file, not YAML or INI text"
        ))
        .fix(kind.fix())
        .into());
    }
    let text = String::from_utf8(bytes).map_err(|err| {
        let line = err.as_bytes()[..err.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        Problem::usage(format!("{shown}:{line}: {word} is not UTF-8 text"))
            .fix("save the file as UTF-8")
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// Whether the text holds anything but blank lines and comments.
fn meaningful(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        !(line.is_empty() || line.starts_with('#') || line.starts_with(';') || line == "---")
    })
}

/// An executable starting with `#!`: Ansible's script plugin runs it. An
/// executable without one fails to run, and Ansible reads it as YAML or INI.
pub fn is_script(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let executable = std::fs::metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0);
    let mut start = [0u8; 2];
    executable
        && std::fs::File::open(path)
            .and_then(|mut file| file.read_exact(&mut start))
            .is_ok()
        && &start == b"#!"
}
