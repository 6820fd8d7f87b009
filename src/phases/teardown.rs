//! The kubeadm nodes reset: each a detached job watched like a join —
//! `kubeadm reset -f` with its runtime socket, kubelet stopped, the
//! directories kubeadm leaves removed, the CNI links deleted, kube-proxy's
//! iptables chains flushed, containerd restarted. The workers go first,
//! `--forks` at once, a failure stopping none of the others; the control
//! plane last, and with it the admin kubeconfig saved in the log directory
//! is marked stale.

use std::time::Duration;

use anyhow::Result;

use super::{Ctx, Done, Phase};
use crate::artifacts::HostSummary;
use crate::checks::reset::{HostTeardown, ResetKind};
use crate::kube::Step;
use crate::kube::reset::{CNI_LINKS, Chore, KUBE_CHAINS, STALE_SUFFIX, dirs};
use crate::messages::{phases as said, reset as say};
use crate::step::{HostResult, Job};

/// `kubeadm reset -f` stops the kubelet and removes files, and the rest is
/// as quick: this bounds a host that hangs.
const RESET_BOUND: Duration = Duration::from_secs(5 * 60);

/// Run with `/bin/sh -c` after its variables: CRI_SOCKET (may be empty),
/// DIRS, LINKS, CHAINS. Its own lines are tagged like kubeadm's, so the
/// progress line shows where it is.
const RESET_SH: &str = r#"if command -v kubeadm >/dev/null 2>&1; then
  if [ -n "$CRI_SOCKET" ]; then kubeadm reset -f --cri-socket "$CRI_SOCKET" || exit; else kubeadm reset -f || exit; fi
fi
if command -v systemctl >/dev/null 2>&1; then
  echo "[kubelet] stopping kubelet"
  # 5: no kubelet unit here.
  systemctl stop kubelet; rc=$?; [ "$rc" = 0 ] || [ "$rc" = 5 ] || exit "$rc"
fi
# What is still mounted under kubelet's directory (pods' volumes) goes
# first, deepest first, so nothing is deleted through a mount.
if [ -r /proc/self/mounts ]; then
  for m in $(awk '$2 ~ "^/var/lib/kubelet/" { print $2 }' /proc/self/mounts | sort -r); do
    umount "$m" || umount -l "$m" || exit
  done
fi
for d in $DIRS; do
  [ -e "$d" ] || continue
  echo "[cleanup] removing $d"
  # A mount point cannot go: it is emptied.
  rm -rf "$d" 2>/dev/null || find "$d" -mindepth 1 -maxdepth 1 -exec rm -rf {} + || exit
done
if command -v ip >/dev/null 2>&1; then
  for link in $LINKS; do
    if ip link show "$link" >/dev/null 2>&1; then
      echo "[network] deleting the link $link"
      ip link delete "$link" || exit
    fi
  done
fi
for family in iptables ip6tables; do
  command -v "$family-save" >/dev/null 2>&1 && command -v "$family-restore" >/dev/null 2>&1 || continue
  rules=$("$family-save") || exit
  case $rules in *"$CHAINS"*) ;; *) continue ;; esac
  echo "[network] flushing kube-proxy's $family chains"
  printf '%s\n' "$rules" | grep -v -- "$CHAINS" | "$family-restore" || exit
done
if command -v systemctl >/dev/null 2>&1; then
  echo "[runtime] restarting containerd"
  systemctl restart containerd; rc=$?; [ "$rc" = 0 ] || [ "$rc" = 5 ] || exit "$rc"
fi
"#;

pub struct ResetNodes;

impl ResetNodes {
    /// The kubeadm hosts to reset, workers first.
    fn hosts<'c>(ctx: &'c Ctx) -> Vec<&'c HostTeardown> {
        let plan = &ctx.teardown;
        plan.to_do(ResetKind::Worker)
            .chain(plan.to_do(ResetKind::ControlPlane))
            .filter(|host| {
                host.chores
                    .iter()
                    .any(|chore| !matches!(chore, Chore::Drain { .. }))
            })
            .collect()
    }
}

