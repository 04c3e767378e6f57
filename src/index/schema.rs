//! The tantivy schema and the text analyser shared by indexing and querying.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Name under which [`english_analyzer`] is registered on every index.
pub const ANALYZER: &str = "offer_en";

/// Tokens longer than this are dropped: they are hashes, encoded data or runs of symbols.
const MAX_TOKEN_BYTES: usize = 40;

/// Lower-cased, ASCII-folded, English-stemmed words. Used for every text field and for the
/// query, so "Funding" in a query meets "funded" and "fundings" in a page.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordSplitter::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Words as tantivy's [`SimpleTokenizer`] splits them (runs of letters and digits), except
/// that a number written with thousands separators is one word without them: "£1,200" is
/// `1200`, as a family types it, and does not match the `1` of "£1,500"; and a decimal
/// number is one word with its full stop: "£14.20" is `14.20`; and single letters with full
/// stops between them are one word: "S.E.N.D." is `SEND`.
#[derive(Clone, Default)]
pub struct WordSplitter {
    inner: SimpleTokenizer,
}

/// The token stream of [`WordSplitter`].
pub struct WordStream<'a> {
    text: &'a str,
    inner: <SimpleTokenizer as Tokenizer>::TokenStream<'a>,
    /// A word read ahead that did not continue the number before it.
    pending: Option<Token>,
    token: Token,
    position: usize,
}

impl Tokenizer for WordSplitter {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            inner: self.inner.token_stream(text),
            pending: None,
            token: Token::default(),
            position: 0,
        }
    }
}

impl WordStream<'_> {
    fn next_word(&mut self) -> Option<Token> {
        if let Some(token) = self.pending.take() {
            return Some(token);
        }
        self.inner.advance().then(|| self.inner.token().clone())
    }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

fn one_letter(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none()
}

/// Whether text ends with a digit and a full stop (the word after it continues a run).
fn dotted_digit_before(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 2 && bytes[bytes.len() - 1] == b'.' && bytes[bytes.len() - 2].is_ascii_digit()
}

/// Whether text starts with a full stop and a digit (the word before it starts a run).
fn dotted_digit_after(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 2 && bytes[0] == b'.' && bytes[1].is_ascii_digit()
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(mut word) = self.next_word() else {
            return false;
        };
        // Single letters with full stops between them: one abbreviation, S.E.N.D. is SEND.
        if one_letter(&word.text) {
            while let Some(next) = self.next_word() {
                let joined =
                    &self.text[word.offset_to..next.offset_from] == "." && one_letter(&next.text);
                if !joined {
                    self.pending = Some(next);
                    break;
                }
                word.text.push_str(&next.text);
                word.offset_to = next.offset_to;
            }
        }
        // 1 to 3 digits, then groups of exactly 3 after a comma: 6,000 and 10,000,000.
        if all_digits(&word.text) && word.text.len() <= 3 {
            while let Some(next) = self.next_word() {
                let joined = &self.text[word.offset_to..next.offset_from] == ","
                    && next.text.len() == 3
                    && all_digits(&next.text);
                if !joined {
                    self.pending = Some(next);
                    break;
                }
                word.text.push_str(&next.text);
                word.offset_to = next.offset_to;
            }
        }
        // Digits, a full stop, digits: one decimal number, "14.20" of "£14.20" (so "20 weeks"
        // does not meet its 20). A longer run of them (4.12.2026, section 2.3.1) stays
        // separate words.
        if all_digits(&word.text)
            && !dotted_digit_before(&self.text[..word.offset_from])
            && let Some(next) = self.next_word()
        {
            let decimal = &self.text[word.offset_to..next.offset_from] == "."
                && all_digits(&next.text)
                && !dotted_digit_after(&self.text[next.offset_to..]);
            if decimal {
                word.text.push('.');
                word.text.push_str(&next.text);
                word.offset_to = next.offset_to;
            } else {
                self.pending = Some(next);
            }
        }
        word.position = self.position;
        word.position_length = 1;
        self.position += 1;
        self.token = word;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
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
    /// Position of the record in the generation, which is its brief's line (fast). `None`
    /// in generations built before briefs existed.
    pub record_id: Option<Field>,
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
        record_id: Some(builder.add_u64_field("record_id", FAST)),
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
        record_id: get("record_id").ok(),
    })
}

