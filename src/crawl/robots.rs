//! robots.txt rules for one host, read the way RFC 9309 asks.
//!
//! Parsing and matching (agent groups, longest match, `Allow` winning ties) are the
//! `texting_robots` crate's; this module decides what a fetch outcome means. A 4xx answer
//! means "no rules"; a 5xx or 429 answer (after the fetcher's retries) or no answer at all
//! means "crawl nothing" until the next crawl, because a server in trouble, or one asking
//! for fewer requests, should not be crawled harder.

use std::time::Duration;

use texting_robots::Robot;
use url::Url;

/// RFC 9309 asks crawlers to parse at least 500 KiB; anything after that is ignored.
pub const MAX_ROBOTS_BYTES: usize = 500 * 1024;

/// A `Crawl-delay` above this is capped: honouring `Crawl-delay: 86400` would make one
/// crawl of a few hundred pages take months, so the crawl stays polite but finishes.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);

/// What robots.txt allows on one host.
#[derive(Debug)]
pub enum RobotsRules {
    /// No robots.txt (4xx) or rules that could not be parsed: everything is allowed.
    AllowAll,
    /// The server failed (5xx) or could not be reached: nothing is allowed.
    Unreachable,
    Parsed(Robot),
}

impl RobotsRules {
    /// Interprets a robots.txt answer: its HTTP status and body, for the agent token
    /// `agent` (see [`agent_token`]). `status` is `None` when no answer came.
    pub fn from_response(status: Option<u16>, body: &[u8], agent: &str) -> RobotsRules {
        match status {
            Some(200..=299) => {
                let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
                match Robot::new(agent, body) {
                    Ok(robot) => RobotsRules::Parsed(robot),
                    Err(err) => {
                        tracing::warn!(
                            error = %err,
                            "cannot parse robots.txt: treating it as empty"
                        );
                        RobotsRules::AllowAll
                    }
                }
            }
            // "Too many requests" is the server in trouble, not a missing file.
            Some(429) => RobotsRules::Unreachable,
            Some(400..=499) => RobotsRules::AllowAll,
            // 3xx here means the redirects ran out: RFC 9309 treats that as unavailable.
            Some(300..=399) => RobotsRules::AllowAll,
            _ => RobotsRules::Unreachable,
        }
    }

    /// Whether `url` may be fetched. robots.txt itself always may.
    pub fn allowed(&self, url: &Url) -> bool {
        match self {
            RobotsRules::AllowAll => true,
            RobotsRules::Unreachable => url.path() == "/robots.txt",
            RobotsRules::Parsed(robot) => robot.allowed(url.as_str()),
        }
    }

    /// The `Crawl-delay` for our agent, capped at [`MAX_CRAWL_DELAY`].
    pub fn crawl_delay(&self) -> Option<Duration> {
        let RobotsRules::Parsed(robot) = self else {
            return None;
        };
        let seconds = robot
            .delay
            .filter(|delay| delay.is_finite() && *delay > 0.0)?;
        // A delay too long for a `Duration` (`Crawl-delay: 1e20`) is capped like any other
        // long one; converting it directly would panic.
        let delay = Duration::try_from_secs_f32(seconds).unwrap_or(MAX_CRAWL_DELAY);
        Some(delay.min(MAX_CRAWL_DELAY))
    }

    /// The `Sitemap:` URLs listed, whatever the agent.
    pub fn sitemaps(&self) -> &[String] {
        match self {
            RobotsRules::Parsed(robot) => &robot.sitemaps,
            _ => &[],
        }
    }
}

/// The product token robots.txt groups are matched against: `offer-search` for the user
/// agent `offer-search/0.1 (site search crawler)`.
pub fn agent_token(user_agent: &str) -> &str {
    user_agent
        .split(|c: char| c == '/' || c.is_whitespace())
        .find(|part| !part.is_empty())
        .unwrap_or(user_agent)
}

/// The robots.txt URL of `url`'s origin.
pub fn robots_url(url: &Url) -> Url {
    let mut robots = url.clone();
    robots.set_path("/robots.txt");
    robots.set_query(None);
    robots.set_fragment(None);
    robots
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "User-agent: *\nDisallow: /search\nDisallow: /admin\n\n\
                       User-agent: offer-search\nDisallow: /private\nAllow: /private/open\n\
                       Crawl-delay: 2\n\nSitemap: http://example.test/sitemap.xml\n";

    fn url(path: &str) -> Url {
        Url::parse(&format!("http://example.test{path}")).expect("test URL parses")
    }

    #[test]
    fn huge_crawl_delays_are_capped_not_a_panic() {
        for delay in ["99999999999999999999", "1e20", "3.4e38"] {
            let text = format!("User-agent: *\nCrawl-delay: {delay}\n");
            let rules = RobotsRules::from_response(Some(200), text.as_bytes(), "offer-search");
            assert_eq!(rules.crawl_delay(), Some(MAX_CRAWL_DELAY), "{delay}");
        }
    }

    #[test]
    fn our_group_wins_over_star() {
        let rules = RobotsRules::from_response(Some(200), TXT.as_bytes(), "offer-search");
        assert!(!rules.allowed(&url("/private/page")));
        assert!(rules.allowed(&url("/private/open/page")));
        // Only the most specific group applies, so the `*` rules do not.
        assert!(rules.allowed(&url("/search?q=x")));
        assert_eq!(rules.crawl_delay(), Some(Duration::from_secs(2)));
        assert_eq!(rules.sitemaps(), ["http://example.test/sitemap.xml"]);
    }

    #[test]
    fn star_group_for_others() {
        let rules = RobotsRules::from_response(Some(200), TXT.as_bytes(), "otherbot");
        assert!(!rules.allowed(&url("/search")));
        assert!(!rules.allowed(&url("/search?q=short+breaks")));
        assert!(!rules.allowed(&url("/admin/x")));
        assert!(rules.allowed(&url("/")));
        assert_eq!(rules.crawl_delay(), None);
    }

    #[test]
    fn status_meanings() {
        assert!(RobotsRules::from_response(Some(404), b"", "a").allowed(&url("/x")));
        let down = RobotsRules::from_response(Some(503), b"", "a");
        assert!(!down.allowed(&url("/x")));
        let limited = RobotsRules::from_response(Some(429), b"", "a");
        assert!(!limited.allowed(&url("/x")));
        assert!(down.allowed(&url("/robots.txt")));
        assert!(!RobotsRules::from_response(None, b"", "a").allowed(&url("/")));
    }

    #[test]
    fn huge_crawl_delay_capped() {
        let rules =
            RobotsRules::from_response(Some(200), b"User-agent: *\nCrawl-delay: 86400\n", "a");
        assert_eq!(rules.crawl_delay(), Some(MAX_CRAWL_DELAY));
    }

    #[test]
    fn token_and_url() {
        assert_eq!(
            agent_token("offer-search/0.1 (site search crawler)"),
            "offer-search"
        );
        assert_eq!(agent_token("plain"), "plain");
        assert_eq!(
            robots_url(&url("/a/b?c=1#d")).as_str(),
            "http://example.test/robots.txt"
        );
    }
}
