//! Ranking a large index in two steps.
//!
//! The nearness clauses of the text query (the whole query as a phrase, the words of a
//! spelt-out synonym near each other) read word positions, and on a big site a common word
//! matches most records, so scoring them on every match is most of a broad query's cost.
//! Above a size, retrieval therefore works as search engines' rescoring windows do
//! (`Engine::windowed`):
//!
//! 1. every match is counted, faceted and scored on its words alone (the per-word field
//!    disjunction, the every-word bonus, the query-independent multipliers), keeping the
//!    best as the window;
//! 2. [`rescore`]: the full text query scores just the window's records, by seeking to each
//!    one. Its per-word disjunctions are `PlainUnion`s (see `union.rs`), whose clauses each
//!    seek on their own; tantivy's own unions would walk every record in between.
//!
//! A record that its words alone rank below the window but nearness would lift into the
//! first page is missed; that is the price of not reading positions for every match.

use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// Scores `candidates` (sorted by address) with `full`, keeps those it matches, applies
/// `tweak` (which returns the sort score and the raw text score, as the exact path's
/// collector does) and returns the best `keep`, best first.
pub fn rescore(
    searcher: &Searcher,
    full: &dyn Query,
    candidates: &[DocAddress],
    keep: usize,
    tweak: impl Fn(&SegmentReader) -> Box<dyn Fn(DocId, Score) -> (Score, Score)>,
) -> tantivy::Result<Vec<((Score, Score), DocAddress)>> {
    let weight = full.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut scored = Vec::with_capacity(candidates.len());
    for chunk in candidates.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        let segment = searcher.segment_reader(chunk[0].segment_ord);
        let tweak = tweak(segment);
        let mut scorer = weight.scorer(segment, 1.0)?;
        for address in chunk {
            let doc = scorer.seek(address.doc_id);
            if doc == TERMINATED {
                break;
            }
            if doc == address.doc_id {
                scored.push((tweak(doc, scorer.score()), *address));
            }
        }
    }
    scored.sort_by(|(a, a_address), (b, b_address)| {
        b.0.total_cmp(&a.0).then_with(|| a_address.cmp(b_address))
    });
    scored.truncate(keep);
    Ok(scored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, Term, doc};

    #[test]
    fn rescoring_keeps_the_matching_candidates_best_first() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", TEXT);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        let words = ["short", "breaks", "school", "transport", "autism"];
        // Two segments, so that candidates come from both.
        for segment in 0..2 {
            for n in 0..100usize {
                let pick = |k: usize| words[(n * (k + 3) + segment + k) % words.len()];
                let body_text = (0..(n % 7 + 2)).map(pick).collect::<Vec<_>>().join(" ");
                writer.add_document(doc!(title => pick(1), body => body_text))?;
            }
            writer.commit()?;
        }
        let searcher = index.reader()?.searcher();
        let clause = |field, weight| -> (Occur, Box<dyn Query>) {
            let term = TermQuery::new(
                Term::from_field_text(field, "school"),
                IndexRecordOption::WithFreqs,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(term), weight)),
            )
        };
        let query = BooleanQuery::new(vec![clause(title, 3.0), clause(body, 1.0)]);
        let every = searcher.search(&query, &TopDocs::with_limit(10_000).order_by_score())?;
        // Candidates: every other record of both segments, matching or not, in address order.
        let candidates: Vec<DocAddress> = (0..2)
            .flat_map(|segment| {
                (0..100)
                    .step_by(2)
                    .map(move |doc| DocAddress::new(segment, doc))
            })
            .collect();
        let halve = |_: &SegmentReader| -> Box<dyn Fn(DocId, Score) -> (Score, Score)> {
            Box::new(|_, score| (score / 2.0, score))
        };
        let rescored = rescore(&searcher, &query, &candidates, 10, halve)?;
        let expected: Vec<(Score, DocAddress)> = every
            .into_iter()
            .filter(|(_, address)| address.doc_id % 2 == 0)
            .take(10)
            .collect();
        assert_eq!(rescored.len(), 10);
        for (((score, raw), address), (expected_score, expected_address)) in
            rescored.iter().zip(&expected)
        {
            assert!((raw - expected_score).abs() < 1e-6);
            assert!((score - expected_score / 2.0).abs() < 1e-6);
            assert_eq!(address, expected_address);
        }
        Ok(())
    }
}
