//! Judged-query evaluation: nDCG@10, MRR, P@1, recall@10 and `first` expectations.
//!
//! The judgments format: `[[query]]` tables with `q`, an optional `first` path and a
//! `[query.grades]` table of path = grade (3 the page to land on, 2 very useful, 1 related).
//! Metrics are over the flat top 10; a path returned twice counts once, at its first rank;
//! gain is 2^grade − 1 with a log2(rank + 1) discount against the judged grades sorted; a
//! result is relevant at grade 2 or more (at grade 1 when a query judges nothing higher).
//! Paths are compared percent-decoded, without fragment, `;jsessionid=`, a trailing
//! `index.html` or a trailing slash.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Results looked at per query.
pub const CUTOFF: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    #[error("cannot read judgments `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid judgments `{path}`: {message}")]
    Parse { path: PathBuf, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJudgments {
    #[serde(default)]
    query: Vec<RawQuery>,
    #[serde(default)]
    thresholds: Thresholds,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    q: String,
    first: Option<String>,
    #[serde(default)]
    grades: BTreeMap<String, u32>,
}

/// Overall targets; a run misses when any given one is not reached.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub ndcg_at_10: Option<f64>,
    pub mrr: Option<f64>,
    pub p_at_1: Option<f64>,
    pub recall_at_10: Option<f64>,
    pub first: Option<f64>,
}

/// One judged query, with its paths normalised.
#[derive(Debug, Clone)]
pub struct JudgedQuery {
    pub text: String,
    pub first: Option<String>,
    pub grades: BTreeMap<String, u32>,
}

#[derive(Debug, Clone)]
pub struct Judgments {
    pub queries: Vec<JudgedQuery>,
    pub thresholds: Thresholds,
}

impl Judgments {
    pub fn load(path: &Path) -> Result<Judgments, EvaluateError> {
        let text = std::fs::read_to_string(path).map_err(|source| EvaluateError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Judgments::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Judgments, EvaluateError> {
        let raw: RawJudgments = toml::from_str(text).map_err(|err| EvaluateError::Parse {
            path: path.to_path_buf(),
            message: err.message().to_string(),
        })?;
        let queries = raw
            .query
            .into_iter()
            .map(|query| JudgedQuery {
                text: query.q,
                first: query.first.as_deref().map(normalize_path),
                grades: query
                    .grades
                    .iter()
                    .map(|(path, grade)| (normalize_path(path), *grade))
                    .collect(),
            })
            .collect();
        let thresholds = raw.thresholds;
        for (name, value) in [
            ("ndcg_at_10", thresholds.ndcg_at_10),
            ("mrr", thresholds.mrr),
            ("p_at_1", thresholds.p_at_1),
            ("recall_at_10", thresholds.recall_at_10),
            ("first", thresholds.first),
        ] {
            if let Some(value) = value {
                check_share(value).map_err(|reason| EvaluateError::Parse {
                    path: path.to_path_buf(),
                    message: format!("thresholds.{name}: {reason}"),
                })?;
            }
        }
        Ok(Judgments {
            queries,
            thresholds,
        })
    }
}

/// A threshold is a share from 0 to 1; `first` too is the share of `first` expectations
/// met, not a count of them.
pub fn check_share(value: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{value} is not between 0 and 1 (a threshold is a share: 1 means every query)"
        ))
    }
}

/// A path as judgments compare it.
pub fn normalize_path(path: &str) -> String {
    let without_fragment = path.split('#').next().unwrap_or(path);
    let without_query = without_fragment
        .split('?')
        .next()
        .unwrap_or(without_fragment);
    let decoded = percent_decode(without_query);
    let mut clean = strip_jsessionid(&decoded);
    if clean.ends_with("/index.html") {
        clean.truncate(clean.len() - "index.html".len());
    }
    if clean.len() > 1 && clean.ends_with('/') {
        clean.pop();
    }
    if clean.is_empty() {
        clean.push('/');
    }
    clean
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| text.to_string())
}

fn strip_jsessionid(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let Some(start) = lower.find(";jsessionid=") else {
        return path.to_string();
    };
    let end = path[start..]
        .find('/')
        .map_or(path.len(), |offset| start + offset);
    format!("{}{}", &path[..start], &path[end..])
}

