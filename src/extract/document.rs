//! Document text extraction (PDF, DOCX, ODT, RTF), isolated in a child process.
//!
//! Documents come from anyone who can upload to the site, and document parsers are known
//! to panic, loop or allocate without bound on malformed input. So the crawler never parses
//! them itself: [`DocumentWorker::extract`] starts this same program as
//! `offer-search extract-document --kind pdf|docx|odt|rtf` ([`worker_main`]), writes the
//! bytes to its stdin and reads `{"title", "text"}` JSON from its stdout, under a wall-clock
//! timeout, an address-space limit and an output cap. Whatever goes wrong costs that one
//! document.
//!
//! The in-process functions ([`extract_pdf`], [`extract_docx`], [`extract_odt`],
//! [`extract_rtf`]) do the actual work; the worker calls them, and tests may too. DOCX and
//! ODT are zip files of XML: each part is read through a decompressed-size cap, so a
//! zip bomb stops at the cap, and XML entities other than the predefined ones are never
//! expanded, so an entity bomb expands to nothing.

use std::collections::HashSet;
use std::io::{self, Cursor, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::LazyLock;
use std::time::Duration;

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use regex::Regex;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use url::Url;

use super::text::{collapse_whitespace, lines_to_blocks, xml_reference_text};
use crate::config::CrawlConfig;

/// The largest part (`word/document.xml`, `content.xml`) read out of a DOCX or ODT once
/// decompressed. Real documents are far below it; a zip bomb stops here instead of filling
/// memory.
pub const MAX_ZIP_PART_BYTES: u64 = 64 * 1024 * 1024;

/// The largest document the worker accepts on stdin. The crawler's response cap is lower;
/// this only guards a worker started by hand.
const MAX_WORKER_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// The default cap on a worker's JSON output. Extracted text is a fraction of the file
/// size, so anything beyond this is a runaway worker.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 16 * 1024 * 1024;

/// How much of a failing worker's stderr is kept for the log line.
const STDERR_EXCERPT_BYTES: usize = 2048;

/// A title longer than this is not a title but the first paragraph.
const MAX_TITLE_CHARS: usize = 200;

/// The document formats the worker understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Pdf,
    Docx,
    /// OpenDocument text (`.odt`).
    Odt,
    Rtf,
}

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT_TYPE: &str = "application/vnd.oasis.opendocument.text";

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "pdf",
            DocumentKind::Docx => "docx",
            DocumentKind::Odt => "odt",
            DocumentKind::Rtf => "rtf",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        match text {
            "pdf" => Some(DocumentKind::Pdf),
            "docx" => Some(DocumentKind::Docx),
            "odt" => Some(DocumentKind::Odt),
            "rtf" => Some(DocumentKind::Rtf),
            _ => None,
        }
    }

    /// The registered media type of the format.
    pub fn media_type(self) -> &'static str {
        match self {
            DocumentKind::Pdf => "application/pdf",
            DocumentKind::Docx => DOCX_TYPE,
            DocumentKind::Odt => ODT_TYPE,
            DocumentKind::Rtf => "application/rtf",
        }
    }

    /// Decides the kind from the media type, or, when the server sent a generic one, from
    /// the first bytes and the URL's file extension.
    pub fn detect(media_type: &str, url: &Url, body: &[u8]) -> Option<DocumentKind> {
        match media_type {
            "application/pdf" | "application/x-pdf" => return Some(DocumentKind::Pdf),
            DOCX_TYPE => return Some(DocumentKind::Docx),
            ODT_TYPE => return Some(DocumentKind::Odt),
            "application/rtf" | "text/rtf" | "application/x-rtf" => {
                return Some(DocumentKind::Rtf);
            }
            ""
            | "application/octet-stream"
            | "binary/octet-stream"
            | "application/download"
            | "application/force-download" => {}
            _ => return None,
        }
        let path = url.path().to_ascii_lowercase();
        if body.starts_with(b"%PDF-") {
            return Some(DocumentKind::Pdf);
        }
        if body.starts_with(b"{\\rtf") {
            return Some(DocumentKind::Rtf);
        }
        if !body.starts_with(b"PK\x03\x04") {
            return None;
        }
        // An ODT's first zip entry is an uncompressed `mimetype` file naming the format.
        const ODT_MIMETYPE_ENTRY: &[u8] = b"mimetypeapplication/vnd.oasis.opendocument.text";
        if body.get(30..30 + ODT_MIMETYPE_ENTRY.len()) == Some(ODT_MIMETYPE_ENTRY) {
            return Some(DocumentKind::Odt);
        }
        // A DOCX is a zip; only trust the zip magic when the name says Word as well.
        if path.ends_with(".docx") {
            return Some(DocumentKind::Docx);
        }
        if path.ends_with(".odt") {
            return Some(DocumentKind::Odt);
        }
        None
    }
}

/// What extraction found in one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentText {
    /// The document's own title (PDF Info `Title`, DOCX and ODT `dc:title`), else its
    /// first line.
    pub title: String,
    /// Text as `\n`-separated blocks, whitespace collapsed inside each.
    pub text: String,
}

