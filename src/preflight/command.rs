//! `deploy check`: the report on stdout, the verdict in the exit code.

use std::io::Write;

use anyhow::{Context as _, Result};

use super::human;
use super::run::{Context, Scope, run};
use crate::checks::{Ignore, Rke2};
use crate::cli::{CheckArgs, Global, OutputFormat};
use crate::exit::Code;
use crate::inventory::Inventory;
use crate::remote::Session;
use crate::ui::Ui;

pub fn command(global: &Global, args: &CheckArgs, _ui: Ui) -> Result<Code> {
    let ignore = Ignore::parse(&args.ignore.ids)?;
    let inventory = Inventory::load(&global.inventory)?;
    let session = Session::new(global.connect_timeout).context("preparing SSH connections")?;
    let context = Context {
        inventory: &inventory,
        session: &session,
        forks: global.forks as usize,
        ignore: &ignore,
    };
    // `check` looks at every host the inventory gives a role, RKE2 hosts
    // included when there are any: what `deploy all --with-rke2` would touch.
    let scope = Scope {
        rke2: Rke2::IfPresent,
        limit: global.limit.clone(),
        keep_control_plane: false,
    };
    let report = run(&context, &scope)?;
    let text = match args.output {
        OutputFormat::Human => human::render(&report, args.strict),
        OutputFormat::Json => format!("{:#}\n", report.to_json()),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing the report")?;
    Ok(report.exit_code(args.strict))
}
