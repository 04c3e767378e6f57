//! Properties that must hold for any input: snippets over any text and any width, and URL
//! normalisation (idempotent; every variant of one page gives one key).

use std::collections::HashSet;

use proptest::prelude::*;
use url::Url;

use offer_search::config::CrawlConfig;
use offer_search::crawl::urlnorm::normalize;
use offer_search::index::schema::analyze;
use offer_search::search::snippet::{best_passage, opening};

/// Text with the characters that break naive snippet code: multi-byte letters, £, curly
/// quotes, dashes, markup characters and line breaks.
fn awkward_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "short",
        "breaks",
        "£200",
        "child’s",
        "“respite”",
        " – ",
        "café",
        "<b>",
        "&amp;",
        "\n",
        " ",
        ". ",
        "EHCP",
        "naïve",
        "日本",
        "🙂",
        "'",
        "\"",
        "funding",
        "\t",
    ]);
    prop::collection::vec(pieces, 0..120).prop_map(|parts| parts.concat())
}

/// Undoes the snippet markup: marks removed, entities decoded, ellipses trimmed.
fn plain_text(snippet: &str) -> String {
    snippet
        .replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim_start_matches("… ")
        .trim_end_matches(" …")
        .to_string()
}

fn check_markup(snippet: &str) -> Result<(), TestCaseError> {
    let opened = snippet.matches("<mark>").count();
    let closed = snippet.matches("</mark>").count();
    prop_assert_eq!(opened, closed, "unbalanced marks in {:?}", snippet);
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    prop_assert!(!without_marks.contains('<'), "raw `<` in {:?}", snippet);
    prop_assert!(!without_marks.contains('>'), "raw `>` in {:?}", snippet);
    Ok(())
}

proptest! {
    #[test]
    fn snippets_are_safe_for_any_text_and_width(
        text in awkward_text(),
        query in awkward_text(),
        width in 1usize..400,
    ) {
        let terms: HashSet<String> = analyze(&query).into_iter().collect();
        let flattened = text.replace(['\n', '\r', '\t'], " ");
        if let Some(snippet) = best_passage(&text, &terms, width) {
            check_markup(&snippet)?;
            prop_assert!(snippet.contains("<mark>"), "a passage marks what it was chosen for");
            let plain = plain_text(&snippet);
            prop_assert!(flattened.contains(plain.trim()), "{:?} is not from the text", plain);
        }
        let start = opening(&text, &terms, width);
        check_markup(&start)?;
        let plain = plain_text(&start);
        prop_assert!(flattened.contains(plain.trim()), "{:?} is not from the text", plain);
    }

    #[test]
    fn url_normalisation_is_idempotent_and_folds_variants(
        segments in prop::collection::vec("[a-z0-9_-]{1,12}", 1..5),
        id in "[A-Za-z0-9]{1,8}",
        session in "[A-F0-9]{8,32}",
        fragment in "[a-z]{0,8}",
        slash in any::<bool>(),
        upper_host in any::<bool>(),
    ) {
        let drop = CrawlConfig::default().drop_query_params;
        let path = segments.join("/");
        let canonical = Url::parse(&format!("http://example.org/{path}?id={id}")).expect("url");
        let key = normalize(&canonical, &drop);
        prop_assert_eq!(normalize(&key, &drop), key.clone(), "normalising twice changes nothing");

        let host = if upper_host { "EXAMPLE.org:80" } else { "example.org" };
        let trailing = if slash { "/" } else { "" };
        let variant = format!(
            "http://{host}/{path}{trailing};jsessionid={session}?utm_source=mail&id={id}&sessionid=x#{fragment}"
        );
        let variant = Url::parse(&variant).expect("url");
        prop_assert_eq!(normalize(&variant, &drop), key);

        let other = Url::parse(&format!("http://example.org/{path}?id={id}x")).expect("url");
        prop_assert_ne!(normalize(&other, &drop), normalize(&canonical, &drop));
    }
}
