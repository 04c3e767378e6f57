//! Spelling: the index's own vocabulary, for correcting words the index has never seen.
//!
//! Each generation stores every word of its text fields in surface form (lower-cased,
//! accents folded, not stemmed) with the number of records holding it. A query word whose
//! stem the index does not hold is corrected to the most common vocabulary word within one
//! edit (two for long words), counting a swap of two letters as one edit. A word the index
//! knows is never changed, so correctly spelt queries rank exactly as before.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};

use crate::index::schema::analyze;
use crate::search::query::is_stop_term;

/// Words shorter than this are never corrected: too many real words sit one edit apart.
const MIN_CORRECTABLE_CHARS: usize = 4;
/// Acronyms typed in capitals are corrected from this length: "EHP" is a slip for "EHCP".
const MIN_CORRECTABLE_ACRONYM_CHARS: usize = 3;
/// From this length two edits are allowed.
const TWO_EDIT_CHARS: usize = 8;
/// A known word held by at most this many records may get a "did you mean".
const RARE_RECORDS: u32 = 2;
/// ...when a neighbour is held by at least this many times more records.
const MORE_COMMON_FACTOR: u32 = 5;

/// Surface words, for building a vocabulary: lower-cased, folded, not stemmed.
fn surface_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Counts, per surface word, the records that hold it.
#[derive(Debug, Default)]
pub struct VocabularyBuilder {
    /// Word → (records holding it, the last record that counted it).
    counts: HashMap<String, (u32, u32)>,
    /// Records added so far; the current record's number is this, starting from 1.
    records: u32,
}

impl VocabularyBuilder {
    /// Adds one record's texts.
    pub fn add_record(&mut self, texts: &[&str]) {
        self.records += 1;
        let record = self.records;
        let mut analyzer = surface_analyzer();
        for text in texts {
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let word = &stream.token().text;
                if let Some((count, last)) = self.counts.get_mut(word.as_str()) {
                    if *last != record {
                        *count += 1;
                        *last = record;
                    }
                    continue;
                }
                let useful = word.chars().count() >= 2 && word.chars().any(char::is_alphabetic);
                if useful && word.len() <= 40 {
                    self.counts.insert(word.clone(), (1, record));
                }
            }
        }
    }

    /// Writes `word<TAB>records` lines, most common first.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut entries: Vec<(&String, u32)> = self
            .counts
            .iter()
            .map(|(word, (count, _))| (word, *count))
            .collect();
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut out = BufWriter::new(std::fs::File::create(path)?);
        for (word, count) in entries {
            writeln!(out, "{word}\t{count}")?;
        }
        out.flush()
    }
}

/// A generation's vocabulary, loaded for correcting queries.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Stems the index holds.
    stems: HashSet<String>,
    /// Surface words by character length, each with its record count, most common first.
    by_length: BTreeMap<usize, Vec<(String, u32)>>,
}

