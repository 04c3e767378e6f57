//! Which hosts a crawl may visit.
//!
//! A start URL allows its own `host:port`. When that port is the scheme's default, the
//! host's other default port is allowed too, so `https://site/` still crawls the
//! `http://site/` links that old pages carry (the server usually redirects them). A
//! `site.allowed_hosts` entry is `host` (any port) or `host:port` (that port only).

use std::collections::HashSet;

use url::Url;

/// The hosts a crawl may visit.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    exact: HashSet<(String, u16)>,
    any_port: HashSet<String>,
    default_ports: HashSet<String>,
}

impl Scope {
    /// The scope of `start_urls` plus `allowed_hosts` entries. Entries that are not a
    /// valid `host` or `host:port` are ignored with a warning.
    pub fn new(start_urls: &[Url], allowed_hosts: &[String]) -> Scope {
        let mut scope = Scope::default();
        for url in start_urls {
            let Some(host) = url.host_str() else {
                continue;
            };
            let host = host.to_ascii_lowercase();
            match url.port() {
                Some(port) => {
                    scope.exact.insert((host, port));
                }
                None => {
                    scope.default_ports.insert(host);
                }
            }
        }
        for entry in allowed_hosts {
            let Ok(parsed) = Url::parse(&format!("http://{}/", entry.trim())) else {
                tracing::warn!(entry = %entry, "ignoring invalid allowed host");
                continue;
            };
            let Some(host) = parsed.host_str() else {
                continue;
            };
            let host = host.to_ascii_lowercase();
            // `Url` hides port 80 on an http URL, so look at the entry for an explicit one.
            let explicit_port = entry
                .trim()
                .rsplit_once(':')
                .and_then(|(_, port)| port.parse().ok());
            match explicit_port {
                Some(port) => {
                    scope.exact.insert((host, port));
                }
                None => {
                    scope.any_port.insert(host);
                }
            }
        }
        scope
    }

    /// Whether the crawl may fetch `url`: http(s) on an allowed host and port.
    pub fn allows(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        if self.any_port.contains(&host) {
            return true;
        }
        match url.port() {
            None => self.default_ports.contains(&host),
            Some(port) => self.exact.contains(&(host, port)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL parses")
    }

    #[test]
    fn start_url_with_port_is_exact() {
        let scope = Scope::new(&[url("http://127.0.0.1:8000/")], &[]);
        assert!(scope.allows(&url("http://127.0.0.1:8000/a")));
        assert!(!scope.allows(&url("http://127.0.0.1:8001/a")));
        assert!(!scope.allows(&url("http://127.0.0.2:9/nhs-autism-pathway")));
        assert!(!scope.allows(&url("http://127.0.0.1/a")));
    }

    #[test]
    fn default_port_start_allows_both_schemes() {
        let scope = Scope::new(&[url("https://Local.Example.test/")], &[]);
        assert!(scope.allows(&url("http://local.example.test/old")));
        assert!(scope.allows(&url("https://local.example.test/new")));
        assert!(!scope.allows(&url("https://local.example.test:8443/")));
        assert!(!scope.allows(&url("https://www.local.example.test/")));
        assert!(!scope.allows(&url("ftp://local.example.test/")));
    }

    #[test]
    fn allowed_hosts_entries() {
        let extra = [
            "www.example.test".to_string(),
            "docs.example.test:8080".to_string(),
            "[::1]:9000".to_string(),
        ];
        let scope = Scope::new(&[], &extra);
        assert!(scope.allows(&url("http://www.example.test:1234/")));
        assert!(scope.allows(&url("http://docs.example.test:8080/")));
        assert!(!scope.allows(&url("http://docs.example.test/")));
        assert!(scope.allows(&url("http://[::1]:9000/")));
    }
}