impl Phase for ResetNodes {
    fn title(&self) -> &'static str {
        "reset"
    }

    fn skip(&self, ctx: &Ctx) -> Option<String> {
        let failed =
            ctx.teardown.hosts.iter().any(|host| {
                host.kind != ResetKind::Rke2 && ctx.teardown.failed.contains(&host.name)
            });
        (Self::hosts(ctx).is_empty() && !failed).then(|| say::NOTHING_HERE.to_owned())
    }

    fn plan(&self, ctx: &Ctx) -> Result<Vec<String>> {
        Ok(Self::hosts(ctx)
            .into_iter()
            .map(|host| plan_line(ctx, host))
            .collect())
    }

    fn run(&self, ctx: &mut Ctx) -> Result<Done> {
        let mut hosts = failed_before(ctx, ResetKind::Worker);
        let mut failed = !hosts.is_empty();
        for kind in [ResetKind::Worker, ResetKind::ControlPlane] {
            if kind == ResetKind::ControlPlane {
                let before = failed_before(ctx, kind);
                failed |= !before.is_empty();
                hosts.extend(before);
            }
            let group: Vec<&HostTeardown> = Self::hosts(ctx)
                .into_iter()
                .filter(|host| host.kind == kind)
                .collect();
            if group.is_empty() {
                continue;
            }
            for (host, result) in reset(ctx, &group)? {
                failed |= !result.outcome.is_success();
                if result.outcome.is_success() {
                    mark_stale(ctx, host)?;
                }
                hosts.push(result.summary(Step::Reset));
            }
        }
        let result = if failed {
            said::FAILED
        } else {
            Step::Reset.done()
        };
        Ok(Done {
            result: result.into(),
            hosts,
        })
    }
}

/// One group's jobs, watched; `--forks` at once, every host to its end.
fn reset<'c>(ctx: &Ctx, group: &[&'c HostTeardown]) -> Result<Vec<(&'c HostTeardown, HostResult)>> {
    let planned: Vec<(&HostTeardown, &crate::cluster::Host)> = group
        .iter()
        .filter_map(|planned| Some((*planned, ctx.cluster.host(&planned.name)?)))
        .collect();
    let jobs = planned
        .iter()
        .map(|(planned, host)| {
            Ok(Job {
                host,
                command: command(host.cri_socket.as_deref(), planned.kind)?,
                input: None,
                already_done: !planned.job(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let results = ctx.watched_each(Step::Reset, &jobs, RESET_BOUND)?;
    Ok(planned
        .into_iter()
        .map(|(planned, _)| planned)
        .zip(results)
        .collect())
}

/// The job's command line: its variables, quoted, then the script.
fn command(cri_socket: Option<&str>, kind: ResetKind) -> Result<String> {
    let dirs = dirs(kind == ResetKind::ControlPlane).join(" ");
    let links = CNI_LINKS.join(" ");
    let vars = [
        ("CRI_SOCKET", cri_socket.unwrap_or_default()),
        ("DIRS", dirs.as_str()),
        ("LINKS", links.as_str()),
        ("CHAINS", KUBE_CHAINS),
    ];
    let mut line = String::new();
    for (name, value) in vars {
        line.push_str(&format!(
            "{name}={}\n",
            crate::remote::quote_words([value])?
        ));
    }
    line.push_str(RESET_SH);
    Ok(line)
}

/// The kubeconfigs `deploy all` saved for `host`, once it is reset.
pub fn mark_stale(ctx: &Ctx, host: &HostTeardown) -> Result<()> {
    for chore in &host.chores {
        if let Chore::MarkStale(name) = chore {
            let (from, to) = ctx.artifacts.rename_with(name, STALE_SUFFIX)?;
            ctx.say(&say::marked_stale(&from, &to));
        }
    }
    Ok(())
}

/// The hosts of `kind` that failed before this phase (not asked, not
/// drained): in the record as they ended.
fn failed_before(ctx: &Ctx, kind: ResetKind) -> Vec<HostSummary> {
    ctx.teardown
        .hosts
        .iter()
        .filter(|host| host.kind == kind && ctx.teardown.failed.contains(&host.name))
        .map(|host| HostSummary::noted(&host.name, say::LEFT_AS_IT_IS, None))
        .collect()
}

/// `--check`'s line for a host: what its reset does, in order.
fn plan_line(ctx: &Ctx, host: &HostTeardown) -> String {
    let lines: Vec<String> = super::survey::chore_lines(ctx, &ctx.teardown, host)
        .into_iter()
        .zip(&host.chores)
        .filter(|(_, chore)| !matches!(chore, Chore::Drain { .. }))
        .map(|(line, _)| line)
        .collect();
    say::reset_plan(&host.name, host.kind == ResetKind::ControlPlane, &lines)
}
