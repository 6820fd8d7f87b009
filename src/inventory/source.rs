//! Reading the inventory file: missing, too big, empty or binary files are
//! refused before any parser sees them.

use std::io::Read;
use std::path::Path;

use anyhow::Result;

use crate::exit::Problem;

/// Real inventories are kilobytes; a file this big is the wrong file.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

const POINT_AT_ONE: &str = "point deploy at your inventory with -i PATH or DEPLOY_INVENTORY=PATH;\ninventory/example.yml shows the format";

pub fn read(path: &Path) -> Result<String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => {
            Problem::usage(format!("inventory {shown} does not exist")).fix(POINT_AT_ONE)
        }
        _ => Problem::usage(format!("cannot open inventory {shown}: {err}")).fix(POINT_AT_ONE),
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| {
            Problem::usage(format!("cannot read inventory {shown}: {err}")).fix(POINT_AT_ONE)
        })?;
    check(&shown.to_string(), bytes)
}

/// The checks on the bytes, apart from the file system.
pub fn check(shown: &str, bytes: Vec<u8>) -> Result<String> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Problem::usage(format!(
            "inventory {shown} is larger than {} MiB, too big to be an inventory",
            MAX_BYTES / (1024 * 1024)
        ))
        .fix(POINT_AT_ONE)
        .into());
    }
    if bytes.contains(&0) {
        return Err(Problem::usage(format!(
            "inventory {shown} is a binary file, not YAML or INI text"
        ))
        .fix(POINT_AT_ONE)
        .into());
    }
    let text = String::from_utf8(bytes).map_err(|err| {
        let line = err.as_bytes()[..err.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        Problem::usage(format!("{shown}:{line}: inventory is not UTF-8 text"))
            .fix("save the file as UTF-8")
    })?;
    let meaningful = text.lines().any(|line| {
        let line = line.trim();
        !(line.is_empty() || line.starts_with('#') || line.starts_with(';') || line == "---")
    });
    if !meaningful {
        return Err(Problem::usage(format!("inventory {shown} is empty"))
            .fix(POINT_AT_ONE)
            .into());
    }
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}
