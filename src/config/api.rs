//! `api.toml`: which web sites may call the API from a browser, and what the reference
//! search page says about the Local Offer it serves.
//!
//! Both apply while the server runs: a change is picked up with the rest of `index-config/`.

use std::path::Path;

use serde::Deserialize;
use url::Url;

use super::{ConfigError, invalid, parse_error};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApiFile {
    #[serde(default)]
    api: RawApi,
    #[serde(default)]
    page: RawPage,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    cache: RawCache,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCache {
    entries: Option<usize>,
    max_bytes: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    request_timeout_secs: Option<u64>,
    max_body_bytes: Option<usize>,
    rate_per_second: Option<u32>,
    rate_burst: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApi {
    cors_origins: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    site_name: Option<String>,
    home_url: Option<String>,
    contact_name: Option<String>,
    contact_url: Option<String>,
    stylesheet_url: Option<String>,
}

/// Validated `api.toml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiConfig {
    /// Origins (`https://host[:port]`, as a browser sends them in `Origin`) whose pages may
    /// call the API from a browser. Empty: no cross-origin calls at all.
    pub cors_origins: Vec<String>,
    pub page: PageConfig,
    pub limits: LimitsConfig,
    pub cache: CacheConfig,
}

/// How many recent answers `/search` keeps in memory, to answer a repeated search without
/// searching again. Read when the server starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CacheConfig {
    /// Answers kept at most; 0 turns the cache off.
    pub entries: usize,
    /// Their size at most, as JSON.
    pub max_bytes: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            entries: 1_000,
            max_bytes: 8 * 1024 * 1024,
        }
    }
}

/// What one request, and one client, may ask of the server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimitsConfig {
    /// A request not answered within this is answered 503.
    pub request_timeout_secs: u64,
    /// Largest request body accepted (a tracker upload, an event).
    pub max_body_bytes: usize,
    /// Requests per second each client address may make to `/search`, `/suggest` and
    /// `/click`; 0 turns the limit off (as benchmarks and load tests, all from one address,
    /// need).
    pub rate_per_second: u32,
    /// Requests a client may make at once before the rate applies.
    pub rate_burst: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            request_timeout_secs: 30,
            max_body_bytes: 2 * 1024 * 1024,
            rate_per_second: 50,
            rate_burst: 200,
        }
    }
}

/// What the reference search page at `/` says about the site.
#[derive(Debug, Clone, PartialEq)]
pub struct PageConfig {
    /// The Local Offer's name, in the header and the window title.
    pub site_name: String,
    /// Where the site name links (the Local Offer's home page); `None`: the search page.
    pub home_url: Option<String>,
    /// Who a family can ask when search does not find what they need.
    pub contact_name: String,
    /// A page about that contact; `None`: the name is shown without a link.
    pub contact_url: Option<String>,
    /// The council's own stylesheet, loaded after the page's, to restyle it.
    pub stylesheet_url: Option<String>,
}

pub const DEFAULT_SITE_NAME: &str = "Local Offer";
pub const DEFAULT_CONTACT_NAME: &str =
    "your local SEND Information, Advice and Support Service (SENDIASS)";

impl Default for PageConfig {
    fn default() -> Self {
        PageConfig {
            site_name: DEFAULT_SITE_NAME.to_string(),
            home_url: None,
            contact_name: DEFAULT_CONTACT_NAME.to_string(),
            contact_url: None,
            stylesheet_url: None,
        }
    }
}

pub(super) fn parse(path: &Path, text: &str) -> Result<ApiConfig, ConfigError> {
    let raw: RawApiFile = toml::from_str(text).map_err(|err| parse_error(path, text, err))?;
    let defaults = PageConfig::default();

    let mut cors_origins = Vec::new();
    for (position, text) in raw.api.cors_origins.unwrap_or_default().iter().enumerate() {
        let key = format!("api.cors_origins[{position}]");
        let origin = validate_origin(text).map_err(|reason| invalid(path, &key, reason))?;
        cors_origins.push(origin);
    }

    let site_name = raw.page.site_name.unwrap_or(defaults.site_name);
    if site_name.trim().is_empty() {
        return Err(invalid(path, "page.site_name", "must not be empty"));
    }
    let contact_name = raw.page.contact_name.unwrap_or(defaults.contact_name);
    if contact_name.trim().is_empty() {
        return Err(invalid(path, "page.contact_name", "must not be empty"));
    }
    let home_url = validate_link(path, "page.home_url", raw.page.home_url)?;
    let contact_url = validate_link(path, "page.contact_url", raw.page.contact_url)?;
    let stylesheet_url = validate_link(path, "page.stylesheet_url", raw.page.stylesheet_url)?;

    let limit_defaults = LimitsConfig::default();
    let request_timeout_secs = raw
        .limits
        .request_timeout_secs
        .unwrap_or(limit_defaults.request_timeout_secs);
    if !(1..=600).contains(&request_timeout_secs) {
        return Err(invalid(
            path,
            "limits.request_timeout_secs",
            "must be between 1 and 600",
        ));
    }
    let max_body_bytes = raw
        .limits
        .max_body_bytes
        .unwrap_or(limit_defaults.max_body_bytes);
    if max_body_bytes < 1024 {
        return Err(invalid(
            path,
            "limits.max_body_bytes",
            "must be at least 1024",
        ));
    }
    let rate_per_second = raw
        .limits
        .rate_per_second
        .unwrap_or(limit_defaults.rate_per_second);
    let rate_burst = raw.limits.rate_burst.unwrap_or(limit_defaults.rate_burst);
    if rate_per_second > 0 && rate_burst == 0 {
        return Err(invalid(
            path,
            "limits.rate_burst",
            "must be at least 1 when a rate is set",
        ));
    }
    let limits = LimitsConfig {
        request_timeout_secs,
        max_body_bytes,
        rate_per_second,
        rate_burst,
    };

    let cache_defaults = CacheConfig::default();
    let entries = raw.cache.entries.unwrap_or(cache_defaults.entries);
    if entries > 1_000_000 {
        return Err(invalid(
            path,
            "cache.entries",
            "must be at most 1000000 (0 turns the cache off)",
        ));
    }
    let max_bytes = raw.cache.max_bytes.unwrap_or(cache_defaults.max_bytes);
    if max_bytes > 1 << 30 {
        return Err(invalid(
            path,
            "cache.max_bytes",
            "must be at most 1073741824 (1 GiB)",
        ));
    }
    let cache = CacheConfig { entries, max_bytes };

    Ok(ApiConfig {
        cors_origins,
        limits,
        cache,
        page: PageConfig {
            site_name: site_name.trim().to_string(),
            home_url,
            contact_name: contact_name.trim().to_string(),
            contact_url,
            stylesheet_url,
        },
    })
}

