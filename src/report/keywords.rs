//! The keyword review: every page's title, description and meta keywords, with what an
//! editor should look at.
//!
//! Meta keywords on a Local Offer are best written as a sentence or two a family would read
//! (offer-search shows them beneath the result); the lint flags pages without them, pages
//! with a comma list instead, keywords too short or too long, titles and keywords that
//! repeat another page's, and keyword words nobody has searched for in the analytics window.
//! Words are compared as the index compares them (lower case, word endings removed), so
//! "assessments" in the keywords meets a search for "assessment".

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::{CsvRow, DateRange};
use crate::config::KeywordLintConfig;
use crate::index::schema::analyze;
use crate::record::{IndexRecord, KeywordForm, Kind};
use crate::search::query::is_stop_term;

/// What the lint can say about a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    MissingKeywords,
    CommaList,
    KeywordsTooShort,
    KeywordsTooLong,
    MissingDescription,
    DuplicateTitle,
    DuplicateKeywords,
    /// Not one word of the keywords was searched for in the window.
    KeywordsNeverSearched,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::MissingKeywords => "missing_keywords",
            Problem::CommaList => "comma_list",
            Problem::KeywordsTooShort => "keywords_too_short",
            Problem::KeywordsTooLong => "keywords_too_long",
            Problem::MissingDescription => "missing_description",
            Problem::DuplicateTitle => "duplicate_title",
            Problem::DuplicateKeywords => "duplicate_keywords",
            Problem::KeywordsNeverSearched => "keywords_never_searched",
        }
    }
}

fn form_name(form: KeywordForm) -> &'static str {
    match form {
        KeywordForm::Sentence => "sentence",
        KeywordForm::List => "list",
        KeywordForm::None => "none",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeywordRow {
    pub path: String,
    pub title: String,
    pub description: String,
    pub keywords: String,
    /// `sentence`, `list` or `none`, as the index decided.
    pub keyword_form: &'static str,
    pub keyword_words: usize,
    pub problems: Vec<Problem>,
    /// Other pages with the same title.
    pub duplicate_title_of: Vec<String>,
    /// Other pages with the same keywords.
    pub duplicate_keywords_of: Vec<String>,
    /// Words of the keywords no query in the window used; empty when no query was logged.
    pub unsearched_words: Vec<String>,
}

impl CsvRow for KeywordRow {
    const COLUMNS: &'static [&'static str] = &[
        "path",
        "title",
        "description",
        "keywords",
        "keyword_form",
        "keyword_words",
        "problems",
        "duplicate_title_of",
        "duplicate_keywords_of",
        "unsearched_words",
    ];
    fn cells(&self) -> Vec<String> {
        let problems: Vec<&str> = self
            .problems
            .iter()
            .map(|problem| problem.as_str())
            .collect();
        vec![
            self.path.clone(),
            self.title.clone(),
            self.description.clone(),
            self.keywords.clone(),
            self.keyword_form.to_string(),
            self.keyword_words.to_string(),
            problems.join("; "),
            self.duplicate_title_of.join("; "),
            self.duplicate_keywords_of.join("; "),
            self.unsearched_words.join("; "),
        ]
    }
}

/// A keyword word no query used, with how many pages carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsearchedWord {
    pub word: String,
    pub pages: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeywordReport {
    #[serde(flatten)]
    pub range: DateRange,
    pub summary: String,
    pub total_pages: usize,
    pub pages_with_problems: usize,
    /// Pages per problem.
    pub problem_counts: BTreeMap<&'static str, usize>,
    /// Distinct queries logged in the window; with none, the unsearched lint is skipped.
    pub queries_in_window: usize,
    /// Site-wide, most used first.
    pub unsearched_words: Vec<UnsearchedWord>,
    pub pages: Vec<KeywordRow>,
}

/// Text compared for duplicates: lower case, whitespace collapsed, end punctuation dropped.
fn comparable(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_end_matches(['.', ',', ';', ':', '!', '?'])
        .to_lowercase()
}