/// A document that could not be extracted.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("cannot read PDF: {reason}")]
    Pdf { reason: String },
    #[error(
        "cannot read PDF: a page refers to object {number} {generation}, which is missing or unreadable"
    )]
    PdfMissingObject { number: u32, generation: u16 },
    #[error("cannot read PDF: font /{font} has no /{key} name")]
    PdfFont { font: String, key: &'static str },
    #[error(
        "cannot read PDF: font /{font} names the encoding /{encoding}, which is not one of the standard ones"
    )]
    PdfEncoding { font: String, encoding: String },
    #[error("cannot read PDF: font /{font} {problem}")]
    PdfFontShape { font: String, problem: &'static str },
    #[error("cannot read PDF: page {page}: {problem}")]
    PdfContent { page: u32, problem: String },
    #[error("cannot read {format}: {reason}")]
    Format {
        format: &'static str,
        reason: String,
    },
    #[error("cannot read {format} part `{part}`: larger than {limit_bytes} bytes decompressed")]
    PartTooLarge {
        format: &'static str,
        part: String,
        limit_bytes: u64,
    },
    #[error("document parser panicked: {message}")]
    Panicked { message: String },
    #[error("cannot start document worker `{program}`: {source}")]
    Spawn {
        program: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("document worker timed out after {timeout_ms} ms")]
    Timeout { timeout_ms: u128 },
    #[error("document worker output exceeds {limit_bytes} bytes")]
    OutputTooLarge { limit_bytes: usize },
    #[error("document worker failed ({status}): {stderr}")]
    WorkerFailed { status: String, stderr: String },
    #[error("document worker wrote invalid output: {source}")]
    BadOutput {
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot talk to document worker: {source}")]
    Io {
        #[source]
        source: io::Error,
    },
}

/// Extracts a document in this process with the parser for `kind`. Panics inside the
/// parser are caught and returned as [`DocumentError::Panicked`], but an endless loop or a
/// runaway allocation is not: untrusted input belongs in [`DocumentWorker::extract`].
pub fn extract_document(kind: DocumentKind, bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    match kind {
        DocumentKind::Pdf => extract_pdf(bytes),
        DocumentKind::Docx => extract_docx(bytes),
        DocumentKind::Odt => extract_odt(bytes),
        DocumentKind::Rtf => extract_rtf(bytes),
    }
}

/// Extracts the text and title of a PDF (see [`extract_document`] for what is guarded).
pub fn extract_pdf(bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    catch_panic(|| extract_pdf_unguarded(bytes))
}

fn extract_pdf_unguarded(bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    let pdf_error = |reason: String| DocumentError::Pdf { reason };
    let mut document =
        lopdf::Document::load_mem(bytes).map_err(|err| pdf_error(err.to_string()))?;
    if document.is_encrypted() {
        // Many PDFs are "encrypted" with an empty user password just to set permissions.
        document
            .decrypt("")
            .map_err(|err| pdf_error(format!("encrypted: {err}")))?;
    }
    check_page_objects(&document)?;
    check_page_boxes(&document)?;
    check_page_content(&document)?;
    let info_title = pdf_info_title(&document);

    let mut raw_text = String::new();
    {
        let mut output = pdf_extract::PlainTextOutput::new(&mut raw_text);
        pdf_extract::output_doc(&document, &mut output)
            .map_err(|err| pdf_error(err.to_string()))?;
    }
    let text = lines_to_blocks(&raw_text);
    let title = info_title.unwrap_or_else(|| first_line_title(&text));
    Ok(DocumentText { title, text })
}

/// Checks what pdf-extract reads for each page: its contents, its resources (its own or
/// inherited) and the page tree. pdf-extract 0.12 follows references there with `expect`
/// and reads some font keys with `expect`, so it panics on a reference to an object the
/// file does not hold (or holds in a form lopdf could not parse and dropped) and on a font
/// without the `/Subtype` or `/BaseFont` name the format requires. Checking first turns
/// those into [`DocumentError::PdfMissingObject`] and [`DocumentError::PdfFont`].
/// References elsewhere (document info, outlines, annotations) are not followed, because
/// pdf-extract does not read them either.
fn check_page_objects(document: &lopdf::Document) -> Result<(), DocumentError> {
    use lopdf::Object;

    let missing = |(number, generation): lopdf::ObjectId| DocumentError::PdfMissingObject {
        number,
        generation,
    };
    /// The dictionary `object` is or refers to; `None` for any other kind of object.
    fn resolve<'a>(
        document: &'a lopdf::Document,
        object: &'a Object,
    ) -> Result<Option<&'a lopdf::Dictionary>, DocumentError> {
        let object = match object {
            Object::Reference(id) => {
                document
                    .get_object(*id)
                    .map_err(|_| DocumentError::PdfMissingObject {
                        number: id.0,
                        generation: id.1,
                    })?
            }
            other => other,
        };
        Ok(object.as_dict().ok())
    }
    let mut seen: HashSet<lopdf::ObjectId> = HashSet::new();
    let mut pending: Vec<&Object> = Vec::new();
    for page_id in document.get_pages().into_values() {
        let Ok(page) = document.get_dictionary(page_id) else {
            continue;
        };
        pending.extend(page.get(b"Contents").ok());
        // Resources may be inherited from any node up the page tree.
        let mut node = page;
        loop {
            pending.extend(node.get(b"Resources").ok());
            let Ok(Object::Reference(parent)) = node.get(b"Parent") else {
                break;
            };
            if !seen.insert(*parent) {
                break;
            }
            match document.get_object(*parent) {
                Ok(Object::Dictionary(dict)) => node = dict,
                Ok(_) => break,
                Err(_) => return Err(missing(*parent)),
            }
        }
    }
    while let Some(object) = pending.pop() {
        match object {
            Object::Reference(id) => {
                if !seen.insert(*id) {
                    continue;
                }
                let target = document.get_object(*id).map_err(|_| missing(*id))?;
                pending.push(target);
            }
            Object::Array(items) => pending.extend(items),
            Object::Dictionary(dict) => {
                if let Ok(fonts) = dict.get(b"Font")
                    && let Some(fonts) = resolve(document, fonts)?
                {
                    for (name, font) in fonts.iter() {
                        if let Some(font) = resolve(document, font)? {
                            check_font(document, &String::from_utf8_lossy(name), font)?;
                        }
                    }
                }
                pending.extend(dict.iter().map(|(_, value)| value));
            }
            Object::Stream(stream) => pending.extend(stream.dict.iter().map(|(_, value)| value)),
            _ => {}
        }
    }
    Ok(())
}

/// `object`, or the object it refers to: one reference followed, as pdf-extract does.
fn followed<'a>(
    document: &'a lopdf::Document,
    object: &'a lopdf::Object,
) -> Option<&'a lopdf::Object> {
    match object {
        lopdf::Object::Reference(id) => document.get_object(*id).ok(),
        other => Some(other),
    }
}

/// The value of `key` in `dict`, with one reference followed.
fn value_of<'a>(
    document: &'a lopdf::Document,
    dict: &'a lopdf::Dictionary,
    key: &[u8],
) -> Option<&'a lopdf::Object> {
    followed(document, dict.get(key).ok()?)
}

/// A font of a resource dictionary has the names pdf-extract reads without a fallback:
/// `/Subtype`, and `/BaseFont` for every subtype but `Type3`.
fn check_font(
    document: &lopdf::Document,
    name: &str,
    font: &lopdf::Dictionary,
) -> Result<(), DocumentError> {
    let name_of = |key: &[u8]| {
        let object = value_of(document, font, key)?;
        object.as_name().ok().map(<[u8]>::to_vec)
    };
    let font_error = |key: &'static str| DocumentError::PdfFont {
        font: name.to_string(),
        key,
    };
    let subtype = name_of(b"Subtype").ok_or_else(|| font_error("Subtype"))?;
    if subtype != b"Type3" && name_of(b"BaseFont").is_none() {
        return Err(font_error("BaseFont"));
    }
    if subtype == b"Type0" {
        return check_composite_font(document, name, font);
    }
    if subtype == b"Type3" {
        check_type3_font(document, name, font)?;
    }
    // A simple font's encoding is a standard name, or a dictionary of differences from one.
    let named = match value_of(document, font, b"Encoding") {
        Some(lopdf::Object::Name(encoding)) => Some(encoding.clone()),
        Some(lopdf::Object::Dictionary(encoding)) => value_of(document, encoding, b"BaseEncoding")
            .and_then(|base| base.as_name().ok())
            .map(<[u8]>::to_vec),
        _ => None,
    };
    match named {
        Some(encoding) if !STANDARD_ENCODINGS.contains(&encoding.as_slice()) => {
            Err(unknown_encoding(name, &encoding))
        }
        _ => Ok(()),
    }
}

