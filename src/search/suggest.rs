//! Type-ahead suggestions: page titles and keyword phrases that start with, or contain, what
//! has been typed so far.
//!
//! Each generation stores its suggestions beside its index; they are loaded once when the
//! generation is opened. Each word gets a number when loaded and the word list is kept
//! sorted; a lookup finds the words each typed word starts (one range of the list), takes
//! its candidates from the typed word that the fewest entries hold, and checks the other
//! typed words against each candidate's word numbers. So it costs a few range scans plus
//! the candidates, not a pass over the whole site; the best suggestions for a first word
//! that many entries hold are kept once asked. Cheap enough for every key press.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, RwLock};

use serde::Serialize;

use crate::index::schema::analyze;
use crate::record::{IndexRecord, KeywordForm, Kind};

/// Suggestions returned when the caller does not say.
pub const DEFAULT_SUGGESTIONS: usize = 8;
/// The most suggestions one request may ask for.
pub const MAX_SUGGESTIONS: usize = 20;
/// Characters of typed text considered.
pub const MAX_TYPED_CHARS: usize = 100;
/// Longest keyword phrase offered as a suggestion, in words.
const MAX_PHRASE_WORDS: usize = 6;

/// What a suggestion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SuggestionKind {
    /// The title of a page or document; choosing it goes to that page.
    Title,
    /// A phrase from a page's keyword list; choosing it searches for it.
    Keyword,
    /// Something people often searched for.
    Query,
}

impl SuggestionKind {
    fn as_str(self) -> &'static str {
        match self {
            SuggestionKind::Title => "title",
            SuggestionKind::Keyword => "keyword",
            SuggestionKind::Query => "query",
        }
    }

    fn parse(text: &str) -> Option<SuggestionKind> {
        match text {
            "title" => Some(SuggestionKind::Title),
            "keyword" => Some(SuggestionKind::Keyword),
            "query" => Some(SuggestionKind::Query),
            _ => None,
        }
    }
}

/// One suggestion as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub text: String,
    pub kind: SuggestionKind,
    /// For titles: the page's path and URL.
    pub path: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone)]
struct Entry {
    suggestion: Suggestion,
    /// The ids in [`Suggester::words`] of the text's lower-cased, folded words, in order.
    words: Box<[u32]>,
    /// How good a suggestion it is regardless of what was typed.
    weight: f32,
}

/// Entry ids with their scores, best first.
type Ranking = Arc<[(f32, u32)]>;

/// Typed text of one word this short or shorter is answered from [`Suggester::kept`].
const SHORT_PREFIX_CHARS: usize = 2;
/// Typed text of one word that this many entries or more hold is answered from
/// [`Suggester::kept`] too, whatever its length ("sch" on a site with thousands of school
/// pages).
const KEPT_FROM_HOLDERS: usize = 256;

/// The suggestions of one generation.
#[derive(Debug, Default)]
pub struct Suggester {
    entries: Vec<Entry>,
    /// Every word of every entry → its id, in word order, so that the words starting with
    /// what was typed are one range.
    words: BTreeMap<String, u32>,
    /// Per word id, the entries holding that word.
    holders: Vec<Vec<u32>>,
    /// The best [`MAX_SUGGESTIONS`] for a one- or two-letter first word, or for one word
    /// that [`KEPT_FROM_HOLDERS`] entries or more hold, kept once asked: on a large site such
    /// a prefix has thousands of candidates, and it is what every search box sends first.
    /// A prefix is kept only when it starts some word, so the map holds at most the short
    /// prefixes of the site's words and those shared by many entries (bounded by the
    /// number of words held, over the threshold, for each length), whatever visitors type.
    kept: RwLock<HashMap<String, Ranking>>,
}

/// Words for matching: lower case, accents folded, split at anything but letters and digits.
fn words_of(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_alphanumeric() {
            folded.extend(character.to_lowercase());
        } else {
            folded.push(' ');
        }
    }
    let ascii = crate::index::schema::fold_to_ascii(&folded);
    ascii.split_whitespace().map(String::from).collect()
}

