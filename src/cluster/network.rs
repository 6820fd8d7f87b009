//! The addresses a cluster is configured with, parsed once: the control
//! plane endpoint and the pod and service networks.

use std::fmt;
use std::net::IpAddr;

/// Where workers reach the API server: `host:port`, `[v6]:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// The host part is a name or an address; the port is required, as
    /// kubeadm's `controlPlaneEndpoint` is used here for the join, which
    /// needs one.
    pub fn parse(text: &str) -> Result<Endpoint, &'static str> {
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, port) = rest
                .split_once("]:")
                .ok_or("an IPv6 address is written [addr]:port")?;
            host.parse::<std::net::Ipv6Addr>()
                .map_err(|_| "the part in brackets is not an IPv6 address")?;
            (host, port)
        } else {
            let (host, port) = text.rsplit_once(':').ok_or("the port is missing")?;
            if host.is_empty() || host.contains(':') {
                return Err("the host part is empty, or an IPv6 address without [brackets]");
            }
            if !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            {
                return Err("the host part has characters a host name cannot have");
            }
            (host, port)
        };
        match port.parse::<u16>() {
            Ok(port) if port > 0 => Ok(Endpoint {
                host: host.to_owned(),
                port,
            }),
            _ => Err("the port is not a number from 1 to 65535"),
        }
    }

    /// kubeadm's default: the control plane's own address on 6443.
    pub fn default_for(address: &str) -> Endpoint {
        Endpoint {
            host: address.to_owned(),
            port: 6443,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// An address range written `address/prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Result<Network, &'static str> {
        let (address, prefix) = text
            .trim()
            .split_once('/')
            .ok_or("the /prefix is missing")?;
        let address: IpAddr = address
            .parse()
            .map_err(|_| "not an IP address before the /")?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|prefix| *prefix <= bits)
            .ok_or("the prefix is not a number of bits the address has")?;
        Ok(Network { address, prefix })
    }

    /// Two ranges overlap when the shorter prefix's bits agree; ranges of
    /// different families never do.
    pub fn overlaps(&self, other: &Network) -> bool {
        let prefix = self.prefix.min(other.prefix);
        match (self.address, other.address) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                u32::from(a) & mask == u32::from(b) & mask
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                u128::from(a) & mask == u128::from(b) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

/// A setting as written, and what it parsed to: a value that does not
/// parse is a check's finding (it names the value), not a crash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub text: String,
    pub value: Result<T, &'static str>,
}

impl<T> Setting<T> {
    pub fn new(text: String, parse: impl FnOnce(&str) -> Result<T, &'static str>) -> Self {
        let value = parse(&text);
        Self { text, value }
    }

    pub fn ok(&self) -> Option<&T> {
        self.value.as_ref().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_host_and_port() {
        let parse = |text| Endpoint::parse(text).map(|e| (e.host, e.port));
        assert_eq!(
            parse("192.168.4.63:6443"),
            Ok(("192.168.4.63".into(), 6443))
        );
        assert_eq!(parse("k8s.lan:443"), Ok(("k8s.lan".into(), 443)));
        assert_eq!(
            parse("[2001:db8::1]:6443"),
            Ok(("2001:db8::1".into(), 6443))
        );
        assert_eq!(
            Endpoint::parse("[2001:db8::1]:6443").unwrap().to_string(),
            "[2001:db8::1]:6443"
        );
        for bad in [
            "192.168.4.63",
            ":6443",
            "host:0",
            "host:99999",
            "a b:1",
            "2001:db8::1:6443",
            "[zz]:1",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn networks_parse_and_overlap() {
        let net = |text| Network::parse(text).unwrap();
        assert!(net("10.0.0.0/8").overlaps(&net("10.96.0.0/12")));
        assert!(!net("10.244.0.0/16").overlaps(&net("10.96.0.0/12")));
        assert!(net("0.0.0.0/0").overlaps(&net("192.0.2.0/24")));
        assert!(net("fd00::/8").overlaps(&net("fd00:1::/64")));
        assert!(!net("fd00::/8").overlaps(&net("10.0.0.0/8")));
        for bad in ["10.0.0.0", "10.0.0.0/33", "ten/8", "::/129"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }
}
