//! Inputs for the fuzzed entry points (`fuzz/fuzz_targets/`), run through the same calls the
//! fuzz targets make: the sample site's pages, documents, robots.txt and sitemap (the seeds
//! `scripts/fuzz.sh` starts each corpus from), damaged copies of them, and hand-made inputs
//! of the kinds the fuzzers stress. Each must give a result or a clean error, never a panic.
//!
//! A crash the fuzzers find goes here as a test named after what broke, with its input,
//! before it is fixed.
//!
//! PDFs are the exception: the PDF library panics on some damaged files, which is why the
//! crawler extracts documents in a child process and [`extract_pdf`] turns a panic into
//! [`DocumentError::Panicked`]. Damaged PDFs are checked to end in a clean error, in-process
//! and through the worker process the crawler starts.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use url::Url;

use offer_search::config::{Config, ExtractConfig};
use offer_search::crawl::robots::{MAX_CRAWL_DELAY, RobotsRules};
use offer_search::crawl::sitemap::parse_sitemap;
use offer_search::extract::document::{DocumentError, extract_docx, extract_pdf};
use offer_search::extract::html::HtmlExtractor;
use offer_search::search::query::{expand, parse};
use offer_search::search::snippet::{best_passage, opening};

fn sample_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample-site")
}

/// Every file under `dir` whose name ends with `suffix`, with its bytes.
fn files_ending(dir: &Path, suffix: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("sample site folder reads") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                let bytes = std::fs::read(&path).expect("sample file reads");
                found.push((path, bytes));
            }
        }
    }
    found.sort();
    assert!(
        !found.is_empty(),
        "no `{suffix}` files under `{}`",
        dir.display()
    );
    found
}

/// Damaged copies of `bytes`: cut short at a few points, one byte flipped in the middle,
/// and the first kilobyte repeated.
fn damaged(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut copies: Vec<Vec<u8>> = [1, 2, 3]
        .iter()
        .map(|quarters| bytes[..bytes.len() * quarters / 4].to_vec())
        .collect();
    let mut flipped = bytes.to_vec();
    if let Some(middle) = flipped.get_mut(bytes.len() / 2) {
        *middle ^= 0xff;
    }
    copies.push(flipped);
    let head = &bytes[..bytes.len().min(1024)];
    copies.push(head.repeat(8));
    copies
}

/// Bytes that are not what they claim to be, for every parser.
fn garbage() -> Vec<Vec<u8>> {
    vec![
        Vec::new(),
        vec![0],
        vec![0xff; 64],
        b"PK\x03\x04".to_vec(),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00".repeat(40),
        b"%PDF-1.7\n".to_vec(),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
            .to_vec(),
        b"%PDF-1.4\nxref\n0 99999999\n0000000000 65535 f \ntrailer << /Size 99999999 >>\n".to_vec(),
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00".to_vec(),
        b"\xef\xbb\xbf<?xml version=\"1.0\"?><urlset><url><loc>".to_vec(),
        "<".repeat(10_000).into_bytes(),
        "<div>".repeat(5_000).into_bytes(),
        b"<html><head><meta charset=\"x-unknown\"><base href=\"javascript:alert(1)\"></head></html>"
            .to_vec(),
        "\u{feff}\u{202e}text\u{0}\u{fffd}".as_bytes().to_vec(),
    ]
}

/// The error a document extractor gives when the library under it panicked.
fn panicked(outcome: &Result<impl Sized, DocumentError>) -> Option<&str> {
    match outcome {
        Err(DocumentError::Panicked { message }) => Some(message),
        _ => None,
    }
}

#[test]
fn documents_extract_or_fail_cleanly() {
    let documents = sample_site().join("documents");
    let pdfs = files_ending(&documents, ".pdf");
    let docxs = files_ending(&documents, ".docx");

    for (path, bytes) in &pdfs {
        let text = extract_pdf(bytes).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(!text.text.trim().is_empty(), "{}: no text", path.display());
    }
    for (path, bytes) in &docxs {
        let text = extract_docx(bytes).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(!text.text.trim().is_empty(), "{}: no text", path.display());
    }

    let mut inputs: Vec<Vec<u8>> = garbage();
    for (_, bytes) in pdfs.iter().chain(&docxs) {
        inputs.extend(damaged(bytes));
    }
    for (number, input) in inputs.iter().enumerate() {
        // A panic in the PDF library comes back as an error; any other panic fails here.
        let _ = extract_pdf(input);
        let docx = extract_docx(input);
        assert_eq!(panicked(&docx), None, "docx input {number} panicked");
    }
}

