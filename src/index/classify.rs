//! Who a page is for and where it sits on the support pathway, from `classify.toml`.
//!
//! Both are decided from the page's own words: its path, title and breadcrumb first (what
//! the site says it is), then its text (whom it addresses, what support it describes). Each
//! decision carries the rule that made it, for explain.

use std::collections::HashMap;

use crate::config::{ClassifyConfig, Cue};
use crate::index::schema::analyze;
use crate::record::{Audience, PageRecord, Stage};
use crate::search::scoring::path_matches;

/// Weight of a cue found in the title, in headings or keywords, and in the text.
const TITLE_WEIGHT: f32 = 3.0;
const HEADING_WEIGHT: f32 = 2.0;
const TEXT_WEIGHT: f32 = 0.5;
/// Mentions of one cue in the text that count, so one long page cannot shout.
const MAX_TEXT_MENTIONS: usize = 6;
/// Most the text can add to a stage score, kept below the default `min_score` so that text
/// alone never decides: a glossary mentions every kind of support without being about one.
const MAX_TEXT_SCORE: f32 = 2.5;
/// A page whose headings name this many different kinds of support, none in its title, is
/// an overview (a glossary, an A to Z, a guide to everything): it belongs to every stage.
const OVERVIEW_CUES: usize = 4;
/// Fewest professional cues in the text for the text alone to decide the audience.
const MIN_PROFESSIONAL_CUES: usize = 3;

/// How many times `cue` occurs in `terms` as a run of words.
fn occurrences(terms: &[String], cue: &Cue) -> usize {
    if cue.terms.is_empty() || terms.len() < cue.terms.len() {
        return 0;
    }
    terms
        .windows(cue.terms.len())
        .filter(|window| *window == cue.terms.as_slice())
        .count()
}

/// A long text's terms with where each term occurs, so that counting a cue looks only
/// where its first word is instead of at every position. Site analysis makes one per page
/// body and hands it to both [`audience`] and [`stage`].
pub struct Positions<'a> {
    terms: &'a [String],
    at: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Positions<'a> {
    /// Indexes `terms`, the analysed terms of a text in order.
    pub fn new(terms: &'a [String]) -> Positions<'a> {
        let mut at: HashMap<&str, Vec<usize>> = HashMap::new();
        for (position, term) in terms.iter().enumerate() {
            at.entry(term.as_str()).or_default().push(position);
        }
        Positions { terms, at }
    }

    /// The same count as [`occurrences`] over the whole text.
    fn occurrences(&self, cue: &Cue) -> usize {
        let Some(first) = cue.terms.first() else {
            return 0;
        };
        self.at.get(first.as_str()).map_or(0, |starts| {
            starts
                .iter()
                .filter(|start| self.terms[**start..].starts_with(&cue.terms))
                .count()
        })
    }
}

fn first_held<'a>(terms: &[String], cues: &'a [Cue]) -> Option<&'a Cue> {
    cues.iter().find(|cue| occurrences(terms, cue) > 0)
}

/// The audience of a page, and the rule that decided it.
/// `body` holds the analysed terms of the record's body.
pub fn audience(
    config: &ClassifyConfig,
    record: &PageRecord,
    body: &Positions,
    path: &str,
    title: &str,
) -> (Audience, String) {
    if let Some(pattern) = config
        .professional_paths
        .iter()
        .find(|p| path_matches(p, path))
    {
        return (Audience::Professional, format!("path matches `{pattern}`"));
    }
    let mut named = analyze(title);
    for crumb in &record.breadcrumbs {
        named.extend(analyze(&crumb.label));
    }
    if let Some(cue) = first_held(&named, &config.professional_titles) {
        return (
            Audience::Professional,
            format!("title or breadcrumb holds `{}`", cue.text),
        );
    }

    let count = |cues: &[Cue]| -> usize { cues.iter().map(|cue| body.occurrences(cue)).sum() };
    let professional = count(&config.professional_text);
    let family = count(&config.family_text);
    if professional >= MIN_PROFESSIONAL_CUES
        && professional as f32 >= family.max(1) as f32 * config.text_ratio
    {
        let rule = format!(
            "text addresses professionals ({professional} professional cues, {family} family cues)"
        );
        return (Audience::Professional, rule);
    }
    (
        Audience::Family,
        "default: written for families".to_string(),
    )
}

