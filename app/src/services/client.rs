//! Who is asking: the client's address, as the socket tells it or, behind
//! proxies the operator trusts (`TRUSTED_PROXIES`), as the rightmost
//! `X-Forwarded-For` hop that no trusted proxy added. Anything left of
//! that hop was written by the client itself and proves nothing.

use std::net::IpAddr;
use std::str::FromStr;

/// What stands for a client whose address is not known (a request that
/// did not come through a socket, as in tests).
pub const UNKNOWN: &str = "unknown";

/// A client's address in words, for the audit log.
pub fn describe(address: Option<IpAddr>) -> String {
    address.map_or_else(|| UNKNOWN.to_owned(), |ip| ip.to_string())
}

/// The client's address, as the server's guard worked it out; requests
/// carry it as an extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// This response's Content-Security-Policy nonce: the server's guard
/// makes one per request, the page's scripts carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspNonce(pub String);

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
fn canonical(address: IpAddr) -> IpAddr {
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

/// The client of a request that arrived from `peer` with these
/// `X-Forwarded-For` values (in header order).
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[Cidr],
) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|cidr| cidr.contains(address));
    let peer = canonical(peer);
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A hop that is not an address was not written by a proxy we
        // trust: the last trusted one is all we know.
        let Some(address) = parse_hop(hop) else {
            return client;
        };
        client = canonical(address);
        if !is_trusted(client) {
            return client;
        }
    }
    client
}

/// `192.0.2.7`, `2001:db8::1`, `[2001:db8::1]:443` or `192.0.2.7:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(address) = hop.parse() {
        return Some(address);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
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

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted = parse_list("10.0.0.0/8").expect("list");
        // No trusted proxy: the header is the client's own words.
        assert_eq!(
            client_address(ip("203.0.113.9"), ["1.2.3.4"], &[]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(ip("203.0.113.9"), ["1.2.3.4"], &trusted),
            ip("203.0.113.9")
        );
        // Through two trusted proxies; the client forged a first hop.
        assert_eq!(
            client_address(
                ip("10.0.0.2"),
                ["6.6.6.6, 198.51.100.4", "10.0.0.1"],
                &trusted
            ),
            ip("198.51.100.4")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), ["[2001:db8::5]:443"], &trusted),
            ip("2001:db8::5")
        );
        // Garbage in the header: the proxy is all that is known.
        assert_eq!(
            client_address(ip("10.0.0.2"), ["not-an-ip"], &trusted),
            ip("10.0.0.2")
        );
        // No header at all behind a trusted proxy.
        assert_eq!(client_address(ip("10.0.0.2"), [], &trusted), ip("10.0.0.2"));
    }
}
