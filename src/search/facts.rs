//! The query-independent facts of every record (kind, section, audience, stage), read from
//! the fast fields once when an engine opens and kept as plain arrays.
//!
//! Ranking multiplies every match's score by a factor of these facts, and facets count them,
//! so on a large site they are read for most records of the index on every search. From an
//! array that is one load per record; from tantivy's columns it is a decode per column,
//! which profiles showed as a fifth of a broad query's time. They cost three bytes a record.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

use super::scoring::{Context, StaticFacts, static_factor};
use crate::config::RankingConfig;
use crate::record::{Audience, Stage};

const DOCUMENT: u8 = 1;
const PROFESSIONAL: u8 = 2;
const STAGE_SHIFT: u8 = 2;
/// Distinct values of the flags byte: two bits of kind and audience, two of stage.
const FLAG_VALUES: usize = 16;

/// The facts of one segment's records, by document id.
#[derive(Debug, Default)]
pub struct SegmentFacts {
    /// `section_id`: 0 for none, else the section's position in the generation's list + 1.
    section: Vec<u16>,
    /// Kind, audience and stage, packed.
    flags: Vec<u8>,
}

impl SegmentFacts {
    fn read(segment: &SegmentReader) -> SegmentFacts {
        let fast = segment.fast_fields();
        let column = |name: &str| fast.u64(name).ok().map(|c| c.first_or_default_col(0));
        let (document, section, audience, stage) = (
            column("is_document"),
            column("section_id"),
            column("audience"),
            column("stage"),
        );
        let max_doc = segment.max_doc() as usize;
        let values = |column: &Option<Arc<dyn tantivy::columnar::ColumnValues<u64>>>| {
            let mut values = vec![0u64; max_doc];
            if let Some(column) = column {
                column.get_range(0, &mut values);
            }
            values
        };
        let (document, audience, stage) = (values(&document), values(&audience), values(&stage));
        let flags = (0..max_doc)
            .map(|doc| {
                let mut flags = 0;
                if document[doc] == 1 {
                    flags |= DOCUMENT;
                }
                if audience[doc] == 1 {
                    flags |= PROFESSIONAL;
                }
                flags | ((stage[doc].min(2) as u8) << STAGE_SHIFT)
            })
            .collect();
        let section = values(&section)
            .into_iter()
            .map(|id| u16::try_from(id).unwrap_or(0))
            .collect();
        SegmentFacts { section, flags }
    }

    /// The record's `section_id` (0 for none).
    pub fn section_id(&self, doc: DocId) -> u64 {
        self.section
            .get(doc as usize)
            .map_or(0, |&id| u64::from(id))
    }

    pub fn is_document(&self, doc: DocId) -> bool {
        self.flags
            .get(doc as usize)
            .is_some_and(|flags| flags & DOCUMENT != 0)
    }

    /// The record's row in a [`FactorTable`] of `sections` sections: a section id beyond
    /// them counts as none, as it does when the factor is worked out from the slug.
    fn row(&self, doc: DocId, sections: usize) -> usize {
        let section = self
            .section
            .get(doc as usize)
            .map_or(0, |&id| usize::from(id));
        let section = if section > sections { 0 } else { section };
        let flags = self.flags.get(doc as usize).copied().unwrap_or(0);
        section * FLAG_VALUES + usize::from(flags)
    }
}

/// The facts of every segment of one generation.
#[derive(Debug, Default)]
pub struct RecordFacts {
    segments: HashMap<SegmentId, Arc<SegmentFacts>>,
}

impl RecordFacts {
    pub fn read(searcher: &Searcher) -> RecordFacts {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| (segment.segment_id(), Arc::new(SegmentFacts::read(segment))))
            .collect();
        RecordFacts { segments }
    }

    /// A segment's facts; read on the spot for a segment the engine did not see open.
    pub fn of(&self, segment: &SegmentReader) -> Arc<SegmentFacts> {
        match self.segments.get(&segment.segment_id()) {
            Some(facts) => Arc::clone(facts),
            None => Arc::new(SegmentFacts::read(segment)),
        }
    }
}

/// [`static_factor`] for every combination of facts, worked out once per search so that
/// each match costs one lookup.
#[derive(Debug, Clone)]
pub struct FactorTable {
    factors: Vec<f32>,
    sections: usize,
}

impl FactorTable {
    /// `sections` are the generation's section slugs, in `section_id` order.
    pub fn new(config: &RankingConfig, context: &Context, sections: &[String]) -> FactorTable {
        let slugs = std::iter::once(None).chain(sections.iter().map(|slug| Some(slug.as_str())));
        let mut factors = Vec::with_capacity((sections.len() + 1) * FLAG_VALUES);
        for section in slugs {
            for flags in 0..FLAG_VALUES as u8 {
                let facts = StaticFacts {
                    is_document: flags & DOCUMENT != 0,
                    section,
                    audience: if flags & PROFESSIONAL != 0 {
                        Audience::Professional
                    } else {
                        Audience::Family
                    },
                    stage: match flags >> STAGE_SHIFT {
                        2 => Stage::Specialist,
                        1 => Stage::Targeted,
                        _ => Stage::Universal,
                    },
                };
                factors.push(static_factor(config, &facts, context));
            }
        }
        FactorTable {
            factors,
            sections: sections.len(),
        }
    }

    /// The multiplier for record `doc`.
    pub fn factor(&self, facts: &SegmentFacts, doc: DocId) -> f32 {
        let row = facts.row(doc, self.sections);
        self.factors.get(row).copied().unwrap_or(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use tantivy::schema::{FAST, INDEXED, Schema};
    use tantivy::{Index, IndexWriter, doc};

    #[test]
    fn facts_and_factors_match_the_columns_they_come_from() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let is_document = builder.add_u64_field("is_document", FAST | INDEXED);
        let section_id = builder.add_u64_field("section_id", FAST);
        let audience = builder.add_u64_field("audience", FAST);
        let stage = builder.add_u64_field("stage", FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        let rows: [(u64, u64, u64, u64); 5] = [
            (0, 1, 0, 0),
            (1, 2, 0, 2),
            (0, 0, 1, 1),
            (1, 3, 1, 2),
            (0, 9, 0, 0),
        ];
        for (document, section, who, when) in rows {
            writer.add_document(doc!(
                is_document => document, section_id => section, audience => who, stage => when
            ))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let facts = RecordFacts::read(&searcher).of(searcher.segment_reader(0));

        let mut config = Config::defaults().ranking;
        config.section_boosts.insert("social-care".into(), 1.4);
        let context = Context {
            audience: Audience::Family,
            named_stage: None,
        };
        let sections = [
            "health".to_string(),
            "social-care".into(),
            "education".into(),
        ];
        let table = FactorTable::new(&config, &context, &sections);
        for (doc, (document, section, who, when)) in rows.into_iter().enumerate() {
            let doc = doc as DocId;
            assert_eq!(facts.is_document(doc), document == 1);
            assert_eq!(facts.section_id(doc), section);
            let expected = StaticFacts {
                is_document: document == 1,
                section: (section as usize)
                    .checked_sub(1)
                    .and_then(|position| sections.get(position))
                    .map(String::as_str),
                audience: [Audience::Family, Audience::Professional][who as usize],
                stage: [Stage::Universal, Stage::Targeted, Stage::Specialist][when as usize],
            };
            // Section 9 is beyond the list, so counts as none.
            let wanted = static_factor(&config, &expected, &context);
            assert_eq!(table.factor(&facts, doc), wanted, "record {doc}");
        }
        Ok(())
    }
}
