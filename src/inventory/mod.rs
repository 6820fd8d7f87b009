//! Ansible inventories, read as `ansible-inventory` reads them.

use anyhow::Result;

use crate::cli::{Global, InventoryArgs};
use crate::exit::{Code, Problem};
use crate::ui::Ui;

/// `deploy inventory --list | --graph | --host NAME`.
pub fn command(_global: &Global, _args: &InventoryArgs, _ui: Ui) -> Result<Code> {
    Err(Problem::usage("`deploy inventory` is not implemented yet").into())
}