/// The suggestions a set of records offers, as `text, kind, weight, path, url` rows.
pub fn collect(records: &[IndexRecord]) -> Vec<(Suggestion, f32)> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut push = |suggestion: Suggestion, weight: f32| {
        let key = words_of(&suggestion.text).join(" ");
        if !key.is_empty() && seen.insert(key) {
            out.push((suggestion, weight));
        }
    };

    // Titles first, landing pages before pages before documents: a suggestion that takes a
    // family straight to the way in to a topic is the best one.
    let mut titled: Vec<&IndexRecord> = records.iter().collect();
    titled.sort_by_key(|record| {
        let facts = &record.facts;
        (
            record.page.kind == Kind::Document,
            !facts.landing,
            facts.depth,
            facts.title.len(),
        )
    });
    for record in titled {
        let facts = &record.facts;
        if facts.title.trim().is_empty() {
            continue;
        }
        let weight = match (record.page.kind, facts.landing) {
            (Kind::Document, _) => 0.1,
            (Kind::Page, true) => 0.6,
            (Kind::Page, false) => 0.4,
        };
        let suggestion = Suggestion {
            text: facts.title.trim().to_string(),
            kind: SuggestionKind::Title,
            path: Some(facts.path.clone()),
            url: Some(record.page.url.clone()),
        };
        push(suggestion, weight);
    }
    for record in records {
        if record.facts.keyword_form != KeywordForm::List {
            continue;
        }
        for phrase in record.page.keywords.split([',', ';']) {
            let phrase = phrase.trim();
            let words = phrase.split_whitespace().count();
            if words == 0 || words > MAX_PHRASE_WORDS || analyze(phrase).is_empty() {
                continue;
            }
            let suggestion = Suggestion {
                text: phrase.to_string(),
                kind: SuggestionKind::Keyword,
                path: None,
                url: None,
            };
            push(suggestion, 0.3);
        }
    }
    out
}

/// Writes suggestions as tab-separated lines.
pub fn write(path: &Path, suggestions: &[(Suggestion, f32)]) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let clean = |text: &str| text.replace(['\t', '\n', '\r'], " ");
    for (suggestion, weight) in suggestions {
        writeln!(
            out,
            "{}\t{}\t{weight}\t{}\t{}",
            clean(&suggestion.text),
            suggestion.kind.as_str(),
            clean(suggestion.path.as_deref().unwrap_or("")),
            clean(suggestion.url.as_deref().unwrap_or("")),
        )?;
    }
    out.flush()
}