/// A `Type3` font has what pdf-extract 0.12 reads with `expect` and `assert`: an `/Encoding`
/// name or dictionary, `/FirstChar` and `/LastChar` integers, and a `/Widths` array of
/// numbers, one for each code from the first to the last.
fn check_type3_font(
    document: &lopdf::Document,
    name: &str,
    font: &lopdf::Dictionary,
) -> Result<(), DocumentError> {
    use lopdf::Object;

    let problem = |problem: &'static str| font_shape(name, problem);
    let encoding = value_of(document, font, b"Encoding");
    if !matches!(encoding, Some(Object::Name(_) | Object::Dictionary(_))) {
        return Err(problem(
            "is a Type 3 font without an /Encoding name or dictionary",
        ));
    }
    // pdf-extract takes these two as they stand, without following a reference.
    let (Ok(Object::Integer(first)), Ok(Object::Integer(last))) =
        (font.get(b"FirstChar"), font.get(b"LastChar"))
    else {
        return Err(problem(
            "is a Type 3 font without /FirstChar and /LastChar numbers",
        ));
    };
    let Some(Object::Array(widths)) = value_of(document, font, b"Widths") else {
        return Err(problem("is a Type 3 font without a /Widths array"));
    };
    let numbers = widths
        .iter()
        .all(|width| matches!(width, Object::Integer(_) | Object::Real(_)));
    let count = i64::try_from(widths.len()).unwrap_or(i64::MAX);
    if !numbers || first.checked_add(count).and_then(|end| end.checked_sub(1)) != Some(*last) {
        return Err(problem(
            "is a Type 3 font whose /Widths are not one number per code from /FirstChar to /LastChar",
        ));
    }
    Ok(())
}

/// A composite (`Type0`) font has what pdf-extract 0.12 reads with `expect`: a
/// `/DescendantFonts` array whose first item is a dictionary, and an `/Encoding` that is a
/// CMap stream or one of the names it knows (`Identity-H`, `Identity-V`).
fn check_composite_font(
    document: &lopdf::Document,
    name: &str,
    font: &lopdf::Dictionary,
) -> Result<(), DocumentError> {
    use lopdf::Object;

    let problem = |problem: &'static str| font_shape(name, problem);
    let first = match value_of(document, font, b"DescendantFonts") {
        Some(Object::Array(items)) => items.first().and_then(|item| followed(document, item)),
        _ => None,
    };
    if !matches!(first, Some(Object::Dictionary(_))) {
        return Err(problem(
            "is a composite font without a /DescendantFonts array holding a font",
        ));
    }
    match value_of(document, font, b"Encoding") {
        None => Err(problem("is a composite font without an /Encoding")),
        Some(Object::Stream(_)) => Ok(()),
        Some(Object::Name(encoding)) if encoding == b"Identity-H" || encoding == b"Identity-V" => {
            Ok(())
        }
        Some(Object::Name(encoding)) => Err(unknown_encoding(name, encoding)),
        Some(_) => Err(problem(
            "has an /Encoding that is neither a name nor a CMap",
        )),
    }
}

/// A font whose shape pdf-extract would panic on, with what is wrong in words.
fn font_shape(font: &str, problem: &'static str) -> DocumentError {
    DocumentError::PdfFontShape {
        font: font.to_string(),
        problem,
    }
}

/// A font naming an encoding pdf-extract has no table for.
fn unknown_encoding(font: &str, encoding: &[u8]) -> DocumentError {
    DocumentError::PdfEncoding {
        font: font.to_string(),
        encoding: String::from_utf8_lossy(encoding).into_owned(),
    }
}

/// The encodings pdf-extract 0.12 has tables for; it panics on any other name.
const STANDARD_ENCODINGS: [&[u8]; 3] = [
    b"MacRomanEncoding",
    b"MacExpertEncoding",
    b"WinAnsiEncoding",
];

/// A kind of operand an operator of a content stream takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    Number,
    Name,
    String,
    /// Read, but any kind will do.
    Any,
}

impl Operand {
    fn accepts(self, object: &lopdf::Object) -> bool {
        use lopdf::Object;
        match self {
            Operand::Number => matches!(object, Object::Integer(_) | Object::Real(_)),
            Operand::Name => matches!(object, Object::Name(_)),
            Operand::String => matches!(object, Object::String(..)),
            Operand::Any => true,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Operand::Number => "a number",
            Operand::Name => "a name",
            Operand::String => "a string",
            Operand::Any => "an operand",
        }
    }
}

fn describe_object(object: &lopdf::Object) -> &'static str {
    use lopdf::Object;
    match object {
        Object::Null => "null",
        Object::Boolean(_) => "a boolean",
        Object::Integer(_) | Object::Real(_) => "a number",
        Object::Name(_) => "a name",
        Object::String(..) => "a string",
        Object::Array(_) => "an array",
        Object::Dictionary(_) => "a dictionary",
        Object::Stream(_) => "a stream",
        Object::Reference(_) => "a reference",
    }
}

/// The operators of a page's content stream whose operands pdf-extract 0.12 reads without
/// checking them, what it reads, and whether it asserts on their exact count. It indexes
/// the operands, so too few panic, and `unwrap`s the kind it expects, so another kind
/// panics. (The colour operators `SC`, `SCN`, `sc` and `scn` are read as numbers only in
/// some colour spaces and are not checked here.)
const READ_OPERANDS: &[(&str, &[Operand], bool)] = {
    use Operand::{Any, Name, Number as N, String};
    &[
        ("cm", &[N, N, N, N, N, N], true),
        ("Tm", &[N, N, N, N, N, N], true),
        ("Td", &[N, N], true),
        ("TD", &[N, N], true),
        ("Tf", &[Name, N], false),
        ("Tc", &[N], false),
        ("Tw", &[N], false),
        ("Tz", &[N], false),
        ("TL", &[N], false),
        ("Ts", &[N], false),
        ("Tj", &[String], false),
        ("TJ", &[Any], false),
        ("CS", &[Name], false),
        ("cs", &[Name], false),
        ("gs", &[Name], false),
        ("Do", &[Name], false),
        ("w", &[N], false),
        ("m", &[N, N], false),
        ("l", &[N, N], false),
        ("c", &[N, N, N, N, N, N], false),
        ("v", &[N, N, N, N], false),
        ("y", &[N, N, N, N], false),
        ("re", &[N, N, N, N], false),
    ]
};

