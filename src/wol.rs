//! Wake-on-LAN: MAC addresses as inventories write them, the magic packet,
//! and sending it. A plain UDP datagram with `SO_BROADCAST` set, which std
//! does: no raw socket, no privileges.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

/// A network card's hardware address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mac([u8; 6]);

/// The length of a MAC written with separators: `00:e0:4c:68:cb:bf`.
const WRITTEN: usize = 17;

impl Mac {
    /// Six hex octets of two digits, separated by `:` or by `-` (one
    /// separator throughout), and nothing else: not even spaces, so a
    /// line of `ip link` pasted whole is refused rather than half read.
    pub fn parse(text: &str) -> Result<Mac, &'static str> {
        let head = text.get(..WRITTEN).unwrap_or(text);
        let mac = Self::parse_whole(head)?;
        if text.len() > WRITTEN {
            return Err("something follows the six octets");
        }
        Ok(mac)
    }

    fn parse_whole(text: &str) -> Result<Mac, &'static str> {
        const SHAPE: &str = "it is not six two-digit hex octets separated by `:` or `-`";
        let separator = match text.as_bytes().get(2) {
            Some(b':') => ':',
            Some(b'-') => '-',
            _ => return Err(SHAPE),
        };
        let octets: Vec<&str> = text.split(separator).collect();
        if octets.len() != 6 {
            return Err(SHAPE);
        }
        let mut mac = [0u8; 6];
        for (byte, octet) in mac.iter_mut().zip(octets) {
            if octet.len() != 2 || !octet.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Err(SHAPE);
            }
            *byte = u8::from_str_radix(octet, 16).map_err(|_| SHAPE)?;
        }
        Ok(Mac(mac))
    }

    pub fn octets(&self) -> [u8; 6] {
        self.0
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

/// Where the packet goes unless the inventory says otherwise: every host
/// of this machine's network, on the discard port most cards listen on.
pub const BROADCAST: Ipv4Addr = Ipv4Addr::BROADCAST;
pub const PORT: u16 = 9;

/// The magic packet: six bytes of 0xFF, then the MAC sixteen times.
pub fn magic_packet(mac: &Mac) -> [u8; 102] {
    let mut packet = [0xFF; 102];
    for copy in packet[6..].chunks_exact_mut(6) {
        copy.copy_from_slice(&mac.0);
    }
    packet
}

/// Sends the magic packet for `mac` to `to` once.
pub fn send(mac: &Mac, to: SocketAddr) -> std::io::Result<()> {
    let any: SocketAddr = if to.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(any)?;
    // Without it the kernel refuses a broadcast address (EACCES).
    socket.set_broadcast(true)?;
    socket.send_to(&magic_packet(mac), to)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const OCTETS: [u8; 6] = [0x00, 0xe0, 0x4c, 0x68, 0xcb, 0xbf];

    fn expected_packet() -> Vec<u8> {
        let mut bytes = vec![0xFF; 6];
        for _ in 0..16 {
            bytes.extend_from_slice(&OCTETS);
        }
        bytes
    }

    #[test]
    fn the_packet_is_six_ff_then_the_mac_sixteen_times_in_either_notation() {
        for text in [
            "00:e0:4c:68:cb:bf",
            "00-e0-4c-68-cb-bf",
            "00:E0:4C:68:CB:BF",
        ] {
            let mac = Mac::parse(text).unwrap();
            assert_eq!(mac.octets(), OCTETS, "{text}");
            let packet = magic_packet(&mac);
            assert_eq!(packet.len(), 102);
            assert_eq!(packet.to_vec(), expected_packet(), "{text}");
            assert_eq!(mac.to_string(), "00:e0:4c:68:cb:bf");
        }
    }

    #[test]
    fn anything_but_six_octets_is_refused_saying_why() {
        assert_eq!(
            Mac::parse("00:e0:4c:68:cb:bf brd ff:ff:ff:ff:ff:ff"),
            Err("something follows the six octets")
        );
        for bad in [
            "",
            "00:e0:4c:68:cb",
            "00:e0:4c:68:cb:bf:00",
            "00:e0-4c:68:cb:bf",
            "0:e0:4c:68:cb:bf0",
            "00e04c68cbbf",
            "00:e0:4c:68:cb:gg",
            " 00:e0:4c:68:cb:bf",
            "00:e0:4c:68:cb:+f",
            "ää:e0:4c:68:cb:bf",
        ] {
            assert!(Mac::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_packet_goes_out_as_one_datagram() {
        let listener = UdpSocket::bind("127.0.0.1:0").unwrap();
        listener
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mac = Mac::parse("00-e0-4c-68-cb-bf").unwrap();
        send(&mac, listener.local_addr().unwrap()).unwrap();
        let mut buffer = [0u8; 512];
        let (got, _) = listener.recv_from(&mut buffer).unwrap();
        assert_eq!(buffer[..got].to_vec(), expected_packet());
    }
}
