//! The external link checker: does each link a crawled page makes to another site still
//! work?
//!
//! The links come from the crawl state (the last crawl stored them with the pages carrying
//! them). Each is asked with `HEAD`, and with `GET` when the server does not do `HEAD`
//! (405, 501); redirects are followed by hand, a few hops, each hop checked against the
//! address [`policy`]. Hosts are checked a few at a time and each host's links one after
//! another with a pause between, so the checker is as polite as the crawler. A link comes
//! out `ok`, `broken` (with the HTTP status or the network failure) or `blocked` (the
//! policy forbade asking), never as an error of the whole check.

pub mod policy;

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use reqwest::header::LOCATION;
use serde::Serialize;
use tokio::task::JoinSet;
use url::{Host, Url};

use crate::config::{LinksConfig, SiteConfig};
use crate::crawl::fetch::host_key;
use crate::state::{CrawlState, StateError, StoredLinkCheck};
use crate::store::DataDir;
use policy::{BlockedAddress, PolicyResolver, is_non_public};

/// Redirect hops followed for one link.
const MAX_REDIRECTS: usize = 5;

/// What checking one link found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Broken,
    /// Not asked: the address policy forbids it.
    Blocked,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Broken => "broken",
            Outcome::Blocked => "blocked",
        }
    }
}

/// One checked link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkCheck {
    pub url: String,
    pub outcome: Outcome,
    /// Why it is broken or blocked (`http-404`, `connection refused`, `private address`);
    /// for a link that works after redirects, where it ended up.
    pub reason: String,
    /// The last HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// The crawled pages carrying the link.
    pub pages: Vec<String>,
}

impl fmt::Display for LinkCheck {
    /// `ok`, `broken: http-404`, `blocked by policy: private address`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.outcome {
            Outcome::Ok => formatter.write_str("ok"),
            Outcome::Broken => write!(formatter, "broken: {}", self.reason),
            Outcome::Blocked => write!(formatter, "blocked by policy: {}", self.reason),
        }
    }
}

/// The result of checking every stored external link.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkReport {
    pub checked: usize,
    pub ok: usize,
    pub broken: usize,
    pub blocked: usize,
    pub links: Vec<LinkCheck>,
}