impl Vocabulary {
    /// Reads a vocabulary file; a missing file gives an empty vocabulary (no corrections).
    pub fn load(path: &Path) -> std::io::Result<Vocabulary> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Vocabulary::default());
            }
            Err(err) => return Err(err),
        };
        let mut vocabulary = Vocabulary::default();
        for line in BufReader::new(file).lines() {
            let line = line?;
            let Some((word, count)) = line.split_once('\t') else {
                continue;
            };
            let Ok(count) = count.parse::<u32>() else {
                continue;
            };
            vocabulary.stems.extend(analyze(word));
            let length = word.chars().count();
            vocabulary
                .by_length
                .entry(length)
                .or_default()
                .push((word.to_string(), count));
        }
        Ok(vocabulary)
    }

    /// Whether the index holds this analysed term.
    pub fn knows_stem(&self, stem: &str) -> bool {
        self.stems.contains(stem)
    }

    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }

    /// The most common word the index holds within reach of `word`, if `word` itself is
    /// unknown. Returns the corrected surface form.
    pub fn correct(&self, word: &str) -> Option<String> {
        let lower = word.to_lowercase();
        let stems = analyze(&lower);
        if stems.len() != 1 || self.knows_stem(&stems[0]) {
            return None;
        }
        let length = lower.chars().count();
        let acronym = word.chars().all(|c| c.is_ascii_uppercase());
        let min_chars = if acronym {
            MIN_CORRECTABLE_ACRONYM_CHARS
        } else {
            MIN_CORRECTABLE_CHARS
        };
        if length < min_chars {
            return None;
        }
        self.nearest(&lower, 0)
    }

    /// For a word the index holds in very few records: a neighbour held by many more.
    pub fn more_common(&self, word: &str) -> Option<String> {
        let lower = word.to_lowercase();
        let own = self.count(&lower);
        if own == 0 || own > RARE_RECORDS {
            return None;
        }
        self.nearest(&lower, own * MORE_COMMON_FACTOR)
    }

    /// Records holding this exact surface word.
    pub fn count(&self, word: &str) -> u32 {
        let length = word.chars().count();
        self.by_length
            .get(&length)
            .and_then(|words| words.iter().find(|(candidate, _)| candidate == word))
            .map_or(0, |(_, count)| *count)
    }

    /// The closest, then most common, word within reach held by at least `min_count`
    /// records (and by more than none).
    fn nearest(&self, lower: &str, min_count: u32) -> Option<String> {
        let length = lower.chars().count();
        if length < MIN_CORRECTABLE_ACRONYM_CHARS || !lower.chars().all(char::is_alphanumeric) {
            return None;
        }
        let max_edits = if length >= TWO_EDIT_CHARS { 2 } else { 1 };
        let mut best: Option<(usize, u32, &String)> = None;
        let lengths = length.saturating_sub(max_edits)..=length + max_edits;
        for candidates in self.by_length.range(lengths).map(|(_, words)| words) {
            for (candidate, count) in candidates {
                if *count < min_count.max(1) {
                    continue;
                }
                let edits = strsim::damerau_levenshtein(lower, candidate);
                if edits == 0 || edits > max_edits {
                    continue;
                }
                // "ADD" is not a slip for "and": a function word is never a correction, as
                // it is not searched as a word.
                if analyze(candidate).iter().all(|term| is_stop_term(term)) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((best_edits, best_count, _)) => {
                        edits < best_edits || (edits == best_edits && *count > best_count)
                    }
                };
                if better {
                    best = Some((edits, *count, candidate));
                }
            }
        }
        best.map(|(_, _, word)| word.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(texts: &[&str]) -> Vocabulary {
        let mut builder = VocabularyBuilder::default();
        for text in texts {
            builder.add_record(&[text]);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vocabulary.tsv");
        builder.write(&path).expect("write");
        Vocabulary::load(&path).expect("load")
    }

    #[test]
    fn unknown_words_are_corrected_known_ones_kept() {
        let vocabulary = vocabulary(&[
            "Inclusion funding for schools",
            "Inclusion support and short breaks",
            "Respite and short breaks",
        ]);
        assert_eq!(
            vocabulary.correct("inclusoin").as_deref(),
            Some("inclusion")
        );
        assert_eq!(vocabulary.correct("Respte").as_deref(), Some("respite"));
        assert_eq!(vocabulary.correct("fundings"), None, "stem is known");
        assert_eq!(vocabulary.correct("funding"), None);
        assert_eq!(vocabulary.correct("breks").as_deref(), Some("breaks"));
        assert_eq!(vocabulary.correct("xyz"), None, "too short to correct");

        assert_eq!(vocabulary.correct("zzzzzzzz"), None, "nothing near");
    }

    #[test]
    fn short_words_are_corrected_only_as_capital_acronyms() {
        let acronyms = vocabulary(&["An EHCP names the support", "EHCP reviews"]);
        assert_eq!(acronyms.correct("EHP").as_deref(), Some("ehcp"));
        assert_eq!(acronyms.correct("ehp"), None);

        let common = vocabulary(&["Support and advice", "Plans and reviews"]);
        assert_eq!(
            common.correct("ADD"),
            None,
            "never corrected to a function word"
        );
    }

    #[test]
    fn missing_file_is_an_empty_vocabulary() -> std::io::Result<()> {
        let vocabulary = Vocabulary::load(Path::new("/nonexistent/vocabulary.tsv"))?;
        assert!(vocabulary.is_empty());
        assert_eq!(vocabulary.correct("inclusoin"), None);
        Ok(())
    }
}
