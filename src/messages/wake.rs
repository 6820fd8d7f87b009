//! Waking hosts with Wake-on-LAN: the inventory's settings judged, each
//! host's line while it is woken and its result, why one did not wake and
//! what to do, and the way to wake a host that preflight could not reach.

use std::fmt::Display;
use std::time::Duration;

use super::{Advice, Subject, in_words, short};

fn who(host: &dyn Subject) -> String {
    super::who(host.name(), host.address())
}

// ---- the inventory's settings (inventory.wake-on-lan) ---------------------

/// Every host taking part that has a `wol_mac` has good settings (`with`
/// of them).
pub fn settings_ok(with: usize) -> Advice {
    Advice::note(match with {
        0 => "no host has a wol_mac (deploy wake and --wake need one)".to_owned(),
        n => format!("{n} host(s) with a wol_mac, broadcast address and port that parse"),
    })
}

/// `wol_mac` is not a MAC address; `suggestion` is the MAC it starts with,
/// when it does (a line of `ip link` pasted whole).
pub fn mac_invalid(host: &dyn Subject, text: &str, flaw: &str, suggestion: Option<&str>) -> Advice {
    let fix = match suggestion {
        Some(mac) => format!(
            "write wol_mac: '{mac}' alone: what follows it in `ip link` (brd ...) is the broadcast address, not the card's"
        ),
        None => "write wol_mac as the card's six hex octets, quoted, like '00:e0:4c:68:cb:bf' \
                 (`ip link show IFACE` prints it after link/ether)"
            .to_owned(),
    };
    Advice::new(
        format!(
            "{}: wol_mac '{text}' is not a MAC address: {flaw}",
            who(host)
        ),
        fix,
    )
}

pub fn broadcast_invalid(host: &dyn Subject, text: &str, flaw: &str) -> Advice {
    Advice::new(
        format!(
            "{}: wol_broadcast '{text}' is not usable: {flaw}",
            who(host)
        ),
        "set wol_broadcast to the broadcast address of the host's network, like 192.168.4.255 \
         (without it, 255.255.255.255)",
    )
}

pub fn port_invalid(host: &dyn Subject, text: &str, flaw: &str) -> Advice {
    Advice::new(
        format!("{}: wol_port '{text}' is not usable: {flaw}", who(host)),
        "set wol_port to the UDP port the card listens on: 9 (the default) or 7",
    )
}

/// `deploy wake` refuses to start with settings preflight would fail.
pub fn settings_refused(flaws: &[Advice]) -> Advice {
    let mut message =
        "the inventory's Wake-on-LAN settings are wrong, no packet was sent:".to_owned();
    for flaw in flaws {
        message.push_str(&format!("\n  ✗ {}", flaw.message));
    }
    Advice {
        message,
        fix: flaws.first().and_then(|flaw| flaw.fix.clone()),
    }
}

// ---- each host's line, and its result ---------------------------------------

/// The packet is out; the host's SSH is awaited.
pub fn sent(to: &dyn Display) -> String {
    format!("asleep: magic packet sent to {to}, waiting for SSH")
}

pub fn woken(took: Duration) -> String {
    format!("woken in {}", short(took))
}

pub const ALREADY_UP: &str = "already up";
pub const NO_MAC: &str = "no wol_mac: not woken";

pub fn not_woken(wait: Duration) -> String {
    format!("did not wake within {}", short(wait))
}

pub fn not_sent(why: &dyn Display) -> String {
    format!("packet not sent: {why}")
}

/// `--check`: the host does not answer, and nothing is sent.
pub fn would_wake(to: &dyn Display) -> String {
    format!("does not answer: --check sends no packet (would send one to {to})")
}

/// Each host's result, in `deploy wake`'s table and in summary.json.
pub const RESULT_WOKEN: &str = "woken";
pub const RESULT_UP: &str = "already up";
pub const RESULT_NO_MAC: &str = "no wol_mac";
pub const RESULT_WOULD_WAKE: &str = "would wake";
pub const RESULT_NOT_WOKEN: &str = "did not wake";
pub const RESULT_NOT_SENT: &str = "not sent";

/// The wake phase has nothing to do.
pub const NOTHING_TO_WAKE: &str = "no host taking part has a wol_mac";

/// `deploy wake`'s table: each host.
pub const TABLE: [&str; 3] = ["HOST", "RESULT", "TIME"];

