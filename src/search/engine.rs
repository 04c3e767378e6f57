//! Running a query against one index generation.
//!
//! Retrieval, then shaping: tantivy scores candidates with BM25 over the weighted fields and
//! applies the query-independent multipliers while collecting; the best candidates are then
//! re-scored with every multiplier (including those that depend on the query), sorted,
//! paginated and given snippets.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::ColumnValues;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, DocId, Index, IndexReader, Score, SegmentReader, TantivyDocument, Term};

use super::facets::{FacetCollector, FacetCounts};
use super::facts::{FactorTable, RecordFacts};
use super::query::{ParsedQuery, QueryItem, is_stop_term};
use super::scoring::{Boost, Context, boosts_for};
use super::snippet::{SNIPPET_CHARS, best_passage, opening};
use super::spelling::Vocabulary;
use super::suggest::{Suggester, Suggestion};
use super::union::PlainUnion;
use super::window;
use super::{
    BestBetNotice, DidYouMean, DocumentHit, Explain, FacetValue, Facets, SearchError, SearchHit,
    SearchRequest, SearchResponse,
};
use crate::config::{BestBet, Config, DocumentMode, RankingConfig, trigger_terms};
use crate::index::brief::{Brief, load_briefs};
use crate::index::browse::AtoZ;
use crate::index::classify::stage_named_by;
use crate::index::schema::{Fields, fields_of, register_analyzer, searched_fields};
use crate::record::{IndexRecord, KeywordForm, Kind};
use crate::store::Generation;

/// Share of a weaker field's score added to the best field's in the per-word disjunction.
const FIELD_TIE_BREAKER: f32 = 0.2;

/// Candidates re-scored beyond the requested page, so query-dependent boosts can reorder.
const EXTRA_CANDIDATES: usize = 100;

/// Where [`Engine::place`] puts a record, and what it says of it.
struct Placed {
    /// 1-based.
    position: usize,
    /// The best bet that pinned it.
    pinned_by: Option<String>,
    /// A note for explain.
    boost: Option<Boost>,
}

/// What retrieval gives: the count of matches, the best candidates by their multiplied and
/// raw text scores, and the facet counts when they were asked for.
type Retrieved = (
    usize,
    Vec<((Score, Score), DocAddress)>,
    Option<FacetCounts>,
);

/// When retrieval works in two steps (see `window.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RescoreWindow {
    /// Indexes with more records than this rank in two steps; smaller ones score every
    /// match with the full query.
    pub above_records: u64,
    /// Records the full query scores on such an index.
    pub size: usize,
}

impl RescoreWindow {
    /// Every match scored with the full query, whatever the index's size.
    pub const NEVER: RescoreWindow = RescoreWindow {
        above_records: u64::MAX,
        size: 0,
    };
}

impl Default for RescoreWindow {
    /// A council's site (a few hundred to a few thousand records) is always ranked exactly.
    /// At 100,000 generated pages a window of 1,000 gave the exact first result for all 60
    /// load queries and 98 % of their exact first ten (BENCHMARKS.md).
    fn default() -> RescoreWindow {
        RescoreWindow {
            above_records: 20_000,
            size: 1_000,
        }
    }
}

/// Below this many results, a query with every word known may get a "did you mean".
const FEW_RESULTS: usize = 3;

/// Description text taken from the opening of the body when nothing better exists.
const DESCRIPTION_CHARS: usize = 200;

/// A searchable, opened index generation.
pub struct Engine {
    reader: IndexReader,
    /// Each record's kind, section, audience and stage, for the multipliers and facets.
    facts: Arc<RecordFacts>,
    fields: Fields,
    generation: Generation,
    /// Section slug per `section_id - 1`.
    section_slugs: Vec<String>,
    vocabulary: Vocabulary,
    suggester: Suggester,
    atoz: AtoZ,
    /// Per `record_id`, what re-scoring reads; `None` for a generation without briefs,
    /// whose candidates are re-scored from their stored records.
    briefs: Option<Vec<Brief>>,
    window: RescoreWindow,
    /// Last, so that it drops after everything above: see [`ReleaseOnDrop`].
    _release: ReleaseOnDrop,
}

/// Hands the heap an engine held back to the system once it is gone. An engine is dropped
/// by whichever thread lets go of it last (a swap, or a search still running on the old
/// generation), so the release happens there rather than at the next periodic trim.
struct ReleaseOnDrop;

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        crate::memory::release_free_memory();
    }
}

impl Engine {
    /// Opens the index of a published generation for reading.
    pub fn open(generation: &Generation) -> Result<Engine, SearchError> {
        let index_dir = generation.index_dir();
        let open_error = |source| SearchError::Open {
            path: index_dir.clone(),
            source,
        };
        let index = Index::open_in_dir(&index_dir).map_err(open_error)?;
        register_analyzer(&index);
        let fields = fields_of(&index).map_err(open_error)?;
        let reader = index.reader().map_err(open_error)?;
        let facts = Arc::new(RecordFacts::read(&reader.searcher()));
        let section_slugs = generation
            .meta
            .sections
            .iter()
            .map(|(slug, _)| slug.clone())
            .collect();
        let vocabulary_path = generation.vocabulary_path();
        let vocabulary =
            Vocabulary::load(&vocabulary_path).map_err(|source| SearchError::Vocabulary {
                path: vocabulary_path.clone(),
                source,
            })?;
        let suggestions_path = generation.suggestions_path();
        let suggester =
            Suggester::load(&suggestions_path).map_err(|source| SearchError::Vocabulary {
                path: suggestions_path.clone(),
                source,
            })?;
        suggester.warm_short_prefixes();
        let browse_path = generation.browse_path();
        let atoz = match std::fs::read(&browse_path) {
            Ok(bytes) => AtoZ::from_json(&bytes).map_err(|err| SearchError::Vocabulary {
                path: browse_path.clone(),
                source: std::io::Error::other(err),
            })?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => AtoZ::default(),
            Err(source) => {
                return Err(SearchError::Vocabulary {
                    path: browse_path,
                    source,
                });
            }
        };
        let briefs_path = generation.briefs_path();
        let briefs = load_briefs(&briefs_path).map_err(|source| SearchError::Vocabulary {
            path: briefs_path.clone(),
            source,
        })?;
        let briefs = briefs.filter(|_| fields.record_id.is_some());
        Ok(Engine {
            reader,
            facts,
            fields,
            generation: generation.clone(),
            section_slugs,
            vocabulary,
            suggester,
            atoz,
            briefs,
            window: RescoreWindow::default(),
            _release: ReleaseOnDrop,
        })
    }

    /// The same engine with retrieval in two steps from another size, or never
    /// ([`RescoreWindow::NEVER`]): for measuring the window against exact ranking.
    pub fn with_window(mut self, window: RescoreWindow) -> Engine {
        self.window = window;
        self
    }

    pub fn generation(&self) -> &Generation {
        &self.generation
    }

    /// The A to Z of topics, built with this generation.
    pub fn browse(&self) -> &AtoZ {
        &self.atoz
    }

    /// Type-ahead suggestions for partly typed text. Cheap: no index search.
    pub fn suggest(&self, typed: &str, limit: usize) -> Vec<Suggestion> {
        self.suggester.suggest(typed, limit)
    }

    /// [`Engine::suggest`] with scores, for merging with popular queries.
    pub fn suggest_scored(&self, typed: &str, limit: usize) -> Vec<(f32, Suggestion)> {
        self.suggester.suggest_scored(typed, limit)
    }

    /// Section slugs and labels of this generation.
    pub fn sections(&self) -> &[(String, String)] {
        &self.generation.meta.sections
    }

