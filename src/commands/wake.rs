//! `deploy wake`: each host taking part that does not answer SSH gets its
//! Wake-on-LAN packet and is waited for; then a table of how each went.
//! Settings that cannot be sent are refused before any packet goes out.

use anyhow::{Context as _, Result};

use crate::checks::wake::flaws;
use crate::cluster::Rke2;
use crate::config::{Config, WakeOptions};
use crate::exit::{Code, Problem};
use crate::messages::commands::{WRITING_SUMMARY, table_time};
use crate::messages::wake as say;
use crate::phases::wake::{Waker, failures, wake};

pub fn run(config: &Config, options: &WakeOptions) -> Result<Code> {
    let (cluster, session) = super::connect(config, Rke2::IfPresent, false)?;
    let hosts = cluster.participants(false);
    let flawed: Vec<_> = hosts.iter().flat_map(|host| flaws(host)).collect();
    if !flawed.is_empty() {
        return Err(anyhow::Error::new(Problem::usage(say::settings_refused(
            &flawed,
        ))))
        .context(cluster.source.display().to_string());
    }
    let waker = Waker::new(config, &session, options.wait);
    let woke = wake(&waker, &hosts)?;
    let rows: Vec<Vec<String>> = woke
        .iter()
        .map(|woke| {
            vec![
                woke.host.name.clone(),
                woke.result().to_owned(),
                table_time(woke.elapsed()),
            ]
        })
        .collect();
    let printed = crate::ui::print_table(config.events, &say::TABLE, &rows, WRITING_SUMMARY);
    match failures(&woke) {
        Some(advice) => Err(Problem::failed(advice).into()),
        None => super::shown(Code::Success, printed),
    }
}
