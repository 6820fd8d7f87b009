//! `deploy inventory --list | --graph [GROUP] | --host NAME`: the same JSON
//! and text as `ansible-inventory`, then (for --graph) the roles deploy
//! resolved; `--host NAME --resolved`: what deploy reads of that host,
//! templated and unvaulted, with every secret masked.

use anyhow::{Context as _, Result};

use crate::config::{Config, InventoryView};
use crate::exit::Code;
use crate::inventory::output;

pub fn run(config: &Config, view: &InventoryView) -> Result<Code> {
    let inv = super::load_inventory(config)?;
    let text = match view {
        InventoryView::Host(name) => output::host(&inv, name)?,
        InventoryView::Resolved(name) => resolved(config, &inv, name)?,
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
    super::print_answer(format!("{text}\n").as_bytes())?;
    Ok(Code::Success)
}

/// The variables deploy reads of `name`, rendered, secrets masked: the
/// become password and every value opened from a vault.
fn resolved(config: &Config, inv: &crate::inventory::Inventory, name: &str) -> Result<String> {
    let name = output::one_host(inv, name)?;
    let reader = crate::cluster::VarsReader::new(inv, &config.keyring);
    let vars = reader.resolved(&name, true)?;
    let secrets = reader.opened();
    let masked = vars
        .into_iter()
        .map(|(key, value)| {
            let hidden = crate::cluster::is_password(&key)
                || secrets
                    .iter()
                    .any(|secret| contains(&value, secret.expose()));
            let value = if hidden {
                serde_json::Value::from(crate::secret::MASK)
            } else {
                value
            };
            (key, value)
        })
        .collect();
    Ok(output::pretty(&serde_json::Value::Object(masked)))
}

/// Whether `secret` shows anywhere in `value`.
fn contains(value: &serde_json::Value, secret: &str) -> bool {
    match value {
        serde_json::Value::String(text) => !secret.is_empty() && text.contains(secret),
        serde_json::Value::Array(items) => items.iter().any(|item| contains(item, secret)),
        serde_json::Value::Object(map) => map.values().any(|item| contains(item, secret)),
        _ => false,
    }
}
