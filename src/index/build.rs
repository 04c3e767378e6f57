//! Writing the records of one crawl into a new tantivy index.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::{Index, TantivyDocument};

use super::schema::{Fields, build_schema, register_analyzer};
use crate::record::{IndexRecord, KeywordForm, Kind};

/// Memory budget of the index writer; tantivy splits it between its threads.
const WRITER_HEAP_BYTES: usize = 200 * 1024 * 1024;

/// What a generation holds, written beside its index as `meta.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GenerationMeta {
    pub generation: u64,
    pub created_at: String,
    pub num_pages: usize,
    pub num_documents: usize,
    /// Section slug → label, in `section_id` order (id = position + 1).
    pub sections: Vec<(String, String)>,
    /// The crawl summary that produced this generation, when it came from a crawl.
    #[serde(default)]
    pub crawl: Option<serde_json::Value>,
    /// What the index was built with (program version and index-time rules): a crawl that
    /// finds nothing changed keeps a generation built the same way.
    #[serde(default)]
    pub build: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot create index folder `{path}`: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write index in `{path}`: {source}")]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("cannot serialise record `{url}`: {source}")]
    Record {
        url: String,
        #[source]
        source: serde_json::Error,
    },
}

/// Builds a complete index of `records` in the empty folder `dir` and commits it.
/// Returns what the index holds; the caller writes it as the generation's metadata.
pub fn build_index(dir: &Path, records: &[IndexRecord]) -> Result<GenerationMeta, BuildError> {
    std::fs::create_dir_all(dir).map_err(|source| BuildError::Folder {
        path: dir.to_path_buf(),
        source,
    })?;
    let tantivy_error = |source| BuildError::Tantivy {
        path: dir.to_path_buf(),
        source,
    };

    let (schema, fields) = build_schema();
    let index = Index::create_in_dir(dir, schema).map_err(tantivy_error)?;
    register_analyzer(&index);
    let mut writer = index
        .writer::<TantivyDocument>(WRITER_HEAP_BYTES)
        .map_err(tantivy_error)?;

    let sections = collect_sections(records);
    let section_ids: BTreeMap<&str, u64> = sections
        .iter()
        .enumerate()
        .map(|(position, (slug, _))| (slug.as_str(), position as u64 + 1))
        .collect();

    let mut meta = GenerationMeta {
        sections: sections.clone(),
        ..GenerationMeta::default()
    };
    for record in records {
        match record.page.kind {
            Kind::Page => meta.num_pages += 1,
            Kind::Document => meta.num_documents += 1,
        }
    }
    // Documents are made in parallel (on the caller's rayon pool) while tantivy's threads
    // index them: making one analyses its text, which costs as much as indexing it. Search
    // never depends on the order documents reach the index: each carries its record id.
    records
        .par_iter()
        .enumerate()
        .try_for_each(|(record_id, record)| {
            let mut document = to_document(record, &fields, &section_ids)?;
            if let Some(field) = fields.record_id {
                document.add_u64(field, record_id as u64);
            }
            writer.add_document(document).map_err(tantivy_error)?;
            Ok::<(), BuildError>(())
        })?;
    writer.commit().map_err(tantivy_error)?;
    writer.wait_merging_threads().map_err(tantivy_error)?;
    Ok(meta)
}

/// Every section slug with its label, sorted by slug.
fn collect_sections(records: &[IndexRecord]) -> Vec<(String, String)> {
    let mut sections: BTreeMap<String, String> = BTreeMap::new();
    for record in records {
        if let Some(slug) = &record.facts.section {
            let label = record
                .facts
                .section_label
                .clone()
                .unwrap_or_else(|| slug.clone());
            sections.entry(slug.clone()).or_insert(label);
        }
    }
    sections.into_iter().collect()
}

fn to_document(
    record: &IndexRecord,
    fields: &Fields,
    section_ids: &BTreeMap<&str, u64>,
) -> Result<TantivyDocument, BuildError> {
    let page = &record.page;
    let facts = &record.facts;
    let mut document = TantivyDocument::default();

    document.add_text(fields.url, &page.url);
    document.add_text(fields.path, &facts.path);
    document.add_text(fields.title, &facts.title);
    match facts.keyword_form {
        KeywordForm::Sentence => document.add_text(fields.keywords, &page.keywords),
        KeywordForm::List => document.add_text(fields.keyword_list, &page.keywords),
        KeywordForm::None => {}
    }
    for heading in &page.headings {
        document.add_text(fields.headings, heading);
    }
    document.add_text(fields.description, &page.description);
    document.add_text(fields.body, &page.body);
    document.add_text(fields.url_words, url_words(&facts.path));
    document.add_text(fields.kind, page.kind.as_str());
    if let Some(section) = &facts.section {
        document.add_text(fields.section, section);
    }

    let is_document = u64::from(page.kind == Kind::Document);
    document.add_u64(fields.is_document, is_document);
    let landing_level = if facts.landing {
        facts.depth as u64 + 1
    } else {
        0
    };
    document.add_u64(fields.landing_level, landing_level);
    let section_id = facts
        .section
        .as_deref()
        .and_then(|slug| section_ids.get(slug).copied())
        .unwrap_or(0);
    document.add_u64(fields.section_id, section_id);
    document.add_u64(fields.local, u64::from(facts.local));
    document.add_u64(fields.audience, facts.audience as u64);
    document.add_u64(fields.stage, facts.stage as u64);

    // Links are crawl state, not search results: leave them out of the stored copy.
    let mut stored = record.clone();
    stored.page.links.clear();
    let json = serde_json::to_string(&stored).map_err(|source| BuildError::Record {
        url: page.url.clone(),
        source,
    })?;
    document.add_text(fields.record, json);
    Ok(document)
}

/// The words of a URL path, without its file extension: `/a/short-breaks.aspx` → `a short breaks`.
fn url_words(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|segment| match segment.rfind('.') {
            Some(dot) if dot > 0 => &segment[..dot],
            _ => segment,
        })
        .collect::<Vec<&str>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_words_drop_extensions() {
        assert_eq!(url_words("/a/short-breaks.aspx?x=1"), " a short-breaks");
    }
}
