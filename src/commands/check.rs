//! `deploy check`: the report on stdout, the verdict in the exit code.

use std::io::Write;

use anyhow::{Context as _, Result};

use crate::cluster::Rke2;
use crate::config::{CheckOptions, Config, Format};
use crate::exit::Code;
use crate::phases::wake::{self, Waker};
use crate::preflight::{self, human};

pub fn run(config: &Config, options: &CheckOptions) -> Result<Code> {
    // `check` looks at every host the inventory gives a role, RKE2 hosts
    // included when there are any: what `deploy all --with-rke2` would touch.
    let (cluster, session) = super::connect(config, Rke2::IfPresent, false)?;
    let hosts = cluster.participants(false);
    // --wake: the sleeping hosts first, so that the checks judge them awake.
    let woke = match &options.wake {
        Some(options) => {
            let waker = Waker::new(config, &session, options.wait);
            Some(wake::answers(&wake::wake(&waker, &wake::wakeable(&hosts))?))
        }
        None => None,
    };
    let ctx = preflight::Checker {
        cluster: &cluster,
        session: &session,
        forks: config.forks,
        ignore: &options.ignore,
        ui: config.ui,
        woke,
    };
    let report = preflight::run(&ctx, &hosts)?;
    let text = match options.output {
        Format::Human => human::render(&report, options.strict),
        Format::Json => format!("{:#}\n", report.to_json()),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context(crate::messages::commands::WRITING_REPORT)?;
    Ok(report.exit_code(options.strict))
}