/// A page's score for one list of stage cues, and the cue that scored most.
fn stage_score<'a>(
    cues: &'a [Cue],
    title: &[String],
    headings: &[String],
    text: &Positions,
) -> (f32, Option<&'a Cue>) {
    let mut named = 0.0;
    let mut mentioned = 0.0;
    let mut best: Option<(f32, &Cue)> = None;
    for cue in cues {
        let in_names = TITLE_WEIGHT * occurrences(title, cue).min(1) as f32
            + HEADING_WEIGHT * occurrences(headings, cue).min(2) as f32;
        let in_text = TEXT_WEIGHT * text.occurrences(cue).min(MAX_TEXT_MENTIONS) as f32;
        named += in_names;
        mentioned += in_text;
        let score = in_names + in_text;
        if score > 0.0 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, cue));
        }
    }
    (
        named + mentioned.min(MAX_TEXT_SCORE),
        best.map(|(_, cue)| cue),
    )
}

/// The pathway stage of a page, and the rule that decided it. The home page and the route
/// pages are the way in to every stage, so they are universal. `body` holds the analysed
/// terms of the record's body.
pub fn stage(
    config: &ClassifyConfig,
    record: &PageRecord,
    body: &Positions,
    title: &str,
    is_route: bool,
) -> (Stage, String) {
    if is_route {
        return (
            Stage::Universal,
            "home or route page: the way in to every stage".to_string(),
        );
    }
    let title_terms = analyze(title);
    let mut heading_terms = Vec::new();
    for heading in &record.headings {
        heading_terms.extend(analyze(heading));
    }
    heading_terms.extend(analyze(&record.keywords));

    let all_cues = config.specialist.iter().chain(&config.targeted);
    let in_title = all_cues
        .clone()
        .any(|cue| occurrences(&title_terms, cue) > 0);
    let in_headings = all_cues
        .filter(|cue| occurrences(&heading_terms, cue) > 0)
        .count();
    if !in_title && in_headings >= OVERVIEW_CUES {
        let rule = format!("overview: its headings name {in_headings} kinds of support");
        return (Stage::Universal, rule);
    }

    let (specialist, specialist_cue) =
        stage_score(&config.specialist, &title_terms, &heading_terms, body);
    let (targeted, targeted_cue) =
        stage_score(&config.targeted, &title_terms, &heading_terms, body);
    let min = config.min_stage_score;
    if specialist >= min
        && specialist >= targeted
        && let Some(cue) = specialist_cue
    {
        return (
            Stage::Specialist,
            format!("about `{}` (score {specialist:.1})", cue.text),
        );
    }
    if targeted >= min
        && let Some(cue) = targeted_cue
    {
        return (
            Stage::Targeted,
            format!("about `{}` (score {targeted:.1})", cue.text),
        );
    }
    (
        Stage::Universal,
        "default: information and advice for everyone".to_string(),
    )
}

