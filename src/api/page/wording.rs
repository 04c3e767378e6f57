//! What the search page says, written for parents, carers and young people.
//!
//! Messages avoid the API's terms (`offset`, `kind`, parameter names): a family who meets
//! one sees what went wrong and what to do next.

use crate::record::Kind;

/// A problem with what was asked, as the page explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The sentence shown in the error summary (and beside the search box for an empty
    /// search).
    pub message: &'static str,
    /// Whether the search box itself is the problem: the summary then links to it and the
    /// box is marked as in error.
    pub about_search_box: bool,
}

/// The plain-language problem behind an API error code from `/search`.
pub fn problem_for_code(code: &str) -> Problem {
    let (message, about_search_box) = match code {
        "empty_query" => ("Enter a word or phrase to search for", true),
        "bad_limit" => (
            "The number of results to show on each page must be a whole number, 1 or more \
             (a page shows at most 50)",
            false,
        ),
        "bad_offset" => (
            "That page of results does not exist. Start again from the first page",
            false,
        ),
        "bad_kind" => (
            "That type of result is not one we know. Choose web pages or documents",
            false,
        ),
        "bad_section" => (
            "That topic is not on this website. Search all topics instead",
            false,
        ),
        "bad_audience" => (
            "Part of the web address for this search is not right. Search again, and tick \
             the box if you are a professional",
            false,
        ),
        _ => (
            "Part of the web address for this search is not right. Start a new search",
            false,
        ),
    };
    Problem {
        message,
        about_search_box,
    }
}

/// What the page says when search cannot answer at all.
pub const UNAVAILABLE_HEADING: &str = "Sorry, search is not working right now";
pub const UNAVAILABLE_TEXT: &str =
    "Please try again later. You can still find information by going to the home page.";

/// The search form's audience box, and the tag on results written for professionals.
pub const AUDIENCE_LABEL: &str = "I am a professional";
pub const AUDIENCE_HINT: &str = "Show pages for people who work with children and young \
    people first, such as in schools, nurseries, health or social care";
pub const PROFESSIONAL_TAG: &str = "For professionals";

/// The A to Z page's heading, and what it says when it cannot be shown.
pub const ATOZ_HEADING: &str = "A to Z of help and services";
pub const ATOZ_UNAVAILABLE_HEADING: &str = "Sorry, the A to Z is not working right now";
/// The error summary's line for `?letter=` naming something that is not a letter.
pub const ATOZ_BAD_LETTER: &str = "Choose a letter from the list of letters";
/// Marks the way-in page of a topic in words, not only by its place first.
pub const ATOZ_START_HERE: &str = "Start here:";

/// How the kind filter names each kind.
pub fn kind_filter_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Page => "Web pages",
        Kind::Document => "Documents and forms",
    }
}

/// The kind tag on a result: "Web page", or the document's file type ("PDF").
pub fn kind_tag(kind: Kind, content_type: Option<&str>) -> &'static str {
    match kind {
        Kind::Page => "Web page",
        Kind::Document => content_type.map_or("Document", file_type),
    }
}

/// A document's file type as families know it, from its content type.
pub fn file_type(content_type: &str) -> &'static str {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/pdf" => "PDF",
        "application/msword"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            "Word document"
        }
        "application/vnd.oasis.opendocument.text" => "OpenDocument text",
        "application/vnd.ms-excel"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "Spreadsheet",
        "application/vnd.ms-powerpoint"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "Slides",
        "application/rtf" | "text/rtf" => "Rich text document",
        "text/plain" => "Text file",
        _ => "Document",
    }
}

/// A file size the way download links state it: "3 KB", "1.2 MB", to the nearest unit
/// shown; a small file reads as "1 KB", never "0 KB".
pub fn file_size(size_bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if size_bytes < MIB {
        let kilobytes = ((size_bytes + KIB / 2) / KIB).max(1);
        return format!("{kilobytes} KB");
    }
    let tenths = (size_bytes * 10 + MIB / 2) / MIB;
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// A document's link text: its title with type and size, "Application form (PDF, 3 KB)".
pub fn document_link_text(title: &str, content_type: &str, size_bytes: u64) -> String {
    format!(
        "{title} ({}, {})",
        file_type(content_type),
        file_size(size_bytes)
    )
}

/// "1 result" or "12 results".
pub fn results_count(total: usize) -> String {
    match total {
        1 => "1 result".to_string(),
        many => format!("{many} results"),
    }
}

/// A query quoted for a sentence: ‘short breaks’.
pub fn quoted(query: &str) -> String {
    format!("\u{2018}{query}\u{2019}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_and_read_naturally() {
        assert_eq!(file_size(0), "1 KB");
        assert_eq!(file_size(300), "1 KB");
        assert_eq!(file_size(2_900), "3 KB");
        assert_eq!(file_size(3_298), "3 KB");
        assert_eq!(file_size(1024 * 1024), "1 MB");
        assert_eq!(file_size(1_300_000), "1.2 MB");
    }

    #[test]
    fn document_links_say_type_and_size() {
        let text = document_link_text(
            "Inclusion funding application form",
            "application/pdf",
            2_900,
        );
        assert_eq!(text, "Inclusion funding application form (PDF, 3 KB)");
        let word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert_eq!(file_type(word), "Word document");
        assert_eq!(file_type("application/PDF; charset=binary"), "PDF");
        assert_eq!(file_type("application/x-unknown"), "Document");
    }

    #[test]
    fn every_api_code_has_a_plain_message() {
        let codes = [
            "empty_query",
            "bad_limit",
            "bad_offset",
            "bad_kind",
            "bad_section",
            "bad_audience",
            "bad_flag",
            "bad_query_string",
        ];
        for code in codes {
            let problem = problem_for_code(code);
            assert!(
                !problem.message.contains('`'),
                "{code}: {}",
                problem.message
            );
            assert!(
                !problem.message.contains(code),
                "{code}: {}",
                problem.message
            );
        }
        assert!(problem_for_code("empty_query").about_search_box);
        assert!(!problem_for_code("bad_offset").about_search_box);
    }
}
