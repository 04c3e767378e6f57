//! One HTTP GET at a time per host turn: politeness, retries, timeouts and a body-size cap.
//!
//! Redirects are not followed here (the client's policy is `none`): the crawler follows
//! them itself so it can refuse off-site targets and name loops. Each host has a gate that
//! spaces request starts by the host's delay; requests to different hosts do not wait for
//! each other, and the global concurrency limit is the crawler's job.
//!
//! A 5xx answer, a 429, a timeout or a dropped connection is tried again with exponential
//! backoff. A `Retry-After` header sets the wait instead, and a 429 or 503 holds back the
//! whole host for that long, since the server said it is overloaded, not just one page.
//! The client's timeout covers the whole exchange, body included, so a server that
//! trickles bytes cannot hold a request past it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use tokio::time::Instant;
use url::Url;

use crate::config::CrawlConfig;

/// Connecting takes at most this long even when the request timeout is longer: a host
/// that does not accept a connection in ten seconds is down.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

const ACCEPT_VALUE: &str = "text/html,application/xhtml+xml,application/pdf,\
    application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9,\
    application/vnd.oasis.opendocument.text;q=0.9,application/rtf;q=0.9,*/*;q=0.5";

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
    /// The validators a later conditional request can send back.
    pub validators: Validators,
    pub body: Vec<u8>,
}

/// `ETag` and `Last-Modified` of an answer, kept as sent so they can be echoed back in
/// `If-None-Match` and `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// How often a [`Fetcher`] asked, retried and failed, for the crawl report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchCounts {
    /// Requests sent, retries included.
    pub requests: usize,
    pub retries: usize,
    /// Body bytes received (after decompression).
    pub body_bytes: u64,
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

/// What the retry policy makes of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    Done,
    /// Try again after the backoff, or after the server's `Retry-After` when given.
    Retry {
        retry_after: Option<Duration>,
    },
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
    /// No request starts before this moment: set when the host answered 429 or 503.
    paused_until: Mutex<Option<Instant>>,
}

/// The retry policy, from the crawl config.
#[derive(Debug, Clone, Copy)]
struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first): the server's `Retry-After`
    /// when it sent one, else the base delay doubled per retry; capped either way.
    fn wait(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(16)));
        retry_after.unwrap_or(backoff).min(self.max_delay)
    }
}

/// The crawler's HTTP client with per-host delays, retries and response caps.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    max_response_bytes: u64,
    base_delay: Duration,
    retry: RetryPolicy,
    gates: Mutex<HashMap<String, Arc<HostGate>>>,
    requests: AtomicUsize,
    retries: AtomicUsize,
    body_bytes: AtomicU64,
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
            retry: RetryPolicy {
                max_retries: config.max_retries,
                base_delay: config.retry_base_delay,
                max_delay: config.max_retry_delay,
            },
            gates: Mutex::new(HashMap::new()),
            requests: AtomicUsize::new(0),
            retries: AtomicUsize::new(0),
            body_bytes: AtomicU64::new(0),
        })
    }

    /// Requests sent and retried so far.
    pub fn counts(&self) -> FetchCounts {
        FetchCounts {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            body_bytes: self.body_bytes.load(Ordering::Relaxed),
        }
    }

    /// Raises the delay between requests to `url`'s host (robots.txt `Crawl-delay`). A
    /// delay below the configured one is ignored.
    pub fn raise_delay(&self, url: &Url, delay: Duration) {
        let gate = self.gate(url);
        let mut current = gate.delay.lock().unwrap_or_else(PoisonError::into_inner);
        *current = (*current).max(delay);
    }

    /// Sends a GET to `url` after waiting for the host's turn, retrying as configured.
    ///
    /// Only 2xx bodies are read, streamed, and refused once they pass
    /// `max_response_bytes`; other answers come back with an empty body. A 5xx or 429
    /// still there after the last retry comes back as that answer; a timeout or network
    /// failure as an error.
    pub async fn get(&self, url: &Url) -> Result<Response, FetchError> {
        self.get_conditional(url, None).await
    }

    /// Like [`Fetcher::get`], sending `If-None-Match` and `If-Modified-Since` from
    /// `validators` when given, so an unchanged resource answers 304 without a body.
    pub async fn get_conditional(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Response, FetchError> {
        let mut retry: u32 = 0;
        loop {
            let outcome = self.get_once(url, validators).await;
            let attempt = match &outcome {
                Ok(pending) => judge_status(pending.status(), &pending.retry_after),
                Err(FetchError::TooLarge { .. }) => Attempt::Done,
                Err(_) => Attempt::Retry { retry_after: None },
            };
            let Attempt::Retry { retry_after } = attempt else {
                return outcome.map(PendingResponse::into_response);
            };
            if retry >= self.retry.max_retries {
                return outcome.map(PendingResponse::into_response);
            }

            let wait = self.retry.wait(retry, retry_after);
            if let Ok(pending) = &outcome
                && matches!(pending.status(), 429 | 503)
            {
                self.pause_host(url, wait);
            }
            tracing::debug!(
                url = %url,
                retry = retry + 1,
                wait_ms = wait.as_millis(),
                outcome = %describe(&outcome),
                "retrying"
            );
            self.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// Holds back every request to `url`'s host for `wait`.
    fn pause_host(&self, url: &Url, wait: Duration) {
        let gate = self.gate(url);
        let mut paused = gate
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let until = Instant::now() + wait;
        *paused = Some(paused.map_or(until, |current| current.max(until)));
    }

    async fn get_once(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<PendingResponse, FetchError> {
        self.wait_turn(url).await;
        self.requests.fetch_add(1, Ordering::Relaxed);

        let mut request = self.client.get(url.clone());
        if let Some(validators) = validators {
            if let Some(etag) = &validators.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(date) = &validators.last_modified {
                request = request.header(IF_MODIFIED_SINCE, date);
            }
        }
        let mut response = request.send().await.map_err(|err| classify(url, &err))?;
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
        let validators = Validators {
            etag: header_text(headers, ETAG.as_str()),
            last_modified: header_text(headers, LAST_MODIFIED.as_str()),
        };
        let retry_after = header_text(headers, RETRY_AFTER.as_str())
            .and_then(|text| parse_retry_after(&text, Utc::now()));
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
            self.body_bytes
                .fetch_add(body.len() as u64, Ordering::Relaxed);
        }

        Ok(PendingResponse {
            response: Response {
                url: url.clone(),
                status,
                content_type,
                location,
                robots_tags,
                validators,
                body,
            },
            retry_after,
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
            sleep_until_passed(previous + delay).await;
        }
        let paused_until = *gate
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(until) = paused_until {
            sleep_until_passed(until).await;
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
                    paused_until: Mutex::new(None),
                })
            })
            .clone()
    }
}