    /// Runs one search. Costs one pass over the matching records (three with facets) plus
    /// re-scoring of at most `offset + limit + 100` candidates; blocking, so call it off the
    /// async runtime.
    pub fn search(
        &self,
        request: &SearchRequest,
        rules: &Config,
    ) -> Result<SearchResponse, SearchError> {
        let started = Instant::now();
        if let Some(section) = &request.section
            && !self.section_slugs.contains(section)
        {
            return Err(SearchError::UnknownSection {
                value: section.clone(),
                allowed: self.section_slugs.clone(),
            });
        }

        let typed = super::query::parse(&request.query);
        let mut response = SearchResponse::empty(&typed.text);
        if typed.is_empty() {
            // Nothing to search for (only symbols, say): an empty answer of the same shape.
            if request.facets {
                response.facets = Some(super::Facets::default());
            }
            response.took_ms = elapsed_ms(started);
            return Ok(response);
        }

        // Words the index has never seen are searched as the nearest word it has; a query
        // whose words are all known is searched exactly as typed, and so is a word the
        // synonyms read as a phrase the index holds ("ADD" as attention deficit disorder).
        let corrected = if request.correct {
            correct_words(&typed.text, |word| {
                let correction = self.vocabulary.correct(word)?;
                (!self.found_through_synonyms(word, &rules.synonyms)).then_some(correction)
            })
        } else {
            None
        };
        let searched_text = corrected.as_deref().unwrap_or(&typed.text);
        let mut parsed = super::query::parse(searched_text);
        super::query::expand(&mut parsed, &rules.synonyms);
        let searcher = self.reader.searcher();
        parsed.weigh(|term| self.idf(&searcher, term));

        let outcome = self.run(&parsed, request, rules)?;
        response.total = outcome.total;
        response.best_bets = outcome.notices;
        response.has_more = outcome.has_more;
        response.entries = outcome.entries;
        if request.facets {
            let facets = self.facets(
                &outcome.text_query,
                request,
                rules,
                outcome.main_facets.as_ref(),
            )?;
            response.facets = Some(facets);
        }

        response.did_you_mean = match corrected {
            Some(query) => Some(DidYouMean {
                query,
                total: outcome.total,
                applied: true,
            }),
            None if outcome.total < FEW_RESULTS => {
                self.suggestion(&typed, outcome.total, request, rules)?
            }
            None => None,
        };

        let marked: HashSet<String> = parsed
            .marked_terms()
            .into_iter()
            .map(String::from)
            .collect();
        let marked = request.snippets.then_some(&marked);
        let searcher = &outcome.searcher;
        let mut results = Vec::with_capacity(request.limit);
        for mut group in outcome
            .groups
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
        {
            // Only the records shown are loaded whole; the others were ranked from briefs.
            self.complete(searcher, &mut group.entry)?;
            for document in &mut group.documents {
                self.complete(searcher, document)?;
            }
            let explain = if request.explain {
                Some(self.explain(searcher, &parsed, rules, &group.entry)?)
            } else {
                None
            };
            let mut hit = to_hit(group.entry, marked, explain);
            if request.group && hit.kind == Kind::Page {
                let documents = group
                    .documents
                    .into_iter()
                    .map(|document| to_document_hit(document, marked))
                    .collect();
                hit.documents = Some(documents);
            }
            results.push(hit);
        }
        response.results = results;
        response.took_ms = elapsed_ms(started);
        Ok(response)
    }

    /// Whether the index holds every topic word of `text`, so that searching it needs no
    /// correction: a popular past query with a slip in it is not worth suggesting.
    pub fn knows_every_word(&self, text: &str) -> bool {
        let parsed = super::query::parse(text);
        let terms = parsed.content_terms();
        !terms.is_empty() && terms.iter().all(|term| self.vocabulary.knows_stem(term))
    }

    /// Whether `word`, typed alone, has a synonym whose words the index holds: such a word
    /// is not a slip even when the site never uses it.
    fn found_through_synonyms(&self, word: &str, synonyms: &crate::config::Synonyms) -> bool {
        let mut alone = super::query::parse(word);
        super::query::expand(&mut alone, synonyms);
        alone.items.iter().any(|item| {
            item.alternatives.iter().any(|alternative| {
                alternative
                    .terms
                    .iter()
                    .all(|term| is_stop_term(term) || self.vocabulary.knows_stem(term))
            })
        })
    }

