//! Phase 4: the network add-on. When the inventory sets `cni_manifest` (a
//! file on this machine, relative to the inventory, or a URL), it is applied
//! with kubectl on the control plane — once: a copy of what was applied is
//! kept there, and the same manifest is not applied again.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};

use super::Done;
use super::context::Ctx;
use crate::exit::Problem;
use crate::remote::Cmd;

/// Checks the kept copy, then applies; with CHECK set it only answers
/// whether it would apply. MANIFEST is the manifest (or `url: ...`).
const APPLY: &str = r#"marker=/etc/kubernetes/deploy/cni-manifest
if printf '%s' "$MANIFEST" | cmp -s - "$marker" 2>/dev/null; then echo unchanged; exit 0; fi
if [ -n "${CHECK-}" ]; then echo pending; exit 0; fi
if [ -n "${URL-}" ]; then
  kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f "$URL"
else
  printf '%s' "$MANIFEST" | kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f -
fi || exit $?
mkdir -p /etc/kubernetes/deploy && (umask 077 && printf '%s' "$MANIFEST" >"$marker") && echo applied
"#;

/// Where the manifest comes from.
pub enum Manifest {
    File { path: PathBuf, text: String },
    Url(String),
}

impl Manifest {
    pub fn describe(&self) -> String {
        match self {
            Manifest::File { path, .. } => path.display().to_string(),
            Manifest::Url(url) => url.clone(),
        }
    }
}

/// The inventory's `cni_manifest`, read; `None` when it sets none.
pub fn manifest(ctx: &Ctx, host: &str) -> Result<Option<Manifest>> {
    let Some(value) = ctx
        .vars(host)
        .get("cni_manifest")
        .and_then(|value| value.as_str())
        .map(str::to_string)
    else {
        return Ok(None);
    };
    if value.starts_with("https://") || value.starts_with("http://") {
        return Ok(Some(Manifest::Url(value)));
    }
    let base = ctx
        .inventory
        .path()
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = base.join(&value);
    let text = std::fs::read_to_string(&path).map_err(|err| {
        Problem::usage(format!(
            "cannot read cni_manifest {}: {err}",
            path.display()
        ))
        .fix("set cni_manifest to a file (relative to the inventory) or an https:// URL")
    })?;
    Ok(Some(Manifest::File { path, text }))
}

/// Whether the manifest still has to be applied (read-only).
pub fn pending(ctx: &Ctx, host: &str, manifest: &Manifest) -> Result<bool> {
    let output = run(ctx, host, manifest, true)?;
    Ok(output.trim() == "pending")
}

pub fn apply(ctx: &Ctx, host: &str) -> Result<Done> {
    let Some(manifest) = manifest(ctx, host)? else {
        ctx.say("no cni_manifest in the inventory: skipped");
        return Ok(Done::skipped("no cni_manifest", host));
    };
    // kubectl's own words, on failure, are in the error chain.
    let answer = run(ctx, host, &manifest, false)?;
    if answer.trim_end().ends_with("unchanged") {
        ctx.say(&format!(
            "{}: already applied, skipped",
            manifest.describe()
        ));
        return Ok(Done::skipped("already applied", host));
    }
    ctx.log.line(&answer);
    ctx.say(&format!("{}: applied", manifest.describe()));
    Ok(Done::single("applied", host))
}

fn run(ctx: &Ctx, host: &str, manifest: &Manifest, check: bool) -> Result<String> {
    let mut cmd = Cmd::script("apply the network add-on", APPLY);
    cmd = match manifest {
        Manifest::File { text, .. } => cmd.var("MANIFEST", text),
        Manifest::Url(url) => cmd.var("MANIFEST", format!("url: {url}")).var("URL", url),
    };
    if check {
        cmd = cmd.var("CHECK", "1");
    }
    let output = ctx
        .session
        .run_ok(&ctx.target(host)?, &cmd, None, Duration::from_secs(120))
        .with_context(|| format!("{host}: applying {}", manifest.describe()))?;
    Ok(output.stdout_text())
}