/// The wake phase's result: how many hosts ended each way, in the order
/// given, leaving out the ways none did.
pub fn counted(results: &[(&str, usize)]) -> String {
    let said: Vec<String> = results
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(word, count)| format!("{count} {word}"))
        .collect();
    if said.is_empty() {
        "no host has a wol_mac".to_owned()
    } else {
        said.join(", ")
    }
}

/// `--check`'s plan: what waking found on `host`.
pub fn plan(host: &str, result: &str) -> String {
    format!("{host}: {result}")
}

// ---- a host that did not wake ------------------------------------------------

/// What to look at when a host's card ignores its packet.
fn fix_wake_on_lan(host: &dyn Subject) -> String {
    format!(
        "turn Wake-on-LAN on for {}: in its BIOS/UEFI (\"Wake on LAN\", \"Power On by PCI-E\"), \
         and on its network card, where `ethtool IFACE` must show `Wake-on: g` \
         (`sudo ethtool -s IFACE wol g` turns it on)\n\
         check that wol_mac is that card's MAC (`ip link show IFACE`, after link/ether) \
         and that wol_broadcast reaches the host's network",
        host.name()
    )
}

/// No SSH answer within `wait` of the packet; `last` is why the last look
/// failed.
pub fn did_not_wake(
    host: &dyn Subject,
    mac: &dyn Display,
    to: &dyn Display,
    wait: Duration,
    last: &str,
) -> Advice {
    Advice::new(
        format!(
            "did not wake: no SSH answer within {} of the Wake-on-LAN packet for {mac} sent to {to} \
             (last: {last})",
            in_words(wait)
        ),
        fix_wake_on_lan(host),
    )
}

pub fn packet_not_sent(mac: &dyn Display, to: &dyn Display, why: &dyn Display) -> Advice {
    Advice::new(
        format!("the Wake-on-LAN packet for {mac} could not be sent to {to}: {why}"),
        "set wol_broadcast to an address this machine can send to: the broadcast address of \
         the host's network, like 192.168.4.255",
    )
}

/// `--check --wake`: the host does not answer and was left asleep.
pub fn left_asleep(host: &dyn Subject, last: &str) -> Advice {
    Advice::new(
        format!("does not answer ({last}); --check sends no Wake-on-LAN packet"),
        format!(
            "wake it first: deploy wake -l {}, or run without --check",
            host.name()
        ),
    )
}

/// `deploy wake`'s error: every host that did not wake, with the first
/// one's fix.
pub fn not_all_woken(failures: &[(&dyn Subject, Advice)]) -> Advice {
    let mut message = format!("{} host(s) did not wake:", failures.len());
    for (host, advice) in failures {
        message.push_str(&format!("\n  ✗ {}: {}", who(*host), advice.message));
    }
    Advice {
        message,
        fix: failures.first().and_then(|(_, advice)| advice.fix.clone()),
    }
}

// ---- preflight, without --wake -------------------------------------------------