/// Runs the document worker the crawler starts on `bytes`; returns its exit code and stderr.
fn worker(kind: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_offer-search"))
        .args(["extract-document", "--kind", kind])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the worker starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // The worker may stop reading early; a closed pipe is then expected.
    let _ = stdin.write_all(bytes);
    drop(stdin);
    let output = child.wait_with_output().expect("the worker ends");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    (output.status.code(), stderr)
}

/// Asserts that the document worker refuses the PDF `bytes` (exit code 1) with a reason on
/// stderr that holds `named`, the part of the file `what` describes.
/// `bytes` is refused in process as a content problem of page 1, said as `expected`.
fn assert_page_problem(bytes: &[u8], expected: &str) {
    match extract_pdf(bytes) {
        Err(DocumentError::PdfContent { page, problem }) => {
            assert_eq!(page, 1);
            assert_eq!(problem, expected);
        }
        other => panic!("expected page 1's problem {expected:?} to be named, got {other:?}"),
    }
}

fn assert_worker_refuses_pdf(bytes: &[u8], named: &str, what: &str) {
    let (code, stderr) = worker("pdf", bytes);
    assert_eq!(code, Some(1), "the worker refuses the file: {stderr}");
    assert!(
        stderr.contains(named),
        "the reason names the {what}: {stderr}"
    );
}

#[test]
fn pdf_with_a_flipped_byte_is_a_clean_error() {
    let path = sample_site().join("documents/post-16-transport-policy-2026-27.pdf");
    let mut bytes = std::fs::read(&path).expect("the sample PDF reads");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;

    // pdf-extract 0.12 asserts on the operands of a content stream operator it misreads.
    // The panic is caught and comes back as an error naming it.
    let outcome = extract_pdf(&bytes);
    assert!(outcome.is_err(), "the damaged PDF is refused");
    let (code, stderr) = worker("pdf", &bytes);
    assert!(
        code == Some(0) || code == Some(1),
        "the worker ended with {code:?}: {stderr}"
    );
}

/// The sample site's PDF with the bytes `intact` (which it must hold) overwritten by
/// `broken`, of the same length.
fn sample_pdf_with(intact: &[u8], broken: &[u8]) -> Vec<u8> {
    assert_eq!(intact.len(), broken.len(), "a same-length replacement");
    let path = sample_site().join("documents/post-16-transport-policy-2026-27.pdf");
    let mut bytes = std::fs::read(&path).expect("the sample PDF reads");
    let at = bytes
        .windows(intact.len())
        .position(|window| window == intact)
        .expect("the sample PDF holds the bytes to replace");
    bytes[at..at + broken.len()].copy_from_slice(broken);
    bytes
}

#[test]
fn pdf_font_object_that_does_not_parse_is_a_clean_error() {
    // Found by the `pdf` fuzz target: a broken key in the dictionary of font object 5 makes
    // lopdf drop the object, so the page's `/F1` refers to nothing, and pdf-extract 0.12
    // panicked ("missing object reference") when the text selected that font.
    let damaged = sample_pdf_with(
        b"5 0 obj\n<<\n/BaseFont /Helvetica-Bold\n/Encoding",
        b"5 0 obj\n<<\n/BaseFont /Helvetica-Bold\nXEncoding",
    );

    match extract_pdf(&damaged) {
        Err(DocumentError::PdfMissingObject { number, generation }) => {
            assert_eq!((number, generation), (5, 0));
        }
        other => panic!("expected the missing object to be named, got {other:?}"),
    }
    assert_worker_refuses_pdf(&damaged, "object 5 0", "object");
}

#[test]
fn pdf_font_without_a_base_font_is_a_clean_error() {
    // Found by the `pdf` fuzz target after the test above was fixed: a font whose
    // `/BaseFont` key is misspelt made pdf-extract 0.12 panic ("deref") when the page
    // selected it.
    let damaged = sample_pdf_with(
        b"5 0 obj\n<<\n/BaseFont /Helvetica-Bold",
        b"5 0 obj\n<<\n/BaseFEnt /Helvetica-Bold",
    );

    match extract_pdf(&damaged) {
        Err(DocumentError::PdfFont { font, key }) => {
            assert_eq!((font.as_str(), key), ("F1", "BaseFont"));
        }
        other => panic!("expected the font to be named, got {other:?}"),
    }
    assert_worker_refuses_pdf(&damaged, "/BaseFont", "key");
}

