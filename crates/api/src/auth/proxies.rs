//! `CME_TRUSTED_PROXIES`: whose `X-Forwarded-For` is believed. Behind a
//! balancer every connection comes from the balancer, so without this the
//! per-address limits would count a whole province as one address; with
//! it, a forged header from anyone else is ignored.
//!
//! The client is the right-most address of `X-Forwarded-For` that is not a
//! trusted proxy itself (each proxy appends the address it saw, so entries
//! left of the first untrusted one may be forged). With no trusted proxy,
//! or a peer that is not one, the peer's address is the client.

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// The trusted proxies' networks (an address alone is a /32 or /128).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
}

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR networks, e.g.
    /// `10.0.0.0/8, 127.0.0.1`. Names the first entry it cannot read.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("not an address or a CIDR network: {entry:?}"))?;
            nets.push(net);
        }
        Ok(TrustedProxies { nets })
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|n| n.contains(&ip))
    }

    /// The client's address for a connection from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        // Every X-Forwarded-For header, in order, as one list.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = canonical(peer);
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = canonical(ip);
                    if !self.trusts(ip) {
                        break;
                    }
                }
                // Garbage: believe nothing further left.
                Err(_) => break,
            }
        }
        client
    }
}

/// An IPv4 address mapped into IPv6 is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append(HeaderName::from_static("x-forwarded-for"), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_peers_are_believed() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.0.0.5"), &headers(&["1.2.3.4"])), ip("10.0.0.5"));
        let lb = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        // From the balancer: the address it saw.
        assert_eq!(lb.client(ip("10.0.0.5"), &headers(&["1.2.3.4"])), ip("1.2.3.4"));
        // A client's forged entry left of the real one is ignored.
        assert_eq!(lb.client(ip("10.0.0.5"), &headers(&["6.6.6.6, 1.2.3.4"])), ip("1.2.3.4"));
        // Two trusted hops: the right-most untrusted address.
        assert_eq!(lb.client(ip("127.0.0.1"), &headers(&["1.2.3.4", "10.1.1.1"])), ip("1.2.3.4"));
        // Not from a trusted proxy: the header is not believed.
        assert_eq!(lb.client(ip("8.8.8.8"), &headers(&["1.2.3.4"])), ip("8.8.8.8"));
        // Garbage stops the walk at the last good hop.
        assert_eq!(lb.client(ip("10.0.0.5"), &headers(&["1.2.3.4, nonsense"])), ip("10.0.0.5"));
        // No header: the peer.
        assert_eq!(lb.client(ip("10.0.0.5"), &headers(&[])), ip("10.0.0.5"));
        assert_eq!(lb.client(ip("::ffff:10.0.0.5"), &headers(&["2001:db8::1"])), ip("2001:db8::1"));
        assert!(TrustedProxies::parse("10.0.0.0/8, banana").is_err());
    }
}