impl Suggester {
    /// Reads a suggestions file; a missing file gives no suggestions.
    pub fn load(path: &Path) -> std::io::Result<Suggester> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Suggester::default());
            }
            Err(err) => return Err(err),
        };
        let mut suggester = Suggester::default();
        for line in BufReader::new(file).lines() {
            let line = line?;
            let cells: Vec<&str> = line.split('\t').collect();
            let [text, kind, weight, path, url] = cells[..] else {
                continue;
            };
            let (Some(kind), Ok(weight)) = (SuggestionKind::parse(kind), weight.parse::<f32>())
            else {
                continue;
            };
            let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
            suggester.add(
                Suggestion {
                    text: text.to_string(),
                    kind,
                    path: optional(path),
                    url: optional(url),
                },
                weight,
            );
        }
        Ok(suggester)
    }

    /// Adds one suggestion (e.g. a popular query) to those loaded.
    pub fn add(&mut self, suggestion: Suggestion, weight: f32) {
        let words = words_of(&suggestion.text);
        if words.is_empty() {
            return;
        }
        let id = self.entries.len() as u32;
        self.kept
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
        let mut ids = Vec::with_capacity(words.len());
        for word in words {
            let next = self.holders.len() as u32;
            let word_id = *self.words.entry(word).or_insert(next);
            if word_id == next {
                self.holders.push(Vec::new());
            }
            let holders = &mut self.holders[word_id as usize];
            // An entry repeating a word is listed once under it.
            if holders.last() != Some(&id) {
                holders.push(id);
            }
            ids.push(word_id);
        }
        self.entries.push(Entry {
            suggestion,
            words: ids.into(),
            weight,
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Suggestions for partly typed text, best first: those starting with it, then those
    /// holding every typed word (the last one as a prefix), heavier ones first.
    pub fn suggest(&self, typed: &str, limit: usize) -> Vec<Suggestion> {
        self.suggest_scored(typed, limit)
            .into_iter()
            .map(|(_, suggestion)| suggestion)
            .collect()
    }

    /// [`Suggester::suggest`] with each suggestion's score, for merging two suggesters.
    pub fn suggest_scored(&self, typed: &str, limit: usize) -> Vec<(f32, Suggestion)> {
        let bounded: String = typed.chars().take(MAX_TYPED_CHARS).collect();
        let typed_words = words_of(&bounded);
        let Some((last, complete)) = typed_words.split_last() else {
            return Vec::new();
        };
        let wanted = limit.min(MAX_SUGGESTIONS);
        if wanted == 0 {
            return Vec::new();
        }
        let kept = complete.is_empty()
            && (last.chars().count() <= SHORT_PREFIX_CHARS || self.held_by_many(last));
        let found = if kept {
            self.kept_prefix(last)
        } else {
            self.ranked(complete, last, wanted).into()
        };
        found
            .iter()
            .take(wanted)
            .map(|(score, id)| (*score, self.entries[*id as usize].suggestion.clone()))
            .collect()
    }

    /// Ranks every one-letter prefix now, so that the first key press of the first visitor
    /// after a new generation does not pay for it.
    pub fn warm_short_prefixes(&self) {
        let letters: HashSet<char> = self
            .words
            .keys()
            .filter_map(|word| word.chars().next())
            .collect();
        for letter in letters {
            self.kept_prefix(&letter.to_string());
        }
    }

    /// Whether at least [`KEPT_FROM_HOLDERS`] entries hold a word starting with `prefix`
    /// (an entry holding two such words counts twice).
    fn held_by_many(&self, prefix: &str) -> bool {
        let mut holders = 0;
        for word_id in self.words_starting(prefix) {
            holders += self.holders[word_id as usize].len();
            if holders >= KEPT_FROM_HOLDERS {
                return true;
            }
        }
        false
    }

    /// The best [`MAX_SUGGESTIONS`] for a first word that is short or held by many entries,
    /// ranked once and then kept.
    fn kept_prefix(&self, prefix: &str) -> Ranking {
        let read = |cache: &HashMap<String, Ranking>| cache.get(prefix).cloned();
        let kept = read(
            &self
                .kept
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        if let Some(found) = kept {
            return found;
        }
        let found: Ranking = self.ranked(&[], prefix, MAX_SUGGESTIONS).into();
        if !found.is_empty() {
            let mut cache = self
                .kept
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            cache.insert(prefix.to_string(), found.clone());
        }
        found
    }

    /// Entry ids with their scores, best first, at most `wanted`: entries starting with
    /// the typed words, then those holding them all (`last` as a prefix).
    fn ranked(&self, complete: &[String], last: &str, wanted: usize) -> Vec<(f32, u32)> {
        let complete: Vec<TypedWord> = complete.iter().map(|typed| self.typed(typed)).collect();
        let last = self.typed(last);
        // Every candidate holds a word starting with each typed word, so the entries of any
        // one of them will do: the one that the fewest entries hold.
        let Some(narrowest) = complete
            .iter()
            .chain([&last])
            .min_by_key(|typed| typed.holders)
        else {
            return Vec::new();
        };
        let mut candidates: Vec<u32> = Vec::with_capacity(narrowest.holders);
        for &word_id in &narrowest.ids {
            candidates.extend_from_slice(&self.holders[word_id as usize]);
        }
        candidates.sort_unstable();
        candidates.dedup();

        let mut scored: Vec<(f32, u32)> = candidates
            .into_iter()
            .filter_map(|id| {
                let entry = &self.entries[id as usize];
                let rank = match_rank(&entry.words, &complete, &last)?;
                Some((rank + entry.weight, id))
            })
            .collect();
        // Best first: higher rank and weight, then shorter text, then the order the
        // suggestions were added in. Only the first `wanted` need sorting, and a short
        // prefix on a large site can have thousands of candidates.
        let order = |a: &(f32, u32), b: &(f32, u32)| {
            let (left, right) = (&self.entries[a.1 as usize], &self.entries[b.1 as usize]);
            b.0.total_cmp(&a.0)
                .then_with(|| left.suggestion.text.len().cmp(&right.suggestion.text.len()))
                .then_with(|| a.1.cmp(&b.1))
        };
        if scored.len() > wanted {
            scored.select_nth_unstable_by(wanted - 1, order);
            scored.truncate(wanted);
        }
        scored.sort_unstable_by(order);
        scored
    }

    /// The ids of the words starting with `prefix` (itself included): one range of the
    /// sorted word list.
    fn words_starting<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = u32> + 'a {
        self.words
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(word, _)| word.starts_with(prefix))
            .map(|(_, &word_id)| word_id)
    }

    /// The word ids one typed word matches: the words it starts, and the word it is.
    fn typed(&self, typed: &str) -> TypedWord {
        let mut ids = Vec::new();
        let mut holders = 0;
        for word_id in self.words_starting(typed) {
            ids.push(word_id);
            holders += self.holders[word_id as usize].len();
        }
        let mut starts = vec![0u64; self.holders.len().div_ceil(64)];
        for &word_id in &ids {
            starts[word_id as usize / 64] |= 1 << (word_id % 64);
        }
        TypedWord {
            exact: self.words.get(typed).copied(),
            ids,
            starts,
            holders,
        }
    }
}

/// What one typed word matches, as word ids.
struct TypedWord {
    /// The word itself, when some entry holds it.
    exact: Option<u32>,
    /// Every word starting with it (itself included).
    ids: Vec<u32>,
    /// The same words as a set of bits, one per word id.
    starts: Vec<u64>,
    /// How many entries hold one of those words, counted once per word.
    holders: usize,
}

impl TypedWord {
    fn starts(&self, word_id: u32) -> bool {
        let word_id = word_id as usize;
        self.starts
            .get(word_id / 64)
            .is_some_and(|bits| bits & (1 << (word_id % 64)) != 0)
    }
}

/// How well an entry's words match the typed words: 2 when the entry starts with them, 1
/// when it holds them all elsewhere, `None` when it does not hold them.
fn match_rank(words: &[u32], complete: &[TypedWord], last: &TypedWord) -> Option<f32> {
    let starts = words.len() > complete.len()
        && complete
            .iter()
            .zip(words)
            .all(|(typed, &word)| typed.exact == Some(word))
        && last.starts(words[complete.len()]);
    if starts {
        return Some(2.0);
    }
    let holds = |typed: &TypedWord| words.iter().any(|&word| typed.starts(word));
    (complete.iter().all(holds) && holds(last)).then_some(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggester(texts: &[(&str, f32)]) -> Suggester {
        let mut suggester = Suggester::default();
        for (text, weight) in texts {
            let suggestion = Suggestion {
                text: text.to_string(),
                kind: SuggestionKind::Title,
                path: None,
                url: None,
            };
            suggester.add(suggestion, *weight);
        }
        suggester
    }

    fn texts(found: &[Suggestion]) -> Vec<&str> {
        found.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn starting_matches_come_before_contained_ones() {
        let suggester = suggester(&[
            ("Community short breaks", 0.6),
            ("Short breaks", 0.4),
            ("Shortlisting schools", 0.4),
            ("Speech and language therapy", 0.4),
        ]);
        assert_eq!(
            texts(&suggester.suggest("short b", 8)),
            vec!["Short breaks", "Community short breaks"]
        );
        assert_eq!(
            texts(&suggester.suggest("sh", 8)),
            vec![
                "Short breaks",
                "Shortlisting schools",
                "Community short breaks"
            ]
        );
        assert_eq!(
            texts(&suggester.suggest("therapy", 8)),
            vec!["Speech and language therapy"]
        );
    }

    #[test]
    fn odd_input_gives_nothing_or_something_sane() {
        let suggester = suggester(&[("Café support – £20", 0.4)]);
        assert_eq!(
            texts(&suggester.suggest("cafe", 8)),
            vec!["Café support – £20"]
        );
        assert!(suggester.suggest("", 8).is_empty());
        assert!(suggester.suggest("?!", 8).is_empty());
        assert!(suggester.suggest(&"x".repeat(10_000), 8).is_empty());
        assert_eq!(suggester.suggest("c", 0).len(), 0);
    }

    #[test]
    fn kept_short_prefixes_rank_as_a_fresh_lookup_and_see_later_entries() {
        let mut suggester = suggester(&[
            ("Short breaks", 0.4),
            ("Community short breaks", 0.6),
            ("School transport", 0.4),
            ("Speech and language therapy", 0.4),
            ("Sensory support", 0.2),
        ]);
        let fresh: Vec<(f32, u32)> = suggester.ranked(&[], "s", 3);
        for _ in 0..2 {
            let kept = suggester.suggest_scored("S", 3);
            let scores: Vec<f32> = kept.iter().map(|(score, _)| *score).collect();
            let fresh_scores: Vec<f32> = fresh.iter().map(|(score, _)| *score).collect();
            assert_eq!(scores, fresh_scores);
            let kept_texts: Vec<&str> = kept.iter().map(|(_, s)| s.text.as_str()).collect();
            assert_eq!(
                kept_texts,
                vec![
                    "Short breaks",
                    "School transport",
                    "Speech and language therapy"
                ]
            );
        }
        suggester.add(
            Suggestion {
                text: "SENCO".into(),
                kind: SuggestionKind::Query,
                path: None,
                url: None,
            },
            0.9,
        );
        assert_eq!(texts(&suggester.suggest("s", 1)), vec!["SENCO"]);
        assert_eq!(texts(&suggester.suggest("se", 8))[0], "SENCO");
        // Prefixes of no word find nothing and are not kept.
        assert!(suggester.suggest("zq", 8).is_empty());
        assert!(suggester.suggest("漢字", 8).is_empty());
        let kept = suggester.kept.read().expect("not poisoned");
        assert!(!kept.contains_key("zq") && !kept.contains_key("漢字"));
    }

    #[test]
    fn a_word_many_entries_hold_is_kept_and_other_words_narrow_the_candidates() {
        let mut texts_and_weights: Vec<(String, f32)> = (0..KEPT_FROM_HOLDERS + 10)
            .map(|n| (format!("School number {n}"), 0.4))
            .collect();
        texts_and_weights.push(("Free school meals".into(), 0.4));
        texts_and_weights.push(("Meals on wheels".into(), 0.2));
        texts_and_weights.push(("Schooling at home".into(), 0.6));
        let borrowed: Vec<(&str, f32)> = texts_and_weights
            .iter()
            .map(|(text, weight)| (text.as_str(), *weight))
            .collect();
        let suggester = suggester(&borrowed);

        let fresh = suggester.ranked(&[], "scho", 3);
        let found = suggester.suggest_scored("scho", 3);
        assert_eq!(
            found.iter().map(|(score, _)| *score).collect::<Vec<_>>(),
            fresh.iter().map(|(score, _)| *score).collect::<Vec<_>>()
        );
        assert_eq!(found[0].1.text, "Schooling at home");
        assert!(
            suggester
                .kept
                .read()
                .expect("not poisoned")
                .contains_key("scho")
        );
        // A word few entries hold is looked up afresh each time.
        assert_eq!(texts(&suggester.suggest("whe", 8)), vec!["Meals on wheels"]);
        assert!(
            !suggester
                .kept
                .read()
                .expect("not poisoned")
                .contains_key("whe")
        );

        // "school" is held by hundreds of entries and "free" by one: the answer is the same
        // whichever word the candidates come from.
        assert_eq!(
            texts(&suggester.suggest("free school m", 8)),
            vec!["Free school meals"]
        );
        assert_eq!(
            texts(&suggester.suggest("school m", 8)),
            vec!["Free school meals"]
        );
        assert_eq!(
            texts(&suggester.suggest("meals", 8)),
            vec!["Meals on wheels", "Free school meals"]
        );
    }

    #[test]
    fn files_round_trip() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("suggestions.tsv");
        let suggestion = Suggestion {
            text: "Short\tbreaks".into(),
            kind: SuggestionKind::Keyword,
            path: None,
            url: None,
        };
        write(&path, &[(suggestion, 0.3)])?;
        let loaded = Suggester::load(&path)?;
        assert_eq!(texts(&loaded.suggest("short", 8)), vec!["Short breaks"]);
        assert!(Suggester::load(Path::new("/nonexistent/s.tsv"))?.is_empty());
        Ok(())
    }
}
