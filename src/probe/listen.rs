//! Listening sockets as /proc/net/tcp and /proc/net/tcp6 print them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One listening TCP socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listener {
    pub address: IpAddr,
    pub port: u16,
}

impl Listener {
    /// Decodes `0100007F:192B` (tcp) or a 32-digit address (tcp6). The
    /// kernel prints each 32-bit word of the address in host byte order;
    /// this reads them as little-endian, which every architecture
    /// Kubernetes ships for but s390x is. Anything malformed is `None`.
    pub fn decode(text: &str) -> Option<Listener> {
        let (address, port) = text.split_once(':')?;
        let port = u16::from_str_radix(port, 16).ok()?;
        let words = (0..address.len() / 8)
            .map(|index| address.get(index * 8..index * 8 + 8))
            .map(|word| u32::from_str_radix(word?, 16).ok())
            .collect::<Option<Vec<u32>>>()?;
        let bytes: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
        let address = match (address.len(), bytes.len()) {
            (8, 4) => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
            (32, 16) => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
            _ => return None,
        };
        Some(Listener { address, port })
    }

    /// Whether this socket is bound to `address`, also as an IPv4-mapped
    /// IPv6 address (`::ffff:10.0.0.1`).
    pub fn is(&self, address: IpAddr) -> bool {
        let canonical = |address: IpAddr| match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        canonical(self.address) == canonical(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_addresses_are_read_in_host_order() {
        let listener = Listener::decode("0100007F:192B").unwrap();
        assert_eq!(listener.address, "127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(listener.port, 6443);
        let any = Listener::decode("00000000:280A").unwrap();
        assert!(any.address.is_unspecified());
        assert_eq!(any.port, 10250);
    }

    #[test]
    fn ipv6_addresses_decode_word_by_word() {
        let any = Listener::decode("00000000000000000000000000000000:2481").unwrap();
        assert_eq!(any.address, "::".parse::<IpAddr>().unwrap());
        assert_eq!(any.port, 9345);
        let loopback = Listener::decode("00000000000000000000000001000000:192B").unwrap();
        assert_eq!(loopback.address, "::1".parse::<IpAddr>().unwrap());
        let mapped = Listener::decode("0000000000000000FFFF00000300007F:192B").unwrap();
        assert!(mapped.is("127.0.0.3".parse().unwrap()));
    }

    #[test]
    fn malformed_entries_are_dropped() {
        for text in [
            "",
            "zz:192B",
            "0100007F",
            "0100007F:zz",
            "01007F:192B",
            "é1000007F:1",
        ] {
            assert_eq!(Listener::decode(text), None, "{text:?}");
        }
    }
}
