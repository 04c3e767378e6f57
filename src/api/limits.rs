//! Request limits: a deadline for every request, and a per-client rate limit on the routes
//! a front-end calls on every key press or click.
//!
//! Clients are told apart by their address as the connection gives it, so behind a reverse
//! proxy every request looks like one client: there, set `limits.rate_per_second = 0` and
//! limit at the proxy instead. The limiter keeps state per address it has seen recently and
//! forgets the quiet ones regularly, so an address scan cannot grow it without bound.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::ApiError;
use crate::config::LimitsConfig;

/// Routes under the per-client rate limit.
const LIMITED_PATHS: [&str; 3] = ["/search", "/suggest", "/click"];
/// Every this many limited requests, addresses that have gone quiet are forgotten.
const FORGET_EVERY: u64 = 4_096;

/// The limits one server applies, built from `api.toml` when it starts.
pub struct Limits {
    timeout: Duration,
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    clock: DefaultClock,
    seen: AtomicU64,
}

impl Limits {
    pub fn new(config: &LimitsConfig) -> Arc<Limits> {
        let limiter = NonZeroU32::new(config.rate_per_second).map(|rate| {
            let burst = NonZeroU32::new(config.rate_burst).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Arc::new(Limits {
            timeout: Duration::from_secs(config.request_timeout_secs),
            limiter,
            clock: DefaultClock::default(),
            seen: AtomicU64::new(0),
        })
    }

    /// `Err` with the seconds to wait when `client` is over its rate.
    fn check(&self, client: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.seen.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// Applies the rate limit (on [`LIMITED_PATHS`]) and the deadline (on everything).
pub async fn enforce(State(limits): State<Arc<Limits>>, request: Request, next: Next) -> Response {
    if LIMITED_PATHS.contains(&request.uri().path()) {
        // Without connection info (in-process tests) every request is one client.
        let client = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        if let Err(retry_after_secs) = limits.check(client) {
            tracing::debug!(%client, retry_after_secs, "request over the rate limit");
            return ApiError::RateLimited { retry_after_secs }.into_response();
        }
    }
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_secs = limits.timeout.as_secs(), "request timed out");
            ApiError::Timeout.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_limited_separately_and_zero_turns_it_off() {
        let config = LimitsConfig {
            rate_per_second: 1,
            rate_burst: 2,
            ..LimitsConfig::default()
        };
        let limits = Limits::new(&config);
        let first: IpAddr = "10.0.0.1".parse().expect("an address");
        let second: IpAddr = "10.0.0.2".parse().expect("an address");
        assert!(limits.check(first).is_ok());
        assert!(limits.check(first).is_ok());
        let wait = limits.check(first).expect_err("over the burst");
        assert!(wait >= 1);
        assert!(
            limits.check(second).is_ok(),
            "another client has its own allowance"
        );

        let off = Limits::new(&LimitsConfig {
            rate_per_second: 0,
            ..LimitsConfig::default()
        });
        for _ in 0..1_000 {
            assert!(off.check(first).is_ok());
        }
    }
}
