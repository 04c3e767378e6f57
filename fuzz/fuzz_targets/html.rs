//! HTML extraction on any bytes, with and without a charset in the header.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use offer_search::config::ExtractConfig;
use offer_search::extract::html::HtmlExtractor;
use url::Url;

static EXTRACTOR: LazyLock<HtmlExtractor> = LazyLock::new(|| {
    HtmlExtractor::new(&ExtractConfig::default()).expect("the default selectors are valid")
});
static PAGE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("http://127.0.0.1:8000/a/b/page.aspx").expect("a valid URL"));

fuzz_target!(|data: &[u8]| {
    let _ = EXTRACTOR.extract(&PAGE, data, None);
    let _ = EXTRACTOR.extract(&PAGE, data, Some("text/html; charset=windows-1252"));
});
