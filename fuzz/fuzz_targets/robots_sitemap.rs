//! robots.txt and sitemap parsing on any bytes, plain or gzipped.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use offer_search::crawl::robots::RobotsRules;
use offer_search::crawl::sitemap::parse_sitemap;
use url::Url;

static SITE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("http://127.0.0.1:8000/sitemap.xml").expect("a valid URL"));

fuzz_target!(|data: &[u8]| {
    let rules = RobotsRules::from_response(Some(200), data, "offer-search");
    let _ = rules.allowed(&SITE);
    let _ = rules.crawl_delay();
    let _ = parse_sitemap(&SITE, data, 1 << 20);
});