/// Registers the analyser on an index; needed after every create or open. What is
/// registered gives exactly the tokens of [`english_analyzer`] (terms, offsets, positions)
/// but stems each distinct word once per thread: see [`RememberingTokenizer`].
pub fn register_analyzer(index: &Index) {
    index.tokenizers().register(
        ANALYZER,
        TextAnalyzer::from(RememberingTokenizer::default()),
    );
}

/// Most words one thread's [`RememberingTokenizer`] keeps; past this it starts afresh.
const THREAD_MEMO_WORDS: usize = 100_000;

thread_local! {
    /// The full analyser, run on one word at a time for words not yet remembered.
    static WORD_ANALYZER: RefCell<TextAnalyzer> = RefCell::new(english_analyzer());
    /// Raw word → its term (`None` when the analyser drops it), for this thread's streams.
    static THREAD_MEMO: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}

/// [`english_analyzer`] with its per-word filters remembered: the text is split into words
/// as that analyser splits it, and each word's term is looked up in a memo of the calling
/// thread, filled by running the full analyser on words not seen before. Stemming is most of
/// what indexing a long text costs, and a site repeats a small vocabulary; the memo is per
/// thread, so tantivy's indexing threads never wait on each other.
#[derive(Clone, Default)]
pub struct RememberingTokenizer {
    splitter: WordSplitter,
}

/// The token stream of [`RememberingTokenizer`].
pub struct RememberingStream<'a> {
    words: WordStream<'a>,
    token: Token,
}

impl Tokenizer for RememberingTokenizer {
    type TokenStream<'a> = RememberingStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> RememberingStream<'a> {
        RememberingStream {
            words: self.splitter.token_stream(text),
            token: Token::default(),
        }
    }
}

impl TokenStream for RememberingStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let word = self.words.token();
            let text = &mut self.token.text;
            let kept = THREAD_MEMO.with_borrow_mut(|memo| {
                if !memo.contains_key(word.text.as_str()) {
                    if memo.len() >= THREAD_MEMO_WORDS {
                        memo.clear();
                    }
                    memo.insert(word.text.clone(), analyse_word(&word.text));
                }
                match memo.get(word.text.as_str()) {
                    Some(Some(term)) => {
                        text.clear();
                        text.push_str(term);
                        true
                    }
                    _ => false,
                }
            });
            if kept {
                self.token.offset_from = word.offset_from;
                self.token.offset_to = word.offset_to;
                self.token.position = word.position;
                self.token.position_length = word.position_length;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
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
    let mut terms = Vec::new();
    for_each_term(text, |term, _, _| {
        terms.push(term.to_string());
        ControlFlow::<()>::Continue(())
    });
    terms
}

/// Calls `visit` with each term of `text` and the byte range of the word it came from, in
/// order, until `visit` breaks; returns the break value.
///
/// Gives exactly the terms of [`english_analyzer`], much faster on long text: it reads the
/// tokens of [`RememberingTokenizer`], which analyses each distinct word once per thread.
pub fn for_each_term<B>(
    text: &str,
    mut visit: impl FnMut(&str, usize, usize) -> ControlFlow<B>,
) -> Option<B> {
    let mut tokenizer = RememberingTokenizer::default();
    let mut tokens = tokenizer.token_stream(text);
    while tokens.advance() {
        let token = tokens.token();
        if let ControlFlow::Break(value) = visit(&token.text, token.offset_from, token.offset_to) {
            return Some(value);
        }
    }
    None
}

