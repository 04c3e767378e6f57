//! Which addresses the link checker may probe.
//!
//! Links on a public site can point anywhere, including at addresses inside the council's
//! own network; probing those from the search server would turn every page editor into
//! someone who can make it send requests inward. So unless `links.allow_private` is set,
//! private, loopback, link-local and other non-public addresses are never contacted. The
//! check runs twice: on an address written in the URL, and inside the HTTP client's name
//! resolution, so a host name that resolves to such an address (even only at connection
//! time) is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// A host the policy refuses, carried through the HTTP client's error chain so the
/// checker can tell "blocked" from "broken".
#[derive(Debug, thiserror::Error)]
#[error("host `{host}` has only private addresses")]
pub struct BlockedAddress {
    pub host: String,
}

/// Whether `ip` is outside the public internet: private ranges, loopback, link-local,
/// carrier-grade NAT, unique-local, unspecified, broadcast, multicast and documentation
/// addresses, and IPv6 addresses that embed such an IPv4 address.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_non_public_v4(v4),
        IpAddr::V6(v6) => is_non_public_v6(v6),
    }
}

fn is_non_public_v4(ip: Ipv4Addr) -> bool {
    let [first, second, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        // 100.64.0.0/10, carrier-grade NAT.
        || (first == 100 && (64..128).contains(&second))
        // 0.0.0.0/8, "this network".
        || first == 0
        // 240.0.0.0/4, reserved.
        || first >= 240
}

fn is_non_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_non_public_v4(v4);
    }
    let first_segment = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // fc00::/7, unique local.
        || (first_segment & 0xfe00) == 0xfc00
        // fe80::/10, link-local.
        || (first_segment & 0xffc0) == 0xfe80
        // 2001:db8::/32, documentation.
        || (first_segment == 0x2001 && ip.segments()[1] == 0x0db8)
}

/// Name resolution for the link checker that drops non-public addresses unless allowed,
/// and fails with [`BlockedAddress`] when none is left.
#[derive(Debug, Clone, Copy)]
pub struct PolicyResolver {
    pub allow_private: bool,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|address| allow_private || !is_non_public(address.ip()))
                .collect();
            if allowed.is_empty() && !found.is_empty() {
                return Err(Box::new(BlockedAddress { host }) as Box<_>);
            }
            let addresses: Addrs = Box::new(allowed.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address parses")
    }

    #[test]
    fn non_public_addresses() {
        for address in [
            "127.0.0.1",
            "127.0.0.2",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(is_non_public(ip(address)), "{address}");
        }
    }

    #[test]
    fn public_addresses() {
        for address in ["8.8.8.8", "151.101.0.1", "100.128.0.1", "2a00:1450::1"] {
            assert!(!is_non_public(ip(address)), "{address}");
        }
    }

    #[tokio::test]
    async fn localhost_is_blocked_unless_allowed() -> Result<(), Box<dyn std::error::Error>> {
        let name: Name = "localhost".parse().map_err(|_| "name parses")?;
        let blocked = PolicyResolver {
            allow_private: false,
        }
        .resolve(name)
        .await;
        let err = blocked.err().ok_or("localhost was resolved")?;
        assert!(err.downcast_ref::<BlockedAddress>().is_some(), "{err}");

        let name: Name = "localhost".parse().map_err(|_| "name parses")?;
        let allowed = PolicyResolver {
            allow_private: true,
        }
        .resolve(name)
        .await
        .map_err(|err| err.to_string())?;
        assert!(allowed.count() > 0);
        Ok(())
    }
}
