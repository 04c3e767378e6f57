//! URL normalisation: one key per page, whatever form a link takes.
//!
//! Two forms come out of here. [`normalize`] gives the *key*: the page's identity in the
//! crawl and in the index, with the trailing slash removed so `/a/` and `/a` are one page.
//! [`fetch_form`] does everything else but keeps the trailing slash, because the slash
//! changes how a server answers and how relative links on the fetched page resolve.
//! Both are idempotent, and `normalize(fetch_form(u)) == normalize(u)`.
//!
//! Query parameters are part of a page's identity (`site.page?id=A` and `?id=B` are two
//! pages), so only the configured tracking and session parameters are dropped and the rest
//! keep their order. Folder indexes (`/a/index.html`) are not folded into `/a/`: many
//! servers answer both, but some serve different pages, and the canonical link or the
//! content hash catches the common case anyway.

use url::Url;

/// Returns the identity key of `url`: [`fetch_form`] plus no trailing slash (except `/`).
pub fn normalize(url: &Url, drop_query_params: &[String]) -> Url {
    key_of_fetch_form(fetch_form(url, drop_query_params))
}

/// Both forms of `url` at once, `(fetch_form, normalize)`, for the price of one.
pub fn fetch_form_and_key(url: &Url, drop_query_params: &[String]) -> (Url, Url) {
    let fetch = fetch_form(url, drop_query_params);
    let key = key_of_fetch_form(fetch.clone());
    (fetch, key)
}

/// The key of a URL already in its fetch form: the trailing slash removed.
fn key_of_fetch_form(mut key: Url) -> Url {
    let path = key.path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let new_path = if trimmed.is_empty() { "/" } else { trimmed }.to_string();
        key.set_path(&new_path);
    }
    key
}

/// Returns the form of `url` to request: no fragment, no default port, no `;jsessionid=`
/// path parameter, no dropped query parameters, and consistent percent-encoding.
///
/// A part is written back only when it changes: `Url`'s setters parse the whole URL again,
/// and most links are already in this form.
pub fn fetch_form(url: &Url, drop_query_params: &[String]) -> Url {
    let mut clean = url.clone();
    if clean.fragment().is_some() {
        clean.set_fragment(None);
    }

    // The url crate already removes a default port while parsing; a port set later
    // (`set_port(Some(80))`) would survive, so check again.
    if clean.port().is_some() && clean.port() == default_port(clean.scheme()) {
        // Setting the port fails only for URLs without a host, which http(s) always have.
        let _ = clean.set_port(None);
    }

    // Only a `;` (a session id) or a `%` (an escape) can make the path change.
    if !clean.cannot_be_a_base() && clean.path().contains([';', '%']) {
        let path = normalize_percent(&strip_session_ids(clean.path()));
        if path != clean.path() {
            clean.set_path(&path);
        }
    }

    if let Some(query) = clean.query() {
        let kept = filter_query(query, drop_query_params);
        if kept.is_empty() {
            clean.set_query(None);
        } else if kept != query {
            clean.set_query(Some(&kept));
        }
    }
    clean
}

/// Whether a query parameter name matches one of the drop patterns. Matching ignores ASCII
/// case; a pattern ending in `*` matches by prefix (`utm_*`).
pub fn is_dropped_param(name: &str, drop_query_params: &[String]) -> bool {
    let name = name.to_ascii_lowercase();
    drop_query_params.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == pattern,
        }
    })
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Removes `;jsessionid=...` (any case) from every path segment. Java servers append it when
/// cookies are off; it names a visit, not a page.
fn strip_session_ids(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (position, segment) in path.split('/').enumerate() {
        if position > 0 {
            out.push('/');
        }
        out.push_str(strip_segment_session_id(segment));
    }
    out
}

fn strip_segment_session_id(segment: &str) -> &str {
    const MARKER: &str = ";jsessionid=";
    let lower = segment.to_ascii_lowercase();
    match lower.find(MARKER) {
        // Everything after the marker up to the segment end is the session id.
        Some(start) => &segment[..start],
        None => segment,
    }
}

/// Keeps the query's pairs in order, without dropped parameters and empty pairs.
fn filter_query(query: &str, drop_query_params: &[String]) -> String {
    let kept: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let raw_name = pair.split('=').next().unwrap_or_default();
            let name = percent_decode_lossy(raw_name);
            !is_dropped_param(&name, drop_query_params)
        })
        .map(normalize_percent)
        .collect();
    kept.join("&")
}

