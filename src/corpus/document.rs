//! Small generated documents: PDFs with one text layer in a standard font, and DOCX files
//! with one run per paragraph. Both are what a council's forms and leaflets look like to
//! a text extractor, at a fraction of their size.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use super::page::TextWriter;
use super::words::TOPICS;
use super::{DocumentFormat, Rng, Site};

/// Random stream of document text (see [`Rng::for_item`]).
const DOCUMENT_STREAM: u64 = 2;

/// Characters per PDF text line and lines per PDF page.
const PDF_LINE_CHARS: usize = 90;
const PDF_PAGE_LINES: usize = 60;

pub(super) fn render(site: &Site, index: usize) -> Vec<u8> {
    let info = &site.documents[index];
    let mut rng = Rng::for_item(site.spec.seed, DOCUMENT_STREAM, index as u64);
    let writer = TextWriter {
        site,
        topic: Some(&TOPICS[site.topics[info.topic].seed]),
    };
    let count = 3 + rng.below(6);
    let paragraphs: Vec<String> = (0..count)
        .map(|_| {
            let sentences = 2 + rng.below(4);
            let text: Vec<String> = (0..sentences)
                .map(|number| writer.sentence(&mut rng, number == 0))
                .collect();
            text.join(" ")
        })
        .collect();
    match info.format {
        DocumentFormat::Pdf => pdf(&info.title, &paragraphs),
        DocumentFormat::Docx => docx(&info.title, &paragraphs),
    }
}

/// A PDF whose pages show `paragraphs` in Helvetica, with `title` in its info dictionary.
pub fn pdf(title: &str, paragraphs: &[String]) -> Vec<u8> {
    let mut lines: Vec<String> = vec![title.to_string(), String::new()];
    for paragraph in paragraphs {
        lines.extend(wrap(paragraph, PDF_LINE_CHARS));
        lines.push(String::new());
    }
    let pages: Vec<&[String]> = lines.chunks(PDF_PAGE_LINES).collect();

    // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its content each.
    let mut objects: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..pages.len())
        .map(|page| format!("{} 0 R", 5 + page * 2))
        .collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_string());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
    );
    objects.push(format!("<< /Title ({}) >>", pdf_string(title)));
    for (page, page_lines) in pages.iter().enumerate() {
        let content_object = 6 + page * 2;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents {content_object} 0 R >>"
        ));
        let mut stream = String::from("BT\n/F1 10 Tf\n12 TL\n50 800 Td\n");
        for line in page_lines.iter() {
            let _ = writeln!(stream, "({}) Tj T*", pdf_string(line));
        }
        stream.push_str("ET\n");
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}endstream",
            stream.len()
        ));
    }

    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (number, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{object}\nendobj\n", number + 1);
    }
    let xref_at = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    );
    out.into_bytes()
}

/// A DOCX with one paragraph per entry of `paragraphs` and `title` as its core title.
pub fn docx(title: &str, paragraphs: &[String]) -> Vec<u8> {
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
        <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
        <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
        </Types>";
    let relationships = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
        <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
        <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
        </Relationships>";
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
    let heading = std::iter::once(title.to_string());
    for paragraph in heading.chain(paragraphs.iter().cloned()) {
        let _ = write!(
            body,
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_escape(&paragraph)
        );
    }
    body.push_str("</w:body></w:document>");
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title></cp:coreProperties>",
        xml_escape(title)
    );

    let parts = [
        ("[Content_Types].xml", content_types.to_string()),
        ("_rels/.rels", relationships.to_string()),
        ("word/document.xml", body),
        ("docProps/core.xml", core),
    ];
    write_zip(&parts).expect("writing a zip into memory cannot fail: there is no I/O")
}

fn write_zip(parts: &[(&str, String)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        archive.start_file(*name, options)?;
        archive.write_all(text.as_bytes())?;
    }
    Ok(archive.finish()?.into_inner())
}

/// Lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Text for a PDF literal string: backslash and brackets escaped, non-ASCII dropped (the
/// generated text is ASCII).
fn pdf_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' | '(' | ')' => {
                out.push('\\');
                out.push(character);
            }
            ' '..='~' => out.push(character),
            _ => {}
        }
    }
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::document::{extract_docx, extract_pdf};

    fn paragraphs() -> Vec<String> {
        vec![
            "Short breaks (day and overnight) help families.".to_string(),
            "Ask the team about direct payments.".to_string(),
        ]
    }

    #[test]
    fn generated_pdf_reads_back() -> Result<(), Box<dyn std::error::Error>> {
        let bytes = pdf("Short breaks guide", &paragraphs());
        let text = extract_pdf(&bytes)?;
        assert_eq!(text.title, "Short breaks guide");
        assert!(text.text.contains("overnight"), "{}", text.text);
        assert!(text.text.contains("direct payments"), "{}", text.text);
        Ok(())
    }

    #[test]
    fn generated_docx_reads_back() -> Result<(), Box<dyn std::error::Error>> {
        let bytes = docx("Referral form", &paragraphs());
        let text = extract_docx(&bytes)?;
        assert_eq!(text.title, "Referral form");
        assert!(text.text.contains("Short breaks (day and overnight)"));
        Ok(())
    }
}
