//! Briefs: the few facts of each record that re-scoring reads, kept beside the index.
//!
//! A search re-scores a hundred or more candidates but shows ten. Loading each candidate's
//! stored record means decompressing a block of the document store and parsing JSON that
//! holds the whole page text; a brief holds only what ranking and grouping look at (URL,
//! path, title, kind, landing, depth, section, parent, local), so a generation keeps every
//! brief in memory and loads full records only for the results it shows. A brief's
//! position is the record's `record_id` fast field.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::record::{Audience, IndexRecord, KeywordForm, Kind, PageRecord, SiteFacts, Stage};

/// What re-scoring needs of one record. The texts many records repeat (title, section,
/// parent, the rules that set audience and stage) are shared between briefs once loaded:
/// a site's hundred thousand briefs hold a few thousand distinct values of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub url: Box<str>,
    pub kind: Kind,
    pub path: Box<str>,
    pub title: Arc<str>,
    pub section: Option<Arc<str>>,
    pub section_label: Option<Arc<str>>,
    pub landing: bool,
    pub depth: u32,
    pub parent_url: Option<Arc<str>>,
    pub parent_title: Option<Arc<str>>,
    pub inbound_links: u32,
    pub keyword_form: KeywordForm,
    pub local: bool,
    pub audience: Audience,
    pub audience_rule: Arc<str>,
    pub stage: Stage,
    pub stage_rule: Arc<str>,
}

impl Brief {
    pub fn of(record: &IndexRecord) -> Brief {
        let facts = &record.facts;
        let shared = |text: &Option<String>| text.as_deref().map(Arc::from);
        Brief {
            url: record.page.url.as_str().into(),
            kind: record.page.kind,
            path: facts.path.as_str().into(),
            title: facts.title.as_str().into(),
            section: shared(&facts.section),
            section_label: shared(&facts.section_label),
            landing: facts.landing,
            depth: facts.depth,
            parent_url: shared(&facts.parent_url),
            parent_title: shared(&facts.parent_title),
            inbound_links: facts.inbound_links,
            keyword_form: facts.keyword_form,
            local: facts.local,
            audience: facts.audience,
            audience_rule: facts.audience_rule.as_str().into(),
            stage: facts.stage,
            stage_rule: facts.stage_rule.as_str().into(),
        }
    }

    /// A record holding this brief's facts and no text: enough for re-scoring and grouping,
    /// not for showing (no body, description, keywords, headings or dates).
    pub fn to_record(&self) -> IndexRecord {
        let text = |value: &Option<Arc<str>>| value.as_deref().map(String::from);
        IndexRecord {
            page: PageRecord {
                url: self.url.to_string(),
                kind: self.kind,
                title: self.title.to_string(),
                description: String::new(),
                keywords: String::new(),
                headings: Vec::new(),
                body: String::new(),
                breadcrumbs: Vec::new(),
                links: Vec::new(),
                language: None,
                last_reviewed: None,
                content_type: String::new(),
                size_bytes: 0,
                content_hash: String::new(),
            },
            facts: SiteFacts {
                path: self.path.to_string(),
                title: self.title.to_string(),
                section: text(&self.section),
                section_label: text(&self.section_label),
                landing: self.landing,
                depth: self.depth,
                parent_url: text(&self.parent_url),
                parent_title: text(&self.parent_title),
                inbound_links: self.inbound_links,
                keyword_form: self.keyword_form,
                local: self.local,
                audience: self.audience,
                audience_rule: self.audience_rule.to_string(),
                stage: self.stage,
                stage_rule: self.stage_rule.to_string(),
            },
        }
    }
}

