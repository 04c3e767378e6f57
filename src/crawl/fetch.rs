//! One HTTP GET at a time per host turn: politeness, timeouts and a body-size cap.
//!
//! Redirects are not followed here (the client's policy is `none`): the crawler follows
//! them itself so it can refuse off-site targets and name loops. Each host has a gate that
//! spaces request starts by the host's delay; requests to different hosts do not wait for
//! each other, and the global concurrency limit is the crawler's job.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, LOCATION};
use tokio::time::Instant;
use url::Url;

use crate::config::CrawlConfig;

/// Connecting takes at most this long even when the request timeout is longer: a host
/// that does not accept a connection in ten seconds is down.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

const ACCEPT_VALUE: &str = "text/html,application/xhtml+xml,application/pdf,\
    application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9,*/*;q=0.5";

/// One HTTP answer. The body is read only for 2xx answers.
#[derive(Debug, Clone)]
pub struct Response {
    pub url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    /// `Location`, as sent (may be relative).
    pub location: Option<String>,
    /// Every `X-Robots-Tag` value.
    pub robots_tags: Vec<String>,
    pub body: Vec<u8>,
}

/// A request that brought no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("request to `{url}` timed out")]
    Timeout { url: String },
    #[error("response from `{url}` exceeds {limit_bytes} bytes")]
    TooLarge { url: String, limit_bytes: u64 },
    #[error("request to `{url}` failed: {reason}")]
    Network { url: String, reason: String },
}

impl FetchError {
    /// The short key this failure is counted under in the crawl summary.
    pub fn reason_key(&self) -> &'static str {
        match self {
            FetchError::Timeout { .. } => "timeout",
            FetchError::TooLarge { .. } => "too-large",
            FetchError::Network { .. } => "network-error",
        }
    }
}

/// Spaces the request starts to one host.
#[derive(Debug)]
struct HostGate {
    /// When the last request started. The next may start `delay` later; the delay is read
    /// at that moment, so a raised delay applies from the very next request.
    last_start: tokio::sync::Mutex<Option<Instant>>,
    delay: Mutex<Duration>,
}

/// The crawler's HTTP client with per-host delays and response caps.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    max_response_bytes: u64,
    base_delay: Duration,
    gates: Mutex<HashMap<String, Arc<HostGate>>>,
}

impl Fetcher {
    /// Builds the client from `config`: user agent, request timeout, no redirects.
    pub fn new(config: &CrawlConfig) -> Result<Fetcher, reqwest::Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            reqwest::header::HeaderValue::from_static(ACCEPT_VALUE),
        );
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(MAX_CONNECT_TIMEOUT))
            .build()?;
        Ok(Fetcher {
            client,
            max_response_bytes: config.max_response_bytes,
            base_delay: config.delay,
            gates: Mutex::new(HashMap::new()),
        })
    }

    /// Raises the delay between requests to `url`'s host (robots.txt `Crawl-delay`). A
    /// delay below the configured one is ignored.
    pub fn raise_delay(&self, url: &Url, delay: Duration) {
        let gate = self.gate(url);
        let mut current = gate.delay.lock().unwrap_or_else(PoisonError::into_inner);
        *current = (*current).max(delay);
    }

    /// Sends one GET to `url` after waiting for the host's turn.
    ///
    /// Only 2xx bodies are read, streamed, and refused once they pass
    /// `max_response_bytes`; other answers come back with an empty body.
    pub async fn get(&self, url: &Url) -> Result<Response, FetchError> {
        self.wait_turn(url).await;

        let mut response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|err| classify(url, &err))?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let content_type = header_text(headers, CONTENT_TYPE.as_str());
        let location = header_text(headers, LOCATION.as_str());
        let robots_tags: Vec<String> = headers
            .get_all("x-robots-tag")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(str::to_string)
            .collect();
        let declared_length: Option<u64> =
            header_text(headers, CONTENT_LENGTH.as_str()).and_then(|text| text.parse().ok());

        let mut body: Vec<u8> = Vec::new();
        if (200..300).contains(&status) {
            if declared_length.is_some_and(|length| length > self.max_response_bytes) {
                return Err(self.too_large(url));
            }
            while let Some(chunk) = response.chunk().await.map_err(|err| classify(url, &err))? {
                if (body.len() + chunk.len()) as u64 > self.max_response_bytes {
                    return Err(self.too_large(url));
                }
                body.extend_from_slice(&chunk);
            }
        }

        Ok(Response {
            url: url.clone(),
            status,
            content_type,
            location,
            robots_tags,
            body,
        })
    }

    fn too_large(&self, url: &Url) -> FetchError {
        FetchError::TooLarge {
            url: url.to_string(),
            limit_bytes: self.max_response_bytes,
        }
    }

    async fn wait_turn(&self, url: &Url) {
        let gate = self.gate(url);
        // Holding the lock while sleeping queues the host's requests one behind another.
        let mut last_start = gate.last_start.lock().await;
        if let Some(previous) = *last_start {
            let delay = *gate.delay.lock().unwrap_or_else(PoisonError::into_inner);
            tokio::time::sleep_until(previous + delay).await;
        }
        *last_start = Some(Instant::now());
    }

    fn gate(&self, url: &Url) -> Arc<HostGate> {
        let key = host_key(url);
        let mut gates = self.gates.lock().unwrap_or_else(PoisonError::into_inner);
        gates
            .entry(key)
            .or_insert_with(|| {
                Arc::new(HostGate {
                    last_start: tokio::sync::Mutex::new(None),
                    delay: Mutex::new(self.base_delay),
                })
            })
            .clone()
    }
}