/// The term of one word as the full analyser gives it (the word is what the tokenizer of
/// [`english_analyzer`] split out, so the analyser sees it as one token).
fn analyse_word(word: &str) -> Option<String> {
    WORD_ANALYZER.with_borrow_mut(|analyzer| {
        let mut stream = analyzer.token_stream(word);
        let term = stream.advance().then(|| stream.token().text.clone());
        debug_assert!(!stream.advance(), "a word is one token: {word:?}");
        term
    })
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

    #[test]
    fn a_number_with_thousands_separators_is_one_word() {
        let text = "£1,200 and 6,000 or 1,2 then 12,3456, 10,000,000. 2024,2025 £1,500";
        let words = tokens_of(TextAnalyzer::from(WordSplitter::default()), text);
        let seen: Vec<(&str, usize, &str)> = words
            .iter()
            .map(|word| {
                (
                    word.text.as_str(),
                    word.position,
                    &text[word.offset_from..word.offset_to],
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("1200", 0, "1,200"),
                ("and", 1, "and"),
                ("6000", 2, "6,000"),
                ("or", 3, "or"),
                ("1", 4, "1"),
                ("2", 5, "2"),
                ("then", 6, "then"),
                ("12", 7, "12"),
                ("3456", 8, "3456"),
                ("10000000", 9, "10,000,000"),
                ("2024", 10, "2024"),
                ("2025", 11, "2025"),
                ("1500", 12, "1,500"),
            ]
        );
        assert_eq!(analyze("6000"), analyze("£6,000"));
        assert!(tokens_of(TextAnalyzer::from(WordSplitter::default()), "").is_empty());
    }

    #[test]
    fn a_decimal_number_is_one_word_and_a_run_of_dotted_numbers_is_not() {
        let text = "£14.20 a week, 2.5 hours, £1,234.56 on 4.12.2026 (section 2.3.1) v2.1 20. Then";
        let words = tokens_of(TextAnalyzer::from(WordSplitter::default()), text);
        let seen: Vec<(&str, &str)> = words
            .iter()
            .map(|word| (word.text.as_str(), &text[word.offset_from..word.offset_to]))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("14.20", "14.20"),
                ("a", "a"),
                ("week", "week"),
                ("2.5", "2.5"),
                ("hours", "hours"),
                ("1234.56", "1,234.56"),
                ("on", "on"),
                ("4", "4"),
                ("12", "12"),
                ("2026", "2026"),
                ("section", "section"),
                ("2", "2"),
                ("3", "3"),
                ("1", "1"),
                ("v2", "v2"),
                ("1", "1"),
                ("20", "20"),
                ("Then", "Then"),
            ]
        );
        let positions: Vec<usize> = words.iter().map(|word| word.position).collect();
        assert_eq!(positions, (0..words.len()).collect::<Vec<_>>());
        assert_eq!(analyze("£14.20"), vec!["14.20"]);
        assert_eq!(
            analyze("S.E.N.D. support, e.g. a T.A."),
            analyze("SEND support eg a TA")
        );
        assert_eq!(analyze("A. Smith"), vec!["a", "smith"]);
        assert!(!analyze("£14.20").contains(&"20".to_string()));
    }

    fn tokens_of(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        tokens
    }

    #[test]
    fn the_registered_analyser_gives_the_full_analysers_tokens() {
        let long = format!("{}ß", "x".repeat(39));
        let text = format!(
            "Funding funded FUNDINGS, café Ünïcode £20 post-16 {long} dying skies; \
             Children’s EHCP 0-25 funding again {long} Funding £1,200 or 6,000,000, 1,2"
        );
        let expected = tokens_of(english_analyzer(), &text);
        assert!(expected.len() > 10);
        // Twice: the first pass fills this thread's memo, the second reads it.
        for _ in 0..2 {
            let seen = tokens_of(TextAnalyzer::from(RememberingTokenizer::default()), &text);
            assert_eq!(seen.len(), expected.len());
            for (seen, expected) in seen.iter().zip(&expected) {
                assert_eq!(
                    (
                        &seen.text,
                        seen.offset_from,
                        seen.offset_to,
                        seen.position,
                        seen.position_length
                    ),
                    (
                        &expected.text,
                        expected.offset_from,
                        expected.offset_to,
                        expected.position,
                        expected.position_length
                    )
                );
            }
        }
        assert!(tokens_of(TextAnalyzer::from(RememberingTokenizer::default()), "").is_empty());
    }

    #[test]
    fn remembered_terms_match_the_analyser() {
        let long = format!("{}ß", "x".repeat(39));
        let text = format!("Funding funded FUNDINGS café Ünïcode £20 post-16 {long} dying skies");
        let mut analyzer = english_analyzer();
        let mut stream = analyzer.token_stream(&text);
        let mut expected = Vec::new();
        while stream.advance() {
            let token = stream.token();
            expected.push((token.text.clone(), token.offset_from, token.offset_to));
        }
        for _ in 0..2 {
            let mut seen = Vec::new();
            for_each_term(&text, |term, from, to| {
                seen.push((term.to_string(), from, to));
                ControlFlow::<()>::Continue(())
            });
            assert_eq!(seen, expected);
        }
        let first_fund = for_each_term(&text, |term, from, _| {
            if term == "fund" {
                ControlFlow::Break(from)
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(first_fund, Some(0));
    }
}