/// The sample site's PDF with the first `intact` in its page's (decompressed) content
/// stream replaced by `broken`, written out again by lopdf. The stream is bytes, not UTF-8:
/// its strings are in the fonts' own encoding (a `£` is the single byte 0xA3).
fn sample_pdf_with_content(intact: &str, broken: &str) -> Vec<u8> {
    let path = sample_site().join("documents/post-16-transport-policy-2026-27.pdf");
    let mut document = lopdf::Document::load(&path).expect("the sample PDF loads");
    let page = document
        .page_iter()
        .next()
        .expect("the sample PDF has a page");
    let content = document
        .get_page_content(page)
        .expect("the page's content reads");
    let at = content
        .windows(intact.len())
        .position(|window| window == intact.as_bytes())
        .unwrap_or_else(|| panic!("the page's content holds `{intact}`"));
    let mut rewritten = content[..at].to_vec();
    rewritten.extend_from_slice(broken.as_bytes());
    rewritten.extend_from_slice(&content[at + intact.len()..]);
    document
        .change_page_content(page, rewritten)
        .expect("the page's content is replaced");
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("the PDF is written");
    bytes
}

#[test]
fn pdf_font_operator_with_a_number_for_the_font_is_a_clean_error() {
    // Found by the `pdf` fuzz target: a `Tf` (set font) operator whose first operand is a
    // number instead of a font name made pdf-extract 0.12 panic on `as_name().unwrap()`.
    let rewritten = sample_pdf_with_content("/F1 18.00 Tf", "/F1 18.00 Tf");
    let text = extract_pdf(&rewritten).expect("the rewritten but intact PDF extracts");
    assert!(text.text.contains("Post-16 transport policy statement"));

    let damaged = sample_pdf_with_content("/F1 18.00 Tf", "1 18.00 Tf");
    assert_page_problem(&damaged, "operand 1 of `Tf` is a number, not a name");
    assert_worker_refuses_pdf(&damaged, "`Tf`", "operator");
}

#[test]
fn pdf_text_shown_before_a_font_is_selected_is_a_clean_error() {
    // Found by the `pdf` fuzz target: text shown with no font selected made pdf-extract 0.12
    // panic on `font.as_ref().unwrap()`. A font selected inside `q` ... `Q` is forgotten
    // after it, as the graphics state is restored.
    let damaged = sample_pdf_with_content("/F1 18.00 Tf", "q /F1 18.00 Tf Q");
    assert_page_problem(&damaged, "`Tj` shows text before a `Tf` selects a font");
    assert_worker_refuses_pdf(&damaged, "`Tf`", "operator");
}

#[test]
fn pdf_font_operator_naming_a_font_the_page_lacks_is_a_clean_error() {
    // pdf-extract 0.12 looks the font up in the page's resources with `expect`.
    let damaged = sample_pdf_with_content("/F1 18.00 Tf", "/F9 18.00 Tf");
    assert_page_problem(
        &damaged,
        "`Tf` selects font /F9, which the page's resources do not hold",
    );
}

#[test]
fn pdf_page_cut_off_from_its_media_box_is_a_clean_error() {
    // Found by the `pdf` fuzz target: one flipped bit turned the page's `/Parent` key into
    // `/Paren|`, so the page no longer inherits the `/MediaBox` its page tree holds, and
    // pdf-extract 0.12 panicked on `expect("MediaBox")`.
    let damaged = sample_pdf_with(b"/Parent 1 0 R", b"/Paren| 1 0 R");
    assert_page_problem(&damaged, "it has no /MediaBox, nor does any node above it");
    assert_worker_refuses_pdf(&damaged, "/MediaBox", "box");

    // pdf-extract reads the box's four corners by index, each a number.
    let damaged = sample_pdf_with(b"[0 0 595.28 841.89]", b"[0 0 595.28 /A4.89]");
    assert_page_problem(&damaged, "its /MediaBox is not four numbers");
}

