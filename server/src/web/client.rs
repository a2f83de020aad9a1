//! Who is on the other end of a request: the client's address (for the audit log and the
//! sign-in throttle) and whether the browser reached Rampart over TLS (for HSTS).
//!
//! Rampart serves plain HTTP and is put behind a TLS-terminating proxy or load balancer in
//! production. Only a peer listed in the trusted proxies (`[server] trusted_proxies`,
//! `RAMPART_TRUSTED_PROXIES`) is believed about the original client (`X-Forwarded-For`) and
//! scheme (`X-Forwarded-Proto`); from anybody else these headers are ignored, so a client
//! cannot pick the address it is throttled and audited under.

use super::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// HSTS for a year. Without `includeSubDomains`: the dashboard's host says nothing about
/// its sibling hosts.
pub const HSTS: &str = "max-age=31536000";

/// An address block, `10.0.0.0/8` or `2001:db8::/32` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

/// A trusted-proxy entry that is not an address block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IP address or address block such as 10.0.0.0/8")]
pub struct BadCidr(pub String);

impl FromStr for Cidr {
    type Err = BadCidr;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadCidr(s.to_owned());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let net: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { net, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                masked(u128::from(u32::from(n)) << 96, self.prefix)
                    == masked(u128::from(u32::from(a)) << 96, self.prefix)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                masked(u128::from(n), self.prefix) == masked(u128::from(a), self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8) -> u128 {
    match prefix {
        0 => 0,
        p => bits & (u128::MAX << (128 - u32::from(p.min(128)))),
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as a dual-stack listener reports IPv4
/// peers) as the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose forwarding headers are believed. Empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<Cidr>);

impl TrustedProxies {
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client behind `peer` (the TCP peer, when known) given the request's headers.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Client {
        let Some(peer) = peer.map(canonical) else {
            return Client::default();
        };
        if !self.trusts(peer) {
            return Client {
                addr: Some(peer),
                https: false,
            };
        }
        // Each proxy appends the address it got the request from: walk from the right
        // and stop at the first hop that is not one of ours.
        let hops: Vec<Option<IpAddr>> = header_list(headers, "x-forwarded-for")
            .map(|h| parse_hop(h).map(canonical))
            .collect();
        let mut addr = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => addr = *ip,
                Some(ip) => {
                    addr = *ip;
                    break;
                }
                // A garbled entry: believe nothing further left of it.
                None => break,
            }
        }
        // The scheme the first trusted proxy saw is the last value.
        let https = header_list(headers, "x-forwarded-proto")
            .last()
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
        Client {
            addr: Some(addr),
            https,
        }
    }
}

fn header_list<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// An `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    hop.parse::<SocketAddr>().ok().map(|s| s.ip())
}

/// The client of a request, as [`resolve`] found it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Client {
    /// Absent when the server runs without connection info (tests driving the router).
    pub addr: Option<IpAddr>,
    /// The browser's connection was TLS (told by a trusted proxy).
    pub https: bool,
}

/// The client of the request parts: what [`resolve`] put there, else the TCP peer.
pub fn of(extensions: &axum::http::Extensions) -> Client {
    if let Some(c) = extensions.get::<Client>() {
        return *c;
    }
    Client {
        addr: extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| canonical(c.0.ip())),
        https: false,
    }
}

/// The middleware that finds the client, and sends HSTS to browsers on TLS.
pub async fn resolve(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = s.trusted_proxies().client(peer, req.headers());
    req.extensions_mut().insert(client);
    let mut resp = next.run(req).await;
    if client.https {
        resp.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies(list.iter().map(|c| c.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn address_blocks_contain_their_addresses_only() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains(ip("10.1.255.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(c.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped peers");
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.1.0.1")));
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")));
    }

    #[test]
    fn malformed_address_blocks_are_refused() {
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0/8",
            "::/129",
            "proxy.local",
            "10.0.0.0/-1",
        ] {
            assert_eq!(bad.parse::<Cidr>(), Err(BadCidr(bad.to_owned())), "{bad}");
        }
    }

    #[test]
    fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
        let p = proxies(&["10.0.0.0/8"]);
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = p.client(Some(ip("203.0.113.5")), &h);
        assert_eq!(c.addr, Some(ip("203.0.113.5")));
        assert!(!c.https);
        assert_eq!(
            TrustedProxies::default()
                .client(Some(ip("10.0.0.1")), &h)
                .addr,
            Some(ip("10.0.0.1"))
        );
    }

    #[test]
    fn behind_trusted_proxies_the_client_is_the_first_untrusted_hop_from_the_right() {
        let p = proxies(&["10.0.0.0/8"]);
        // The client forged the first entry; the load balancer appended the real address.
        let h = headers(&[
            ("x-forwarded-for", "192.0.2.1, 198.51.100.9"),
            ("x-forwarded-for", "10.0.3.4"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = p.client(Some(ip("10.0.0.2")), &h);
        assert_eq!(c.addr, Some(ip("198.51.100.9")));
        assert!(c.https);
        // Ports and brackets as some proxies write them.
        let h = headers(&[("x-forwarded-for", "[2001:db8::7]:4711")]);
        assert_eq!(
            p.client(Some(ip("10.0.0.2")), &h).addr,
            Some(ip("2001:db8::7"))
        );
        // Garbage stops the walk at the last believable hop.
        let h = headers(&[("x-forwarded-for", "198.51.100.9, not-an-ip, 10.0.0.8")]);
        assert_eq!(
            p.client(Some(ip("10.0.0.2")), &h).addr,
            Some(ip("10.0.0.8"))
        );
        // Plain HTTP at the proxy: no HSTS.
        let h = headers(&[("x-forwarded-proto", "http")]);
        assert!(!p.client(Some(ip("10.0.0.2")), &h).https);
    }
}
