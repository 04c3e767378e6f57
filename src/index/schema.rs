//! The tantivy schema and the text analyser shared by indexing and querying.

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};

/// Name under which [`english_analyzer`] is registered on every index.
pub const ANALYZER: &str = "offer_en";

/// Tokens longer than this are dropped: they are hashes, encoded data or runs of symbols.
const MAX_TOKEN_BYTES: usize = 40;

/// Lower-cased, ASCII-folded, English-stemmed words. Used for every text field and for the
/// query, so "Funding" in a query meets "funded" and "fundings" in a page.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub url: Field,
    pub path: Field,
    pub title: Field,
    pub keywords: Field,
    pub keyword_list: Field,
    pub headings: Field,
    pub description: Field,
    pub body: Field,
    pub url_words: Field,
    pub kind: Field,
    pub section: Field,
    /// 1 for documents, 0 for pages (fast, for the demotion multiplier).
    pub is_document: Field,
    /// 0 when not a landing page, else folder depth + 1 (fast, for the landing multiplier).
    pub landing_level: Field,
    /// Position of the section in the generation's section list, + 1; 0 for none (fast).
    pub section_id: Field,
    /// 1 when the text names the area the Local Offer serves (fast).
    pub local: Field,
    /// 0 for families, 1 for professionals (fast).
    pub audience: Field,
    /// 0 universal, 1 targeted, 2 specialist (fast).
    pub stage: Field,
    /// The whole [`crate::record::IndexRecord`] as JSON, for results and explain.
    pub record: Field,
}

/// The text fields searched by a query, with the name used in explain output and config.
pub fn searched_fields(fields: &Fields) -> [(&'static str, Field); 7] {
    [
        ("title", fields.title),
        ("keywords", fields.keywords),
        ("keyword_list", fields.keyword_list),
        ("headings", fields.headings),
        ("description", fields.description),
        ("body", fields.body),
        ("url", fields.url_words),
    ]
}

pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );

    let fields = Fields {
        url: builder.add_text_field("url", STRING | STORED),
        path: builder.add_text_field("path", STRING | STORED),
        title: builder.add_text_field("title", text.clone()),
        keywords: builder.add_text_field("keywords", text.clone()),
        keyword_list: builder.add_text_field("keyword_list", text.clone()),
        headings: builder.add_text_field("headings", text.clone()),
        description: builder.add_text_field("description", text.clone()),
        body: builder.add_text_field("body", text.clone()),
        url_words: builder.add_text_field("url_words", text),
        kind: builder.add_text_field("kind", STRING),
        section: builder.add_text_field("section", STRING),
        is_document: builder.add_u64_field("is_document", FAST | INDEXED),
        landing_level: builder.add_u64_field("landing_level", FAST),
        section_id: builder.add_u64_field("section_id", FAST),
        local: builder.add_u64_field("local", FAST),
        audience: builder.add_u64_field("audience", FAST),
        stage: builder.add_u64_field("stage", FAST),
        record: builder.add_text_field("record", STORED),
    };
    (builder.build(), fields)
}

/// Looks the fields up by name on an opened index.
pub fn fields_of(index: &Index) -> tantivy::Result<Fields> {
    let schema = index.schema();
    let get = |name: &str| schema.get_field(name);
    Ok(Fields {
        url: get("url")?,
        path: get("path")?,
        title: get("title")?,
        keywords: get("keywords")?,
        keyword_list: get("keyword_list")?,
        headings: get("headings")?,
        description: get("description")?,
        body: get("body")?,
        url_words: get("url_words")?,
        kind: get("kind")?,
        section: get("section")?,
        is_document: get("is_document")?,
        landing_level: get("landing_level")?,
        section_id: get("section_id")?,
        local: get("local")?,
        audience: get("audience")?,
        stage: get("stage")?,
        record: get("record")?,
    })
}

/// Registers [`english_analyzer`] on an index; needed after every create or open.
pub fn register_analyzer(index: &Index) {
    index.tokenizers().register(ANALYZER, english_analyzer());
}

/// `text` with accents folded to ASCII ("café" → "cafe"), as the analyser folds them.
pub fn fold_to_ascii(text: &str) -> String {
    let mut folder = TextAnalyzer::builder(RawTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = folder.token_stream(text);
    let mut folded = String::with_capacity(text.len());
    while stream.advance() {
        folded.push_str(&stream.token().text);
    }
    folded
}

/// Runs the analyser over `text` and returns its terms in order.
pub fn analyze(text: &str) -> Vec<String> {
    let mut analyzer = english_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyzer_stems_folds_and_splits() {
        assert_eq!(analyze("Inclusion Funding"), vec!["inclus", "fund"]);
        assert_eq!(analyze("post-16 café"), vec!["post", "16", "cafe"]);
        assert_eq!(analyze("Children’s"), vec!["children", "s"]);
    }
}
