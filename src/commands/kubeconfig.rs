//! `deploy kubeconfig [--rke2] [--merge [--context NAME]]`: the admin
//! kubeconfig read from the control plane (or the RKE2 host, its server
//! address made reachable from here), printed, or merged into the user's
//! own kubeconfig at 0600.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::cluster::{Host, Rke2};
use crate::config::{Config, KubeconfigOptions};
use crate::exit::{Code, Problem};
use crate::kube::kubeconfig::{Merged, merge};
use crate::kube::nodes::ADMIN_CONF;
use crate::kube::rke2::{KUBECONFIG_PATH, kubeconfig_for};
use crate::messages::kubeconfig as say;
use crate::remote::Cmd;

const READ_LIMIT: Duration = Duration::from_secs(30);

pub fn run(config: &Config, options: &KubeconfigOptions) -> Result<Code> {
    let scope = if options.rke2 {
        Rke2::Required
    } else {
        Rke2::Excluded
    };
    let (cluster, session) = super::connect(config, scope, true)?;
    let (host, path): (&Host, &str) = if options.rke2 {
        let host = cluster
            .rke2_hosts()
            .next()
            .ok_or_else(|| Problem::usage(say::no_rke2_host()))?;
        (host, KUBECONFIG_PATH)
    } else {
        (crate::phases::control_plane(&cluster)?, ADMIN_CONF)
    };
    let output = session
        .run(&host.target, &Cmd::argv(["cat", path]), READ_LIMIT)
        .with_context(|| say::reading(&host.name, path))?;
    if output.code != 0 {
        bail!(Problem::failed(say::missing(
            &host.name,
            path,
            options.rke2
        )));
    }
    let mut text = output.stdout_text();
    if options.rke2 {
        text = kubeconfig_for(&text, &host.address);
    }
    match &options.merge {
        None => super::print_answer(text.as_bytes())?,
        Some(name) => {
            let name = name.as_deref().unwrap_or(&host.name);
            let file = user_kubeconfig()?;
            merge_into(&file, &host.name, &text, name)?;
        }
    }
    Ok(Code::Success)
}

/// The first file of $KUBECONFIG, or ~/.kube/config, as kubectl writes.
fn user_kubeconfig() -> Result<PathBuf> {
    let from_env = std::env::var_os("KUBECONFIG")
        .and_then(|paths| std::env::split_paths(&paths).find(|path| !path.as_os_str().is_empty()));
    if let Some(path) = from_env {
        return Ok(path);
    }
    match std::env::var_os("HOME") {
        Some(home) => Ok(Path::new(&home).join(".kube").join("config")),
        None => bail!(Problem::usage(say::nowhere())),
    }
}

/// Merges `fetched` as `name` into `file`, written whole through a
/// temporary file beside it (0600), so a failure never leaves half a file.
fn merge_into(file: &Path, host: &str, fetched: &str, name: &str) -> Result<()> {
    let existing = match std::fs::read_to_string(file) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(err).with_context(|| say::writing(file)),
    };
    let merged = merge(existing.as_deref(), fetched, name)
        .map_err(|refusal| Problem::usage(say::refused(file, host, &refusal)))?;
    let text = match merged {
        Merged::Unchanged => {
            eprintln!("{}", say::unchanged(name, file));
            return Ok(());
        }
        Merged::Changed(text) => text,
    };
    let dir = file
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| say::writing(file))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).with_context(|| say::writing(file))?;
    temp.write_all(text.as_bytes())
        .with_context(|| say::writing(file))?;
    // NamedTempFile is created 0600 and keeps that mode when persisted.
    temp.persist(file)
        .map_err(|err| err.error)
        .with_context(|| say::writing(file))?;
    eprintln!("{}", say::merged(name, file));
    Ok(())
}