/// Checks the page boxes pdf-extract 0.12 reads with `expect` and indexing: each page's
/// `/MediaBox` (its own, or else the nearest one up the page tree) and its own `/ArtBox`, when
/// present, must be arrays of at least four numbers. A page with no media box anywhere (a
/// broken `/Parent` cuts it off from the box the page tree holds) or a box of two numbers
/// made it panic; each is now [`DocumentError::PdfContent`], naming the page.
fn check_page_boxes(document: &lopdf::Document) -> Result<(), DocumentError> {
    use lopdf::Object;

    /// The array `key` holds or refers to, as pdf-extract finds it.
    fn array<'a>(
        document: &'a lopdf::Document,
        dict: &'a lopdf::Dictionary,
        key: &[u8],
    ) -> Option<&'a Vec<Object>> {
        value_of(document, dict, key)?.as_array().ok()
    }
    fn is_box(items: &[Object]) -> bool {
        items.len() >= 4
            && items
                .iter()
                .all(|item| matches!(item, Object::Integer(_) | Object::Real(_)))
    }
    for (page, page_id) in document.get_pages() {
        let Ok(page_dict) = document.get_dictionary(page_id) else {
            continue;
        };
        let problem = |problem: &str| DocumentError::PdfContent {
            page,
            problem: problem.to_string(),
        };
        let mut media_box = None;
        let mut node = page_dict;
        let mut seen: HashSet<lopdf::ObjectId> = HashSet::new();
        loop {
            if let Some(items) = array(document, node, b"MediaBox") {
                media_box = Some(items);
                break;
            }
            let Ok(Object::Reference(parent)) = node.get(b"Parent") else {
                break;
            };
            if !seen.insert(*parent) {
                break;
            }
            match document.get_dictionary(*parent) {
                Ok(dict) => node = dict,
                Err(_) => break,
            }
        }
        match media_box {
            None => return Err(problem("it has no /MediaBox, nor does any node above it")),
            Some(items) if !is_box(items) => {
                return Err(problem("its /MediaBox is not four numbers"));
            }
            Some(_) => {}
        }
        if let Some(items) = array(document, page_dict, b"ArtBox")
            && !is_box(items)
        {
            return Err(problem("its /ArtBox is not four numbers"));
        }
    }
    Ok(())
}

/// Checks each page's content stream the way pdf-extract 0.12 reads it: it `unwrap`s the
/// decoded stream, indexes and `unwrap`s the operands of the operators in
/// [`READ_OPERANDS`], and looks up the font each `Tf` selects in the page's resources with
/// `expect`. So a stream that does not decode, an operator with too few operands or one of
/// the wrong kind (a number where `Tf` takes a font name), or a font the resources do not
/// hold made it panic, as did text shown before any `Tf` selected a font; each is now
/// [`DocumentError::PdfContent`], naming the page. The content of form objects drawn with
/// `Do` is not checked.
fn check_page_content(document: &lopdf::Document) -> Result<(), DocumentError> {
    for (page, page_id) in document.get_pages() {
        let problem = |problem: String| DocumentError::PdfContent { page, problem };
        let Ok(page_dict) = document.get_dictionary(page_id) else {
            continue;
        };
        let content = document
            .get_page_content(page_id)
            .map_err(|err| problem(format!("its content streams cannot be read: {err}")))?;
        let content = lopdf::content::Content::decode(&content)
            .map_err(|err| problem(format!("its content stream does not parse: {err}")))?;
        let fonts = page_fonts(document, page_dict);
        // Whether a font is selected, saved and restored with the graphics state as `q` and
        // `Q` do: pdf-extract unwraps the current font when text is shown.
        let mut font_selected = false;
        let mut saved: Vec<bool> = Vec::new();
        for operation in &content.operations {
            let operator = operation.operator.as_str();
            match operator {
                "q" => saved.push(font_selected),
                "Q" => font_selected = saved.pop().unwrap_or(font_selected),
                "Tf" => font_selected = true,
                "Tj" | "TJ" if !font_selected => {
                    return Err(problem(format!(
                        "`{operator}` shows text before a `Tf` selects a font"
                    )));
                }
                _ => {}
            }
            let Some((_, wanted, exact)) =
                READ_OPERANDS.iter().find(|(name, _, _)| *name == operator)
            else {
                continue;
            };
            let found = operation.operands.len();
            if found < wanted.len() || (*exact && found != wanted.len()) {
                return Err(problem(format!(
                    "`{operator}` has {found} operand(s), not {}",
                    wanted.len()
                )));
            }
            for (number, (kind, operand)) in wanted.iter().zip(&operation.operands).enumerate() {
                if !kind.accepts(operand) {
                    return Err(problem(format!(
                        "operand {} of `{operator}` is {}, not {}",
                        number + 1,
                        describe_object(operand),
                        kind.describe()
                    )));
                }
            }
            if operator == "Tf"
                && let Some(lopdf::Object::Name(font)) = operation.operands.first()
            {
                let font = String::from_utf8_lossy(font);
                match fonts {
                    None => {
                        return Err(problem(format!(
                            "`Tf` selects font /{font}, but the page's resources have no /Font dictionary"
                        )));
                    }
                    Some(fonts)
                        if dereference_dict(document, fonts.get(font.as_bytes()).ok())
                            .is_none() =>
                    {
                        return Err(problem(format!(
                            "`Tf` selects font /{font}, which the page's resources do not hold"
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    Ok(())
}

/// The dictionary `object` is or refers to.
fn dereference_dict<'a>(
    document: &'a lopdf::Document,
    object: Option<&'a lopdf::Object>,
) -> Option<&'a lopdf::Dictionary> {
    let object = match object? {
        lopdf::Object::Reference(id) => document.get_object(*id).ok()?,
        other => other,
    };
    object.as_dict().ok()
}

/// The /Font dictionary of a page's resources, its own or inherited from the page tree, as
/// pdf-extract finds it.
fn page_fonts<'a>(
    document: &'a lopdf::Document,
    page: &'a lopdf::Dictionary,
) -> Option<&'a lopdf::Dictionary> {
    let mut seen: HashSet<lopdf::ObjectId> = HashSet::new();
    let mut node = page;
    let resources = loop {
        if let Some(resources) = dereference_dict(document, node.get(b"Resources").ok()) {
            break resources;
        }
        let Ok(lopdf::Object::Reference(parent)) = node.get(b"Parent") else {
            return None;
        };
        if !seen.insert(*parent) {
            return None;
        }
        node = document.get_dictionary(*parent).ok()?;
    };
    dereference_dict(document, resources.get(b"Font").ok())
}

fn pdf_info_title(document: &lopdf::Document) -> Option<String> {
    let dereference = |object: &'_ lopdf::Object| -> Option<lopdf::Object> {
        match object {
            lopdf::Object::Reference(id) => document.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let info = dereference(document.trailer.get(b"Info").ok()?)?;
    let title = dereference(info.as_dict().ok()?.get(b"Title").ok()?)?;
    let title = collapse_whitespace(&lopdf::decode_text_string(&title).ok()?);
    (!title.is_empty()).then_some(title)
}

/// Extracts the text of a DOCX (paragraphs of `word/document.xml`) and its title
/// (`dc:title` in `docProps/core.xml`), reading at most [`MAX_ZIP_PART_BYTES`] of a part.
pub fn extract_docx(bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    catch_panic(|| extract_docx_unguarded(bytes))
}

fn extract_docx_unguarded(bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    const FORMAT: &str = "DOCX";
    let mut archive = open_zip(FORMAT, bytes)?;
    let body_xml = read_zip_part(
        FORMAT,
        &mut archive,
        "word/document.xml",
        MAX_ZIP_PART_BYTES,
    )?
    .ok_or_else(|| DocumentError::Format {
        format: FORMAT,
        reason: "no `word/document.xml` part".to_string(),
    })?;
    let text = docx_paragraphs(&body_xml)?;

    let core_xml = read_zip_part(
        FORMAT,
        &mut archive,
        "docProps/core.xml",
        MAX_ZIP_PART_BYTES,
    )?;
    let core_title = core_xml.as_deref().and_then(xml_title);
    let title = core_title.unwrap_or_else(|| first_line_title(&text));
    Ok(DocumentText { title, text })
}

/// Extracts the text of an OpenDocument text file (paragraphs and headings of
/// `content.xml`) and its title (`dc:title` in `meta.xml`), reading at most
/// [`MAX_ZIP_PART_BYTES`] of a part.
pub fn extract_odt(bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    catch_panic(|| extract_odt_unguarded(bytes, MAX_ZIP_PART_BYTES))
}

fn extract_odt_unguarded(bytes: &[u8], limit_bytes: u64) -> Result<DocumentText, DocumentError> {
    const FORMAT: &str = "ODT";
    let mut archive = open_zip(FORMAT, bytes)?;
    let content_xml =
        read_zip_part(FORMAT, &mut archive, "content.xml", limit_bytes)?.ok_or_else(|| {
            DocumentError::Format {
                format: FORMAT,
                reason: "no `content.xml` part".to_string(),
            }
        })?;
    let text = odt_paragraphs(&content_xml)?;

    let meta_xml = read_zip_part(FORMAT, &mut archive, "meta.xml", limit_bytes)?;
    let meta_title = meta_xml.as_deref().and_then(xml_title);
    let title = meta_title.unwrap_or_else(|| first_line_title(&text));
    Ok(DocumentText { title, text })
}

/// Extracts the text of an RTF document with the `rtf-parser` crate; the title is its
/// first line.
pub fn extract_rtf(bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    catch_panic(|| extract_rtf_unguarded(bytes))
}

fn extract_rtf_unguarded(bytes: &[u8]) -> Result<DocumentText, DocumentError> {
    // RTF is 7-bit text; anything else is escaped inside it, so a lossy decode loses
    // nothing a conforming file holds.
    let source = String::from_utf8_lossy(bytes);
    // The parser drops `\par` without a trace, running paragraphs together; a Unicode
    // line feed in its place keeps them apart.
    let source = RTF_PARAGRAPH.replace_all(&source, "\\u10 $1");
    let document = rtf_parser::RtfDocument::try_from(source.as_ref()).map_err(|err| {
        DocumentError::Format {
            format: "RTF",
            reason: err.to_string(),
        }
    })?;
    let text = lines_to_blocks(&document.get_text());
    let title = first_line_title(&text);
    Ok(DocumentText { title, text })
}

/// An RTF `\par` control word and the character after it (the word ends at a
/// non-letter; a space there belongs to the word).
static RTF_PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\par(?: |([^a-zA-Z])|$)").expect("the pattern is a valid regex")
});

fn open_zip<'a>(
    format: &'static str,
    bytes: &'a [u8],
) -> Result<zip::ZipArchive<Cursor<&'a [u8]>>, DocumentError> {
    zip::ZipArchive::new(Cursor::new(bytes)).map_err(|err| DocumentError::Format {
        format,
        reason: err.to_string(),
    })
}

fn read_zip_part(
    format: &'static str,
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    part: &str,
    limit_bytes: u64,
) -> Result<Option<String>, DocumentError> {
    let file = match archive.by_name(part) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(err) => {
            return Err(DocumentError::Format {
                format,
                reason: format!("`{part}`: {err}"),
            });
        }
    };
    // Read one byte past the limit to tell "exactly at the limit" from "over it"; the
    // declared size in the zip header can lie, so it is not trusted.
    let mut data: Vec<u8> = Vec::new();
    file.take(limit_bytes + 1)
        .read_to_end(&mut data)
        .map_err(|err| DocumentError::Format {
            format,
            reason: format!("`{part}`: {err}"),
        })?;
    if data.len() as u64 > limit_bytes {
        return Err(DocumentError::PartTooLarge {
            format,
            part: part.to_string(),
            limit_bytes,
        });
    }
    Ok(Some(String::from_utf8_lossy(&data).into_owned()))
}