/// Turns `https://Example.org/` into `https://example.org`, the form a browser sends in
/// `Origin`, refusing anything that is not a bare http or https origin.
fn validate_origin(text: &str) -> Result<String, String> {
    if text.trim() == "*" {
        return Err("`*` is not allowed: name each origin".to_string());
    }
    let url = Url::parse(text.trim()).map_err(|err| format!("`{text}`: {err}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}`: only http and https origins"));
    }
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !bare || url.host().is_none() {
        return Err(format!(
            "`{text}`: an origin is a scheme, a host and an optional port, with no path"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// An empty value means no link; otherwise an absolute http(s) URL or a path from `/`.
fn validate_link(
    path: &Path,
    key: &str,
    value: Option<String>,
) -> Result<Option<String>, ConfigError> {
    let Some(text) = value.map(|text| text.trim().to_string()) else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(None);
    }
    if text.starts_with('/') && !text.starts_with("//") {
        return Ok(Some(text));
    }
    match Url::parse(&text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(text)),
        _ => Err(invalid(
            path,
            key,
            format!("`{text}`: must be an http or https URL or a path starting with `/`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<ApiConfig, ConfigError> {
        parse(Path::new("api.toml"), text)
    }

    #[test]
    fn empty_file_gives_defaults() -> Result<(), ConfigError> {
        assert_eq!(parse_text("")?, ApiConfig::default());
        Ok(())
    }

    #[test]
    fn origins_are_normalised_as_browsers_send_them() -> Result<(), ConfigError> {
        let config = parse_text(
            "[api]\ncors_origins = [\"https://LocalOffer.example.gov.uk/\", \
             \"http://127.0.0.1:8080\", \"https://example.org:443\"]\n",
        )?;
        assert_eq!(
            config.cors_origins,
            [
                "https://localoffer.example.gov.uk",
                "http://127.0.0.1:8080",
                "https://example.org"
            ]
        );
        Ok(())
    }

    #[test]
    fn wildcards_paths_and_other_schemes_are_refused_by_key() {
        for origin in [
            "*",
            "https://example.org/search",
            "ftp://example.org",
            "example",
        ] {
            let text = format!("[api]\ncors_origins = [\"https://ok.example\", \"{origin}\"]\n");
            let err = parse_text(&text).unwrap_err().to_string();
            assert!(err.contains("api.cors_origins[1]"), "{origin}: {err}");
        }
    }

    #[test]
    fn page_links_must_be_web_addresses() -> Result<(), ConfigError> {
        let config = parse_text(
            "[page]\nsite_name = \"Riverford Local Offer\"\nhome_url = \"/\"\n\
             contact_url = \"https://example.org/sendiass\"\n",
        )?;
        assert_eq!(config.page.site_name, "Riverford Local Offer");
        assert_eq!(config.page.home_url.as_deref(), Some("/"));

        let err = parse_text("[page]\ncontact_url = \"javascript:alert(1)\"\n").unwrap_err();
        assert!(err.to_string().contains("page.contact_url"), "{err}");
        let err = parse_text("[page]\nsite_name = \" \"\n").unwrap_err();
        assert!(err.to_string().contains("page.site_name"), "{err}");
        Ok(())
    }

    #[test]
    fn the_cache_is_sized_by_entries_and_bytes() -> Result<(), ConfigError> {
        let config = parse_text("[cache]\nentries = 0\nmax_bytes = 1024\n")?;
        assert_eq!(
            config.cache,
            CacheConfig {
                entries: 0,
                max_bytes: 1024
            }
        );
        let err = parse_text("[cache]\nentries = 2000000\n").unwrap_err();
        assert!(err.to_string().contains("cache.entries"), "{err}");
        let err = parse_text("[cache]\nmax_bytes = 2000000000\n").unwrap_err();
        assert!(err.to_string().contains("cache.max_bytes"), "{err}");
        let err = parse_text("[cache]\nsize = 10\n").unwrap_err();
        assert!(err.to_string().contains("size"), "{err}");
        Ok(())
    }
}