    /// The paths of the first `limit` records for `text` under plain BM25 over the title and
    /// body, ranked as tantivy's own query parser would rank them: each word of the query in
    /// either field is an optional clause and the clauses' scores add up. No synonyms,
    /// spelling correction, phrase or field rules, boosts, demotion or best bets: this is the
    /// baseline `evaluate --baseline` shows the rules against.
    pub fn plain_bm25(&self, text: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for field in [self.fields.title, self.fields.body] {
            let mut analyzer = searcher
                .index()
                .tokenizer_for_field(field)
                .map_err(SearchError::Query)?;
            let mut tokens = analyzer.token_stream(text);
            while let Some(token) = tokens.next() {
                let term = Term::from_field_text(field, &token.text);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(query)));
            }
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
            .map_err(SearchError::Query)?;
        top.into_iter()
            .map(|(_, address)| Ok(self.load_record(&searcher, address)?.facts.path))
            .collect()
    }

    /// Retrieves, re-scores, applies best bets and groups: everything but rendering.
    fn run(
        &self,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        rules: &Config,
    ) -> Result<RunOutcome, SearchError> {
        let config = &rules.ranking;
        let text_query = self.text_query(parsed, config, rules.synonyms.weight, Shape::FULL);
        let query = self.filtered(
            &text_query,
            request.kind,
            request.section.as_deref(),
            config,
        );
        let searcher = self.reader.searcher();
        let candidates = request.offset + request.limit + EXTRA_CANDIDATES;
        let context = Context {
            audience: request.audience,
            named_stage: stage_named_by(&rules.classify, &parsed.stage_terms()),
        };
        // A facet whose filters are the request's own counts the same matches as the main
        // query, so it is counted in the same pass instead of a pass of its own.
        let facets_here = request.facets && (request.section.is_none() || request.kind.is_none());
        let facet_collector = facets_here.then(|| self.facet_collector());
        let (total, top, main_facets) = if searcher.num_docs() > self.window.above_records {
            self.windowed(&searcher, parsed, request, rules, context, facet_collector)?
        } else {
            let collector =
                TopDocs::with_limit(candidates).tweak_score(self.tweak(config, context));
            searcher
                .search(&query, &(Count, collector, facet_collector))
                .map_err(SearchError::Query)?
        };
        let retrieved = top.len();

        let record_ids = self.record_id_columns(&searcher);
        let mut ranked: Vec<Ranked> = Vec::with_capacity(retrieved);
        let mut seen: HashSet<String> = HashSet::new();
        for ((_, text_score), address) in top {
            let (record, complete) = match self.brief_record(&record_ids, address) {
                Some(record) => (record, false),
                None => (self.load_record(&searcher, address)?, true),
            };
            if !seen.insert(record.page.url.clone()) {
                continue;
            }
            let boosts = boosts_for(config, &record, parsed, &context);
            let factor: f32 = boosts.iter().map(|boost| boost.factor).product();
            ranked.push(Ranked {
                score: text_score * factor,
                text_score,
                boosts,
                record,
                pinned_by: None,
                address: Some(address),
                complete,
            });
        }
        // Ties keep a stable order by URL so that pages never swap between requests.
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.record.page.url.cmp(&b.record.page.url))
        });

        let mut total = total;
        if let Some(path) = &parsed.address {
            let host = parsed.home_host.as_deref();
            self.put_address_first(path, host, query.as_ref(), request, &mut ranked, &mut total)?;
        }
        let mut notices = Vec::new();
        let query_terms = trigger_terms(&parsed.text);
        let bets = rules
            .best_bets
            .bets
            .iter()
            .filter(|bet| bet.matches(&query_terms));
        for bet in bets {
            self.apply_bet(bet, query.as_ref(), request, &mut ranked, &mut total)?;
            if let Some(message) = &bet.message {
                notices.push(BestBetNotice {
                    name: bet.name.clone(),
                    message: message.clone(),
                });
            }
        }

        let groups = if request.group {
            group_documents(ranked)
        } else {
            ranked.into_iter().map(Group::alone).collect()
        };
        let shown_until = request.offset + request.limit;
        let has_more = groups.len() > shown_until || total > retrieved;
        // Matches beyond the ranked candidates count one entry each: unknown grouping.
        let entries = groups.len() + total.saturating_sub(retrieved);
        Ok(RunOutcome {
            total,
            entries,
            groups,
            notices,
            has_more,
            text_query,
            main_facets,
            searcher,
        })
    }

    /// Retrieval on a large index, in two steps (see `window.rs`): every match is counted,
    /// faceted and scored without the nearness clauses, and the best of those (the window) are
    /// scored again with them. Returns what the one-step collector does.
    fn windowed(
        &self,
        searcher: &tantivy::Searcher,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        rules: &Config,
        context: Context,
        facet_collector: Option<FacetCollector>,
    ) -> Result<Retrieved, SearchError> {
        let keep = request.offset + request.limit + EXTRA_CANDIDATES;
        let config = &rules.ranking;
        let filtered = |shape: Shape| {
            let text = self.text_query(parsed, config, rules.synonyms.weight, shape);
            self.filtered(
                text.as_ref(),
                request.kind,
                request.section.as_deref(),
                config,
            )
        };
        let words = filtered(Shape {
            whole_phrase: false,
            item_nearness: false,
            ..Shape::FULL
        });
        let size = keep.max(self.window.size);
        let collector = TopDocs::with_limit(size).tweak_score(self.tweak(config, context));
        let (total, top, facets) = searcher
            .search(words.as_ref(), &(Count, collector, facet_collector))
            .map_err(SearchError::Query)?;
        let mut window: Vec<DocAddress> = top.into_iter().map(|(_, address)| address).collect();
        window.sort();
        let full = filtered(Shape {
            unions: Unions::Plain,
            ..Shape::FULL
        });
        let top = window::rescore(
            searcher,
            full.as_ref(),
            &window,
            keep,
            self.tweak(config, context),
        )
        .map_err(SearchError::Query)?;
        Ok((total, top, facets))
    }

    /// Counts by section (under the kind filter only) and by kind (under the section filter
    /// only), so that each facet shows what choosing another value would give.
    /// `main` holds the counts of the main query's matches when they were gathered with it.
    fn facets(
        &self,
        text_query: &dyn Query,
        request: &SearchRequest,
        rules: &Config,
        main: Option<&FacetCounts>,
    ) -> Result<Facets, SearchError> {
        let config = &rules.ranking;
        let searcher = self.reader.searcher();
        let count = |query: Box<dyn Query>| {
            searcher
                .search(query.as_ref(), &self.facet_collector())
                .map_err(SearchError::Query)
        };
        // Without a section filter the section facet's query is the main query; without a
        // kind filter, the kind facet's.
        let section_counts = match main.filter(|_| request.section.is_none()) {
            Some(counts) => counts.clone(),
            None => count(self.filtered(text_query, request.kind, None, config))?,
        };
        let kind_counts = match main.filter(|_| request.kind.is_none()) {
            Some(counts) => counts.clone(),
            None => count(self.filtered(text_query, None, request.section.as_deref(), config))?,
        };

        let mut sections = Vec::new();
        for (position, (slug, label)) in self.sections().iter().enumerate() {
            let id = position as u64 + 1;
            let count = section_counts.by_section_id.get(&id).copied().unwrap_or(0);
            if count > 0 {
                sections.push(FacetValue {
                    value: slug.clone(),
                    label: label.clone(),
                    count,
                });
            }
        }
        sections.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        let mut kinds = Vec::new();
        for (kind, label, count) in [
            (Kind::Page, "Pages", kind_counts.pages),
            (Kind::Document, "Documents", kind_counts.documents),
        ] {
            if count > 0 {
                kinds.push(FacetValue {
                    value: kind.as_str().to_string(),
                    label: label.to_string(),
                    count,
                });
            }
        }
        Ok(Facets { sections, kinds })
    }

    /// For a query with few results and every word known: the same query with a rare word
    /// swapped for a much more common neighbour, when that finds more.
    fn suggestion(
        &self,
        typed: &ParsedQuery,
        total: usize,
        request: &SearchRequest,
        rules: &Config,
    ) -> Result<Option<DidYouMean>, SearchError> {
        let Some(text) = correct_words(&typed.text, |word| self.vocabulary.more_common(word))
        else {
            return Ok(None);
        };
        let mut parsed = super::query::parse(&text);
        super::query::expand(&mut parsed, &rules.synonyms);
        let config = &rules.ranking;
        let text_query = self.text_query(&parsed, config, rules.synonyms.weight, Shape::FULL);
        // Counted under the request's filters, as the typed query's total was.
        let query = self.filtered(
            &text_query,
            request.kind,
            request.section.as_deref(),
            config,
        );
        let searcher = self.reader.searcher();
        let found = searcher
            .search(query.as_ref(), &Count)
            .map_err(SearchError::Query)?;
        if found <= total {
            return Ok(None);
        }
        Ok(Some(DidYouMean {
            query: text,
            total: found,
            applied: false,
        }))
    }

    /// Why a result is where it is: its score in each field alone, every multiplier with
    /// its rule, the synonyms that matched it, and the best bet that pinned it.
    fn explain(
        &self,
        searcher: &tantivy::Searcher,
        parsed: &ParsedQuery,
        rules: &Config,
        entry: &Ranked,
    ) -> Result<Explain, SearchError> {
        let config = &rules.ranking;
        let mut fields = BTreeMap::new();
        let this_record = filter(self.fields.url, &entry.record.page.url);
        for (name, field) in searched_fields(&self.fields) {
            let weight = field_weight(config, name);
            if weight <= 0.0 {
                continue;
            }
            // The field's query run on this record alone: a plain search, so its score is
            // exactly what ranking computes for that field.
            let query = self.field_query(parsed, field, weight, rules.synonyms.weight);
            let only_this = BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, this_record.box_clone()),
            ]);
            let top = searcher
                .search(&only_this, &TopDocs::with_limit(1).order_by_score())
                .map_err(SearchError::Query)?;
            if let Some((score, _)) = top.first()
                && *score > 0.0
            {
                fields.insert(name, *score);
            }
        }
        Ok(Explain {
            text_score: entry.text_score,
            fields,
            boosts: entry.boosts.clone(),
            synonyms: synonyms_matched(parsed, &entry.record),
            pinned_by: entry.pinned_by.clone(),
        })
    }

    /// Hides and pins the pages a triggered best bet names, keeping `total` exact: a hidden
    /// page that matched the query leaves the count, a pinned one that did not joins it.
    fn apply_bet(
        &self,
        bet: &BestBet,
        query: &dyn Query,
        request: &SearchRequest,
        ranked: &mut Vec<Ranked>,
        total: &mut usize,
    ) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        for target in &bet.hide {
            ranked.retain(|entry| !is_target(&entry.record, target));
            if self.target_matches(&searcher, query, target)? {
                *total = total.saturating_sub(1);
            }
        }
        for pin in &bet.pins {
            let Some(record) = self.record_by_target(&searcher, &pin.target)? else {
                tracing::warn!(bet = %bet.name, target = %pin.target, "pinned page is not in the index");
                continue;
            };
            let placed = Placed {
                position: pin.position,
                pinned_by: Some(bet.name.clone()),
                boost: None,
            };
            self.place(
                &searcher,
                record,
                &pin.target,
                placed,
                query,
                request,
                ranked,
                total,
            )?;
        }
        Ok(())
    }

    /// A query that is the address of a page in the index (pasted from the address bar or
    /// a link) puts that page first: its folder names would otherwise rank the section's
    /// landing page, which shares them, above it.
    fn put_address_first(
        &self,
        path: &str,
        home_host: Option<&str>,
        query: &dyn Query,
        request: &SearchRequest,
        ranked: &mut Vec<Ranked>,
        total: &mut usize,
    ) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        // Every site has a home page: a pasted one is this site's only when the hosts agree.
        let on_host = |record: &IndexRecord| {
            home_host.is_none_or(|host| {
                url::Url::parse(&record.page.url).ok().is_some_and(|url| {
                    url.host_str().is_some_and(|own| {
                        own.trim_start_matches("www.").eq_ignore_ascii_case(host)
                    })
                })
            })
        };
        // The same page with or without the trailing slash.
        let other = match path.strip_suffix('/') {
            Some(without) => without.to_string(),
            None => format!("{path}/"),
        };
        let targets = std::iter::once(path).chain(Some(other.as_str()).filter(|o| !o.is_empty()));
        for target in targets {
            if let Some(record) = self.record_by_target(&searcher, target)?
                && on_host(&record)
            {
                let placed = Placed {
                    position: 1,
                    pinned_by: None,
                    boost: Some(Boost {
                        rule: "address",
                        factor: 1.0,
                        detail: "the query is this page's address".to_string(),
                    }),
                };
                self.place(
                    &searcher, record, target, placed, query, request, ranked, total,
                )?;
                return Ok(());
            }
        }
        Ok(())
    }

    /// Moves `record` to a fixed position, adding it (and counting it) when the query did
    /// not find it; a record the request's filters leave out stays out.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &self,
        searcher: &tantivy::Searcher,
        record: IndexRecord,
        target: &str,
        placed: Placed,
        query: &dyn Query,
        request: &SearchRequest,
        ranked: &mut Vec<Ranked>,
        total: &mut usize,
    ) -> Result<(), SearchError> {
        let kind_ok = request.kind.is_none_or(|kind| kind == record.page.kind);
        let section_ok = request
            .section
            .as_ref()
            .is_none_or(|section| record.facts.section.as_ref() == Some(section));
        if !kind_ok || !section_ok {
            return Ok(());
        }
        let existing = ranked
            .iter()
            .position(|entry| entry.record.page.url == record.page.url);
        let mut entry = match existing {
            Some(position) => ranked.remove(position),
            None => {
                if !self.target_matches(searcher, query, target)? {
                    *total += 1;
                }
                Ranked {
                    score: 0.0,
                    text_score: 0.0,
                    boosts: Vec::new(),
                    record,
                    pinned_by: None,
                    address: None,
                    complete: true,
                }
            }
        };
        entry.pinned_by = placed.pinned_by.or(entry.pinned_by);
        entry.boosts.extend(placed.boost);
        let position = (placed.position - 1).min(ranked.len());
        ranked.insert(position, entry);
        Ok(())
    }

    fn target_term(&self, target: &str) -> Term {
        if target.starts_with("http://") || target.starts_with("https://") {
            Term::from_field_text(self.fields.url, target)
        } else {
            Term::from_field_text(self.fields.path, target)
        }
    }

    /// Whether the page a best bet names is among the query's matches.
    fn target_matches(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        target: &str,
    ) -> Result<bool, SearchError> {
        let only_target = TermQuery::new(self.target_term(target), IndexRecordOption::Basic);
        let both = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(only_target)),
        ]);
        let count = searcher.search(&both, &Count).map_err(SearchError::Query)?;
        Ok(count > 0)
    }

    fn record_by_target(
        &self,
        searcher: &tantivy::Searcher,
        target: &str,
    ) -> Result<Option<IndexRecord>, SearchError> {
        let query = TermQuery::new(self.target_term(target), IndexRecordOption::Basic);
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(SearchError::Query)?;
        match top.first() {
            Some((_, address)) => Ok(Some(self.load_record(searcher, *address)?)),
            None => Ok(None),
        }
    }

    /// Whether a record with exactly this URL is in the generation: one term lookup.
    pub fn contains_url(&self, url: &str) -> Result<bool, SearchError> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.url, url);
        let matches = searcher
            .search(&TermQuery::new(term, IndexRecordOption::Basic), &Count)
            .map_err(SearchError::Query)?;
        Ok(matches > 0)
    }

    /// Every record of the generation, in index order. Reads the whole doc store: for
    /// listings and reports, not for the query path.
    pub fn records(&self) -> Result<Vec<IndexRecord>, SearchError> {
        let searcher = self.reader.searcher();
        let mut records = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..segment.max_doc() {
                if segment.is_deleted(doc) {
                    continue;
                }
                let address = DocAddress::new(segment_ord as u32, doc);
                records.push(self.load_record(&searcher, address)?);
            }
        }
        Ok(records)
    }

    fn load_record(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<IndexRecord, SearchError> {
        let document: TantivyDocument = searcher.doc(address).map_err(SearchError::Query)?;
        let json = document
            .get_first(self.fields.record)
            .and_then(|value| value.as_str())
            .ok_or_else(|| SearchError::Corrupt("a record without its stored copy".into()))?;
        serde_json::from_str(json).map_err(|err| SearchError::Corrupt(err.to_string()))
    }

    /// BM25's inverse document frequency of an analysed term in page bodies: near 0 for a
    /// word on every page ("SEND" on a SEND site), high for a rare one. A failed lookup
    /// counts as an ordinary word.
    fn idf(&self, searcher: &tantivy::Searcher, term: &str) -> f32 {
        let documents = searcher.num_docs() as f32;
        let term = Term::from_field_text(self.fields.body, term);
        match searcher.doc_freq(&term) {
            Ok(found) => {
                let found = found as f32;
                (1.0 + (documents - found + 0.5) / (found + 0.5)).ln()
            }
            Err(_) => 1.0,
        }
    }

    /// The `record_id` column of each segment, by segment ordinal; empty when the
    /// generation has no briefs.
    fn record_id_columns(
        &self,
        searcher: &tantivy::Searcher,
    ) -> Vec<Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>>> {
        if self.briefs.is_none() {
            return Vec::new();
        }
        searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                segment
                    .fast_fields()
                    .u64("record_id")
                    .ok()
                    .map(|column| column.first_or_default_col(0))
            })
            .collect()
    }

    /// The candidate at `address` as a record of its brief (facts, no text), when the
    /// generation has briefs.
    fn brief_record(
        &self,
        record_ids: &[Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>>],
        address: DocAddress,
    ) -> Option<IndexRecord> {
        let briefs = self.briefs.as_ref()?;
        let column = record_ids.get(address.segment_ord as usize)?.as_ref()?;
        let record_id = column.get_val(address.doc_id) as usize;
        briefs.get(record_id).map(Brief::to_record)
    }

    /// Replaces a candidate ranked from its brief with its whole stored record.
    fn complete(
        &self,
        searcher: &tantivy::Searcher,
        entry: &mut Ranked,
    ) -> Result<(), SearchError> {
        if entry.complete {
            return Ok(());
        }
        if let Some(address) = entry.address {
            entry.record = self.load_record(searcher, address)?;
            entry.complete = true;
        }
        Ok(())
    }

    fn facet_collector(&self) -> FacetCollector {
        FacetCollector {
            facts: Arc::clone(&self.facts),
        }
    }

    /// The per-segment score tweak: text score times the multipliers that need no words of
    /// the query. The sort key keeps the raw text score too, for re-scoring and explain.
    fn tweak(
        &self,
        config: &RankingConfig,
        context: Context,
    ) -> impl Fn(&SegmentReader) -> Box<dyn Fn(DocId, Score) -> (Score, Score)> + Send + Sync + 'static
    {
        let table = Arc::new(FactorTable::new(config, &context, &self.section_slugs));
        let facts = Arc::clone(&self.facts);
        move |segment: &SegmentReader| {
            let facts = facts.of(segment);
            let table = Arc::clone(&table);
            Box::new(move |doc: DocId, score: Score| (score * table.factor(&facts, doc), score))
        }
    }

    /// The text part of a query: every content item matched in any weighted field, a bonus
    /// for holding them all, and one for the whole query as a phrase.
    fn text_query(
        &self,
        parsed: &ParsedQuery,
        config: &RankingConfig,
        synonym_weight: f32,
        shape: Shape,
    ) -> Box<dyn Query> {
        let weights = field_weights(&self.fields, config);
        self.text_query_over(parsed, config, &weights, synonym_weight, shape)
    }

    /// The text query restricted to one field, for explain.
    fn field_query(
        &self,
        parsed: &ParsedQuery,
        field: Field,
        weight: f32,
        synonym_weight: f32,
    ) -> Box<dyn Query> {
        let config = RankingConfig::default();
        self.text_query_over(
            parsed,
            &config,
            &[(field, weight)],
            synonym_weight,
            Shape {
                every_word: false,
                whole_phrase: false,
                ..Shape::FULL
            },
        )
    }

    fn text_query_over(
        &self,
        parsed: &ParsedQuery,
        config: &RankingConfig,
        weights: &[(Field, f32)],
        synonym_weight: f32,
        shape: Shape,
    ) -> Box<dyn Query> {
        let clauses: Vec<Box<dyn Query>> = parsed
            .content_items()
            .into_iter()
            .map(|item| item_query(item, weights, synonym_weight, shape))
            .collect();
        let mut text: Vec<Box<dyn Query>> =
            if shape.every_word && clauses.len() >= 2 && config.all_words_weight > 0.0 {
                vec![Box::new(PlainUnion::every_clause(
                    clauses,
                    config.all_words_weight,
                ))]
            } else {
                clauses
            };
        if shape.whole_phrase
            && let Some(phrase) = whole_phrase_query(parsed, &self.fields, config, shape.unions)
        {
            text.push(phrase);
        }
        shape.unions.sum(text)
    }

    /// The text query under the kind and section filters and the document mode.
    fn filtered(
        &self,
        text: &dyn Query,
        kind: Option<Kind>,
        section: Option<&str>,
        config: &RankingConfig,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        if let Some(kind) = kind {
            clauses.push((Occur::Must, filter(self.fields.kind, kind.as_str())));
        }
        if let Some(section) = section {
            clauses.push((Occur::Must, filter(self.fields.section, section)));
        }
        if config.document_mode == DocumentMode::Exclude {
            let documents = filter(self.fields.kind, Kind::Document.as_str());
            clauses.push((Occur::MustNot, documents));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

fn filter(field: Field, value: &str) -> Box<dyn Query> {
    let term = Term::from_field_text(field, value);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(query), 0.0))
}