/// The text of each `<w:p>` paragraph as one block; tabs and breaks become spaces.
fn docx_paragraphs(xml: &str) -> Result<String, DocumentError> {
    let mut reader = Reader::from_str(xml);
    let mut blocks: Vec<String> = Vec::new();
    let mut paragraph = String::new();
    let mut in_text = false;
    loop {
        let event = reader.read_event().map_err(|err| DocumentError::Format {
            format: "DOCX",
            reason: format!("`word/document.xml`: {err}"),
        })?;
        match event {
            Event::Start(start) => {
                in_text = start.local_name().into_inner() == "t";
            }
            Event::Empty(empty) => {
                if matches!(empty.local_name().into_inner(), "tab" | "br" | "cr") {
                    paragraph.push(' ');
                }
            }
            Event::End(end) => {
                in_text = false;
                if end.local_name().into_inner() == "p" {
                    push_block(&mut paragraph, &mut blocks);
                }
            }
            Event::Text(text) if in_text => paragraph.push_str(&text.xml10_content()),
            Event::CData(data) if in_text => paragraph.push_str(&data.xml10_content()),
            Event::GeneralRef(reference) if in_text => {
                if let Some(resolved) = xml_reference_text(&reference) {
                    paragraph.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    push_block(&mut paragraph, &mut blocks);
    Ok(blocks.join("\n"))
}

/// The text of each `<text:p>` and `<text:h>` as one block. Text sits directly in them
/// and in their spans and links; `<text:s/>` is a space, tabs and line breaks too.
fn odt_paragraphs(xml: &str) -> Result<String, DocumentError> {
    let mut reader = Reader::from_str(xml);
    let mut blocks: Vec<String> = Vec::new();
    let mut paragraph = String::new();
    // How many paragraphs or headings enclose the reader (notes nest paragraphs).
    let mut depth: usize = 0;
    loop {
        let event = reader.read_event().map_err(|err| DocumentError::Format {
            format: "ODT",
            reason: format!("`content.xml`: {err}"),
        })?;
        match event {
            Event::Start(start) => {
                if matches!(start.local_name().into_inner(), "p" | "h") {
                    depth += 1;
                }
            }
            Event::Empty(empty) => {
                let name = empty.local_name();
                if depth > 0 && matches!(name.into_inner(), "s" | "tab" | "line-break") {
                    paragraph.push(' ');
                }
            }
            Event::End(end) => {
                if matches!(end.local_name().into_inner(), "p" | "h") {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        push_block(&mut paragraph, &mut blocks);
                    }
                }
            }
            Event::Text(text) if depth > 0 => paragraph.push_str(&text.xml10_content()),
            Event::CData(data) if depth > 0 => paragraph.push_str(&data.xml10_content()),
            Event::GeneralRef(reference) if depth > 0 => {
                if let Some(resolved) = xml_reference_text(&reference) {
                    paragraph.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    push_block(&mut paragraph, &mut blocks);
    Ok(blocks.join("\n"))
}

fn push_block(paragraph: &mut String, blocks: &mut Vec<String>) {
    let block = collapse_whitespace(paragraph);
    if !block.is_empty() {
        blocks.push(block);
    }
    paragraph.clear();
}

/// The `dc:title` of a DOCX `docProps/core.xml` or an ODT `meta.xml`.
fn xml_title(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut in_title = false;
    let mut title = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => in_title = start.local_name().into_inner() == "title",
            Event::End(_) if in_title => break,
            Event::Text(text) if in_title => title.push_str(&text.xml10_content()),
            Event::GeneralRef(reference) if in_title => {
                title.push_str(&xml_reference_text(&reference)?);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let title = collapse_whitespace(&title);
    (!title.is_empty()).then_some(title)
}

fn first_line_title(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    first.chars().take(MAX_TITLE_CHARS).collect()
}

fn catch_panic<T>(work: impl FnOnce() -> Result<T, DocumentError>) -> Result<T, DocumentError> {
    panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(DocumentError::Panicked { message })
    })
}

/// Entry point of the isolated document worker (`offer-search extract-document`): reads one
/// document from stdin and writes `{"title", "text"}` JSON to stdout. Returns the exit code:
/// 0 on success, 1 when the document cannot be extracted (the reason on stderr), 2 for an
/// unknown `kind`.
pub fn worker_main(kind: &str) -> i32 {
    let Some(kind) = DocumentKind::parse(kind) else {
        eprintln!("unknown document kind `{kind}`: expected `pdf`, `docx`, `odt` or `rtf`");
        return 2;
    };

    let mut bytes: Vec<u8> = Vec::new();
    if let Err(err) = io::stdin()
        .lock()
        .take(MAX_WORKER_INPUT_BYTES)
        .read_to_end(&mut bytes)
    {
        eprintln!("cannot read document from stdin: {err}");
        return 1;
    }

    // The parsers' own panic messages would go to stderr anyway; keep them short there.
    panic::set_hook(Box::new(|info| {
        eprintln!("document parser panicked: {info}")
    }));
    let extracted = match extract_document(kind, &bytes) {
        Ok(extracted) => extracted,
        Err(err) => {
            eprintln!("{err}");
            return 1;
        }
    };

    let mut stdout = io::stdout().lock();
    let written = serde_json::to_writer(&mut stdout, &extracted)
        .map_err(io::Error::other)
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("cannot write extracted text: {err}");
            1
        }
    }
}

/// Limits for one run of the document worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerLimits {
    /// Wall-clock time before the worker is killed.
    pub timeout: Duration,
    /// Address-space limit (`RLIMIT_AS`) of the worker process, in bytes.
    pub memory_bytes: u64,
    /// Largest JSON output accepted; a worker writing more is killed.
    pub max_output_bytes: usize,
}

impl WorkerLimits {
    /// The limits in `config` (`document_timeout_secs`, `document_memory_mb`).
    pub fn from_config(config: &CrawlConfig) -> WorkerLimits {
        WorkerLimits {
            timeout: config.document_timeout,
            memory_bytes: config.document_memory_mb.saturating_mul(1024 * 1024),
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
        }
    }
}

/// How to start the isolated document worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentWorker {
    /// The program to run with `extract-document --kind KIND`; normally this executable.
    pub program: PathBuf,
    pub limits: WorkerLimits,
}

impl DocumentWorker {
    /// A worker running `program`, or this executable when `None`.
    ///
    /// Fails only when `program` is `None` and the path of this executable is unknown.
    pub fn new(program: Option<PathBuf>, limits: WorkerLimits) -> io::Result<DocumentWorker> {
        let program = match program {
            Some(program) => program,
            None => std::env::current_exe()?,
        };
        Ok(DocumentWorker { program, limits })
    }

    /// Extracts one document in a fresh child process under [`WorkerLimits`].
    ///
    /// Each call costs one process start (a few milliseconds). The child is killed when the
    /// timeout passes, when its output passes the cap, or when this future is dropped.
    pub async fn extract(
        &self,
        kind: DocumentKind,
        bytes: &[u8],
    ) -> Result<DocumentText, DocumentError> {
        let mut command = tokio::process::Command::new(&self.program);
        command
            .arg("extract-document")
            .arg("--kind")
            .arg(kind.as_str())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let memory_bytes = self.limits.memory_bytes;
        // CPU seconds as a second line of defence should the wall-clock kill fail.
        let cpu_secs = self.limits.timeout.as_secs().saturating_add(2);
        // SAFETY: the closure runs in the forked child before exec and only calls
        // setrlimit, which is async-signal-safe; it allocates nothing and takes no locks.
        unsafe {
            command.pre_exec(move || limit_child_resources(memory_bytes, cpu_secs));
        }

        let mut child = command.spawn().map_err(|source| DocumentError::Spawn {
            program: self.program.clone(),
            source,
        })?;
        let (Some(mut stdin), Some(mut stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(DocumentError::Io {
                source: io::Error::other("child pipes were not created"),
            });
        };

        let input = bytes.to_vec();
        // The child may exit without reading everything (a bad header is enough to fail),
        // so a broken pipe here is expected and not an error of its own.
        let feeder = tokio::spawn(async move {
            let _ = stdin.write_all(&input).await;
            let _ = stdin.shutdown().await;
        });
        let stderr_reader = tokio::spawn(read_excerpt(stderr, STDERR_EXCERPT_BYTES));

        let max_output_bytes = self.limits.max_output_bytes;
        let run = async {
            let output = read_capped(&mut stdout, max_output_bytes).await?;
            let status = child
                .wait()
                .await
                .map_err(|source| DocumentError::Io { source })?;
            Ok::<_, DocumentError>((output, status))
        };
        let finished = tokio::time::timeout(self.limits.timeout, run).await;
        feeder.abort();

        let (output, status) = match finished {
            Ok(Ok(done)) => done,
            Ok(Err(err)) => {
                kill(&mut child).await;
                stderr_reader.abort();
                return Err(err);
            }
            Err(_elapsed) => {
                kill(&mut child).await;
                stderr_reader.abort();
                return Err(DocumentError::Timeout {
                    timeout_ms: self.limits.timeout.as_millis(),
                });
            }
        };
        let stderr_excerpt = stderr_reader.await.unwrap_or_default();

        if !status.success() {
            return Err(DocumentError::WorkerFailed {
                status: status.to_string(),
                stderr: collapse_whitespace(&stderr_excerpt),
            });
        }
        serde_json::from_slice(&output).map_err(|source| DocumentError::BadOutput { source })
    }
}

async fn kill(child: &mut tokio::process::Child) {
    // The child may have exited already; either way it must be reaped.
    let _ = child.start_kill();
    let _ = child.wait().await;
}

/// Reads everything, failing as soon as more than `limit_bytes` arrive.
async fn read_capped(
    reader: &mut (impl AsyncRead + Unpin),
    limit_bytes: usize,
) -> Result<Vec<u8>, DocumentError> {
    let mut output: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let read = reader
            .read(&mut chunk)
            .await
            .map_err(|source| DocumentError::Io { source })?;
        if read == 0 {
            return Ok(output);
        }
        if output.len() + read > limit_bytes {
            return Err(DocumentError::OutputTooLarge { limit_bytes });
        }
        output.extend_from_slice(&chunk[..read]);
    }
}

/// Keeps the first `keep_bytes` of a stream and drains the rest, so a chatty child never
/// blocks on a full stderr pipe.
async fn read_excerpt(mut reader: impl AsyncRead + Unpin, keep_bytes: usize) -> String {
    let mut kept: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 8 * 1024];
    while let Ok(read) = reader.read(&mut chunk).await {
        if read == 0 {
            break;
        }
        let room = keep_bytes.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..read.min(room)]);
    }
    String::from_utf8_lossy(&kept).into_owned()
}

