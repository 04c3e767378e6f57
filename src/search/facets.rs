//! Facet counts: how many matching records fall in each section and each kind.

use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::facts::{RecordFacts, SegmentFacts};

/// Counts of matching records by `section_id` and by kind (pages, documents).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetCounts {
    pub by_section_id: BTreeMap<u64, usize>,
    pub pages: usize,
    pub documents: usize,
}

/// Collects [`FacetCounts`] from the records' section and kind.
pub struct FacetCollector {
    pub facts: Arc<RecordFacts>,
}

pub struct FacetSegmentCollector {
    facts: Arc<SegmentFacts>,
    counts: FacetCounts,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        Ok(FacetSegmentCollector {
            facts: self.facts.of(segment),
            counts: FacetCounts::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged = FacetCounts::default();
        for fruit in fruits {
            for (section, count) in fruit.by_section_id {
                *merged.by_section_id.entry(section).or_default() += count;
            }
            merged.pages += fruit.pages;
            merged.documents += fruit.documents;
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let section = self.facts.section_id(doc);
        *self.counts.by_section_id.entry(section).or_default() += 1;
        if self.facts.is_document(doc) {
            self.counts.documents += 1;
        } else {
            self.counts.pages += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        self.counts
    }
}
