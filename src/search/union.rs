//! Unions whose clauses each keep their own place, and combine their scores the ways ranking
//! needs.
//!
//! tantivy's own union buffers a window of 4,096 documents and scores every match in it. That
//! is the fastest way to visit all of a query's matches, and a slow way to score a scattered
//! few: seeking inside the window walks through it. [`PlainUnion`] keeps one position per
//! clause, so scoring a handful of chosen records costs a skip per clause (see `window.rs`).
//! It combines its clauses in one of three ways:
//! - a sum, as a boolean query of optional clauses scores;
//! - the best clause plus a share of the others, as tantivy's disjunction max scores;
//! - a sum scaled by `1 + bonus` when every clause matches. Ranking rewards a record that
//!   holds every word of the query; written with tantivy's own queries that is the union of
//!   the words plus their intersection boosted by the bonus, where every word's scorer runs
//!   twice. Here each clause runs once, and the score is the same, because an intersection
//!   scores the sum of its clauses.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// How a union's matching clauses make one score.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Combine {
    Sum,
    /// The sum, times `1 + bonus` when every clause matches.
    EveryClause {
        bonus: Score,
    },
    /// The best clause's score plus `tie_breaker` times the others'.
    Max {
        tie_breaker: Score,
    },
}

/// Matches what any clause matches; scored as its [`Combine`] says.
#[derive(Debug)]
pub struct PlainUnion {
    clauses: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl PlainUnion {
    /// The sum of the matching clauses' scores.
    pub fn sum(clauses: Vec<Box<dyn Query>>) -> PlainUnion {
        PlainUnion {
            clauses,
            combine: Combine::Sum,
        }
    }

    /// The sum of the matching clauses' scores, times `1 + bonus` when all of them match.
    pub fn every_clause(clauses: Vec<Box<dyn Query>>, bonus: Score) -> PlainUnion {
        PlainUnion {
            clauses,
            combine: Combine::EveryClause { bonus },
        }
    }

    /// The best matching clause's score plus `tie_breaker` times the other matching ones'.
    pub fn max(clauses: Vec<Box<dyn Query>>, tie_breaker: Score) -> PlainUnion {
        PlainUnion {
            clauses,
            combine: Combine::Max { tie_breaker },
        }
    }
}

impl Clone for PlainUnion {
    fn clone(&self) -> PlainUnion {
        PlainUnion {
            clauses: self
                .clauses
                .iter()
                .map(|clause| clause.box_clone())
                .collect(),
            combine: self.combine,
        }
    }
}

impl Query for PlainUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|clause| clause.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(PlainUnionWeight {
            weights,
            combine: self.combine,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct PlainUnionWeight {
    weights: Vec<Box<dyn Weight>>,
    combine: Combine,
}

impl Weight for PlainUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let children = self
            .weights
            .iter()
            .map(|weight| weight.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(PlainUnionScorer::new(children, self.combine)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let label = match self.combine {
            Combine::Sum => "sum of clauses",
            Combine::EveryClause { .. } => "sum of clauses, with the every-clause bonus",
            Combine::Max { .. } => "best clause, plus a share of the others",
        };
        let mut explanation = Explanation::new(label, scorer.score());
        for weight in &self.weights {
            if let Ok(child) = weight.explain(reader, doc) {
                explanation.add_detail(child);
            }
        }
        Ok(explanation)
    }
}

/// A plain union over a handful of clauses, each advanced and sought on its own.
struct PlainUnionScorer {
    children: Vec<Box<dyn Scorer>>,
    combine: Combine,
    doc: DocId,
}

impl PlainUnionScorer {
    fn new(children: Vec<Box<dyn Scorer>>, combine: Combine) -> PlainUnionScorer {
        let mut scorer = PlainUnionScorer {
            children,
            combine,
            doc: TERMINATED,
        };
        scorer.settle();
        scorer
    }

    fn settle(&mut self) -> DocId {
        self.doc = self
            .children
            .iter()
            .map(|child| child.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for PlainUnionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        for child in &mut self.children {
            if child.doc() == current {
                child.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for child in &mut self.children {
            if child.doc() < target {
                child.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.children
            .iter()
            .map(|child| child.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for PlainUnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let (mut sum, mut best, mut matched) = (0.0, 0.0, 0);
        for child in &mut self.children {
            if child.doc() == doc {
                let score = child.score();
                sum += score;
                best = Score::max(best, score);
                matched += 1;
            }
        }
        match self.combine {
            Combine::Sum => sum,
            Combine::EveryClause { bonus } if matched == self.children.len() => sum * (1.0 + bonus),
            Combine::EveryClause { .. } => sum,
            Combine::Max { tie_breaker } => best + (sum - best) * tie_breaker,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    fn index() -> tantivy::Result<(Index, Field)> {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000)?;
        for text in [
            "short breaks for disabled children",
            "short walks",
            "breaks at school",
            "short breaks short breaks and more short breaks",
            "nothing here",
            "children and breaks",
        ] {
            writer.add_document(doc!(body => text))?;
        }
        writer.commit()?;
        Ok((index, body))
    }

    fn word(field: Field, text: &str) -> Box<dyn Query> {
        let term = Term::from_field_text(field, text);
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    }

    /// The union plus a boosted intersection, as ranking wrote it before.
    fn two_clause_form(field: Field, words: &[&str], bonus: Score) -> BooleanQuery {
        let each: Vec<Box<dyn Query>> = words.iter().map(|w| word(field, w)).collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = each
            .iter()
            .map(|q| (Occur::Should, q.box_clone()))
            .collect();
        let all = BooleanQuery::intersection(each);
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(all), bonus)),
        ));
        BooleanQuery::new(clauses)
    }

    #[test]
    fn scores_and_matches_as_the_union_plus_boosted_intersection() -> tantivy::Result<()> {
        let (index, body) = index()?;
        let searcher = index.reader()?.searcher();
        for words in [
            &["short", "breaks"][..],
            &["short", "breaks", "children"],
            &["walks"],
        ] {
            let old = two_clause_form(body, words, 0.5);
            let new = PlainUnion::every_clause(words.iter().map(|w| word(body, w)).collect(), 0.5);
            let top = |query: &dyn Query| {
                searcher.search(query, &TopDocs::with_limit(10).order_by_score())
            };
            let (old_top, new_top) = (top(&old)?, top(&new)?);
            assert_eq!(old_top.len(), new_top.len(), "{words:?}");
            for ((old_score, old_doc), (new_score, new_doc)) in old_top.iter().zip(&new_top) {
                assert_eq!(old_doc, new_doc, "{words:?}");
                assert!((old_score - new_score).abs() < 1e-4, "{words:?}");
            }
            assert_eq!(
                searcher.search(&old, &Count)?,
                searcher.search(&new, &Count)?
            );
        }
        Ok(())
    }

    #[test]
    fn seeks_and_explains_a_record() -> tantivy::Result<()> {
        let (index, body) = index()?;
        let searcher = index.reader()?.searcher();
        let query =
            PlainUnion::every_clause(vec![word(body, "short"), word(body, "children")], 1.0);
        let segment = searcher.segment_reader(0);
        let weight = query.weight(EnableScoring::enabled_from_searcher(&searcher))?;
        let mut scorer = weight.scorer(segment, 1.0)?;
        assert_eq!(scorer.seek(2), 3);
        assert_eq!(scorer.advance(), 5);
        assert_eq!(scorer.advance(), TERMINATED);
        let first = weight.explain(segment, 0)?;
        let single = weight.explain(segment, 1)?;
        assert!(first.value() > single.value());
        assert!(weight.explain(segment, 4).is_err());
        let mut nothing = PlainUnionScorer::new(Vec::new(), Combine::Sum);
        assert_eq!(nothing.doc(), TERMINATED);
        assert_eq!(nothing.advance(), TERMINATED);
        Ok(())
    }

    /// Every (doc, score) a query's scorer visits when iterated from the start.
    fn visited(
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> tantivy::Result<Vec<(DocId, Score)>> {
        let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let mut scorer = weight.scorer(searcher.segment_reader(0), 1.0)?;
        let mut seen = Vec::new();
        while scorer.doc() != TERMINATED {
            seen.push((scorer.doc(), scorer.score()));
            scorer.advance();
        }
        Ok(seen)
    }

    fn assert_same(left: &[(DocId, Score)], right: &[(DocId, Score)], what: &str) {
        assert_eq!(left.len(), right.len(), "{what}");
        for ((left_doc, left_score), (right_doc, right_score)) in left.iter().zip(right) {
            assert_eq!(left_doc, right_doc, "{what}");
            assert!(
                (left_score - right_score).abs() < 1e-5,
                "{what}: {left_score} {right_score}"
            );
        }
    }

    #[test]
    fn sum_and_max_score_as_tantivys_union_and_disjunction_max() -> tantivy::Result<()> {
        let (index, body) = index()?;
        let searcher = index.reader()?.searcher();
        let clauses = || -> Vec<Box<dyn Query>> {
            vec![
                word(body, "short"),
                Box::new(BoostQuery::new(word(body, "breaks"), 2.0)),
                word(body, "children"),
            ]
        };
        let boolean =
            BooleanQuery::new(clauses().into_iter().map(|q| (Occur::Should, q)).collect());
        assert_same(
            &visited(&searcher, &boolean)?,
            &visited(&searcher, &PlainUnion::sum(clauses()))?,
            "sum",
        );
        for tie_breaker in [0.0, 0.2, 1.0] {
            let dismax = DisjunctionMaxQuery::with_tie_breaker(clauses(), tie_breaker);
            assert_same(
                &visited(&searcher, &dismax)?,
                &visited(&searcher, &PlainUnion::max(clauses(), tie_breaker))?,
                "max",
            );
        }
        Ok(())
    }

    #[test]
    fn a_scattered_record_scores_as_it_does_when_every_match_is_visited() -> tantivy::Result<()> {
        let (index, body) = index()?;
        let searcher = index.reader()?.searcher();
        let query = PlainUnion::every_clause(
            vec![
                Box::new(PlainUnion::max(
                    vec![word(body, "short"), word(body, "walks")],
                    0.2,
                )),
                word(body, "breaks"),
            ],
            0.5,
        );
        let all = visited(&searcher, &query)?;
        let weight = query.weight(EnableScoring::enabled_from_searcher(&searcher))?;
        let mut scorer = weight.scorer(searcher.segment_reader(0), 1.0)?;
        // Only every other match, by seeking.
        for (doc, score) in all.iter().step_by(2) {
            assert_eq!(scorer.seek(*doc), *doc);
            assert!((scorer.score() - score).abs() < 1e-6);
        }
        Ok(())
    }
}