fn limit_child_resources(memory_bytes: u64, cpu_secs: u64) -> io::Result<()> {
    set_limit(libc::RLIMIT_AS, memory_bytes)?;
    set_limit(libc::RLIMIT_CPU, cpu_secs)?;
    // A crashing parser must not leave a core file per bad document.
    set_limit(libc::RLIMIT_CORE, 0)
}

#[cfg(target_os = "linux")]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(target_os = "linux"))]
type Resource = libc::c_int;

fn set_limit(resource: Resource, value: u64) -> io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value as libc::rlim_t,
        rlim_max: value as libc::rlim_t,
    };
    // SAFETY: `limit` is a valid rlimit that outlives the call.
    let result = unsafe { libc::setrlimit(resource, &limit) };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// Builds a small DOCX in memory with the given body XML and optional core properties.
    fn docx(body_xml: &str, core_xml: Option<&str>) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            writer.start_file("word/document.xml", options)?;
            writer.write_all(body_xml.as_bytes())?;
            if let Some(core) = core_xml {
                writer.start_file("docProps/core.xml", options)?;
                writer.write_all(core.as_bytes())?;
            }
            writer.finish()?;
        }
        Ok(buffer.into_inner())
    }

    const BODY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Referral</w:t></w:r><w:r><w:t xml:space="preserve"> form</w:t></w:r></w:p>