impl LinkReport {
    fn new(links: Vec<LinkCheck>) -> LinkReport {
        let count = |outcome: Outcome| links.iter().filter(|link| link.outcome == outcome).count();
        LinkReport {
            checked: links.len(),
            ok: count(Outcome::Ok),
            broken: count(Outcome::Broken),
            blocked: count(Outcome::Blocked),
            links,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LinksError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error("cannot build the link checker's HTTP client: {0}")]
    Client(String),
    #[error("link check task failed: {0}")]
    Task(String),
}

/// Checks every external link stored by the last crawl of `data` and stores the results
/// (replacing the previous check's). Must run inside a tokio runtime.
pub async fn check_stored_links(
    data: &DataDir,
    site: &SiteConfig,
) -> Result<LinkReport, LinksError> {
    let state_data = data.clone();
    let links =
        tokio::task::spawn_blocking(move || CrawlState::open(&state_data)?.external_links())
            .await
            .map_err(|err| LinksError::Task(err.to_string()))??;

    let report = check_links(links, &site.links, &site.crawl.user_agent).await?;

    let checked_at = Utc::now();
    let stored: Vec<StoredLinkCheck> = report
        .links
        .iter()
        .map(|link| StoredLinkCheck {
            url: link.url.clone(),
            outcome: link.outcome.as_str().to_string(),
            reason: link.reason.clone(),
            http_status: link.http_status,
            checked_at,
        })
        .collect();
    let state_data = data.clone();
    tokio::task::spawn_blocking(move || CrawlState::open(&state_data)?.save_link_checks(&stored))
        .await
        .map_err(|err| LinksError::Task(err.to_string()))??;
    tracing::info!(
        checked = report.checked,
        ok = report.ok,
        broken = report.broken,
        blocked = report.blocked,
        "external links checked"
    );
    Ok(report)
}

/// Checks `links` (URL → the pages carrying it) under `config`, sending `user_agent`.
/// Results come back in URL order.
pub async fn check_links(
    links: BTreeMap<String, Vec<String>>,
    config: &LinksConfig,
    user_agent: &str,
) -> Result<LinkReport, LinksError> {
    let client = reqwest::Client::builder()
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .dns_resolver(PolicyResolver {
            allow_private: config.allow_private,
        })
        // Through a proxy, names would be resolved by the proxy, out of the policy's sight.
        .no_proxy()
        .build()
        .map_err(|err| LinksError::Client(err.to_string()))?;
    let checker = Arc::new(Checker {
        client,
        allow_private: config.allow_private,
    });

    // One queue per host: its links are asked one after another.
    let mut by_host: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for (url, pages) in links {
        let host = Url::parse(&url)
            .map(|parsed| host_key(&parsed))
            .unwrap_or_default();
        by_host.entry(host).or_default().push((url, pages));
    }

    let mut results: Vec<LinkCheck> = Vec::new();
    let mut tasks: JoinSet<Vec<LinkCheck>> = JoinSet::new();
    let mut hosts = by_host.into_values();
    loop {
        while tasks.len() < config.concurrency {
            let Some(queue) = hosts.next() else {
                break;
            };
            let checker = checker.clone();
            let delay = config.delay;
            tasks.spawn(async move { checker.check_host(queue, delay).await });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        results.extend(joined.map_err(|err| LinksError::Task(err.to_string()))?);
    }
    results.sort_by(|a, b| a.url.cmp(&b.url));
    Ok(LinkReport::new(results))
}

struct Checker {
    client: reqwest::Client,
    allow_private: bool,
}

/// How one request went.
enum Probe {
    Answer {
        status: u16,
        location: Option<String>,
    },
    Failed {
        outcome: Outcome,
        reason: String,
    },
}

impl Checker {
    async fn check_host(
        &self,
        queue: Vec<(String, Vec<String>)>,
        delay: Duration,
    ) -> Vec<LinkCheck> {
        let mut checks = Vec::with_capacity(queue.len());
        for (position, (url, pages)) in queue.into_iter().enumerate() {
            if position > 0 {
                tokio::time::sleep(delay).await;
            }
            let (outcome, reason, http_status) = self.check(&url).await;
            tracing::debug!(url = %url, outcome = outcome.as_str(), reason = %reason, "link checked");
            checks.push(LinkCheck {
                url,
                outcome,
                reason,
                http_status,
                pages,
            });
        }
        checks
    }

    /// Follows `url` to a final answer: `(outcome, reason, last status)`.
    async fn check(&self, url: &str) -> (Outcome, String, Option<u16>) {
        let Ok(mut current) = Url::parse(url) else {
            return (Outcome::Broken, "not a valid URL".into(), None);
        };
        for _hop in 0..=MAX_REDIRECTS {
            if let Some(reason) = self.refused(&current) {
                return (Outcome::Blocked, reason, None);
            }
            let (status, location) = match self.probe(&current).await {
                Probe::Answer { status, location } => (status, location),
                Probe::Failed { outcome, reason } => return (outcome, reason, None),
            };
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return if (200..300).contains(&status) {
                    let reason = if current.as_str() == url {
                        String::new()
                    } else {
                        format!("redirects to `{current}`")
                    };
                    (Outcome::Ok, reason, Some(status))
                } else {
                    (Outcome::Broken, format!("http-{status}"), Some(status))
                };
            }
            let next = location.and_then(|location| current.join(&location).ok());
            let Some(next) = next else {
                return (
                    Outcome::Broken,
                    "redirect without a location".into(),
                    Some(status),
                );
            };
            current = next;
        }
        (
            Outcome::Broken,
            format!("more than {MAX_REDIRECTS} redirects"),
            None,
        )
    }

    /// Why the policy refuses to ask `url`, if it does. Host names are checked again when
    /// they resolve ([`PolicyResolver`]).
    fn refused(&self, url: &Url) -> Option<String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Some(format!("{} links are not checked", url.scheme()));
        }
        if self.allow_private {
            return None;
        }
        let address: Option<IpAddr> = match url.host() {
            Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            _ => None,
        };
        address
            .filter(|address| is_non_public(*address))
            .map(|_| "private address".to_string())
    }

    /// `HEAD`, then `GET` when the server does not answer `HEAD`.
    async fn probe(&self, url: &Url) -> Probe {
        let head = self.send(self.client.head(url.clone())).await;
        match head {
            Probe::Answer {
                status: 405 | 501, ..
            } => self.send(self.client.get(url.clone())).await,
            other => other,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Probe {
        match request.send().await {
            // The body is not read: the status says whether the link works.
            Ok(response) => Probe::Answer {
                status: response.status().as_u16(),
                location: response
                    .headers()
                    .get(LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_string),
            },
            Err(err) => classify(&err),
        }
    }
}

/// Names a failed request the way an admin would: blocked by the address policy, a
/// timeout, a refused connection, a failed DNS lookup, or the innermost cause.
fn classify(err: &reqwest::Error) -> Probe {
    let mut innermost = err.to_string();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    let mut refused = false;
    while let Some(cause) = source {
        if cause.downcast_ref::<BlockedAddress>().is_some() {
            return Probe::Failed {
                outcome: Outcome::Blocked,
                reason: "private address".into(),
            };
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        innermost = cause.to_string();
        source = cause.source();
    }
    let reason = if err.is_timeout() {
        "timeout".to_string()
    } else if refused {
        "connection refused".to_string()
    } else if innermost.contains("failed to lookup address") || innermost.contains("dns error") {
        "dns lookup failed".to_string()
    } else {
        innermost
    };
    Probe::Failed {
        outcome: Outcome::Broken,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_as_admins_expect() {
        let check = |outcome, reason: &str| LinkCheck {
            url: "http://x.test/".into(),
            outcome,
            reason: reason.into(),
            http_status: None,
            pages: Vec::new(),
        };
        assert_eq!(check(Outcome::Ok, "").to_string(), "ok");
        assert_eq!(
            check(Outcome::Broken, "http-404").to_string(),
            "broken: http-404"
        );
        assert_eq!(
            check(Outcome::Blocked, "private address").to_string(),
            "blocked by policy: private address"
        );
    }

    #[test]
    fn literal_private_addresses_are_refused_before_asking() -> Result<(), url::ParseError> {
        let strict = Checker {
            client: reqwest::Client::new(),
            allow_private: false,
        };
        let url = |text: &str| Url::parse(text);
        assert_eq!(
            strict.refused(&url("http://127.0.0.2:9/x")?).as_deref(),
            Some("private address")
        );
        assert_eq!(
            strict.refused(&url("http://[::1]:9/x")?).as_deref(),
            Some("private address")
        );
        assert_eq!(strict.refused(&url("https://www.gov.uk/")?), None);
        assert!(strict.refused(&url("ftp://files.example.test/")?).is_some());
        let open = Checker {
            client: reqwest::Client::new(),
            allow_private: true,
        };
        assert_eq!(open.refused(&url("http://127.0.0.2:9/x")?), None);
        Ok(())
    }
}