/// Metrics of one query.
#[derive(Debug, Clone, Serialize)]
pub struct QueryScore {
    pub query: String,
    pub ndcg_at_10: f64,
    pub reciprocal_rank: f64,
    pub p_at_1: f64,
    pub recall_at_10: f64,
    /// `None` when the query has no `first` expectation.
    pub first_met: Option<bool>,
    pub expected_first: Option<String>,
    pub top: Vec<String>,
}

/// Scores one ranked list of result paths against one judged query.
pub fn score_query(judged: &JudgedQuery, ranked: &[String]) -> QueryScore {
    let mut seen: HashSet<String> = HashSet::new();
    let deduped: Vec<Option<String>> = ranked
        .iter()
        .map(|path| {
            let normal = normalize_path(path);
            seen.insert(normal.clone()).then_some(normal)
        })
        .collect();
    let grade_of = |path: &Option<String>| -> u32 {
        path.as_ref()
            .and_then(|path| judged.grades.get(path))
            .copied()
            .unwrap_or(0)
    };

    let top: Vec<&Option<String>> = deduped.iter().take(CUTOFF).collect();
    let dcg: f64 = top
        .iter()
        .enumerate()
        .map(|(rank, path)| gain(grade_of(path)) / ((rank + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = judged.grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(CUTOFF)
        .enumerate()
        .map(|(rank, grade)| gain(*grade) / ((rank + 2) as f64).log2())
        .sum();
    let ndcg = if idcg > 0.0 { dcg / idcg } else { 0.0 };

    let highest = judged.grades.values().copied().max().unwrap_or(0);
    let relevant_grade = if highest >= 2 { 2 } else { 1 };
    let reciprocal_rank = top
        .iter()
        .position(|path| grade_of(path) >= relevant_grade)
        .map_or(0.0, |rank| 1.0 / (rank + 1) as f64);
    let p_at_1 = match top.first() {
        Some(path) if grade_of(path) >= relevant_grade => 1.0,
        _ => 0.0,
    };
    let relevant_total = judged
        .grades
        .values()
        .filter(|grade| **grade >= relevant_grade)
        .count();
    let relevant_found = top
        .iter()
        .filter(|path| grade_of(path) >= relevant_grade)
        .count();
    let recall = if relevant_total > 0 {
        relevant_found as f64 / relevant_total as f64
    } else {
        0.0
    };
    let first_met = judged.first.as_ref().map(|first| {
        ranked
            .first()
            .is_some_and(|path| normalize_path(path) == *first)
    });

    QueryScore {
        query: judged.text.clone(),
        ndcg_at_10: ndcg,
        reciprocal_rank,
        p_at_1,
        recall_at_10: recall,
        first_met,
        expected_first: judged.first.clone(),
        top: ranked.iter().take(CUTOFF).cloned().collect(),
    }
}

fn gain(grade: u32) -> f64 {
    2f64.powi(grade as i32) - 1.0
}

/// Overall figures: plain means over the queries.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub queries: usize,
    pub ndcg_at_10: f64,
    pub mrr: f64,
    pub p_at_1: f64,
    pub recall_at_10: f64,
    pub first_met: usize,
    pub first_total: usize,
    /// Share of `first` expectations met (1.0 when there are none).
    pub first: f64,
}

pub fn summarize(scores: &[QueryScore]) -> Summary {
    let count = scores.len().max(1) as f64;
    let mean = |metric: fn(&QueryScore) -> f64| scores.iter().map(metric).sum::<f64>() / count;
    let first_total = scores
        .iter()
        .filter(|score| score.first_met.is_some())
        .count();
    let first_met = scores
        .iter()
        .filter(|score| score.first_met == Some(true))
        .count();
    Summary {
        queries: scores.len(),
        ndcg_at_10: mean(|score| score.ndcg_at_10),
        mrr: mean(|score| score.reciprocal_rank),
        p_at_1: mean(|score| score.p_at_1),
        recall_at_10: mean(|score| score.recall_at_10),
        first_met,
        first_total,
        first: if first_total == 0 {
            1.0
        } else {
            first_met as f64 / first_total as f64
        },
    }
}

/// The thresholds a summary misses, as `name: value < target` lines.
pub fn missed(summary: &Summary, thresholds: &Thresholds) -> Vec<String> {
    let checks = [
        ("ndcg_at_10", summary.ndcg_at_10, thresholds.ndcg_at_10),
        ("mrr", summary.mrr, thresholds.mrr),
        ("p_at_1", summary.p_at_1, thresholds.p_at_1),
        (
            "recall_at_10",
            summary.recall_at_10,
            thresholds.recall_at_10,
        ),
        ("first", summary.first, thresholds.first),
    ];
    checks
        .into_iter()
        .filter_map(|(name, value, target)| {
            let target = target?;
            (value + 1e-9 < target).then(|| format!("{name}: {value:.3} < {target:.3}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(first: Option<&str>, grades: &[(&str, u32)]) -> JudgedQuery {
        JudgedQuery {
            text: "q".into(),
            first: first.map(normalize_path),
            grades: grades
                .iter()
                .map(|(path, grade)| (normalize_path(path), *grade))
                .collect(),
        }
    }

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|path| path.to_string()).collect()
    }

    #[test]
    fn paths_normalise_like_the_judgments_header() {
        assert_eq!(normalize_path("/a/b/"), "/a/b");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("/Local%20Offer/x.htm"), "/Local Offer/x.htm");
        assert_eq!(
            normalize_path("/d/site.page;jsessionid=ABC?id=1"),
            "/d/site.page"
        );
        assert_eq!(normalize_path("/x/index.html"), "/x");
        assert_eq!(normalize_path("/a#top"), "/a");
    }

    #[test]
    fn perfect_and_duplicated_rankings() {
        let query = judged(Some("/a"), &[("/a", 3), ("/b", 2), ("/c", 1)]);
        let perfect = score_query(&query, &paths(&["/a", "/b", "/c"]));
        assert!((perfect.ndcg_at_10 - 1.0).abs() < 1e-9);
        assert_eq!(perfect.reciprocal_rank, 1.0);
        assert_eq!(perfect.first_met, Some(true));
        assert!((perfect.recall_at_10 - 1.0).abs() < 1e-9);

        // `/a` twice: the copy at rank 2 gains nothing.
        let duplicated = score_query(&query, &paths(&["/a", "/a/", "/b"]));
        let expected_dcg = 7.0 + 3.0 / 4f64.log2();
        let ideal = 7.0 + 3.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!((duplicated.ndcg_at_10 - expected_dcg / ideal).abs() < 1e-9);

        let missed = score_query(&query, &paths(&["/c", "/b"]));
        assert_eq!(missed.reciprocal_rank, 0.5);
        assert_eq!(missed.p_at_1, 0.0);
        assert_eq!(missed.first_met, Some(false));
        assert!((missed.recall_at_10 - 0.5).abs() < 1e-9);
    }

    #[test]
    fn grade_one_counts_when_nothing_higher_is_judged() {
        let query = judged(None, &[("/a", 1)]);
        let score = score_query(&query, &paths(&["/a"]));
        assert_eq!(score.p_at_1, 1.0);
    }

    #[test]
    fn thresholds_are_shares_from_0_to_1() {
        let text = "[thresholds]\nfirst = 3\n\n[[query]]\nq = \"x\"\n";
        let err = Judgments::parse(Path::new("j.toml"), text).expect_err("3 is a count");
        let shown = err.to_string();
        assert!(shown.contains("thresholds.first"), "{shown}");
        assert!(shown.contains("between 0 and 1"), "{shown}");
        assert!(check_share(1.0).is_ok() && check_share(0.0).is_ok());
        assert!(check_share(1.5).is_err() && check_share(f64::NAN).is_err());
    }

    #[test]
    fn thresholds_report_what_is_missed() -> Result<(), EvaluateError> {
        let text =
            "[thresholds]\nndcg_at_10 = 0.9\n\n[[query]]\nq = \"x\"\n[query.grades]\n\"/a\" = 3\n";
        let judgments = Judgments::parse(Path::new("j.toml"), text)?;
        let scores = vec![score_query(&judgments.queries[0], &paths(&["/b"]))];
        let summary = summarize(&scores);
        assert_eq!(missed(&summary, &judgments.thresholds).len(), 1);
        Ok(())
    }
}
