//! Briefs: the few facts of each record that re-scoring reads, kept beside the index.
//!
//! A search re-scores a hundred or more candidates but shows ten. Loading each candidate's
//! stored record means decompressing a block of the document store and parsing JSON that
//! holds the whole page text; a brief holds only what ranking and grouping look at (URL,
//! path, title, kind, landing, depth, section, parent, local), so a generation keeps every
//! brief in memory and loads full records only for the results it shows. A brief's
//! position is the record's `record_id` fast field.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::record::{Audience, IndexRecord, KeywordForm, Kind, PageRecord, SiteFacts, Stage};

/// What re-scoring needs of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub url: Box<str>,
    pub kind: Kind,
    pub path: Box<str>,
    pub title: Box<str>,
    pub section: Option<Box<str>>,
    pub section_label: Option<Box<str>>,
    pub landing: bool,
    pub depth: u32,
    pub parent_url: Option<Box<str>>,
    pub parent_title: Option<Box<str>>,
    pub inbound_links: u32,
    pub keyword_form: KeywordForm,
    pub local: bool,
    pub audience: Audience,
    pub audience_rule: Box<str>,
    pub stage: Stage,
    pub stage_rule: Box<str>,
}

impl Brief {
    pub fn of(record: &IndexRecord) -> Brief {
        let facts = &record.facts;
        let boxed = |text: &Option<String>| text.as_deref().map(Box::from);
        Brief {
            url: record.page.url.as_str().into(),
            kind: record.page.kind,
            path: facts.path.as_str().into(),
            title: facts.title.as_str().into(),
            section: boxed(&facts.section),
            section_label: boxed(&facts.section_label),
            landing: facts.landing,
            depth: facts.depth,
            parent_url: boxed(&facts.parent_url),
            parent_title: boxed(&facts.parent_title),
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
        let text = |value: &Option<Box<str>>| value.as_deref().map(String::from);
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
    for line in BufReader::new(file).lines() {
        let brief: Brief = serde_json::from_str(&line?)?;
        briefs.push(brief);
    }
    briefs.shrink_to_fit();
    Ok(Some(briefs))
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

    /// Re-scoring from a brief must give every multiplier the whole record gives: a new
    /// rule that reads a field briefs lack shows up here.
    #[test]
    fn briefs_rank_like_whole_records() -> Result<(), Box<dyn std::error::Error>> {
        let site = Site::new(SiteSpec::new(400, DEFAULT_SEED));
        let base = url::Url::parse("http://127.0.0.1:9/")?;
        let config = Config::load(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("index-config"),
        )?;
        let records = site_records(&site, &base, &config.site, 2)?;
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
}