/// Sleeps until `deadline` unless it has already passed.
///
/// tokio's timer rounds a deadline up to the next millisecond tick, so even a deadline in
/// the past waits for that tick. With no delay between requests (`delay_ms = 0`) every
/// request start would wait up to a millisecond while holding the host's gate, capping a
/// host at about a thousand requests a second however fast it answers.
async fn sleep_until_passed(deadline: Instant) {
    if deadline > Instant::now() {
        tokio::time::sleep_until(deadline).await;
    }
}

/// `host:port` of a URL, the unit of politeness.
pub fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or_default();
    format!("{host}:{port}")
}

/// A response and the `Retry-After` it carried, before the retry policy looked at it.
#[derive(Debug)]
struct PendingResponse {
    response: Response,
    retry_after: Option<Duration>,
}

impl PendingResponse {
    fn into_response(self) -> Response {
        self.response
    }

    fn status(&self) -> u16 {
        self.response.status
    }
}

/// Whether an answer is worth another try: 5xx (except 501, which will not change) and
/// 429 are; everything else is final.
fn judge_status(status: u16, retry_after: &Option<Duration>) -> Attempt {
    let transient = status == 429 || (500..600).contains(&status) && status != 501;
    if transient {
        Attempt::Retry {
            retry_after: *retry_after,
        }
    } else {
        Attempt::Done
    }
}

fn describe(outcome: &Result<PendingResponse, FetchError>) -> String {
    match outcome {
        Ok(pending) => format!("http-{}", pending.status()),
        Err(err) => err.reason_key().to_string(),
    }
}

/// A `Retry-After` value: delay seconds, or an HTTP date (which `now` turns into a delay).
/// A date in the past means "now"; anything else unreadable is ignored.
pub fn parse_retry_after(text: &str, now: DateTime<Utc>) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(text).ok()?;
    let wait = date.with_timezone(&Utc) - now;
    Some(wait.to_std().unwrap_or(Duration::ZERO))
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

    #[test]
    fn retry_after_forms() -> Result<(), Box<dyn std::error::Error>> {
        let now = DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z")?.with_timezone(&Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Thu, 03 Dec 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 02 Dec 2026 10:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        Ok(())
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        assert_eq!(policy.wait(0, None), Duration::from_millis(100));
        assert_eq!(policy.wait(2, None), Duration::from_millis(400));
        assert_eq!(policy.wait(9, None), Duration::from_secs(1));
        assert_eq!(
            policy.wait(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(1),
            "a huge Retry-After is capped"
        );
    }

    #[test]
    fn which_answers_are_retried() {
        for status in [429, 500, 502, 503, 504] {
            assert!(
                matches!(judge_status(status, &None), Attempt::Retry { .. }),
                "{status}"
            );
        }
        for status in [200, 304, 404, 410, 501] {
            assert_eq!(judge_status(status, &None), Attempt::Done, "{status}");
        }
    }

    // The clock is paused: it moves only when every task waits on a timer, and then
    // straight to the next deadline, so these tests measure waits without timing them.
    #[tokio::test(start_paused = true)]
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

    #[tokio::test(start_paused = true)]
    async fn without_a_delay_turns_never_wait_for_the_timer()
    -> Result<(), Box<dyn std::error::Error>> {
        let config = CrawlConfig {
            delay: Duration::ZERO,
            ..CrawlConfig::default()
        };
        let fetcher = Fetcher::new(&config)?;
        let url = Url::parse("http://example.test/")?;
        let started = Instant::now();
        for _turn in 0..50 {
            fetcher.wait_turn(&url).await;
        }
        // A sleep until a moment already past would still wait for the timer's next
        // millisecond tick, which the paused clock would show as time passed.
        assert_eq!(started.elapsed(), Duration::ZERO);

        fetcher.pause_host(&url, Duration::from_millis(300));
        fetcher.wait_turn(&url).await;
        assert!(started.elapsed() >= Duration::from_millis(300));
        let resumed = Instant::now();
        fetcher.wait_turn(&url).await;
        assert_eq!(resumed.elapsed(), Duration::ZERO, "the pause is over");
        Ok(())
    }
}