<w:p><w:r><w:t>Name:</w:t><w:tab/><w:t>Parent &amp; carer</w:t></w:r></w:p>
<w:p></w:p>
<w:p><w:r><w:t>Cost &#163;5</w:t></w:r></w:p>
</w:body></w:document>"#;

    const CORE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Request  form</dc:title>
<dc:creator>Someone</dc:creator></cp:coreProperties>"#;

    #[test]
    fn docx_text_and_title() -> TestResult {
        let extracted = extract_docx(&docx(BODY, Some(CORE))?)?;
        assert_eq!(extracted.title, "Request form");
        assert_eq!(
            extracted.text,
            "Referral form\nName: Parent & carer\nCost £5"
        );
        Ok(())
    }

    #[test]
    fn docx_title_falls_back_to_first_line() -> TestResult {
        let extracted = extract_docx(&docx(BODY, None)?)?;
        assert_eq!(extracted.title, "Referral form");
        Ok(())
    }

    #[test]
    fn docx_without_body_part() -> TestResult {
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            writer.start_file("other.xml", zip::write::SimpleFileOptions::default())?;
            writer.write_all(b"<x/>")?;
            writer.finish()?;
        }
        let err = extract_docx(buffer.get_ref()).unwrap_err();
        assert!(err.to_string().contains("word/document.xml"), "{err}");
        Ok(())
    }

    #[test]
    fn docx_bomb_is_refused() -> TestResult {
        // 80 MiB of zeros deflate to a few tens of KiB: a bomb in miniature.
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            writer.start_file("word/document.xml", options)?;
            let zeros = vec![b' '; 1024 * 1024];
            for _ in 0..80 {
                writer.write_all(&zeros)?;
            }
            writer.finish()?;
        }
        assert!(buffer.get_ref().len() < 1024 * 1024);
        let err = extract_docx(buffer.get_ref()).unwrap_err();
        assert!(matches!(err, DocumentError::PartTooLarge { .. }), "{err}");
        Ok(())
    }

    /// Builds a small ODT in memory: the `mimetype` entry first and stored, as the format
    /// asks, then `content.xml` and an optional `meta.xml`.
    fn odt(
        content_xml: &str,
        meta_xml: Option<&str>,
    ) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            writer.start_file("mimetype", stored)?;
            writer.write_all(ODT_TYPE.as_bytes())?;
            let deflated = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            writer.start_file("content.xml", deflated)?;
            writer.write_all(content_xml.as_bytes())?;
            if let Some(meta) = meta_xml {
                writer.start_file("meta.xml", deflated)?;
                writer.write_all(meta.as_bytes())?;
            }
            writer.finish()?;
        }
        Ok(buffer.into_inner())
    }

    const ODT_CONTENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>
<text:h text:outline-level="1">Short breaks</text:h>
<text:p>Short breaks give<text:s/>families a <text:span>rest</text:span> &amp; a change.</text:p>
<text:p/>
<text:p>Call us<text:tab/>on 0100<text:line-break/>any weekday.</text:p>
</office:text></office:body></office:document-content>"#;

    const ODT_META: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><dc:title>Short breaks statement</dc:title>
