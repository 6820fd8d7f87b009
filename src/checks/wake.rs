//! The inventory's Wake-on-LAN settings of the hosts taking part: a
//! `wol_mac` that is not a MAC (a line of `ip link` pasted whole), or a
//! `wol_broadcast` or `wol_port` that cannot be used, fails here naming
//! host and value, rather than waking nothing.

use super::catalog::INVENTORY_WAKE_ON_LAN;
use super::{Finding, Status};
use crate::cluster::{Cluster, Host};
use crate::messages::Advice;
use crate::messages::wake as say;
use crate::wol::Mac;

pub fn check(cluster: &Cluster) -> Vec<Finding> {
    let hosts = cluster.participants(true);
    let mut findings: Vec<Finding> = hosts
        .iter()
        .flat_map(|host| {
            flaws(host).into_iter().map(|advice| {
                Finding::new(
                    INVENTORY_WAKE_ON_LAN,
                    Some(&host.name),
                    Status::Fail,
                    advice,
                )
            })
        })
        .collect();
    if findings.is_empty() {
        let with = hosts.iter().filter(|host| host.wake.is_some()).count();
        findings.push(Finding::new(
            INVENTORY_WAKE_ON_LAN,
            None,
            Status::Pass,
            say::settings_ok(with),
        ));
    }
    findings
}

/// What is wrong with `host`'s settings; nothing when it has no `wol_mac`.
pub fn flaws(host: &Host) -> Vec<Advice> {
    let Some(wake) = &host.wake else {
        return Vec::new();
    };
    let mut flaws = Vec::new();
    if let Err(flaw) = &wake.mac.value {
        let text = &wake.mac.text;
        let leading = text.split_whitespace().next().unwrap_or_default();
        let suggestion = Mac::parse(leading).ok().map(|mac| mac.to_string());
        flaws.push(say::mac_invalid(host, text, flaw, suggestion.as_deref()));
    }
    if let Err(flaw) = &wake.broadcast.value {
        flaws.push(say::broadcast_invalid(host, &wake.broadcast.text, flaw));
    }
    if let Err(flaw) = &wake.port.value {
        flaws.push(say::port_invalid(host, &wake.port.text, flaw));
    }
    flaws
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::cluster::{self, Rke2, WakeOnLan};
    use crate::inventory::Inventory;

    fn wake(mac: &str) -> Option<WakeOnLan> {
        WakeOnLan::new(Some(mac.into()), None, None)
    }

    #[test]
    fn good_settings_pass_once_and_bad_ones_fail_on_their_host() {
        let mut cluster = cluster();
        cluster.hosts[1].wake = wake("b8:ac:6f:7e:6c:9d");
        cluster.hosts[2].wake = wake("b8-ac-6f-7e-6c-9e");
        let found = check(&cluster);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].status, found[0].host.as_deref()),
            (Status::Pass, None)
        );
        assert_eq!(
            found[0].message,
            "2 host(s) with a wol_mac, broadcast address and port that parse"
        );

        cluster.hosts[2].wake = wake("b8:ac:6f:7e:6c:9e brd ff:ff:ff:ff:ff:ff");
        cluster.hosts[1].wake = WakeOnLan::new(
            Some("b8:ac:6f:7e:6c:9d".into()),
            Some("lan".into()),
            Some("0".into()),
        );
        let found = check(&cluster);
        let on: Vec<(&str, Status)> = found
            .iter()
            .map(|f| (f.host.as_deref().unwrap(), f.status))
            .collect();
        assert_eq!(
            on,
            [
                ("w1", Status::Fail),
                ("w1", Status::Fail),
                ("w2", Status::Fail)
            ]
        );
        assert!(
            found[2].message.contains("wol_mac 'b8:ac:6f:7e:6c:9e brd"),
            "{}",
            found[2].message
        );
        assert!(
            found[2]
                .hint
                .as_deref()
                .unwrap()
                .starts_with("write wol_mac: 'b8:ac:6f:7e:6c:9e' alone"),
            "{:?}",
            found[2].hint
        );
    }

    #[test]
    fn a_host_not_taking_part_is_not_judged() {
        let mut cluster = cluster();
        cluster.hosts[1].selected = false;
        cluster.hosts[1].wake = wake("junk");
        assert_eq!(check(&cluster)[0].status, Status::Pass);
    }

    /// The user's inventories: one writes each wol_mac as `ip link` shows
    /// it, with the broadcast address after it.
    #[test]
    fn the_users_pasted_ip_link_lines_fail_and_their_clean_macs_pass() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/inventories");
        let judged = |file: &str| {
            let inventory =
                Inventory::load(std::path::Path::new(&format!("{dir}/{file}"))).unwrap();
            check(
                &cluster::build(
                    &inventory,
                    None,
                    Rke2::IfPresent,
                    &crate::passwords::Keyring::default(),
                )
                .unwrap(),
            )
        };
        let found = judged("vmstation-hosts-all.yml");
        let hosts: Vec<&str> = found.iter().filter_map(|f| f.host.as_deref()).collect();
        assert_eq!(hosts, ["masternode", "storagenodet3500", "homelab"]);
        assert!(found.iter().all(|f| f.blocks()));
        assert!(
            found[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("'00:e0:4c:68:cb:bf' alone")
        );
        for clean in ["vmstation-hosts.yml", "vmstation-inventory.ini"] {
            let found = judged(clean);
            assert_eq!(found.len(), 1, "{clean}: {found:#?}");
            assert_eq!(
                found[0].message, "3 host(s) with a wol_mac, broadcast address and port that parse",
                "{clean}"
            );
        }
    }
}
