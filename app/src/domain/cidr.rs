//! Addresses and networks, as `TRUSTED_PROXIES` names them.

use std::net::IpAddr;
use std::str::FromStr;

/// An address or a network (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, canonical(address)) {
            (IpAddr::V4(network), IpAddr::V4(address)) => same_prefix(
                u32::from(network).into(),
                u32::from(address).into(),
                self.prefix,
                32,
            ),
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                same_prefix(u128::from(network), u128::from(address), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, prefix: u8, bits: u8) -> bool {
    let host_bits = u32::from(bits - prefix);
    if host_bits >= 128 {
        return true;
    }
    (a ^ b) >> host_bits == 0
}

/// IPv4 clients reached over an IPv6 socket count as IPv4.
pub fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = canonical(
            address
                .parse::<IpAddr>()
                .map_err(|_| format!("{text:?} is not an IP address or network"))?,
        );
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= bits)
                .ok_or_else(|| format!("{text:?}: the prefix must be 0 to {bits}"))?,
        };
        Ok(Cidr { network, prefix })
    }
}

/// A comma-separated list of addresses and networks.
pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
    text.split(',')
        .filter(|item| !item.trim().is_empty())
        .map(str::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn networks_parse_and_contain_their_addresses() {
        let ten: Cidr = "10.0.0.0/8".parse().expect("cidr");
        assert!(ten.contains(ip("10.200.3.4")));
        assert!(!ten.contains(ip("11.0.0.1")));
        assert!(ten.contains(ip("::ffff:10.1.2.3")));
        let one: Cidr = "192.0.2.7".parse().expect("cidr");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Cidr = "fd00::/8".parse().expect("cidr");
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: Cidr = "0.0.0.0/0".parse().expect("cidr");
        assert!(all.contains(ip("203.0.113.9")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy.example".parse::<Cidr>().is_err());
        assert_eq!(parse_list("10.0.0.1, fd00::/8,").expect("list").len(), 2);
    }
}