</office:meta></office:document-meta>"#;

    #[test]
    fn odt_text_and_title() -> TestResult {
        let bytes = odt(ODT_CONTENT, Some(ODT_META))?;
        let extracted = extract_odt(&bytes)?;
        assert_eq!(extracted.title, "Short breaks statement");
        assert_eq!(
            extracted.text,
            "Short breaks\nShort breaks give families a rest & a change.\nCall us on 0100 any weekday."
        );
        let untitled = extract_odt(&odt(ODT_CONTENT, None)?)?;
        assert_eq!(untitled.title, "Short breaks");
        Ok(())
    }

    #[test]
    fn odt_found_by_its_mimetype_entry() -> TestResult {
        let bytes = odt(ODT_CONTENT, None)?;
        let anywhere = Url::parse("http://example.test/download?id=7")?;
        assert_eq!(
            DocumentKind::detect("application/octet-stream", &anywhere, &bytes),
            Some(DocumentKind::Odt)
        );
        assert_eq!(
            DocumentKind::detect(ODT_TYPE, &anywhere, b""),
            Some(DocumentKind::Odt)
        );
        Ok(())
    }

    #[test]
    fn rtf_text() -> TestResult {
        let rtf = br"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Short breaks\par
Families can ask for a {\b short break}.\par
}";
        let extracted = extract_rtf(rtf)?;
        assert_eq!(
            extracted.text,
            "Short breaks\nFamilies can ask for a short break."
        );
        assert_eq!(extracted.title, "Short breaks");
        let url = Url::parse("http://example.test/statement.rtf")?;
        assert_eq!(
            DocumentKind::detect("application/octet-stream", &url, rtf),
            Some(DocumentKind::Rtf)
        );
        Ok(())
    }

    #[test]
    fn odt_part_over_the_cap_is_refused() -> TestResult {
        // The same check as at the real cap (the worker test meets that one), at 1 MiB so
        // the bomb is quick to build: 4 MiB of one character deflates to a few KiB.
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            writer.start_file("content.xml", options)?;
            writer.write_all(&vec![b'a'; 4 * 1024 * 1024])?;
            writer.finish()?;
        }
        assert!(buffer.get_ref().len() < 64 * 1024);
        let err = extract_odt_unguarded(buffer.get_ref(), 1024 * 1024).unwrap_err();
        assert!(
            matches!(err, DocumentError::PartTooLarge { format: "ODT", .. }),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn entity_bomb_expands_to_nothing() -> TestResult {
        // "Billion laughs": each entity is ten of the one before. Only the predefined
        // entities are ever resolved, so the nine levels stay unexpanded.
        let mut dtd = String::from("<!DOCTYPE w:document [<!ENTITY lol0 \"lol\">");
        for level in 1..10 {
            let previous = format!("&lol{};", level - 1).repeat(10);
            dtd.push_str(&format!("<!ENTITY lol{level} \"{previous}\">"));
        }
        dtd.push_str("]>");
        let body = format!(
            "<?xml version=\"1.0\"?>{dtd}<w:document xmlns:w=\"w\"><w:body><w:p><w:r>\
             <w:t>Before &lol9; after</w:t></w:r></w:p></w:body></w:document>"
        );
        let extracted = extract_docx(&docx(&body, None)?)?;
        assert!(extracted.text.len() < 100, "{}", extracted.text.len());
        assert!(extracted.text.starts_with("Before"), "{}", extracted.text);
        Ok(())
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let garbage = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer";
        assert!(extract_pdf(garbage).is_err());
        assert!(extract_pdf(b"").is_err());
        assert!(extract_docx(b"PK\x03\x04 not really a zip").is_err());
        assert!(extract_odt(b"PK\x03\x04 not really a zip").is_err());
        assert!(extract_rtf(b"not rtf at all").is_err());
    }

    #[test]
    fn kind_detection() -> TestResult {
        let pdf_url = Url::parse("http://example.test/a/Form.PDF")?;
        let docx_url = Url::parse("http://example.test/a/form.docx")?;
        assert_eq!(
            DocumentKind::detect("application/pdf", &pdf_url, b""),
            Some(DocumentKind::Pdf)
        );
        assert_eq!(
            DocumentKind::detect("application/octet-stream", &pdf_url, b"%PDF-1.7"),
            Some(DocumentKind::Pdf)
        );
        assert_eq!(
            DocumentKind::detect("application/octet-stream", &docx_url, b"PK\x03\x04rest"),
            Some(DocumentKind::Docx)
        );
        assert_eq!(
            DocumentKind::detect("application/octet-stream", &pdf_url, b"PK\x03\x04"),
            None
        );
        assert_eq!(DocumentKind::detect("text/css", &pdf_url, b"%PDF-"), None);
        Ok(())
    }

    #[test]
    fn worker_limits_from_config() {
        let limits = WorkerLimits::from_config(&CrawlConfig::default());
        assert_eq!(limits.memory_bytes, 1024 * 1024 * 1024);
        assert_eq!(limits.timeout, Duration::from_secs(20));
    }

    fn script_worker(
        script: &str,
        limits: WorkerLimits,
    ) -> Result<(tempfile::TempDir, DocumentWorker), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("worker.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n"))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        let worker = DocumentWorker {
            program: path,
            limits,
        };
        Ok((dir, worker))
    }

    fn quick_limits() -> WorkerLimits {
        WorkerLimits {
            timeout: Duration::from_millis(1500),
            memory_bytes: 512 * 1024 * 1024,
            max_output_bytes: 4096,
        }
    }

    #[tokio::test]
    async fn worker_output_is_parsed() -> TestResult {
        let (_dir, worker) = script_worker(
            r#"cat > /dev/null; printf '{"title":"T","text":"body"}'"#,
            quick_limits(),
        )?;
        let extracted = worker.extract(DocumentKind::Pdf, b"%PDF-").await?;
        assert_eq!(extracted.title, "T");
        assert_eq!(extracted.text, "body");
        Ok(())
    }

    #[tokio::test]
    async fn endless_worker_is_killed() -> TestResult {
        let (_dir, worker) = script_worker("exec sleep 30", quick_limits())?;
        let started = std::time::Instant::now();
        let err = worker
            .extract(DocumentKind::Pdf, b"%PDF-")
            .await
            .unwrap_err();
        assert!(matches!(err, DocumentError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
        Ok(())
    }

    #[tokio::test]
    async fn failing_worker_reports_stderr() -> TestResult {
        let (_dir, worker) = script_worker("echo 'it broke' >&2; exit 3", quick_limits())?;
        let err = worker.extract(DocumentKind::Docx, b"PK").await.unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, DocumentError::WorkerFailed { .. }),
            "{message}"
        );
        assert!(message.contains("it broke"), "{message}");
        Ok(())
    }

    #[tokio::test]
    async fn flooding_worker_is_cut_off() -> TestResult {
        let (_dir, worker) = script_worker("exec yes", quick_limits())?;
        let err = worker.extract(DocumentKind::Pdf, b"").await.unwrap_err();
        assert!(matches!(err, DocumentError::OutputTooLarge { .. }), "{err}");
        Ok(())
    }

    #[tokio::test]
    async fn garbage_output_is_an_error() -> TestResult {
        let (_dir, worker) = script_worker("echo not json", quick_limits())?;
        let err = worker.extract(DocumentKind::Pdf, b"").await.unwrap_err();
        assert!(matches!(err, DocumentError::BadOutput { .. }), "{err}");
        Ok(())
    }

    #[tokio::test]
    async fn memory_limit_applies_to_the_child() -> TestResult {
        // `ulimit -v` prints the address-space limit in KiB as the child sees it.
        let (_dir, worker) = script_worker(
            r#"cat > /dev/null; printf '{"title":"%s","text":""}' "$(ulimit -v)""#,
            quick_limits(),
        )?;
        let extracted = worker.extract(DocumentKind::Pdf, b"").await?;
        assert_eq!(extracted.title, (512 * 1024).to_string());
        Ok(())
    }

    #[tokio::test]
    async fn missing_program_is_a_spawn_error() {
        let worker = DocumentWorker {
            program: PathBuf::from("/nonexistent/offer-search-worker"),
            limits: quick_limits(),
        };
        let err = worker.extract(DocumentKind::Pdf, b"").await.unwrap_err();
        assert!(matches!(err, DocumentError::Spawn { .. }), "{err}");
        assert!(
            err.to_string().contains("/nonexistent/offer-search-worker"),
            "{err}"
        );
    }
}
