//! Who is asking: the client's address, as the socket tells it or, behind
//! proxies the operator trusts (`TRUSTED_PROXIES`), as the rightmost
//! `X-Forwarded-For` hop that no trusted proxy added. Anything left of
//! that hop was written by the client itself and proves nothing.

use std::net::IpAddr;

use axum::http::request::Parts;
use axum::http::Extensions;
use leptos::prelude::use_context;

use crate::domain::cidr::{canonical, Cidr};

/// The client's address, as the server's guard worked it out; requests
/// carry it as an extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// This response's Content-Security-Policy nonce: the server's guard
/// makes one per request, the page's scripts carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspNonce(pub String);

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

/// The client's address, for rate limits and the audit log.
pub fn of_request() -> Option<IpAddr> {
    use_context::<Parts>().and_then(|parts| of_extensions(&parts.extensions))
}

/// The browser's `User-Agent`, or nothing: it only describes a session
/// to its owner, and proves nothing.
pub fn user_agent(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Where this request comes from, for a session it starts.
pub fn user_agent_of_request() -> String {
    use_context::<Parts>()
        .map(|parts| user_agent(&parts.headers))
        .unwrap_or_default()
}

/// The client's address from a request's extensions: as the server's
/// guard worked it out from trusted proxies, else the socket's.
pub fn of_extensions(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ClientAddress>()
        .map(|client| client.0)
        .or_else(|| {
            extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cidr::parse_list;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
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
