//! Facet counts: how many matching records fall in each section and each kind.

use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts of matching records by `section_id` and by kind (pages, documents).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetCounts {
    pub by_section_id: BTreeMap<u64, usize>,
    pub pages: usize,
    pub documents: usize,
}

/// Collects [`FacetCounts`] from the `section_id` and `is_document` fast fields.
pub struct FacetCollector;

pub struct FacetSegmentCollector {
    sections: Option<Arc<dyn ColumnValues<u64>>>,
    documents: Option<Arc<dyn ColumnValues<u64>>>,
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
        let fast = segment.fast_fields();
        Ok(FacetSegmentCollector {
            sections: fast
                .u64("section_id")
                .ok()
                .map(|c| c.first_or_default_col(0)),
            documents: fast
                .u64("is_document")
                .ok()
                .map(|c| c.first_or_default_col(0)),
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
        let section = self
            .sections
            .as_ref()
            .map_or(0, |column| column.get_val(doc));
        *self.counts.by_section_id.entry(section).or_default() += 1;
        let is_document = self
            .documents
            .as_ref()
            .is_some_and(|column| column.get_val(doc) == 1);
        if is_document {
            self.counts.documents += 1;
        } else {
            self.counts.pages += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        self.counts
    }
}