#[test]
fn pdf_font_with_an_unknown_encoding_is_a_clean_error() {
    // Found by the `pdf` fuzz target: a font's `/Encoding /WinAnsiEncoding` with one letter
    // changed made pdf-extract 0.12 panic with "unexpected encoding".
    let damaged = sample_pdf_with(b"/Encoding /WinAnsiEncoding", b"/Encoding /WinAosiEncoding");
    match extract_pdf(&damaged) {
        Err(DocumentError::PdfEncoding { font, encoding }) => {
            assert!(font == "F1" || font == "F2", "{font}");
            assert_eq!(encoding, "WinAosiEncoding");
        }
        other => panic!("expected the encoding to be named, got {other:?}"),
    }
    assert_worker_refuses_pdf(&damaged, "WinAosiEncoding", "encoding");
}

#[test]
fn pdf_simple_font_marked_composite_is_a_clean_error() {
    // Found by the `pdf` fuzz target: `/Subtype /Type1` turned into `/Type0` makes a simple
    // font a composite one, which pdf-extract 0.12 reads with
    // `expect("Descendant fonts required")`.
    assert_font_shape_refused(
        b"/Subtype /Type0",
        "is a composite font without a /DescendantFonts array holding a font",
        "/DescendantFonts",
    );
}

#[test]
fn pdf_simple_font_marked_type3_is_a_clean_error() {
    // Found by the `pdf` fuzz target: `/Subtype /Type1` turned into `/Type3` makes a
    // Helvetica font a Type 3 one without the `/FirstChar`, `/LastChar` and `/Widths` that
    // pdf-extract 0.12 reads with `expect`.
    assert_font_shape_refused(
        b"/Subtype /Type3",
        "is a Type 3 font without /FirstChar and /LastChar numbers",
        "/FirstChar",
    );
}

/// The sample PDF with its Type 1 fonts' subtype replaced by `subtype` is refused in
/// process with `expected` for one of its fonts, and by the worker naming `named`.
fn assert_font_shape_refused(subtype: &[u8], expected: &str, named: &str) {
    let damaged = sample_pdf_with(b"/Subtype /Type1", subtype);
    match extract_pdf(&damaged) {
        Err(DocumentError::PdfFontShape { font, problem }) => {
            assert!(font == "F1" || font == "F2", "{font}");
            assert_eq!(problem, expected);
        }
        other => panic!("expected the font to be named, got {other:?}"),
    }
    assert_worker_refuses_pdf(&damaged, named, "font's missing keys");
}

#[test]
fn damaged_pdfs_end_the_worker_cleanly() {
    let documents = sample_site().join("documents");
    let mut inputs: Vec<Vec<u8>> = garbage();
    for (_, bytes) in files_ending(&documents, ".pdf") {
        inputs.extend(damaged(&bytes));
    }
    for (number, input) in inputs.iter().enumerate() {
        let (code, stderr) = worker("pdf", input);
        // 0: extracted; 1: refused with the reason on stderr. A signal or 101 is a crash.
        assert!(
            code == Some(0) || code == Some(1),
            "pdf input {number}: the worker ended with {code:?}: {stderr}"
        );
    }
}

#[test]
fn crawl_delay_too_long_for_a_duration_is_capped() {
    // Found by the table below: `Duration::from_secs_f32` panicked on this robots.txt,
    // stopping the crawl that fetched it.
    let robots = b"User-agent: *\nCrawl-delay: 99999999999999999999\nDisallow: /private\n";
    let rules = RobotsRules::from_response(Some(200), robots, "offer-search");
    assert_eq!(rules.crawl_delay(), Some(MAX_CRAWL_DELAY));
    let page = Url::parse("http://127.0.0.1:8000/private/page").expect("a valid URL");
    assert!(!rules.allowed(&page), "the rest of the file still applies");
}

#[test]
fn html_extracts_or_fails_cleanly() {
    let extractor = HtmlExtractor::new(&ExtractConfig::default()).expect("default selectors");
    let page = Url::parse("http://127.0.0.1:8000/a/b/page.aspx").expect("a valid URL");
    let pages = files_ending(&sample_site(), ".html");

    for (path, bytes) in &pages {
        let extracted = extractor
            .extract(&page, bytes, None)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(
            !extracted.record.title.is_empty(),
            "{}: no title",
            path.display()
        );
    }

    let mut inputs: Vec<Vec<u8>> = garbage();
    for (_, bytes) in &pages {
        inputs.extend(damaged(bytes));
    }
    for input in &inputs {
        // Either outcome is fine; what is tested is that neither call panics.
        let plain = extractor.extract(&page, input, None);
        let declared = extractor.extract(&page, input, Some("text/html; charset=windows-1252"));
        if let (Ok(plain), Ok(declared)) = (plain, declared) {
            assert_eq!(plain.record.url, declared.record.url);
        }
    }
}