/// The distinct words of the keywords that carry meaning, lower case, in order.
fn keyword_words(keywords: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    keywords
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|word| word.trim_matches(['\'', '’']).to_lowercase())
        .filter(|word| !word.is_empty())
        .filter(|word| analyze(word).iter().any(|term| !is_stop_term(term)))
        .filter(|word| seen.insert(word.clone()))
        .collect()
}

/// Pages sharing a value, keyed by the comparable value.
fn groups<'a>(
    pages: &[&'a IndexRecord],
    value: impl Fn(&IndexRecord) -> &str,
) -> HashMap<String, Vec<&'a str>> {
    let mut groups: HashMap<String, Vec<&str>> = HashMap::new();
    for record in pages {
        let key = comparable(value(record));
        if key.is_empty() {
            continue;
        }
        groups
            .entry(key)
            .or_default()
            .push(record.facts.path.as_str());
    }
    groups
}

fn others(groups: &HashMap<String, Vec<&str>>, value: &str, path: &str) -> Vec<String> {
    groups
        .get(&comparable(value))
        .map(|paths| {
            paths
                .iter()
                .filter(|other| **other != path)
                .map(|other| other.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Builds the report over the pages in `records`, with `searched` the distinct queries of
/// the analytics window.
pub fn keyword_report(
    records: &[IndexRecord],
    searched: &[String],
    range: DateRange,
    config: &KeywordLintConfig,
) -> KeywordReport {
    let mut pages: Vec<&IndexRecord> = records
        .iter()
        .filter(|record| record.page.kind == Kind::Page)
        .collect();
    pages.sort_by(|a, b| a.facts.path.cmp(&b.facts.path));

    let searched_terms: HashSet<String> =
        searched.iter().flat_map(|query| analyze(query)).collect();
    let lint_searches = !searched.is_empty();
    let titles = groups(&pages, |record| record.facts.title.as_str());
    let keyword_groups = groups(&pages, |record| record.page.keywords.as_str());

    let mut rows = Vec::with_capacity(pages.len());
    let mut unsearched_uses: BTreeMap<String, usize> = BTreeMap::new();
    for record in pages {
        let page = &record.page;
        let path = record.facts.path.as_str();
        let keywords = page.keywords.trim();
        let words = keywords.split_whitespace().count();
        let mut problems = Vec::new();

        if keywords.is_empty() {
            problems.push(Problem::MissingKeywords);
        } else {
            if record.facts.keyword_form == KeywordForm::List {
                problems.push(Problem::CommaList);
            }
            if words < config.min_words {
                problems.push(Problem::KeywordsTooShort);
            }
            if words > config.max_words {
                problems.push(Problem::KeywordsTooLong);
            }
        }
        if page.description.trim().is_empty() {
            problems.push(Problem::MissingDescription);
        }
        let duplicate_title_of = others(&titles, &record.facts.title, path);
        if !duplicate_title_of.is_empty() {
            problems.push(Problem::DuplicateTitle);
        }
        let duplicate_keywords_of = others(&keyword_groups, keywords, path);
        if !duplicate_keywords_of.is_empty() {
            problems.push(Problem::DuplicateKeywords);
        }

        let meaningful = keyword_words(keywords);
        let unsearched_words: Vec<String> = if lint_searches {
            meaningful
                .iter()
                .filter(|word| {
                    !analyze(word)
                        .iter()
                        .any(|term| searched_terms.contains(term))
                })
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        if lint_searches && !meaningful.is_empty() && unsearched_words.len() == meaningful.len() {
            problems.push(Problem::KeywordsNeverSearched);
        }
        for word in &unsearched_words {
            *unsearched_uses.entry(word.clone()).or_default() += 1;
        }

        rows.push(KeywordRow {
            path: path.to_string(),
            title: record.facts.title.clone(),
            description: page.description.trim().to_string(),
            keywords: keywords.to_string(),
            keyword_form: form_name(record.facts.keyword_form),
            keyword_words: words,
            problems,
            duplicate_title_of,
            duplicate_keywords_of,
            unsearched_words,
        });
    }

    let mut problem_counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for row in &rows {
        for problem in &row.problems {
            *problem_counts.entry(problem.as_str()).or_default() += 1;
        }
    }
    let pages_with_problems = rows.iter().filter(|row| !row.problems.is_empty()).count();
    let mut unsearched_words: Vec<UnsearchedWord> = unsearched_uses
        .into_iter()
        .map(|(word, pages)| UnsearchedWord { word, pages })
        .collect();
    unsearched_words.sort_by(|a, b| b.pages.cmp(&a.pages).then(a.word.cmp(&b.word)));

    let total_pages = rows.len();
    let mut summary = format!("{pages_with_problems} of {total_pages} pages have keyword problems");
    if !lint_searches {
        summary.push_str(" (no queries logged in the window: unsearched words not checked)");
    }
    KeywordReport {
        range,
        summary,
        total_pages,
        pages_with_problems,
        problem_counts,
        queries_in_window: searched.len(),
        unsearched_words,
        pages: rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::site::keyword_form;

    fn page(path: &str, title: &str, keywords: &str, description: &str) -> IndexRecord {
        let mut record = crate::report::test_page(path);
        record.page.title = title.to_string();
        record.facts.title = title.to_string();
        record.page.keywords = keywords.to_string();
        record.page.description = description.to_string();
        record.facts.keyword_form = keyword_form(keywords);
        record
    }

    fn problems_of<'a>(report: &'a KeywordReport, path: &str) -> &'a [Problem] {
        report
            .pages
            .iter()
            .find(|row| row.path == path)
            .map(|row| row.problems.as_slice())
            .unwrap_or_default()
    }

    #[test]
    fn lint_names_each_problem() {
        let sentence = "Find out how to ask for an assessment of your child's needs.";
        let records = [
            page(
                "/good",
                "EHC needs assessment",
                sentence,
                "About assessments.",
            ),
            page(
                "/list",
                "Short breaks",
                "short breaks, respite, clubs",
                "About breaks.",
            ),
            page("/none", "Short Breaks", "", ""),
            page("/copy", "Copy", sentence, "x"),
            page(
                "/long",
                "Long",
                &"Families can read about many things here. ".repeat(12),
                "x",
            ),
        ];
        let config = KeywordLintConfig::default();
        let report = keyword_report(&records, &[], DateRange::default(), &config);
        assert_eq!(problems_of(&report, "/good"), [Problem::DuplicateKeywords]);
        assert_eq!(
            problems_of(&report, "/list"),
            [
                Problem::CommaList,
                Problem::KeywordsTooShort,
                Problem::DuplicateTitle
            ]
        );
        assert_eq!(
            problems_of(&report, "/none"),
            [
                Problem::MissingKeywords,
                Problem::MissingDescription,
                Problem::DuplicateTitle
            ]
        );
        assert_eq!(problems_of(&report, "/long"), [Problem::KeywordsTooLong]);
        assert_eq!(report.problem_counts["duplicate_title"], 2);
        assert_eq!(report.queries_in_window, 0);
        assert!(
            report
                .pages
                .iter()
                .all(|row| row.unsearched_words.is_empty())
        );
    }

    #[test]
    fn unsearched_words_are_matched_by_stem() {
        let records = [
            page(
                "/a",
                "A",
                "Ask for an assessment of your child's needs.",
                "x",
            ),
            page(
                "/b",
                "B",
                "Holiday clubs and playschemes for children.",
                "x",
            ),
        ];
        let searched = vec!["ehc assessments".to_string(), "needs".to_string()];
        let config = KeywordLintConfig::default();
        let report = keyword_report(&records, &searched, DateRange::default(), &config);
        let a = &report.pages[0];
        assert_eq!(a.unsearched_words, ["ask", "child's"]);
        assert!(!a.problems.contains(&Problem::KeywordsNeverSearched));
        let b = &report.pages[1];
        assert_eq!(
            b.unsearched_words,
            ["holiday", "clubs", "playschemes", "children"]
        );
        assert!(b.problems.contains(&Problem::KeywordsNeverSearched));
        assert_eq!(report.unsearched_words.len(), 6);
    }
}