/// The configured weight of a searched field, by its name in [`searched_fields`].
fn field_weight(config: &RankingConfig, name: &str) -> f32 {
    let weights = &config.fields;
    match name {
        "title" => weights.title,
        "keywords" => weights.keywords,
        "keyword_list" => weights.keyword_list,
        "headings" => weights.headings,
        "description" => weights.description,
        "body" => weights.body,
        _ => weights.url,
    }
}

fn field_weights(fields: &Fields, config: &RankingConfig) -> Vec<(Field, f32)> {
    searched_fields(fields)
        .into_iter()
        .map(|(name, field)| (field, field_weight(config, name)))
        .filter(|(_, weight)| *weight > 0.0)
        .collect()
}

/// Rewrites each word of `text` that `replace` has a replacement for, keeping the
/// punctuation around it. `None` when nothing changed.
fn correct_words(text: &str, replace: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = text
        .split(' ')
        .map(|word| {
            let core = word.trim_matches(|c: char| !c.is_alphanumeric());
            if core.is_empty() {
                return word.to_string();
            }
            match replace(core) {
                Some(replacement) => {
                    changed = true;
                    word.replacen(core, &same_case(core, &replacement), 1)
                }
                None => word.to_string(),
            }
        })
        .collect();
    changed.then(|| words.join(" "))
}