#[test]
fn robots_and_sitemaps_parse_or_fail_cleanly() {
    let site = Url::parse("http://127.0.0.1:8000/sitemap.xml").expect("a valid URL");
    let robots = std::fs::read(sample_site().join("robots.txt")).expect("robots.txt");
    let sitemap = std::fs::read(sample_site().join("sitemap.xml")).expect("sitemap.xml");

    let parsed = parse_sitemap(&site, &sitemap, 1 << 20).expect("the sample sitemap parses");
    assert!(!parsed.entries.is_empty(), "the sample sitemap lists pages");
    let rules = RobotsRules::from_response(Some(200), &robots, "offer-search");
    assert!(
        rules.allowed(&site),
        "the sample robots.txt allows the sitemap"
    );

    let mut inputs: Vec<Vec<u8>> = garbage();
    inputs.extend(damaged(&robots));
    inputs.extend(damaged(&sitemap));
    inputs.push(b"User-agent: *\nCrawl-delay: 99999999999999999999\nDisallow: /\n".to_vec());
    inputs.push(b"User-agent: *\nCrawl-delay: -1\nAllow: /*$*$*$\n".to_vec());
    inputs.push(b"User-agent: offer-search\nDisallow: /%\nDisallow: /%zz\n".to_vec());
    inputs.push(b"http://127.0.0.1:8000/a\nnot a url\n\0\nhttp://[::1\n".to_vec());
    for input in &inputs {
        let rules = RobotsRules::from_response(Some(200), input, "offer-search");
        let _ = rules.allowed(&site);
        if let Some(delay) = rules.crawl_delay() {
            assert!(delay.as_secs() < u64::MAX, "a finite delay");
        }
        if let Ok(parsed) = parse_sitemap(&site, input, 1 << 20) {
            for entry in &parsed.entries {
                assert!(entry.url.has_host(), "{} has a host", entry.url);
            }
        }
    }
}

/// The snippet markup: balanced marks and no raw angle brackets from the text.
fn assert_safe_markup(query: &str, snippet: &str) {
    let opened = snippet.matches("<mark>").count();
    let closed = snippet.matches("</mark>").count();
    assert_eq!(opened, closed, "{query:?}: unbalanced marks in {snippet:?}");
    let bare = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !bare.contains('<') && !bare.contains('>'),
        "{query:?}: raw markup in {snippet:?}"
    );
}

#[test]
fn queries_parse_expand_and_snippet_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-config");
    let rules = Config::load(&dir).expect("the shipped config loads");
    let listed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/queries.txt"))
            .expect("scripts/queries.txt");
    let long_word = "a".repeat(10_000);
    let many_words = "short breaks ".repeat(2_000);
    let mut queries: Vec<&str> = listed
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect();
    queries.extend([
        "",
        " ",
        "\"",
        "\"\"\"",
        "\"short breaks",
        "-",
        "--",
        "-\"-\"",
        "OR AND NOT",
        "* ? ~ ^ : ( ) [ ] { }",
        "ehcp ehcp ehcp ehcp ehcp",
        "e\u{301}\u{301}\u{301}",
        "\u{0}\u{1}\u{7f}",
        "\u{202e}evird",
        "🙂🙂 short 🙂",
        "ǅ ß ﬁ İ",
        "日本語のテキスト",
        "<mark>",
        "&amp; &lt;",
        long_word.as_str(),
        many_words.as_str(),
    ]);

    for query in queries {
        let mut parsed = parse(query);
        expand(&mut parsed, &rules.synonyms);
        let terms: HashSet<String> = parsed
            .marked_terms()
            .into_iter()
            .map(String::from)
            .collect();
        for text in [query, "Short breaks & <respite> for “carers” – £200."] {
            for width in [1, 40, 220] {
                if let Some(passage) = best_passage(text, &terms, width) {
                    assert_safe_markup(query, &passage);
                }
                assert_safe_markup(query, &opening(text, &terms, width));
            }
        }
    }
}