/// `host:port` of a URL, the unit of politeness.
pub fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or_default();
    format!("{host}:{port}")
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

fn classify(url: &Url, err: &reqwest::Error) -> FetchError {
    if err.is_timeout() {
        return FetchError::Timeout {
            url: url.to_string(),
        };
    }
    // reqwest's own message is generic; the innermost cause says what happened.
    let mut reason = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        reason = cause.to_string();
        source = cause.source();
    }
    FetchError::Network {
        url: url.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_key_has_the_port() -> Result<(), url::ParseError> {
        assert_eq!(
            host_key(&Url::parse("http://Example.test/a")?),
            "example.test:80"
        );
        assert_eq!(
            host_key(&Url::parse("https://example.test/a")?),
            "example.test:443"
        );
        assert_eq!(
            host_key(&Url::parse("http://127.0.0.1:8000/")?),
            "127.0.0.1:8000"
        );
        Ok(())
    }

    #[test]
    fn reason_keys_are_stable() {
        let timeout = FetchError::Timeout { url: "u".into() };
        assert_eq!(timeout.reason_key(), "timeout");
        let large = FetchError::TooLarge {
            url: "u".into(),
            limit_bytes: 1,
        };
        assert_eq!(large.reason_key(), "too-large");
        assert!(large.to_string().starts_with("response from `u`"));
    }

    #[tokio::test]
    async fn host_turns_are_spaced_by_the_delay() -> Result<(), Box<dyn std::error::Error>> {
        let config = CrawlConfig {
            delay: Duration::from_millis(200),
            ..CrawlConfig::default()
        };
        let fetcher = Fetcher::new(&config)?;
        let url = Url::parse("http://example.test/")?;
        let other_host = Url::parse("http://other.test/")?;

        let started = Instant::now();
        fetcher.wait_turn(&url).await;
        fetcher.wait_turn(&other_host).await;
        assert!(
            started.elapsed() < Duration::from_millis(150),
            "another host waited"
        );
        fetcher.wait_turn(&url).await;
        assert!(started.elapsed() >= Duration::from_millis(200));

        fetcher.raise_delay(&url, Duration::from_millis(500));
        fetcher.wait_turn(&url).await;
        fetcher.wait_turn(&url).await;
        // 200 ms for the first gap, then 500 ms for each of the next two.
        assert!(started.elapsed() >= Duration::from_millis(1200));
        Ok(())
    }
}
