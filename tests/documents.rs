//! Documents through the crawl and the isolated worker: ODT and RTF are indexed, and
//! hostile files (DOCX and ODT zip bombs whose XML inflates to 80 MiB from about 80 KiB,
//! an XML entity bomb, a PDF that makes the parser panic and one that makes it recurse
//! until its stack overflows) cost only themselves.

mod support;

use std::io::Write;
use std::time::Duration;

use offer_search::crawl::{CrawlOptions, crawl};
use offer_search::extract::document::{DocumentError, DocumentKind, DocumentWorker, WorkerLimits};
use offer_search::record::Kind;

use support::{LiveSite, test_site_config};

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT_TYPE: &str = "application/vnd.oasis.opendocument.text";

/// A zip with the given entries, each deflated except a leading `mimetype`.
fn zip_file(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    for (name, data) in entries {
        let method = if *name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        writer.start_file(*name, options).expect("zip entry");
        writer.write_all(data).expect("zip write");
    }
    writer.finish().expect("zip finish");
    buffer.into_inner()
}

fn odt(title: &str, paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|text| format!("<text:p>{text}</text:p>"))
        .collect();
    let content = format!(
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text>\
         {body}</office:text></office:body></office:document-content>"
    );
    let meta = format!(
        "<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><office:meta><dc:title>{title}</dc:title>\
         </office:meta></office:document-meta>"
    );
    zip_file(&[
        ("mimetype", ODT_TYPE.as_bytes()),
        ("content.xml", content.as_bytes()),
        ("meta.xml", meta.as_bytes()),
    ])
}

/// A zip whose one XML part inflates to `inflated_mib` MiB of one repeated byte: about a
/// thousandth of that on the wire.
fn zip_bomb(part: &str, inflated_mib: usize) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    writer.start_file(part, options).expect("zip entry");
    let chunk = vec![b'a'; 1024 * 1024];
    for _ in 0..inflated_mib {
        writer.write_all(&chunk).expect("zip write");
    }
    writer.finish().expect("zip finish");
    buffer.into_inner()
}

/// A DOCX whose text uses a nine-level "billion laughs" entity.
fn entity_bomb_docx() -> Vec<u8> {
    let mut dtd = String::from("<!DOCTYPE w:document [<!ENTITY lol0 \"lol\">");
    for level in 1..10 {
        let previous = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{previous}\">"));
    }
    dtd.push_str("]>");
    let body = format!(
        "<?xml version=\"1.0\"?>{dtd}<w:document xmlns:w=\"w\"><w:body><w:p><w:r>\
         <w:t>Laughing matters &lol9;</w:t></w:r></w:p></w:body></w:document>"
    );
    zip_file(&[("word/document.xml", body.as_bytes())])
}

/// A PDF made of `objects` (object 1 is the catalog), with a correct cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dictionary: &str, content: &str) -> Vec<u8> {
    format!(
        "<< {dictionary} /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
    .into_bytes()
}

/// A page whose font names a ToUnicode map pdf-extract does not know: it panics (a `todo!`
/// that the checks before it do not cover).
fn panicking_pdf() -> Vec<u8> {
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        stream("", "BT /F1 12 Tf (Hello) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding \
          /ToUnicode /Bogus >>"
            .to_vec(),
    ])
}

/// A page drawing a form that draws itself: the parser recurses until its stack
/// overflows, which no in-process guard can catch.
fn recursing_pdf() -> Vec<u8> {
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /XObject << /X1 5 0 R >> >> >>"
            .to_vec(),
        stream("", "/X1 Do"),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 5 0 R >> >>",
            "/X1 Do",
        ),
    ])
}

const RTF: &[u8] = br"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Travel assistance\par
Pupils may get free {\b travel assistance} to school.\par
}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_indexed_and_hostile_ones_cost_only_themselves() {
    let site = LiveSite::start().await;
    site.set_page(
        "/",
        "Home",
        r#"<p><a href="/statement.odt">Statement</a> <a href="/travel.rtf">Travel</a>
           <a href="/laughs.docx">Laughs</a> <a href="/bomb.docx">Bomb</a>
           <a href="/panic.pdf">Panic</a>
           <a href="/recursion.pdf">Recursion</a></p>"#,
    );
    site.set(
        "/statement.odt",
        ODT_TYPE,
        odt(
            "Short breaks statement",
            &[
                "Short breaks give families a rest.",
                "Ask your social worker.",
            ],
        ),
    );
    // Served with a generic type: the bytes say RTF.
    site.set("/travel.rtf", "application/octet-stream", RTF);
    site.set("/laughs.docx", DOCX_TYPE, entity_bomb_docx());
    let docx_bomb = zip_bomb("word/document.xml", 80);
    assert!(docx_bomb.len() < 512 * 1024, "{} bytes", docx_bomb.len());
    site.set("/bomb.docx", DOCX_TYPE, docx_bomb);
    site.set("/panic.pdf", "application/pdf", panicking_pdf());
    site.set("/recursion.pdf", "application/pdf", recursing_pdf());

    let mut config = test_site_config();
    config.crawl.document_timeout = Duration::from_secs(10);
    config.crawl.document_memory_mb = 512;
    let mut options = CrawlOptions::new(vec![site.base.clone()], config);
    options.worker_program = Some(env!("CARGO_BIN_EXE_offer-search").into());
    let output = crawl(options).await.expect("the crawl starts");
    let summary = &output.summary;

    let documents: Vec<(String, String, String)> = output
        .records
        .iter()
        .filter(|record| record.kind == Kind::Document)
        .map(|record| {
            let path = url::Url::parse(&record.url)
                .expect("URL")
                .path()
                .to_string();
            (path, record.title.clone(), record.content_type.clone())
        })
        .collect();
    assert_eq!(
        documents,
        [
            (
                "/statement.odt".to_string(),
                "Short breaks statement".to_string(),
                ODT_TYPE.to_string()
            ),
            (
                "/travel.rtf".to_string(),
                "Travel assistance".to_string(),
                "application/rtf".to_string()
            ),
            (
                "/laughs.docx".to_string(),
                "Laughing matters".to_string(),
                DOCX_TYPE.to_string()
            ),
        ],
        "{summary:?}"
    );
    let statement = output
        .records
        .iter()
        .find(|record| record.url.ends_with("/statement.odt"))
        .expect("the ODT is recorded");
    assert_eq!(
        statement.body,
        "Short breaks give families a rest.\nAsk your social worker."
    );
    // A zip bomb stopped at the part cap, a panic, a stack overflow.
    assert_eq!(
        summary.skipped.get("extract-failed"),
        Some(&3),
        "{summary:?}"
    );
    assert_eq!(summary.pages, 1, "{summary:?}");
}

#[tokio::test]
async fn a_recursing_pdf_kills_only_its_worker() {
    let worker = DocumentWorker::new(
        Some(env!("CARGO_BIN_EXE_offer-search").into()),
        WorkerLimits::from_config(&test_site_config().crawl),
    )
    .expect("the worker program is known");

    let err = worker
        .extract(DocumentKind::Pdf, &recursing_pdf())
        .await
        .unwrap_err();
    assert!(matches!(err, DocumentError::WorkerFailed { .. }), "{err}");
    assert!(err.to_string().contains("overflowed its stack"), "{err}");

    let err = worker
        .extract(DocumentKind::Pdf, &panicking_pdf())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("document parser panicked"),
        "{err}"
    );

    let err = worker
        .extract(DocumentKind::Odt, &zip_bomb("content.xml", 80))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("larger than 67108864 bytes decompressed"),
        "{err}"
    );
}
