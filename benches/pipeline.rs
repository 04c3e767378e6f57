//! Throughput of the stages before search: HTML extraction, PDF and DOCX extraction, and
//! index build (site analysis, tantivy, word list and suggestions) from extracted records.
//!
//! ```sh
//! cargo bench --bench pipeline
//! ```
//!
//! Inputs come from the generated corpus (`offer_search::corpus`), so runs compare.

use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use offer_search::config::Config;
use offer_search::corpus::records::{DEFAULT_BASE_URL, HTML_CONTENT_TYPE, site_records};
use offer_search::corpus::{DEFAULT_SEED, DocumentFormat, Site, SiteSpec};
use offer_search::extract::HtmlExtractor;
use offer_search::extract::document::{extract_docx, extract_pdf};
use offer_search::publish::publish_records;
use offer_search::record::PageRecord;
use offer_search::store::DataDir;
use url::Url;

/// Pages extracted per HTML sample.
const HTML_PAGES: usize = 200;

fn main() {
    divan::main();
}

fn base() -> Url {
    Url::parse(DEFAULT_BASE_URL).expect("the default base URL parses")
}

/// HTML pages through the crawler's extractor (decode, parse, drop chrome, main text,
/// links, breadcrumbs, language).
#[divan::bench(sample_count = 10)]
fn html_extraction(bencher: Bencher) {
    let site = Site::new(SiteSpec::new(2_000, DEFAULT_SEED));
    let pages: Vec<(Url, String)> = (0..HTML_PAGES)
        .map(|number| {
            let index = 100 + number * 9;
            let url = base()
                .join(&site.pages[index].path)
                .expect("site paths join");
            (url, site.page_html(index))
        })
        .collect();
    let bytes: usize = pages.iter().map(|(_, html)| html.len()).sum();
    let extractor = HtmlExtractor::new(&Config::defaults().site.extract).expect("selectors");
    bencher
        .counter(ItemsCount::new(pages.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| {
            for (url, html) in &pages {
                let extracted = extractor
                    .extract(url, html.as_bytes(), Some(HTML_CONTENT_TYPE))
                    .expect("generated pages extract");
                divan::black_box(extracted);
            }
        });
}

fn documents_of(format: DocumentFormat) -> Vec<Vec<u8>> {
    let site = Site::new(SiteSpec::new(2_000, DEFAULT_SEED));
    (0..site.documents.len())
        .filter(|&index| site.documents[index].format == format)
        .take(40)
        .map(|index| site.document_bytes(index))
        .collect()
}

/// PDFs through pdf-extract, in this process.
#[divan::bench(sample_count = 10)]
fn pdf_extraction(bencher: Bencher) {
    let documents = documents_of(DocumentFormat::Pdf);
    let bytes: usize = documents.iter().map(Vec::len).sum();
    bencher
        .counter(ItemsCount::new(documents.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| {
            for document in &documents {
                divan::black_box(extract_pdf(document).expect("generated PDFs extract"));
            }
        });
}

/// DOCX files through zip and quick-xml, in this process.
#[divan::bench(sample_count = 10)]
fn docx_extraction(bencher: Bencher) {
    let documents = documents_of(DocumentFormat::Docx);
    bencher.counter(ItemsCount::new(documents.len())).bench(|| {
        for document in &documents {
            divan::black_box(extract_docx(document).expect("generated DOCX files extract"));
        }
    });
}

fn records(pages: usize) -> Vec<PageRecord> {
    let site = Site::new(SiteSpec::new(pages, DEFAULT_SEED));
    let config = Config::defaults();
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get());
    site_records(&site, &base(), &config.site, threads).expect("generated site extracts")
}

/// Records to a published generation: site facts, the tantivy index, the word list and
/// the suggestions. Counted in records (pages and documents).
#[divan::bench(args = [1_000, 10_000], sample_count = 3, sample_size = 1)]
fn index_build(bencher: Bencher, pages: usize) {
    let records = records(pages);
    let config = Config::defaults();
    bencher
        .counter(ItemsCount::new(records.len()))
        .with_inputs(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            (dir, records.clone())
        })
        .bench_values(|(dir, records)| {
            let data = DataDir::new(dir.path());
            let lock = data.lock().expect("fresh data folder locks");
            publish_records(&data, &lock, &config, records, None, true).expect("publishes");
            dir
        });
}
