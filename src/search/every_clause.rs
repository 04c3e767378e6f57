//! A disjunction that adds a bonus to records holding every one of its clauses.
//!
//! Ranking rewards a record that holds every word of the query. Written with tantivy's own
//! queries that is a union of the words plus, as one more optional clause, their
//! intersection boosted by the bonus: every word's scorer then runs twice, once in each.
//! [`EveryClauseBonus`] runs each clause once and scales the sum when all of them matched,
//! which scores exactly the same: the intersection's score is the sum of its clauses'.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches what any clause matches, scored by the sum of the clauses that match, times
/// `1 + bonus` when every clause matches.
#[derive(Debug)]
pub struct EveryClauseBonus {
    clauses: Vec<Box<dyn Query>>,
    bonus: Score,
}

impl EveryClauseBonus {
    pub fn new(clauses: Vec<Box<dyn Query>>, bonus: Score) -> EveryClauseBonus {
        EveryClauseBonus { clauses, bonus }
    }
}

impl Clone for EveryClauseBonus {
    fn clone(&self) -> EveryClauseBonus {
        EveryClauseBonus {
            clauses: self
                .clauses
                .iter()
                .map(|clause| clause.box_clone())
                .collect(),
            bonus: self.bonus,
        }
    }
}

impl Query for EveryClauseBonus {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|clause| clause.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(EveryClauseWeight {
            weights,
            bonus: self.bonus,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct EveryClauseWeight {
    weights: Vec<Box<dyn Weight>>,
    bonus: Score,
}

impl Weight for EveryClauseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let children = self
            .weights
            .iter()
            .map(|weight| weight.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(EveryClauseScorer::new(children, self.bonus)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of clauses, with the every-clause bonus", {
            scorer.score()
        });
        for weight in &self.weights {
            if let Ok(child) = weight.explain(reader, doc) {
                explanation.add_detail(child);
            }
        }
        Ok(explanation)
    }
}

/// A plain union over a handful of clauses (one per query word), each advanced once.
struct EveryClauseScorer {
    children: Vec<Box<dyn Scorer>>,
    bonus: Score,
    doc: DocId,
}

impl EveryClauseScorer {
    fn new(children: Vec<Box<dyn Scorer>>, bonus: Score) -> EveryClauseScorer {
        let doc = children
            .iter()
            .map(|child| child.doc())
            .min()
            .unwrap_or(TERMINATED);
        EveryClauseScorer {
            children,
            bonus,
            doc,
        }
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

impl DocSet for EveryClauseScorer {
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

impl Scorer for EveryClauseScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut sum = 0.0;
        let mut matched = 0;
        for child in &mut self.children {
            if child.doc() == doc {
                sum += child.score();
                matched += 1;
            }
        }
        if matched == self.children.len() {
            sum * (1.0 + self.bonus)
        } else {
            sum
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
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
            let new = EveryClauseBonus::new(words.iter().map(|w| word(body, w)).collect(), 0.5);
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
        let query = EveryClauseBonus::new(vec![word(body, "short"), word(body, "children")], 1.0);
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
        let mut nothing = EveryClauseScorer::new(Vec::new(), 1.0);
        assert_eq!(nothing.doc(), TERMINATED);
        assert_eq!(nothing.advance(), TERMINATED);
        Ok(())
    }
}