/// `replacement` written in the case pattern of `typed`: capitals for capitals, a capital
/// first letter for a capital first letter.
fn same_case(typed: &str, replacement: &str) -> String {
    let letters: Vec<char> = typed.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return replacement.to_uppercase();
    }
    if letters.first().is_some_and(|c| c.is_uppercase()) {
        let mut chars = replacement.chars();
        return match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
    }
    replacement.to_string()
}

/// Synonym rules whose alternative phrase this record holds, for explain.
fn synonyms_matched(parsed: &ParsedQuery, record: &IndexRecord) -> Vec<String> {
    let page = &record.page;
    let mut text = format!(
        "{} {} {} {}",
        record.facts.title, page.keywords, page.description, page.body
    );
    for heading in &page.headings {
        text.push(' ');
        text.push_str(heading);
    }
    let terms: HashSet<String> = crate::index::schema::analyze(&text).into_iter().collect();
    let mut used = Vec::new();
    for item in parsed.content_items() {
        for alternative in &item.alternatives {
            let holds = alternative
                .terms
                .iter()
                .filter(|term| !is_stop_term(term))
                .all(|term| terms.contains(term));
            let note = format!(
                "{} → {} ({})",
                item.raw, alternative.text, alternative.source
            );
            if holds && !used.contains(&note) {
                used.push(note);
            }
        }
    }
    used
}

/// A page result and the documents grouped under it.
struct Group {
    entry: Ranked,
    documents: Vec<Ranked>,
}

impl Group {
    fn alone(entry: Ranked) -> Group {
        Group {
            entry,
            documents: Vec::new(),
        }
    }
}

/// Puts each document under its parent page when the parent ranks above it; a document
/// that outranks its parent, or whose parent did not match, stands on its own.
fn group_documents(ranked: Vec<Ranked>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::with_capacity(ranked.len());
    let mut page_positions: HashMap<String, usize> = HashMap::new();
    for entry in ranked {
        let parent = match entry.record.page.kind {
            Kind::Document if entry.pinned_by.is_none() => entry
                .record
                .facts
                .parent_url
                .as_ref()
                .and_then(|url| page_positions.get(url))
                .copied(),
            _ => None,
        };
        match parent {
            Some(position) => groups[position].documents.push(entry),
            None => {
                if entry.record.page.kind == Kind::Page {
                    page_positions.insert(entry.record.page.url.clone(), groups.len());
                }
                groups.push(Group::alone(entry));
            }
        }
    }
    groups
}

/// What [`Engine::run`] found, before rendering.
struct RunOutcome {
    total: usize,
    /// Entries of the grouped list: see [`SearchResponse::entries`].
    entries: usize,
    groups: Vec<Group>,
    notices: Vec<BestBetNotice>,
    has_more: bool,
    /// The text query without filters, for facet counts.
    text_query: Box<dyn Query>,
    /// Facet counts of the main query's matches, when gathered in its pass.
    main_facets: Option<FacetCounts>,
    /// The searcher the candidates' addresses belong to.
    searcher: tantivy::Searcher,
}

/// How a text query is put together: which clauses that add score it has, and from which
/// unions. They change what matches only at the edges: a record holding the whole query as
/// a phrase (with `phrase.slop` words between) always holds each of its words, unless the
/// query quotes a part that the record holds only with words between.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shape {
    /// The bonus for holding every content word of the query.
    every_word: bool,
    /// The whole query matched as a phrase.
    whole_phrase: bool,
    /// The words of a several-word item (a synonym spelt out, a hyphenated term) near each
    /// other. A quoted phrase must match as a phrase whatever this says.
    item_nearness: bool,
    unions: Unions,
}

impl Shape {
    /// Everything ranking adds, from tantivy's unions: the query that scores every match.
    const FULL: Shape = Shape {
        every_word: true,
        whole_phrase: true,
        item_nearness: true,
        unions: Unions::Buffered,
    };
}

/// Which unions a query is built from: tantivy's, the fastest way to visit every match, or
/// plain ones that score a few scattered records cheaply (see `union.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unions {
    Buffered,
    Plain,
}

impl Unions {
    /// The best clause's score plus `tie_breaker` times the others'.
    fn max(self, clauses: Vec<Box<dyn Query>>, tie_breaker: f32) -> Box<dyn Query> {
        match self {
            Unions::Buffered => {
                Box::new(DisjunctionMaxQuery::with_tie_breaker(clauses, tie_breaker))
            }
            Unions::Plain => Box::new(PlainUnion::max(clauses, tie_breaker)),
        }
    }

    /// The sum of the matching clauses' scores.
    fn sum(self, clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        match self {
            Unions::Buffered => Box::new(BooleanQuery::new(
                clauses
                    .into_iter()
                    .map(|clause| (Occur::Should, clause))
                    .collect(),
            )),
            Unions::Plain => Box::new(PlainUnion::sum(clauses)),
        }
    }
}

/// Words allowed between the words of a synonym phrase matched as words.
const SPAN_SLOP: u32 = 2;

/// One query item, matched in any field, or any of its synonyms in its place.
fn item_query(
    item: &QueryItem,
    weights: &[(Field, f32)],
    synonym_weight: f32,
    shape: Shape,
) -> Box<dyn Query> {
    let typed = words_query(&item.terms, item.is_phrase(), weights, shape);
    if item.alternatives.is_empty() {
        return typed;
    }
    let typed_len = content_len(&item.terms);
    let mut options = vec![typed];
    for alternative in &item.alternatives {
        // A longer phrase sums more word scores; scale it to the typed words' length so
        // that spelling an acronym out does not outrank the acronym itself.
        let scale = typed_len as f32 / content_len(&alternative.terms) as f32;
        let query = words_query(&alternative.terms, false, weights, shape);
        options.push(Box::new(BoostQuery::new(query, synonym_weight * scale)));
    }
    shape.unions.max(options, 0.0)
}

fn content_len(terms: &[String]) -> usize {
    terms
        .iter()
        .filter(|term| !is_stop_term(term))
        .count()
        .max(1)
}

