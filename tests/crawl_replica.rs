//! Crawls the replica Local Offer site (served by `../shared/realdata/serve.py`) and checks
//! the result against its manifest: every page once, redirects folded into their targets,
//! robots and 404s skipped, all documents extracted, awkward encodings and markup intact.
//!
//! The replica lives outside the repository; without it this test fails rather than skips.

mod support;

use std::collections::HashMap;

use offer_search::crawl::{CrawlOptions, CrawlOutput, crawl, urlnorm};
use offer_search::record::{Kind, PageRecord};
use url::Url;

use support::{Manifest, ReplicaServer, replica_dir, test_site_config};

const TITLE_SUFFIX: &str = " - Derbyshire Local Offer";

async fn crawl_replica(server: &ReplicaServer) -> CrawlOutput {
    let mut options = CrawlOptions::new(vec![server.base.clone()], test_site_config());
    options.worker_program = Some(env!("CARGO_BIN_EXE_offer-search").into());
    crawl(options).await.expect("the replica crawl starts")
}

fn key(base: &Url, path: &str) -> String {
    let url = base
        .join(path)
        .expect("manifest paths join onto the base URL");
    urlnorm::normalize(&url, &[]).to_string()
}

fn by_url(output: &CrawlOutput) -> HashMap<&str, Vec<&PageRecord>> {
    let mut found: HashMap<&str, Vec<&PageRecord>> = HashMap::new();
    for record in &output.records {
        found.entry(record.url.as_str()).or_default().push(record);
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replica_site_matches_its_manifest() {
    let manifest = Manifest::load(&replica_dir().join("site-manifest.tsv"));
    let server = ReplicaServer::start(&replica_dir().join("site"));
    let output = crawl_replica(&server).await;
    let found = by_url(&output);
    let summary = &output.summary;
    let base = &server.base;

    // Every page and landing page exactly once, with its title and review date.
    let pages = manifest.rows_of(&["page", "landing"]);
    assert_eq!(
        pages.len(),
        72,
        "the manifest lists 72 pages and landing pages"
    );
    for row in &pages {
        let expected = key(base, &row.path);
        let records = found.get(expected.as_str()).cloned().unwrap_or_default();
        assert_eq!(
            records.len(),
            1,
            "{} recorded {} times",
            row.path,
            records.len()
        );
        let record = records[0];
        assert_eq!(record.kind, Kind::Page, "{}", row.path);
        assert_eq!(
            record.title,
            format!("{}{TITLE_SUFFIX}", row.title),
            "{}",
            row.path
        );
        assert_eq!(
            record.last_reviewed.map(|date| date.to_string()),
            Some(row.last_reviewed.clone()),
            "{}",
            row.path
        );
        assert!(!record.body.is_empty(), "{} has no text", row.path);
        assert_eq!(record.language.as_deref(), Some("eng"), "{}", row.path);
    }

    // All six documents, with the titles their files carry.
    let documents = manifest.rows_of(&["document"]);
    assert_eq!(documents.len(), 6);
    for row in &documents {
        let expected = key(base, &row.path);
        let records = found.get(expected.as_str()).cloned().unwrap_or_default();
        assert_eq!(
            records.len(),
            1,
            "document {} recorded {} times",
            row.path,
            records.len()
        );
        let record = records[0];
        assert_eq!(record.kind, Kind::Document, "{}", row.path);
        assert_eq!(record.title, row.title, "{}", row.path);
        assert!(record.body.len() > 200, "{} has little text", row.path);
        assert!(record.size_bytes > 0 && record.content_hash.len() == 64);
        let expected_type = if row.path.ends_with(".pdf") {
            "application/pdf"
        } else {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        };
        assert_eq!(record.content_type, expected_type, "{}", row.path);
    }

    // Nothing else: no search page, no 404 page, no URL variant recorded twice.
    assert_eq!(summary.pages, 72, "{summary:?}");
    assert_eq!(summary.documents, 6, "{summary:?}");
    assert_eq!(output.records.len(), 78);

    // Redirects resolve to their targets and are not recorded themselves.
    for row in manifest.rows_of(&["redirect"]) {
        assert!(
            !found.contains_key(key(base, &row.path).as_str()),
            "redirect {} recorded",
            row.path
        );
        let target = row
            .notes
            .split("301 -> ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("redirect rows name their target");
        assert_eq!(
            found.get(key(base, target).as_str()).map(Vec::len),
            Some(1),
            "redirect target {target}"
        );
    }

    // robots.txt keeps /search out; the missing annual-review page is a counted 404.
    assert!(!found.contains_key(key(base, "/search").as_str()));
    assert!(
        found.keys().all(|url| !url.contains("/search")),
        "a search URL was recorded"
    );
    assert!(
        summary.skipped.get("robots").copied().unwrap_or(0) >= 1,
        "{summary:?}"
    );
    assert_eq!(summary.skipped.get("http-404"), Some(&1), "{summary:?}");
    // The four loopback 'external' links point at other hosts and are never fetched.
    assert_eq!(summary.external_links, 4, "{summary:?}");

    // The windows-1252 page decodes its pound signs and curly quotes.
    let nlincs =
        found[key(base, "/partners/localoffer.northlincs.gov.uk/short-breaks/").as_str()][0];
    assert!(
        nlincs.body.contains("£1 for cook and eat"),
        "{}",
        nlincs.body
    );
    assert!(nlincs.body.contains("child’s own home"));
    assert!(nlincs.body.contains('‘') && nlincs.body.contains('’'));
    assert!(
        !nlincs.body.contains('\u{fffd}'),
        "replacement characters in the cp1252 page"
    );

    // The page with broken markup still gives its text.
    let broken = found[key(base, "/education/sen_transport_5_16/default.asp").as_str()][0];
    assert!(
        broken
            .body
            .contains("In certain cases help may also be provided for a pupil"),
        "{}",
        broken.body
    );
    assert!(
        broken
            .headings
            .iter()
            .any(|heading| heading.starts_with("Transport for children"))
    );
    assert!(
        !broken.body.contains("Call Derbyshire"),
        "footer text leaked: {}",
        broken.body
    );

    // A page's related documents are main-content links to recorded documents.
    let inclusion = found[key(
        base,
        "/education-and-learning/inclusion-support-advisory-service/inclusion-panel/inclusion-panel.aspx",
    )
    .as_str()][0];
    let referral_form = key(base, "/documents/Inclusion%20Panel%20Referral%20Form.pdf");
    assert!(
        inclusion
            .links
            .iter()
            .any(|link| link.url == referral_form
                && link.place == offer_search::record::LinkPlace::Main),
        "{:?}",
        inclusion.links
    );

    // URL variants that other pages link to are folded into their canonical page.
    for variant in [
        "/partners/derbyshire.gov.uk/social_health/children_and_families/disabled_children/short_break/default.asp?VD=aiminghigh",
        "/partners/nottshelpyourself.org.uk/kb5/nottinghamshire/directory/w459E9uDmn8/site.page?id=w459E9uDmn8",
        "/partners/nottshelpyourself.org.uk/kb5/nottinghamshire/directory/Uxpme1PO5N4/site.page;jsessionid=9A586BCD9AAC47D4ACCB1D943D58BBCC?id=Uxpme1PO5N4&newdirectorychannel=0",
        "/partners/fis.peterborough.gov.uk/kb5/peterborough/directory/site.page?id=TYCT5txIlwg",
    ] {
        assert!(
            !found.contains_key(key(base, variant).as_str()),
            "URL variant {variant} was recorded on its own"
        );
    }
    assert!(
        summary.skipped.get("duplicate").copied().unwrap_or(0) >= 4,
        "{summary:?}"
    );
    let mut urls: Vec<&str> = output
        .records
        .iter()
        .map(|record| record.url.as_str())
        .collect();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), output.records.len(), "a URL was recorded twice");
}

#[tokio::test]
async fn worker_refuses_a_truncated_replica_pdf() {
    use offer_search::extract::document::{
        DocumentError, DocumentKind, DocumentWorker, WorkerLimits,
    };

    let path = replica_dir().join("site/documents/post-16-transport-policy-statement-2020-21.pdf");
    let bytes = std::fs::read(&path).expect("the replica PDF is readable");
    let worker = DocumentWorker::new(
        Some(env!("CARGO_BIN_EXE_offer-search").into()),
        WorkerLimits::from_config(&test_site_config().crawl),
    )
    .expect("the worker program is known");

    let whole = worker
        .extract(DocumentKind::Pdf, &bytes)
        .await
        .expect("the whole PDF extracts");
    assert_eq!(
        whole.title,
        "Post-16 Transport Policy Statement - Academic Year 2020-2021"
    );
    assert!(whole.text.contains("Derbyshire County Council"));

    let truncated = &bytes[..bytes.len() / 3];
    let err = worker
        .extract(DocumentKind::Pdf, truncated)
        .await
        .unwrap_err();
    assert!(matches!(err, DocumentError::WorkerFailed { .. }), "{err}");
    assert!(err.to_string().contains("cannot read PDF"), "{err}");
}