/// The furthest stage of support the query terms name ("EHCP" names specialist support,
/// "SEN support" targeted), or `None` for a broad query.
pub fn stage_named_by(config: &ClassifyConfig, query_terms: &[String]) -> Option<Stage> {
    let names = |cues: &[Cue]| cues.iter().any(|cue| occurrences(query_terms, cue) > 0);
    if names(&config.specialist) {
        Some(Stage::Specialist)
    } else if names(&config.targeted) {
        Some(Stage::Targeted)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Crumb, Kind};

    fn page(body: &str) -> PageRecord {
        PageRecord {
            url: "http://x/a".into(),
            kind: Kind::Page,
            title: String::new(),
            description: String::new(),
            keywords: String::new(),
            headings: Vec::new(),
            body: body.into(),
            breadcrumbs: Vec::new(),
            links: Vec::new(),
            language: None,
            last_reviewed: None,
            content_type: "text/html".into(),
            size_bytes: 0,
            content_hash: String::new(),
        }
    }

    fn audience_of(
        config: &ClassifyConfig,
        record: &PageRecord,
        path: &str,
        title: &str,
    ) -> (Audience, String) {
        let terms = analyze(&record.body);
        audience(config, record, &Positions::new(&terms), path, title)
    }

    fn stage_of(
        config: &ClassifyConfig,
        record: &PageRecord,
        title: &str,
        is_route: bool,
    ) -> (Stage, String) {
        let terms = analyze(&record.body);
        stage(config, record, &Positions::new(&terms), title, is_route)
    }

    #[test]
    fn audience_from_path_title_breadcrumb_and_text() {
        let config = ClassifyConfig::default();
        let plain = page("If you are worried about your child, you can talk to us.");
        assert_eq!(
            audience_of(&config, &plain, "/help", "Help").0,
            Audience::Family
        );
        let zone = audience_of(&config, &plain, "/x/professionals-zone/", "Zone");
        assert_eq!(zone.0, Audience::Professional);
        assert!(zone.1.contains("path"));
        let titled = audience_of(&config, &plain, "/x", "For schools and settings");
        assert_eq!(titled.0, Audience::Professional);

        let mut crumbs = page("Guidance.");
        crumbs.breadcrumbs = vec![Crumb {
            label: "Professionals".into(),
            url: None,
        }];
        assert_eq!(
            audience_of(&config, &crumbs, "/x", "Guidance").0,
            Audience::Professional
        );

        let guidance = page(
            "Schools should record needs. Settings should apply. School staff and \
             practitioners must follow it.",
        );
        let decided = audience_of(&config, &guidance, "/g", "Guidance");
        assert_eq!(decided.0, Audience::Professional, "{}", decided.1);
    }

    #[test]
    fn stages_from_title_headings_and_text() {
        let config = ClassifyConfig::default();
        let plan = page("An EHC plan sets out support.");
        assert_eq!(
            stage_of(&config, &plan, "EHC plans", false).0,
            Stage::Specialist
        );
        assert_eq!(
            stage_of(&config, &plan, "EHC plans", true).0,
            Stage::Universal
        );
        let breaks = page("Short breaks give families time.");
        assert_eq!(
            stage_of(&config, &breaks, "Short breaks", false).0,
            Stage::Targeted
        );
        let advice = page("Talk to your child's teacher first. An EHC plan is rare.");
        assert_eq!(
            stage_of(&config, &advice, "Worried about school?", false).0,
            Stage::Universal
        );
        let glossary = page(&"EHC plan: a plan. CAMHS: a service. Tribunal: a court. ".repeat(5));
        assert_eq!(
            stage_of(&config, &glossary, "Glossary", false).0,
            Stage::Universal
        );
        let mut headed = page("Terms we use.");
        headed.headings = ["EHC plan", "CAMHS", "Short breaks", "Portage"]
            .iter()
            .map(|heading| heading.to_string())
            .collect();
        let overview = stage_of(&config, &headed, "Jargon buster", false);
        assert_eq!(overview.0, Stage::Universal, "{}", overview.1);
    }

    #[test]
    fn specific_queries_are_recognised() {
        let config = ClassifyConfig::default();
        let specific = analyze("EHC needs assessment request form");
        assert_eq!(stage_named_by(&config, &specific), Some(Stage::Specialist));
        let targeted = analyze("SEN support at school");
        assert_eq!(stage_named_by(&config, &targeted), Some(Stage::Targeted));
        let broad = analyze("my child is struggling at school");
        assert_eq!(stage_named_by(&config, &broad), None);
    }
}
