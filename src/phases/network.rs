//! The network add-on. When the inventory sets `cni_manifest` (a file on
//! this machine, relative to the inventory, or a URL), it is applied with
//! kubectl on the control plane — once: a copy of what was applied is kept
//! there, and the same manifest is not applied again.

use std::time::Duration;

use anyhow::{Context as _, Result};

use super::{Ctx, Done, Phase};
use crate::cluster::{Host, Manifest};
use crate::exit::Problem;
use crate::messages::phases as say;
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

pub struct NetworkAddOn;

impl NetworkAddOn {
    /// The manifest to apply; without one the manager skips this phase.
    fn manifest<'c>(ctx: &Ctx<'c>) -> Result<&'c Manifest> {
        ctx.cluster
            .settings
            .cni_manifest
            .as_ref()
            .context(say::NO_CNI_MANIFEST)
    }
}

impl Phase for NetworkAddOn {
    fn title(&self) -> &'static str {
        "network add-on"
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        Self::manifest(ctx)
            .is_err()
            .then(|| say::NO_CNI_MANIFEST.to_string())
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        let host = ctx.control_plane;
        let manifest = Self::manifest(ctx)?;
        // Read even when nothing can be asked yet, so that --check finds an
        // unreadable file before the run would, after kubeadm init.
        let contents = contents(manifest)?;
        let pending = !ctx.initialised(host)
            || apply(ctx, host, manifest, &contents, true)?.trim() == "pending";
        Ok(vec![crate::messages::plan::manifest(
            &manifest.describe(),
            pending,
        )])
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let host = ctx.control_plane;
        let manifest = Self::manifest(ctx)?;
        // kubectl's own words, on failure, are in the error chain.
        let answer = apply(ctx, host, manifest, &contents(manifest)?, false)?;
        if answer.trim_end().ends_with("unchanged") {
            ctx.say(&say::manifest_unchanged(&manifest.describe()));
            return Ok(Done::skipped(say::ALREADY_APPLIED, host));
        }
        ctx.log.line(&answer);
        ctx.say(&say::manifest_applied(&manifest.describe()));
        Ok(Done::single(say::APPLIED, host))
    }
}

/// What the control plane keeps a copy of: the file's text, or the URL.
fn contents(manifest: &Manifest) -> Result<String> {
    Ok(match manifest {
        Manifest::File(path) => std::fs::read_to_string(path)
            .map_err(|err| Problem::usage(say::manifest_unreadable(path, &err)))?,
        Manifest::Url(url) => format!("url: {url}"),
    })
}

/// Applies the manifest, or with `check` only asks whether it would.
fn apply(
    ctx: &Ctx,
    host: &Host,
    manifest: &Manifest,
    contents: &str,
    check: bool,
) -> Result<String> {
    let mut cmd = Cmd::script("apply the network add-on", APPLY).var("MANIFEST", contents);
    if let Manifest::Url(url) = manifest {
        cmd = cmd.var("URL", url);
    }
    if check {
        cmd = cmd.var("CHECK", "1");
    }
    let output = ctx
        .run_ok(host, &cmd, Duration::from_secs(120))
        .with_context(|| say::applying(&host.name, &manifest.describe()))?;
    Ok(output.stdout_text())
}