/// Decodes escapes of unreserved characters (RFC 3986 §2.3) and upper-cases the hex digits
/// of the rest, so `%7e` and `~` are one form and `%2f` and `%2F` another. `%20` stays.
fn normalize_percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| Some((hex_value(hex[0])? << 4) | hex_value(hex[1])?));
        match escape {
            Some(byte) if is_unreserved(byte) => {
                out.push(char::from(byte));
                index += 3;
            }
            Some(byte) => {
                out.push_str(&format!("%{byte:02X}"));
                index += 3;
            }
            None => {
                // Copy one whole character; the input is a str, so boundaries are safe.
                let rest = &text[index..];
                let Some(character) = rest.chars().next() else {
                    break;
                };
                out.push(character);
                index += character.len_utf8();
            }
        }
    }
    out
}

fn percent_decode_lossy(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| Some((hex_value(hex[0])? << 4) | hex_value(hex[1])?));
        match escape {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CrawlConfig;

    const BASE: &str = "http://127.0.0.1:8000";

    fn params() -> Vec<String> {
        CrawlConfig::default().drop_query_params
    }

    fn key(text: &str) -> Result<String, url::ParseError> {
        Ok(normalize(&Url::parse(text)?, &params()).to_string())
    }

    fn same_key(left: &str, right: &str) -> Result<(), url::ParseError> {
        assert_eq!(
            key(left)?,
            key(right)?,
            "{left} and {right} should be one page"
        );
        Ok(())
    }

    #[test]
    fn fragment_dropped() -> Result<(), url::ParseError> {
        let with_fragment = format!("{BASE}/a-to-z/a-to-z.aspx#letter-e");
        assert_eq!(key(&with_fragment)?, format!("{BASE}/a-to-z/a-to-z.aspx"));
        Ok(())
    }

    #[test]
    fn scheme_host_lowercased_and_default_port_dropped() -> Result<(), url::ParseError> {
        assert_eq!(
            key("HTTP://Example.ORG:80/Path")?,
            "http://example.org/Path"
        );
        assert_eq!(key("https://example.org:443/")?, "https://example.org/");
        assert_eq!(key("http://example.org:8080/")?, "http://example.org:8080/");

        let mut url = Url::parse("http://example.org/a")?;
        url.set_port(Some(80)).ok();
        assert_eq!(normalize(&url, &[]).as_str(), "http://example.org/a");
        Ok(())
    }

    #[test]
    fn jsessionid_removed_query_kept_in_order() -> Result<(), url::ParseError> {
        let linked = format!(
            "{BASE}/partners/nottshelpyourself.org.uk/kb5/nottinghamshire/directory/\
             Uxpme1PO5N4/site.page;jsessionid=9A586BCD9AAC47D4ACCB1D943D58BBCC\
             ?id=Uxpme1PO5N4&newdirectorychannel=0"
        );
        let expected = format!(
            "{BASE}/partners/nottshelpyourself.org.uk/kb5/nottinghamshire/directory/\
             Uxpme1PO5N4/site.page?id=Uxpme1PO5N4&newdirectorychannel=0"
        );
        assert_eq!(key(&linked)?, expected);

        let southglos = format!(
            "{BASE}/partners/find-information-for-adults-children-families.southglos.gov.uk/\
             kb5/southglos/directory/advice.page;jsessionid=73E33C57FFF47B743A0D040295E96904\
             ?id=Yd1lAhR74nE&localofferchannel=10&channel=localoffer"
        );
        let normalized = key(&southglos)?;
        assert!(
            !normalized.to_lowercase().contains("jsessionid"),
            "{normalized}"
        );
        assert!(
            normalized
                .ends_with("advice.page?id=Yd1lAhR74nE&localofferchannel=10&channel=localoffer"),
            "{normalized}"
        );
        Ok(())
    }

    #[test]
    fn jsessionid_any_case() -> Result<(), url::ParseError> {
        same_key(
            "http://example.org/a/site.page;JSESSIONID=ABC?id=1",
            "http://example.org/a/site.page?id=1",
        )
    }

    #[test]
    fn identifying_query_params_are_kept() -> Result<(), url::ParseError> {
        let folded = format!(
            "{BASE}/partners/nottshelpyourself.org.uk/kb5/nottinghamshire/directory/\
             w459E9uDmn8/site.page?id=w459E9uDmn8"
        );
        assert_eq!(key(&folded)?, folded);

        let aiming_high = format!(
            "{BASE}/partners/derbyshire.gov.uk/social_health/children_and_families/\
             disabled_children/short_break/default.asp?VD=aiminghigh"
        );
        assert_eq!(key(&aiming_high)?, aiming_high);
        let plain = aiming_high.trim_end_matches("?VD=aiminghigh");
        assert_ne!(key(&aiming_high)?, key(plain)?);
        Ok(())
    }

    #[test]
    fn tracking_params_dropped_others_keep_order() -> Result<(), url::ParseError> {
        assert_eq!(
            key("http://example.org/p?b=2&utm_source=x&a=1&UTM_Medium=y&sessionid=9&fbclid=z")?,
            "http://example.org/p?b=2&a=1"
        );
        assert_eq!(
            key("http://example.org/p?utm_campaign=x")?,
            "http://example.org/p"
        );
        assert_eq!(key("http://example.org/p?")?, "http://example.org/p");
        assert_eq!(
            key("http://example.org/p?a=1&&b=2")?,
            "http://example.org/p?a=1&b=2"
        );
        Ok(())
    }

    #[test]
    fn query_with_dollar_and_underscores_kept() -> Result<(), url::ParseError> {
        let trap = format!(
            "{BASE}/partners/rbkc.gov.uk/kb5/rbkc/fis/results.action?resulttype=advice&adv_nh=25\
             &itemid=pQxlQTVPS1mDbcQL2DrtTARCn7SRazTu_us$&localofferchannel=0"
        );
        assert_eq!(key(&trap)?, trap);
        Ok(())
    }

    #[test]
    fn trailing_slash_is_the_same_page() -> Result<(), url::ParseError> {
        let folder = format!(
            "{BASE}/partners/derby.gov.uk/education-and-learning/derbys-send-local-offer/\
             ehc-assessments-plans"
        );
        same_key(&folder, &format!("{folder}/"))?;
        same_key(&folder, &format!("{folder}//"))?;
        assert_eq!(key(&format!("{BASE}/"))?, format!("{BASE}/"));
        assert_eq!(key(BASE)?, format!("{BASE}/"));
        Ok(())
    }

    #[test]
    fn fetch_form_keeps_trailing_slash() -> Result<(), url::ParseError> {
        let url = Url::parse("http://example.org/folder/?utm_source=x#top")?;
        assert_eq!(
            fetch_form(&url, &params()).as_str(),
            "http://example.org/folder/"
        );
        Ok(())
    }

    #[test]
    fn percent_encoding_is_consistent() -> Result<(), url::ParseError> {
        let encoded =
            format!("{BASE}/partners/yor-ok.org.uk/families/Local%20Offer/short-breaks-2.htm");
        assert_eq!(key(&encoded)?, encoded);
        same_key(
            &encoded,
            &format!("{BASE}/partners/yor-ok.org.uk/families/Local Offer/short-breaks-2.htm"),
        )?;
        same_key(
            &format!("{BASE}/documents/Inclusion%20Panel%20Referral%20Form.pdf"),
            &format!("{BASE}/documents/Inclusion Panel Referral Form.pdf"),
        )?;
        same_key(
            "http://example.org/%7euser/a%2fb",
            "http://example.org/~user/a%2Fb",
        )?;
        same_key(
            "http://example.org/p?q=a%2cb",
            "http://example.org/p?q=a%2Cb",
        )?;
        Ok(())
    }

    #[test]
    fn dot_segments_resolved() -> Result<(), url::ParseError> {
        same_key(
            "http://example.org/a/b/../c.aspx",
            "http://example.org/a/c.aspx",
        )
    }

    #[test]
    fn folder_index_not_collapsed() -> Result<(), url::ParseError> {
        assert_ne!(
            key("http://example.org/a/index.html")?,
            key("http://example.org/a/")?
        );
        Ok(())
    }

    #[test]
    fn idempotent_over_all_cases() -> Result<(), url::ParseError> {
        let cases = [
            "HTTP://Example.ORG:80/a/b/?utm_source=x&id=1#frag",
            "http://example.org/site.page;jsessionid=AB12?id=Uxpme1PO5N4&newdirectorychannel=0",
            "http://example.org/families/Local%20Offer/short-breaks-2.htm",
            "http://example.org/%7euser/a%2fb?q=a%2cb&&",
            "http://example.org/default.asp?VD=aiminghigh",
            "http://example.org/",
            "http://example.org//",
        ];
        for case in cases {
            let once = normalize(&Url::parse(case)?, &params());
            let twice = normalize(&once, &params());
            assert_eq!(once, twice, "{case}");

            let fetched = fetch_form(&Url::parse(case)?, &params());
            assert_eq!(fetch_form(&fetched, &params()), fetched, "{case}");
            assert_eq!(normalize(&fetched, &params()), once, "{case}");
            assert_eq!(
                fetch_form_and_key(&Url::parse(case)?, &params()),
                (fetched, once),
                "{case}"
            );
        }
        Ok(())
    }

    #[test]
    fn drop_patterns() {
        let patterns = params();
        assert!(is_dropped_param("utm_source", &patterns));
        assert!(is_dropped_param("UTM_TERM", &patterns));
        assert!(is_dropped_param("JSESSIONID", &patterns));
        assert!(!is_dropped_param("id", &patterns));
        assert!(!is_dropped_param("utm", &patterns));
    }
}
