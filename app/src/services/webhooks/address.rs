//! Where a webhook may be sent. A receiver's address is typed by a
//! customer, and the server calls it: without a check, anyone allowed to
//! add an endpoint could make the server call its own network (cloud
//! metadata at 169.254.169.254, an admin port on loopback). Addresses are
//! checked when an endpoint is added, and again on every delivery by the
//! resolver the sender connects through, so a host name that later
//! resolves elsewhere (DNS rebinding) is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::domain::Problem;

/// Whether `ip` is on the public internet: not loopback, private, link
/// local, shared (carrier NAT), multicast, documentation, benchmarking or
/// reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), RFC 6598.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, RFC 6890.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, RFC 2544.
        || (a == 198 && (b == 18 || b == 19))
        // Reserved, RFC 1112.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // An IPv4 address written as IPv6 reaches that IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., high, low] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low)));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local, fc00::/7.
        || (segments[0] & 0xfe00) == 0xfc00
        // Link local, fe80::/10.
        || (segments[0] & 0xffc0) == 0xfe80
        // Documentation, 2001:db8::/32.
        || (segments[0] == 0x2001 && segments[1] == 0x0db8))
}

/// Reads a receiver's address as typed: `https://` with a host and no
/// user name or password (plain `http://` only where private networks are
/// allowed). A host written as an address must be public unless allowed;
/// a host name is resolved by [`check_resolved`].
pub fn parse(input: &str, allow_private: bool) -> Result<url::Url, Problem> {
    let url = url::Url::parse(input.trim()).map_err(|_| Problem::WebhookUrlInvalid)?;
    let scheme_ok = url.scheme() == "https" || (allow_private && url.scheme() == "http");
    let credentials = !url.username().is_empty() || url.password().is_some();
    if !scheme_ok || credentials || url.host_str().is_none() || input.len() > 2000 {
        return Err(Problem::WebhookUrlInvalid);
    }
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        _ => None,
    };
    if let Some(ip) = literal {
        if !allow_private && !is_public(ip) {
            return Err(Problem::WebhookUrlPrivate);
        }
    }
    Ok(url)
}

/// Resolves the host of `url` and refuses it when it has no address, or
/// (unless allowed) any address that is not public.
pub async fn check_resolved(url: &url::Url, allow_private: bool) -> Result<(), Problem> {
    let host = url.host_str().ok_or(Problem::WebhookUrlInvalid)?;
    let port = url.port_or_known_default().unwrap_or(443);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let found: Vec<IpAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| Problem::WebhookHostUnknown)?
        .map(|address| address.ip())
        .collect();
    if found.is_empty() {
        return Err(Problem::WebhookHostUnknown);
    }
    if !allow_private && !found.into_iter().all(is_public) {
        return Err(Problem::WebhookUrlPrivate);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.7",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            let ip: IpAddr = private.parse().expect("an address");
            assert!(!is_public(ip), "{private} passed as public");
        }
        for public in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            let ip: IpAddr = public.parse().expect("an address");
            assert!(is_public(ip), "{public} refused");
        }
    }

    #[test]
    fn only_https_without_credentials_unless_private_is_allowed() {
        assert!(parse("https://hooks.example.com/in", false).is_ok());
        for (input, problem) in [
            ("http://hooks.example.com/in", Problem::WebhookUrlInvalid),
            ("ftp://hooks.example.com", Problem::WebhookUrlInvalid),
            (
                "https://user:pw@hooks.example.com",
                Problem::WebhookUrlInvalid,
            ),
            ("not a url", Problem::WebhookUrlInvalid),
            ("https://127.0.0.1:8080/in", Problem::WebhookUrlPrivate),
            ("https://[::1]/in", Problem::WebhookUrlPrivate),
            ("https://169.254.169.254/latest", Problem::WebhookUrlPrivate),
        ] {
            assert_eq!(parse(input, false), Err(problem), "{input}");
        }
        assert!(parse("http://127.0.0.1:8080/in", true).is_ok());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused() {
        let url = parse("https://localhost/in", false).expect("parses");
        assert_eq!(
            check_resolved(&url, false).await,
            Err(Problem::WebhookUrlPrivate)
        );
        assert_eq!(check_resolved(&url, true).await, Ok(()));
        let unknown = parse("https://no-such-host.invalid/in", false).expect("parses");
        assert_eq!(
            check_resolved(&unknown, false).await,
            Err(Problem::WebhookHostUnknown)
        );
    }
}
