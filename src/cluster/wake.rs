//! How a host is woken with Wake-on-LAN: its card's MAC and where the
//! magic packet goes, as the inventory writes them (`wol_mac`,
//! `wol_broadcast`, `wol_port`), each parsed once. A value that does not
//! parse is a preflight finding naming it (`inventory.wake-on-lan`).

use std::net::{IpAddr, SocketAddr};

use super::Setting;
use crate::wol::{self, Mac};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WakeOnLan {
    pub mac: Setting<Mac>,
    /// `wol_broadcast`, 255.255.255.255 unless set.
    pub broadcast: Setting<IpAddr>,
    /// `wol_port`, 9 unless set.
    pub port: Setting<u16>,
}

impl WakeOnLan {
    /// From the variables' texts; `None` without a `wol_mac`.
    pub fn new(
        mac: Option<String>,
        broadcast: Option<String>,
        port: Option<String>,
    ) -> Option<Self> {
        Some(Self {
            mac: Setting::new(mac?, Mac::parse),
            broadcast: Setting::new(
                broadcast.unwrap_or_else(|| wol::BROADCAST.to_string()),
                parse_address,
            ),
            port: Setting::new(port.unwrap_or_else(|| wol::PORT.to_string()), parse_port),
        })
    }

    /// The MAC and where its packet goes, when all three parse.
    pub fn target(&self) -> Option<(Mac, SocketAddr)> {
        let mac = *self.mac.ok()?;
        let to = SocketAddr::new(*self.broadcast.ok()?, *self.port.ok()?);
        Some((mac, to))
    }
}

fn parse_address(text: &str) -> Result<IpAddr, &'static str> {
    text.parse().map_err(|_| "it is not an IP address")
}

fn parse_port(text: &str) -> Result<u16, &'static str> {
    match text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err("it is not a port number from 1 to 65535"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packet_goes_to_the_broadcast_address_on_port_9_unless_told() {
        let wake = WakeOnLan::new(Some("00-e0-4c-68-cb-bf".into()), None, None).unwrap();
        let (mac, to) = wake.target().unwrap();
        assert_eq!(mac.to_string(), "00:e0:4c:68:cb:bf");
        assert_eq!(to.to_string(), "255.255.255.255:9");
        let wake = WakeOnLan::new(
            Some("00:e0:4c:68:cb:bf".into()),
            Some("192.168.4.255".into()),
            Some("7".into()),
        )
        .unwrap();
        assert_eq!(wake.target().unwrap().1.to_string(), "192.168.4.255:7");
        assert_eq!(WakeOnLan::new(None, Some("10.0.0.255".into()), None), None);
    }

    #[test]
    fn a_value_that_does_not_parse_leaves_no_target() {
        let wake = |mac: &str, broadcast: &str, port: &str| {
            WakeOnLan::new(Some(mac.into()), Some(broadcast.into()), Some(port.into())).unwrap()
        };
        let good = "00:e0:4c:68:cb:bf";
        assert!(wake(good, "10.0.0.255", "9").target().is_some());
        let junk = wake("00:e0:4c:68:cb:bf brd ff:ff:ff:ff:ff:ff", "10.0.0.255", "9");
        assert_eq!(junk.mac.value, Err("something follows the six octets"));
        assert_eq!(junk.target(), None);
        assert_eq!(
            wake(good, "lan", "9").broadcast.value,
            Err("it is not an IP address")
        );
        for port in ["0", "65536", "nine"] {
            assert!(wake(good, "10.0.0.255", port).target().is_none(), "{port}");
        }
    }
}