/// A host with a `wol_mac` that cannot be reached may be asleep: how to
/// wake it comes first, then the reachability fix it had.
pub fn wake_first(host: &dyn Subject, fix: Option<&str>) -> String {
    let wake = format!(
        "if {0} is asleep, wake it: deploy wake -l {0} (or run this again with --wake)",
        host.name()
    );
    match fix {
        Some(fix) => format!("{wake}\notherwise: {fix}"),
        None => wake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Node;

    impl Subject for Node {
        fn name(&self) -> &str {
            "storagenodet3500"
        }
        fn address(&self) -> &str {
            "192.168.4.61"
        }
        fn local(&self) -> bool {
            false
        }
        fn becomes(&self) -> bool {
            false
        }
    }

    #[test]
    fn a_pasted_ip_link_line_gets_the_mac_it_starts_with() {
        let advice = mac_invalid(
            &Node,
            "b8:ac:6f:7e:6c:9d brd ff:ff:ff:ff:ff:ff",
            "something follows the six octets",
            Some("b8:ac:6f:7e:6c:9d"),
        );
        assert_eq!(
            advice.message,
            "storagenodet3500 (192.168.4.61): wol_mac 'b8:ac:6f:7e:6c:9d brd ff:ff:ff:ff:ff:ff' \
             is not a MAC address: something follows the six octets"
        );
        assert_eq!(
            advice.fix.as_deref(),
            Some(
                "write wol_mac: 'b8:ac:6f:7e:6c:9d' alone: what follows it in `ip link` (brd ...) \
                 is the broadcast address, not the card's"
            )
        );
        let other = mac_invalid(&Node, "x", "it is not six", None);
        assert!(other.fix.unwrap().contains("like '00:e0:4c:68:cb:bf'"));
    }

    #[test]
    fn a_bad_broadcast_or_port_says_what_to_set() {
        let broadcast = broadcast_invalid(&Node, "lan", "it is not an IP address");
        assert_eq!(
            broadcast.message,
            "storagenodet3500 (192.168.4.61): wol_broadcast 'lan' is not usable: it is not an IP address"
        );
        assert!(broadcast.fix.unwrap().contains("like 192.168.4.255"));
        let port = port_invalid(&Node, "0", "it is not a port number from 1 to 65535");
        assert_eq!(
            port.fix.as_deref(),
            Some("set wol_port to the UDP port the card listens on: 9 (the default) or 7")
        );
        let refused = settings_refused(&[port.clone(), broadcast_invalid(&Node, "x", "y")]);
        assert!(
            refused
                .message
                .starts_with("the inventory's Wake-on-LAN settings are wrong, no packet was sent:\n  ✗ storagenodet3500")
        );
        assert_eq!(refused.fix, port.fix);
    }

    #[test]
    fn a_host_that_did_not_wake_is_told_to_check_the_bios_and_ethtool() {
        let advice = did_not_wake(
            &Node,
            &"b8:ac:6f:7e:6c:9d",
            &"192.168.4.255:9",
            Duration::from_secs(180),
            "Connection timed out",
        );
        assert_eq!(
            advice.message,
            "did not wake: no SSH answer within 3 minutes of the Wake-on-LAN packet for \
             b8:ac:6f:7e:6c:9d sent to 192.168.4.255:9 (last: Connection timed out)"
        );
        let fix = advice.fix.clone().unwrap();
        assert!(fix.starts_with("turn Wake-on-LAN on for storagenodet3500: in its BIOS/UEFI"));
        assert!(fix.contains("`sudo ethtool -s IFACE wol g`"), "{fix}");
        let all = not_all_woken(&[(&Node, advice.clone())]);
        assert!(all.message.starts_with(
            "1 host(s) did not wake:\n  ✗ storagenodet3500 (192.168.4.61): did not wake: no SSH answer"
        ));
        assert_eq!(all.fix, advice.fix);
    }

    #[test]
    fn a_packet_that_cannot_leave_or_is_not_sent_says_how_to_go_on() {
        let advice = packet_not_sent(
            &"b8:ac:6f:7e:6c:9d",
            &"10.9.9.255:9",
            &"Network is unreachable",
        );
        assert_eq!(
            advice.message,
            "the Wake-on-LAN packet for b8:ac:6f:7e:6c:9d could not be sent to 10.9.9.255:9: Network is unreachable"
        );
        assert!(
            advice
                .fix
                .unwrap()
                .starts_with("set wol_broadcast to an address")
        );
        let asleep = left_asleep(&Node, "Connection timed out");
        assert_eq!(
            asleep.fix.as_deref(),
            Some("wake it first: deploy wake -l storagenodet3500, or run without --check")
        );
    }

    #[test]
    fn an_unreachable_host_with_a_mac_is_told_how_to_wake_it_first() {
        assert_eq!(
            wake_first(&Node, Some("check that the host is up")),
            "if storagenodet3500 is asleep, wake it: deploy wake -l storagenodet3500 \
             (or run this again with --wake)\notherwise: check that the host is up"
        );
        assert!(wake_first(&Node, None).ends_with("--wake)"));
    }

    #[test]
    fn lines_and_results_are_short() {
        assert_eq!(
            sent(&"127.0.0.255:7"),
            "asleep: magic packet sent to 127.0.0.255:7, waiting for SSH"
        );
        assert_eq!(woken(Duration::from_millis(4200)), "woken in 4.2s");
        assert_eq!(
            not_woken(Duration::from_secs(180)),
            "did not wake within 3m 00s"
        );
        assert_eq!(
            counted(&[(RESULT_WOKEN, 2), (RESULT_UP, 0), (RESULT_NOT_WOKEN, 1)]),
            "2 woken, 1 did not wake"
        );
        assert_eq!(counted(&[(RESULT_WOKEN, 0)]), "no host has a wol_mac");
        assert_eq!(
            settings_ok(0).message,
            "no host has a wol_mac (deploy wake and --wake need one)"
        );
    }
}