/// Writes one JSON line per record, in `record_id` order.
pub fn write_briefs(path: &Path, records: &[IndexRecord]) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for record in records {
        serde_json::to_writer(&mut out, &Brief::of(record))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Reads the briefs of a generation; `None` when the generation has none (it was built
/// before briefs existed), so callers fall back to stored records.
pub fn load_briefs(path: &Path) -> std::io::Result<Option<Vec<Brief>>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    let mut briefs = Vec::new();
    let mut texts = Texts::default();
    for line in BufReader::new(file).lines() {
        let mut brief: Brief = serde_json::from_str(&line?)?;
        texts.share(&mut brief);
        briefs.push(brief);
    }
    briefs.shrink_to_fit();
    Ok(Some(briefs))
}

/// The distinct texts of the briefs read so far, each held once.
#[derive(Default)]
struct Texts(HashSet<Arc<str>>);

impl Texts {
    fn share(&mut self, brief: &mut Brief) {
        self.one(&mut brief.title);
        self.one(&mut brief.audience_rule);
        self.one(&mut brief.stage_rule);
        for text in [
            &mut brief.section,
            &mut brief.section_label,
            &mut brief.parent_url,
            &mut brief.parent_title,
        ]
        .into_iter()
        .flatten()
        {
            self.one(text);
        }
    }

    fn one(&mut self, text: &mut Arc<str>) {
        match self.0.get(text) {
            Some(known) => *text = known.clone(),
            None => {
                self.0.insert(text.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::corpus::records::site_records;
    use crate::corpus::{DEFAULT_SEED, Site, SiteSpec};
    use crate::index::site::{SiteRules, analyse};
    use crate::search::query::{expand, parse};
    use crate::search::scoring::{Context, boosts_for};

    /// The shipped config and the crawled records of a generated site of `pages` pages.
    fn generated_site(
        pages: usize,
    ) -> Result<(Config, Vec<PageRecord>), Box<dyn std::error::Error>> {
        let site = Site::new(SiteSpec::new(pages, DEFAULT_SEED));
        let base = url::Url::parse("http://127.0.0.1:9/")?;
        let config = Config::load(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("index-config"),
        )?;
        let records = site_records(&site, &base, &config.site, 2)?;
        Ok((config, records))
    }

    /// Re-scoring from a brief must give every multiplier the whole record gives: a new
    /// rule that reads a field briefs lack shows up here.
    #[test]
    fn briefs_rank_like_whole_records() -> Result<(), Box<dyn std::error::Error>> {
        let (config, records) = generated_site(400)?;
        let rules = SiteRules {
            min_child_links: config.ranking.landing_min_child_links,
            classify: config.classify.clone(),
            ..SiteRules::default()
        };
        let indexed = analyse(records, &rules);
        let mut ranking = config.ranking.clone();
        ranking.landing_include = vec!["/social-care/*".to_string()];
        ranking.landing_exclude = vec!["*/short-breaks.html".to_string()];
        ranking
            .section_boosts
            .insert("early-years".to_string(), 1.3);
        ranking.local_boost = 1.2;
        for text in [
            "short breaks",
            "EHCP",
            "autism assessment guide for families",
            "x",
        ] {
            let mut query = parse(text);
            expand(&mut query, &config.synonyms);
            let contexts = [
                Context {
                    audience: Audience::Family,
                    named_stage: None,
                },
                Context {
                    audience: Audience::Professional,
                    named_stage: Some(Stage::Universal),
                },
            ];
            for record in &indexed {
                let light = Brief::of(record).to_record();
                for context in &contexts {
                    assert_eq!(
                        boosts_for(&ranking, &light, &query, context),
                        boosts_for(&ranking, record, &query, context),
                        "{} for {text}",
                        record.page.url
                    );
                }
            }
        }
        Ok(())
    }

    /// Briefs read back are the ones written, and two records under one parent section
    /// hold its texts once.
    #[test]
    fn briefs_read_back_share_their_repeated_texts() -> Result<(), Box<dyn std::error::Error>> {
        let (_, records) = generated_site(60)?;
        let records = analyse(records, &SiteRules::default());
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("briefs.jsonl");
        write_briefs(&path, &records)?;
        let read = load_briefs(&path)?.ok_or("briefs written but not found")?;
        let written: Vec<Brief> = records.iter().map(Brief::of).collect();
        assert_eq!(read, written);
        // Every text a brief repeats is one allocation, wherever it appears.
        let mut held: std::collections::HashMap<&str, *const u8> = Default::default();
        let mut repeats = 0;
        for brief in &read {
            let texts = [
                Some(&brief.title),
                Some(&brief.audience_rule),
                Some(&brief.stage_rule),
            ]
            .into_iter()
            .chain(
                [
                    &brief.section,
                    &brief.section_label,
                    &brief.parent_url,
                    &brief.parent_title,
                ]
                .map(Option::as_ref),
            )
            .flatten();
            for text in texts {
                let at = text.as_ptr();
                if *held.entry(text).or_insert(at) != at {
                    panic!("{text:?} is held twice");
                }
                repeats += 1;
            }
        }
        assert!(repeats > held.len(), "the sample repeats no text");
        Ok(())
    }
}