/// Terms matched in any field: a single term; a strict phrase; or, for several words that
/// are not a strict phrase, every topic word present with nearness rewarded.
fn words_query(
    terms: &[String],
    strict_phrase: bool,
    weights: &[(Field, f32)],
    shape: Shape,
) -> Box<dyn Query> {
    let unions = shape.unions;
    if terms.len() == 1 {
        let per_field = weights
            .iter()
            .map(|(field, weight)| {
                let term = Term::from_field_text(*field, &terms[0]);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                Box::new(BoostQuery::new(Box::new(query), *weight)) as Box<dyn Query>
            })
            .collect();
        return unions.max(per_field, FIELD_TIE_BREAKER);
    }
    let slop = if strict_phrase { 0 } else { SPAN_SLOP };
    let phrase_per_field: Vec<Box<dyn Query>> = weights
        .iter()
        .map(|(field, weight)| {
            let positioned = terms
                .iter()
                .enumerate()
                .map(|(position, term)| (position, Term::from_field_text(*field, term)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(positioned, slop);
            Box::new(BoostQuery::new(Box::new(phrase), *weight)) as Box<dyn Query>
        })
        .collect();
    let phrase = unions.max(phrase_per_field, FIELD_TIE_BREAKER);
    if strict_phrase {
        return phrase;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .filter(|term| !is_stop_term(term))
        .map(|term| {
            (
                Occur::Must,
                words_query(std::slice::from_ref(term), false, weights, shape),
            )
        })
        .collect();
    if shape.item_nearness {
        clauses.push((Occur::Should, phrase));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The whole query as one phrase (stop words included), when it has two or more terms.
fn whole_phrase_query(
    parsed: &ParsedQuery,
    fields: &Fields,
    config: &RankingConfig,
    unions: Unions,
) -> Option<Box<dyn Query>> {
    let terms = parsed.all_terms();
    if terms.len() < 2 || parsed.items.len() < 2 || config.phrase_boost <= 0.0 {
        return None;
    }
    let phrase_fields = [
        (fields.title, config.fields.title),
        (fields.keywords, config.fields.keywords),
        (fields.headings, config.fields.headings),
        (fields.body, config.fields.body),
    ];
    let per_field: Vec<Box<dyn Query>> = phrase_fields
        .into_iter()
        .filter(|(_, weight)| *weight > 0.0)
        .map(|(field, weight)| {
            let positioned = terms
                .iter()
                .enumerate()
                .map(|(position, term)| (position, Term::from_field_text(field, term)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(positioned, config.phrase_slop);
            Box::new(BoostQuery::new(Box::new(phrase), weight)) as Box<dyn Query>
        })
        .collect();
    let disjunction = unions.max(per_field, FIELD_TIE_BREAKER);
    Some(Box::new(BoostQuery::new(disjunction, config.phrase_boost)))
}

/// The text shown under a result's title: keywords written as sentences, else the meta
/// description, else the opening of the text.
pub fn description_of(record: &IndexRecord) -> String {
    let page = &record.page;
    if record.facts.keyword_form == KeywordForm::Sentence && !page.keywords.trim().is_empty() {
        return page.keywords.trim().to_string();
    }
    if !page.description.trim().is_empty() {
        return page.description.trim().to_string();
    }
    let body = page.body.trim();
    let end = body
        .char_indices()
        .nth(DESCRIPTION_CHARS)
        .map_or(body.len(), |(offset, _)| offset);
    let cut = &body[..end];
    let sentence_end = cut.find(". ").map(|offset| offset + 1);
    let line_end = cut.find('\n');
    let stop = [sentence_end, line_end].into_iter().flatten().min();
    match stop {
        Some(stop) => cut[..stop].trim().to_string(),
        None if end < body.len() => match cut.rfind(' ') {
            Some(space) => format!("{}…", &cut[..space]),
            None => cut.to_string(),
        },
        None => cut.to_string(),
    }
}

/// The snippet: the best passage of the text for the query, else of the keyword sentence,
/// the description or the opening text, in that order. Never empty when the record has text.
fn snippet_of(record: &IndexRecord, terms: &HashSet<String>) -> String {
    let page = &record.page;
    let sources = [
        page.body.as_str(),
        page.keywords.as_str(),
        page.description.as_str(),
    ];
    for source in sources {
        if let Some(passage) = best_passage(source, terms, SNIPPET_CHARS) {
            return passage;
        }
    }
    let fallback = description_of(record);
    let text = if fallback.is_empty() {
        page.body.as_str()
    } else {
        fallback.as_str()
    };
    opening(text, terms, SNIPPET_CHARS)
}

/// A candidate after re-scoring.
struct Ranked {
    score: f32,
    text_score: f32,
    boosts: Vec<Boost>,
    /// The whole record once `complete`; before, only its brief's facts.
    record: IndexRecord,
    /// The best bet that put it where it is.
    pinned_by: Option<String>,
    /// Where it is in the index; `None` for a pinned page that did not match.
    address: Option<DocAddress>,
    complete: bool,
}

fn is_target(record: &IndexRecord, target: &str) -> bool {
    record.facts.path == target || record.page.url == target
}

/// `marked` holds the terms to mark in the snippet; `None` leaves the snippet empty.
fn to_hit(ranked: Ranked, marked: Option<&HashSet<String>>, explain: Option<Explain>) -> SearchHit {
    let Ranked {
        score,
        record,
        pinned_by,
        ..
    } = ranked;
    let page = &record.page;
    let facts = &record.facts;
    let is_document = page.kind == Kind::Document;
    SearchHit {
        url: page.url.clone(),
        path: facts.path.clone(),
        title: facts.title.clone(),
        kind: page.kind,
        section: facts.section.clone(),
        section_label: facts.section_label.clone(),
        description: description_of(&record),
        snippet: marked.map_or_else(String::new, |terms| snippet_of(&record, terms)),
        score,
        landing: facts.landing,
        parent_url: facts.parent_url.clone(),
        parent_title: facts.parent_title.clone(),
        content_type: is_document.then(|| page.content_type.clone()),
        size_bytes: is_document.then_some(page.size_bytes),
        last_reviewed: page.last_reviewed.map(|date| date.to_string()),
        language: page.language.clone(),
        pinned: pinned_by.is_some(),
        click_url: None,
        audience: facts.audience,
        stage: facts.stage,
        documents: None,
        explain,
    }
}

fn to_document_hit(ranked: Ranked, marked: Option<&HashSet<String>>) -> DocumentHit {
    let record = &ranked.record;
    DocumentHit {
        url: record.page.url.clone(),
        path: record.facts.path.clone(),
        title: record.facts.title.clone(),
        kind: record.page.kind,
        content_type: record.page.content_type.clone(),
        size_bytes: record.page.size_bytes,
        snippet: marked.map_or_else(String::new, |terms| snippet_of(record, terms)),
        click_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Link, LinkPlace, PageRecord};
    use crate::store::DataDir;

    fn page(url: &str, title: &str, body: &str) -> PageRecord {
        PageRecord {
            url: url.to_string(),
            kind: Kind::Page,
            title: format!("{title} - Riverford"),
            description: String::new(),
            keywords: String::new(),
            headings: Vec::new(),
            body: body.to_string(),
            breadcrumbs: Vec::new(),
            links: Vec::new(),
            language: None,
            last_reviewed: None,
            content_type: "text/html".to_string(),
            size_bytes: body.len() as u64,
            content_hash: String::new(),
        }
    }

    fn engine_for(records: Vec<PageRecord>) -> (tempfile::TempDir, Engine) {
        let temp = tempfile::tempdir().expect("temp dir");
        let data = DataDir::new(temp.path());
        let lock = data.lock().expect("lock");
        let config = Config::defaults();
        let generation =
            crate::publish::publish_records(&data, &lock, &config, records, None, true)
                .expect("publish");
        let engine = Engine::open(&generation).expect("open");
        (temp, engine)
    }

    fn sample() -> Vec<PageRecord> {
        let mut intro = page(
            "http://x/inclusion/inclusion.aspx",
            "What is Inclusion Funding?",
            "Inclusion funding helps schools support children with additional needs.",
        );
        intro.links.push(Link {
            url: "http://x/docs/form.pdf".into(),
            text: "form".into(),
            place: LinkPlace::Main,
        });
        let mut form = page(
            "http://x/docs/form.pdf",
            "Inclusion funding application form",
            &"Inclusion funding inclusion funding application. ".repeat(20),
        );
        form.kind = Kind::Document;
        form.title = "Inclusion funding application form".into();
        let other = page(
            "http://x/breaks.aspx",
            "Short breaks",
            "Short breaks for carers.",
        );
        vec![intro, form, other]
    }

    #[test]
    fn landing_page_beats_the_form_that_repeats_the_words() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let mut request = SearchRequest::new("Inclusion funding");
        request.group = false;
        let response = engine.search(&request, &Config::defaults())?;
        let paths: Vec<&str> = response
            .results
            .iter()
            .map(|hit| hit.path.as_str())
            .collect();
        assert_eq!(paths, vec!["/inclusion/inclusion.aspx", "/docs/form.pdf"]);
        assert_eq!(response.total, 2);
        let form = &response.results[1];
        assert_eq!(
            form.parent_url.as_deref(),
            Some("http://x/inclusion/inclusion.aspx")
        );
        assert_eq!(form.title, "Inclusion funding application form");
        assert!(
            response.results[0]
                .snippet
                .contains("<mark>Inclusion</mark>")
        );
        Ok(())
    }

    #[test]
    fn plain_bm25_ranks_as_tantivys_query_parser_with_no_rules() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let text = "Inclusion funding";
        let baseline = engine.plain_bm25(text, 10)?;
        // The form repeats the words, and nothing demotes documents here.
        assert_eq!(
            baseline,
            vec!["/docs/form.pdf", "/inclusion/inclusion.aspx"]
        );

        let searcher = engine.reader.searcher();
        let parser = tantivy::query::QueryParser::for_index(
            searcher.index(),
            vec![engine.fields.title, engine.fields.body],
        );
        let query = parser
            .parse_query(text)
            .expect("the parser reads plain words");
        let top = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .map_err(SearchError::Query)?;
        let parsed: Vec<String> = top
            .into_iter()
            .map(|(_, address)| Ok(engine.load_record(&searcher, address)?.facts.path))
            .collect::<Result<_, SearchError>>()?;
        assert_eq!(baseline, parsed);
        assert!(engine.plain_bm25("!?", 10)?.is_empty());
        Ok(())
    }

    #[test]
    fn a_pasted_address_puts_its_page_first() -> Result<(), SearchError> {
        let mut records = sample();
        // A landing page whose title holds the folder's words, and the page pasted.
        records[2] = page(
            "http://x/inclusion/funding.aspx",
            "Inclusion funding for schools",
            "How schools apply for inclusion funding.",
        );
        let (_temp, engine) = engine_for(records);
        for text in [
            "https://council.example/inclusion/funding.aspx",
            "/inclusion/funding.aspx",
            "/inclusion/funding.aspx/",
        ] {
            let mut request = SearchRequest::new(text);
            request.explain = true;
            let response = engine.search(&request, &Config::defaults())?;
            assert_eq!(
                response.results[0].path, "/inclusion/funding.aspx",
                "{text}"
            );
            let explain = response.results[0].explain.as_ref().expect("explain");
            assert!(explain.boosts.iter().any(|boost| boost.rule == "address"));
            assert!(
                !response.results[0].pinned,
                "{text}: an address is not a best bet"
            );
        }
        // A home-page address has no words: the home page, when it is on the pasted host.
        let mut records = sample();
        records.push(page(
            "http://x/",
            "Riverford Local Offer",
            "Support for families.",
        ));
        let (_home_temp, with_home) = engine_for(records);
        for (text, found) in [
            ("/", true),
            ("https://www.x/", true),
            ("https://elsewhere.example/", false),
        ] {
            let response = with_home.search(&SearchRequest::new(text), &Config::defaults())?;
            let paths: Vec<&str> = response
                .results
                .iter()
                .map(|hit| hit.path.as_str())
                .collect();
            assert_eq!(paths, if found { vec!["/"] } else { vec![] }, "{text}");
            assert_eq!(response.total, usize::from(found), "{text}");
        }
        // An address the index does not hold is searched by its words alone.
        let mut request = SearchRequest::new("http://x/inclusion/not-here.aspx");
        request.explain = true;
        let response = engine.search(&request, &Config::defaults())?;
        assert!(!response.results.is_empty());
        let boosts = response.results.iter().flat_map(|hit| hit.explain.iter());
        assert!(
            boosts
                .flat_map(|explain| explain.boosts.iter())
                .all(|boost| boost.rule != "address")
        );
        Ok(())
    }

    #[test]
    fn named_document_is_lifted() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let mut request = SearchRequest::new("inclusion funding application form");
        request.explain = true;
        let response = engine.search(&request, &Config::defaults())?;
        assert_eq!(response.results[0].path, "/docs/form.pdf");
        let explain = response.results[0]
            .explain
            .as_ref()
            .expect("explain requested");
        let rules: Vec<&str> = explain.boosts.iter().map(|boost| boost.rule).collect();
        assert!(rules.contains(&"document-named"), "{rules:?}");

        // One word, even hyphenated, does not name a document: the page about it comes first.
        // The document's parent page is about travel; another page is about post-16.
        let mut records = sample();
        records[0].title = "Travel help - Riverford".into();
        records[0].body = "Help with travel to school and college.".into();
        records[1].title = "Post-16 travel policy".into();
        records[1].body = "Post-16 travel post-16 travel policy. ".repeat(20);
        records[2].title = "Post-16 options - Riverford".into();
        records[2].body = "Post-16 options for young people with SEND, post-16 courses.".into();
        let (_other, engine) = engine_for(records);
        let mut request = SearchRequest::new("post-16");
        request.explain = true;
        let response = engine.search(&request, &Config::defaults())?;
        assert_eq!(response.results[0].path, "/breaks.aspx");
        let named = response.results.iter().flat_map(|hit| hit.explain.iter());
        assert!(
            named
                .flat_map(|explain| explain.boosts.iter())
                .all(|boost| boost.rule != "document-named"),
            "a lone hyphenated word lifted a document"
        );
        Ok(())
    }

    #[test]
    fn filters_and_odd_queries() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let config = Config::defaults();
        let mut request = SearchRequest::new("inclusion");
        request.kind = Some(Kind::Document);
        let response = engine.search(&request, &config)?;
        assert_eq!(response.total, 1);
        assert_eq!(response.results[0].kind, Kind::Document);

        for odd in ["a:(^", "\"\"", "AND OR NOT", "((((", "\u{0}", "🙂", "شكرا"] {
            engine.search(&SearchRequest::new(odd), &config)?;
        }
        let mut unknown = SearchRequest::new("x");
        unknown.section = Some("nowhere".into());
        assert!(matches!(
            engine.search(&unknown, &config),
            Err(SearchError::UnknownSection { .. })
        ));
        Ok(())
    }

    #[test]
    fn best_bets_pin_hide_and_say_why() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let dir = tempfile::tempdir().expect("temp dir");
        let bets = r#"
[[bet]]
name = "funding help"
contains = ["inclusion funding"]
pin = [{ path = "/breaks.aspx", position = 1 }]
hide = ["/docs/form.pdf"]
message = "Ask your school first."
"#;
        std::fs::write(dir.path().join("best-bets.toml"), bets).expect("write");
        let config = Config::load(dir.path()).expect("valid config");

        let mut request = SearchRequest::new("Inclusion Funded");
        request.explain = true;
        let response = engine.search(&request, &config)?;
        let paths: Vec<&str> = response
            .results
            .iter()
            .map(|hit| hit.path.as_str())
            .collect();
        assert_eq!(paths, vec!["/breaks.aspx", "/inclusion/inclusion.aspx"]);
        assert!(response.results[0].pinned);
        assert!(!response.results[1].pinned);
        let explain = response.results[0]
            .explain
            .as_ref()
            .expect("explain requested");
        assert_eq!(explain.pinned_by.as_deref(), Some("funding help"));
        assert_eq!(
            response.total, 2,
            "the form leaves the count, the pinned page joins it"
        );
        assert_eq!(response.best_bets[0].message, "Ask your school first.");

        let other = engine.search(&SearchRequest::new("short breaks"), &config)?;
        assert!(other.best_bets.is_empty());
        assert!(other.results.iter().all(|hit| !hit.pinned));
        Ok(())
    }

    #[test]
    fn documents_group_under_the_page_that_links_to_them() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let response = engine.search(
            &SearchRequest::new("inclusion funding"),
            &Config::defaults(),
        )?;
        assert_eq!(response.results.len(), 1, "the form sits under its page");
        let page = &response.results[0];
        let documents = page.documents.as_ref().expect("grouped by default");
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].path, "/docs/form.pdf");
        assert!(documents[0].snippet.contains("<mark>"));
        assert_eq!(
            response.total, 2,
            "total counts every match, grouped or not"
        );

        // A document that outranks its parent stands on its own, with its parent named.
        let named = engine.search(
            &SearchRequest::new("inclusion funding application form"),
            &Config::defaults(),
        )?;
        assert_eq!(named.results[0].kind, Kind::Document);
        assert!(named.results[0].parent_title.is_some());
        Ok(())
    }

    #[test]
    fn a_query_of_symbols_only_answers_with_empty_facets() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        for text in ["*", "\u{1F600}", "\u{0}"] {
            let response = engine.search(&SearchRequest::new(text), &Config::defaults())?;
            assert_eq!(response.total, 0, "{text:?}");
            let facets = response.facets.expect("facets by default");
            assert!(
                facets.sections.is_empty() && facets.kinds.is_empty(),
                "{text:?}"
            );
        }
        Ok(())
    }

    /// Pages that share words in different orders and fields, so that nearness and the
    /// every-word bonus reorder what plain word scores would give.
    fn varied() -> Vec<PageRecord> {
        let words = [
            "short",
            "breaks",
            "school",
            "transport",
            "funding",
            "inclusion",
            "plan",
        ];
        (0..40)
            .map(|n: usize| {
                let pick = |k: usize| words[(n * (k + 2) + k * 3) % words.len()];
                let title = format!("{} {} {}", pick(0), pick(1), pick(5));
                let body = (0..(n % 9 + 3)).map(pick).collect::<Vec<_>>().join(" ");
                let mut record = page(&format!("http://x/page-{n}.aspx"), &title, &body);
                if n.is_multiple_of(6) {
                    record.kind = Kind::Document;
                }
                record
            })
            .collect()
    }

    #[test]
    fn a_window_holding_every_match_ranks_as_scoring_them_all() -> Result<(), SearchError> {
        let (_temp, exact) = engine_for(varied());
        let (_other, windowed) = engine_for(varied());
        let windowed = windowed.with_window(RescoreWindow {
            above_records: 0,
            size: 1_000,
        });
        let config = Config::defaults();
        for text in [
            "short breaks",
            "school transport funding",
            "\"inclusion funding\"",
            "plan for short breaks at school",
            "EHCP",
        ] {
            for kind in [None, Some(Kind::Page), Some(Kind::Document)] {
                let mut request = SearchRequest::new(text);
                request.kind = kind;
                request.group = false;
                let (left, right) = (
                    exact.search(&request, &config)?,
                    windowed.search(&request, &config)?,
                );
                let hits = |response: &SearchResponse| -> Vec<(String, f32)> {
                    response
                        .results
                        .iter()
                        .map(|hit| (hit.url.clone(), hit.score))
                        .collect()
                };
                let (left_hits, right_hits) = (hits(&left), hits(&right));
                assert!(!left_hits.is_empty() || text == "EHCP", "{text}");
                assert_eq!(left_hits.len(), right_hits.len(), "{text} {kind:?}");
                for ((left_url, left_score), (right_url, right_score)) in
                    left_hits.iter().zip(&right_hits)
                {
                    assert_eq!(left_url, right_url, "{text} {kind:?}");
                    assert!((left_score - right_score).abs() < 1e-4, "{text} {kind:?}");
                }
                assert_eq!(left.total, right.total, "{text} {kind:?}");
                assert_eq!(left.facets, right.facets, "{text} {kind:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn a_small_window_still_answers_with_its_best() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(varied());
        let engine = engine.with_window(RescoreWindow {
            above_records: 0,
            size: 3,
        });
        let mut request = SearchRequest::new("school transport");
        request.limit = 2;
        request.group = false;
        let response = engine.search(&request, &Config::defaults())?;
        assert_eq!(response.results.len(), 2);
        assert!(response.total > 3, "the total still counts every match");
        assert!(response.results[0].score >= response.results[1].score);
        Ok(())
    }

    #[test]
    fn facets_count_the_whole_result_set() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let mut request = SearchRequest::new("inclusion funding breaks");
        request.kind = Some(Kind::Page);
        let response = engine.search(&request, &Config::defaults())?;
        let facets = response.facets.expect("facets by default");
        let kinds: Vec<(&str, usize)> = facets
            .kinds
            .iter()
            .map(|v| (v.value.as_str(), v.count))
            .collect();
        assert_eq!(
            kinds,
            vec![("page", 2), ("document", 1)],
            "kind counts ignore the kind filter"
        );
        assert_eq!(response.total, 2, "total obeys the filter");
        Ok(())
    }

    #[test]
    fn unknown_words_are_corrected_and_known_ones_left_alone() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let config = Config::defaults();
        let typo = engine.search(&SearchRequest::new("inclusoin fundign"), &config)?;
        let correction = typo.did_you_mean.as_ref().expect("a correction");
        assert_eq!(correction.query, "inclusion funding");
        assert!(correction.applied);
        assert_eq!(typo.results[0].path, "/inclusion/inclusion.aspx");

        let right = engine.search(&SearchRequest::new("inclusion funding"), &config)?;
        assert_eq!(right.did_you_mean, None);
        let nothing = engine.search(&SearchRequest::new("qwxzv"), &config)?;
        assert_eq!(nothing.total, 0);
        assert_eq!(nothing.did_you_mean, None);
        Ok(())
    }

    #[test]
    fn a_suggestion_counts_under_the_requests_filters() -> Result<(), SearchError> {
        let mut records = sample();
        for n in 0..6 {
            records.push(page(
                &format!("http://x/postage-{n}.aspx"),
                &format!("Postage {n}"),
                "Postage and stamps for letters.",
            ));
        }
        records.push(page(
            "http://x/portage.aspx",
            "Portage",
            "Portage home visits.",
        ));
        let (_temp, engine) = engine_for(records);
        let config = Config::defaults();
        let unfiltered = engine.search(&SearchRequest::new("portage"), &config)?;
        let offered = unfiltered
            .did_you_mean
            .as_ref()
            .expect("a more common word");
        assert_eq!((offered.query.as_str(), offered.total), ("postage", 6));
        // No document holds either word: offering one would promise what the filter hides.
        let mut documents = SearchRequest::new("portage");
        documents.kind = Some(Kind::Document);
        assert_eq!(engine.search(&documents, &config)?.did_you_mean, None);
        Ok(())
    }

    #[test]
    fn correction_can_be_turned_off_to_search_as_typed() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let config = Config::defaults();
        let mut request = SearchRequest::new("inclusoin fundign");
        request.correct = false;
        let as_typed = engine.search(&request, &config)?;
        assert_eq!(as_typed.total, 0);
        assert!(
            as_typed
                .did_you_mean
                .as_ref()
                .is_none_or(|dym| !dym.applied),
            "{:?}",
            as_typed.did_you_mean
        );
        Ok(())
    }

    #[test]
    fn a_word_the_synonyms_expand_is_searched_not_corrected() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(vec![
            page(
                "http://x/adhd.aspx",
                "ADHD assessment",
                "How ADHD is assessed for children and young people.",
            ),
            page(
                "http://x/attention.aspx",
                "Attention deficit disorder",
                "Support for attention deficit disorder at school.",
            ),
        ]);
        let dir = tempfile::tempdir().expect("temp dir");
        let synonyms = "[[acronym]]\nacronym = \"ADD\"\n\
                        means = [\"attention deficit disorder\"]\nmatch_case = true\n";
        std::fs::write(dir.path().join("synonyms.toml"), synonyms).expect("write");
        let config = Config::load(dir.path()).expect("valid config");

        let add = engine.search(&SearchRequest::new("ADD"), &config)?;
        assert_eq!(add.did_you_mean, None, "{:?}", add.did_you_mean);
        assert_eq!(add.results[0].path, "/attention.aspx");
        // A slip with no synonym is still corrected.
        let slip = engine.search(&SearchRequest::new("ADHDD"), &config)?;
        assert!(
            slip.did_you_mean
                .as_ref()
                .is_some_and(|dym| dym.query == "ADHD"),
            "{:?}",
            slip.did_you_mean
        );
        Ok(())
    }

    #[test]
    fn explain_gives_field_scores_and_synonyms() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let dir = tempfile::tempdir().expect("temp dir");
        let synonyms = "[[one_way]]\nfrom = \"respite\"\nto = [\"short breaks\"]\n";
        std::fs::write(dir.path().join("synonyms.toml"), synonyms).expect("write");
        let config = Config::load(dir.path()).expect("valid config");
        let mut request = SearchRequest::new("respite");
        request.explain = true;
        let response = engine.search(&request, &config)?;
        let explain = response.results[0]
            .explain
            .as_ref()
            .expect("explain requested");
        assert!(
            explain
                .fields
                .get("title")
                .is_some_and(|score| *score > 0.0),
            "{explain:?}"
        );
        assert_eq!(explain.synonyms.len(), 1, "{explain:?}");
        assert!(explain.synonyms[0].contains("short breaks"));
        Ok(())
    }

    #[test]
    fn exclude_mode_drops_documents() -> Result<(), SearchError> {
        let (_temp, engine) = engine_for(sample());
        let mut config = Config::defaults();
        config.ranking.document_mode = DocumentMode::Exclude;
        let response = engine.search(&SearchRequest::new("inclusion funding"), &config)?;
        assert!(response.results.iter().all(|hit| hit.kind == Kind::Page));
        assert_eq!(response.total, 1);
        Ok(())
    }
}
