//! `deploy inventory --list | --graph [GROUP] | --host NAME`: the same JSON
//! and text as `ansible-inventory`, then (for --graph) the roles deploy
//! resolved.

use std::io::Write;

use anyhow::{Context as _, Result};

use crate::config::{Config, InventoryView};
use crate::exit::Code;
use crate::inventory::output;

pub fn run(config: &Config, view: &InventoryView) -> Result<Code> {
    let inv = super::load_inventory(config)?;
    let text = match view {
        InventoryView::Host(name) => output::host(&inv, name)?,
        // ansible-inventory ignores --limit for --graph; so does deploy.
        InventoryView::Graph(group) => {
            format!(
                "{}\n\n{}",
                output::graph(&inv, group)?,
                output::roles_text(&inv)
            )
        }
        InventoryView::List => {
            let limit = config
                .limit
                .as_deref()
                .map(|pattern| {
                    inv.select(pattern)
                        .with_context(|| crate::messages::cluster::limit(inv.path()))
                })
                .transpose()?;
            output::list(&inv, limit.as_deref())
        }
    };
    if config.ui.verbose > 0 && !config.ui.quiet {
        output::note_templates(&inv);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").context(crate::messages::commands::WRITING_STDOUT)?;
    Ok(Code::Success)
}
