//! The search page's HTML, written with maud, which escapes every value it is given.
//!
//! The one exception is a result's snippet: the API already escapes its text and adds only
//! `<mark>` tags, and [`safe_snippet`] checks that again before it goes out unescaped.
//! Regions the script replaces in place carry `data-swap` and an `id`; everything works as
//! plain links and a GET form without it.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::View;
use super::links::SearchLink;
use super::paging::{Item, Paging};
use super::wording::{self, Problem};
use crate::config::PageConfig;
use crate::record::{Audience, Kind};
use crate::search::{DocumentHit, FacetValue, SearchHit, SearchRequest, SearchResponse};

/// Which of the two pages is shown, so the header can mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Search,
    AtoZ,
}

/// The whole search page for `view`.
pub fn page(config: &PageConfig, view: &View) -> Markup {
    let title = window_title(config, view);
    layout(config, &title, Place::Search, main_content(config, view))
}

/// The frame every page shares: head, skip link, header with the site's links, `main`
/// holding `content`, and footer. Only the search page loads the script; the A to Z has
/// nothing for it to do.
pub fn layout(config: &PageConfig, title: &str, place: Place, content: Markup) -> Markup {
    let home = config.home_url.as_deref().unwrap_or("./");
    let current = |link: Place| (place == link).then_some("page");
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="assets/search.css";
                @if let Some(stylesheet) = &config.stylesheet_url {
                    link rel="stylesheet" href=(stylesheet);
                }
                @if place == Place::Search {
                    script src="assets/search.js" defer {}
                }
            }
            body {
                a.skip-link href="#main-content" { "Skip to main content" }
                header.site-header {
                    div.width-container.site-header__inner {
                        a.site-header__name href=(home) { (config.site_name) }
                        nav.site-header__nav aria-label="Site" {
                            ul.site-header__links {
                                li { a href="./" aria-current=[current(Place::Search)] { "Search" } }
                                li { a href="a-z" aria-current=[current(Place::AtoZ)] { "A to Z" } }
                                @if let Some(contact) = &config.contact_url {
                                    li { a href=(contact) { "Get help and advice" } }
                                }
                            }
                        }
                    }
                }
                div.width-container {
                    main #main-content .main tabindex="-1" {
                        (content)
                    }
                }
                footer.site-footer {
                    div.width-container {
                        p {
                            "This search looks through the web pages and documents on the "
                            (config.site_name) " website."
                        }
                        p {
                            "If you need help finding something, contact "
                            (contact(config)) "."
                        }
                    }
                }
            }
        }
    }
}

/// The window title: what was searched, which page, and the site. Errors say so first.
fn window_title(config: &PageConfig, view: &View) -> String {
    let site = &config.site_name;
    match view {
        View::Home { .. } => format!("Search \u{2013} {site}"),
        View::Problem { .. } => format!("Error: Search \u{2013} {site}"),
        View::Unavailable => format!("Search is not working \u{2013} {site}"),
        View::Results { request, response } => {
            let query = wording::quoted(shown_query(request, response));
            if response.total == 0 {
                return format!("No results for {query} \u{2013} Search \u{2013} {site}");
            }
            let position = page_position(request, response);
            format!("Search results for {query} ({position}) \u{2013} {site}")
        }
    }
}

/// "page 2 of 4".
fn page_position(request: &SearchRequest, response: &SearchResponse) -> String {
    match Paging::new(
        request.offset,
        request.limit,
        response.entries,
        response.has_more,
    ) {
        Some(paging) if paging.current > paging.last => "past the last page".to_string(),
        Some(paging) => format!("page {} of {}", paging.current, paging.last),
        None => "page 1 of 1".to_string(),
    }
}

/// The query the results are for: the correction when one was applied.
fn shown_query<'a>(request: &'a SearchRequest, response: &'a SearchResponse) -> &'a str {
    match &response.did_you_mean {
        Some(correction) if correction.applied => &correction.query,
        _ => &request.query,
    }
}

fn main_content(config: &PageConfig, view: &View) -> Markup {
    let (typed, audience) = match view {
        View::Home { audience } => ("", *audience),
        View::Unavailable => ("", Audience::Family),
        View::Problem {
            typed, audience, ..
        } => (*typed, *audience),
        View::Results { request, .. } => (request.query.as_str(), request.audience),
    };
    let problem = match view {
        View::Problem { problem, .. } => Some(problem),
        _ => None,
    };
    let field_error = problem.filter(|problem| problem.about_search_box);
    html! {
        h1.heading-xl { "Search for help and services" }
        div #error-area data-swap {
            @if let View::Problem { problem, retry, .. } = view {
                (error_summary(problem, retry.as_ref()))
            }
        }
        (search_form(typed, audience, field_error))
        p #result-count .result-count role="status" aria-live="polite" tabindex="-1" {
            @if let View::Results { request, response } = view {
                (count_sentence(request, response))
            }
        }
        div #results-region data-swap {
            @match view {
                View::Home { .. } => (home_help()),
                View::Problem { .. } => {},
                View::Unavailable => (unavailable(config, wording::UNAVAILABLE_HEADING)),
                View::Results { request, response } => (results(config, request, response)),
            }
        }
    }
}

/// The GOV.UK error summary pattern: a titled box at the top listing each problem as a link
/// to where it can be fixed.
fn error_summary(problem: &Problem, retry: Option<&SearchLink>) -> Markup {
    let target = match retry {
        Some(link) if !problem.about_search_box => link.href(),
        _ => "#q".to_string(),
    };
    html! {
        div.error-summary #error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
            h2.error-summary__title #error-summary-title { "There is a problem" }
            ul.error-summary__list {
                li { a href=(target) { (problem.message) } }
            }
        }
    }
}

fn search_form(typed: &str, audience: Audience, field_error: Option<&Problem>) -> Markup {
    let described_by = match field_error {
        Some(_) => "q-hint q-error",
        None => "q-hint",
    };
    html! {
        form #search-form .search-form method="get" role="search" novalidate {
            div #q-group .form-group .form-group--error[field_error.is_some()] {
                label.label for="q" { "What are you looking for?" }
                div #q-hint .hint { "For example, short breaks, EHCP or school transport" }
                div #q-error-slot data-swap {
                    @if let Some(problem) = field_error {
                        p #q-error .error-message {
                            span.visually-hidden { "Error: " }
                            (problem.message)
                        }
                    }
                }
                div.search-box {
                    input #q .search-box__input type="search" name="q" value=(typed)
                        aria-describedby=(described_by)
                        aria-invalid=[field_error.map(|_| "true")]
                        autocomplete="off" spellcheck="true";
                    button.button.search-box__button type="submit" { "Search" }
                }
            }
            (audience_choice(audience))
        }
    }
}

/// The "I am a professional" box: ticked, the search puts pages written for professionals
/// first (`audience=professional`); left empty, pages for families come first. The box is
/// part of the form, so it is sent with every search, with or without the script.
fn audience_choice(audience: Audience) -> Markup {
    let professional = audience == Audience::Professional;
    html! {
        div.checkbox {
            input #audience .checkbox__input type="checkbox" name="audience"
                value=(Audience::Professional.as_str()) checked[professional]
                aria-describedby="audience-hint";
            label.checkbox__label for="audience" { (wording::AUDIENCE_LABEL) }
            div #audience-hint .hint .checkbox__hint { (wording::AUDIENCE_HINT) }
        }
    }
}

/// The sentence announced when results change: how many, for what, and which page.
fn count_sentence(request: &SearchRequest, response: &SearchResponse) -> String {
    let query = wording::quoted(shown_query(request, response));
    if response.total == 0 {
        return format!("No results for {query}");
    }
    let mut sentence = format!("{} for {query}", wording::results_count(response.total));
    if let Some(label) = request
        .section
        .as_deref()
        .and_then(|section| section_label(response, section))
    {
        sentence.push_str(&format!(" in {label}"));
    }
    if let Some(kind) = request.kind {
        let only = match kind {
            Kind::Page => ", web pages only",
            Kind::Document => ", documents only",
        };
        sentence.push_str(only);
    }
    if request.audience == Audience::Professional {
        sentence.push_str(", pages for professionals first");
    }
    if Paging::new(
        request.offset,
        request.limit,
        response.total,
        response.has_more,
    )
    .is_some()
    {
        sentence.push_str(&format!(", {}", page_position(request, response)));
    }
    sentence
}

fn section_label<'a>(response: &'a SearchResponse, section: &str) -> Option<&'a str> {
    let facets = response.facets.as_ref()?;
    facets
        .sections
        .iter()
        .find(|value| value.value == section)
        .map(|value| value.label.as_str())
}

fn home_help() -> Markup {
    html! {
        p.body {
            "Search for a service, a condition, a school or a form. Everyday words work: for "
            "example \u{2018}help at school\u{2019} or \u{2018}a break from caring\u{2019}."
        }
        p.body {
            "You can also look a topic up in the "
            a.link href="a-z" { "A to Z of help and services" } "."
        }
    }
}

/// The "not working" message, under `heading`, for when there is no index or it failed.
pub fn unavailable(config: &PageConfig, heading: &str) -> Markup {
    let home = config.home_url.as_deref();
    html! {
        h2.heading-l { (heading) }
        p.body { (wording::UNAVAILABLE_TEXT) }
        @if let Some(home) = home {
            p.body { a.link href=(home) { "Go to the home page of " (config.site_name) } }
        }
        p.body { "If you need help now, contact " (contact(config)) "." }
    }
}

/// Who to ask for help: a link when the config gives a page about them.
pub fn contact(config: &PageConfig) -> Markup {
    html! {
        @match &config.contact_url {
            Some(url) => a.link href=(url) { (config.contact_name) },
            None => (config.contact_name),
        }
    }
}

fn results(config: &PageConfig, request: &SearchRequest, response: &SearchResponse) -> Markup {
    let link = SearchLink::of(request);
    let filtered = request.section.is_some() || request.kind.is_some();
    html! {
        (spelling(request, response))
        @for notice in &response.best_bets {
            div.inset-text { p { (notice.message) } }
        }
        @if response.total == 0 {
            (no_results(config, &link, filtered))
        } @else {
            div.results-layout {
                div.results-layout__filters {
                    (filters(request, response, &link))
                }
                div.results-layout__results {
                    h2 #results-heading .visually-hidden { "Search results" }
                    @if response.results.is_empty() {
                        p.body {
                            "There are no more results. "
                            a.link href=(link.at_offset(0).href()) { "Go to the first page of results" }
                        }
                    } @else {
                        ol.result-list start=(request.offset + 1) {
                            @for hit in &response.results {
                                (result(hit))
                            }
                        }
                    }
                    @if let Some(paging) = Paging::new(
                        request.offset, request.limit, response.entries, response.has_more,
                    ) {
                        (pagination(&paging, &link))
                    }
                }
            }
        }
    }
}

/// "Did you mean ...?", or, when the correction was searched instead, "Showing results
/// for ... Search instead for ...".
fn spelling(request: &SearchRequest, response: &SearchResponse) -> Markup {
    let Some(correction) = &response.did_you_mean else {
        return html! {};
    };
    let corrected = SearchLink::new(&correction.query).for_audience(request.audience);
    let mut as_typed = SearchLink::new(&request.query).for_audience(request.audience);
    as_typed.correct = false;
    html! {
        @if correction.applied {
            p.spelling {
                "Showing results for " strong { (correction.query) } ". "
                "Search instead for " a.link href=(as_typed.href()) { (request.query) } "."
            }
        } @else {
            p.spelling {
                "Did you mean " a.link href=(corrected.href()) { (correction.query) } "?"
            }
        }
    }
}

fn no_results(config: &PageConfig, link: &SearchLink, filtered: bool) -> Markup {
    let everything = link.in_section(None).of_kind(None);
    html! {
        div.no-results {
            h2.heading-m { "Things you can try" }
            ul.list.list--bullet {
                @if filtered {
                    li {
                        a.link href=(everything.href()) { "Search all topics and types of result" }
                        " instead of only the ones you chose"
                    }
                }
                li { "check the spelling" }
                li {
                    "use fewer words, or more general ones, such as \u{2018}transport\u{2019} "
                    "instead of \u{2018}bus to school on Mondays\u{2019}"
                }
                li {
                    "try another word for the same thing, such as \u{2018}school\u{2019} "
                    "instead of \u{2018}education setting\u{2019}"
                }
                li {
                    "look for the topic in the "
                    a.link href="a-z" { "A to Z of help and services" }
                }
            }
            h2.heading-m { "Still cannot find what you need?" }
            p.body {
                "Contact " (contact(config)) ". They can help you find the right support "
                "for you or your child."
            }
        }
    }
}

fn filters(request: &SearchRequest, response: &SearchResponse, link: &SearchLink) -> Markup {
    let Some(facets) = &response.facets else {
        return html! {};
    };
    let sections: Vec<&FacetValue> = facets
        .sections
        .iter()
        .filter(|value| value.count > 0 || request.section.as_deref() == Some(&value.value))
        .collect();
    let kinds: Vec<(Kind, usize)> = facets
        .kinds
        .iter()
        .filter_map(|value| Some((Kind::parse(&value.value)?, value.count)))
        .filter(|(kind, count)| *count > 0 || request.kind == Some(*kind))
        .collect();
    html! {
        div.filters {
            h2.heading-m { "Filter results" }
            h3.heading-s { "Topic" }
            ul.filter-list {
                (filter_item("All topics", None, &link.in_section(None), request.section.is_none()))
                @for value in &sections {
                    (filter_item(
                        &value.label,
                        Some(value.count),
                        &link.in_section(Some(&value.value)),
                        request.section.as_deref() == Some(&value.value),
                    ))
                }
            }
            h3.heading-s { "Type" }
            ul.filter-list {
                (filter_item("All types", None, &link.of_kind(None), request.kind.is_none()))
                @for (kind, count) in &kinds {
                    (filter_item(
                        wording::kind_filter_label(*kind),
                        Some(*count),
                        &link.of_kind(Some(*kind)),
                        request.kind == Some(*kind),
                    ))
                }
            }
        }
    }
}

/// One filter choice: a link, or, when it is the one in force, bold text marked with a tick
/// and the words "selected" for screen readers.
fn filter_item(label: &str, count: Option<usize>, link: &SearchLink, current: bool) -> Markup {
    let counted = html! {
        (label)
        @if let Some(count) = count {
            " " span.filter-list__count {
                "(" (count) span.visually-hidden { " " (if count == 1 { "result" } else { "results" }) } ")"
            }
        }
    };
    html! {
        li.filter-list__item {
            @if current {
                span.filter-list__current aria-current="true" {
                    span.filter-list__tick aria-hidden="true" { "\u{2713} " }
                    span.visually-hidden { "Selected: " }
                    (counted)
                }
            } @else {
                a.link.filter-list__link href=(link.href()) { (counted) }
            }
        }
    }
}

fn result(hit: &SearchHit) -> Markup {
    let title = match (hit.kind, &hit.content_type, hit.size_bytes) {
        (Kind::Document, Some(content_type), Some(size_bytes)) => {
            wording::document_link_text(&hit.title, content_type, size_bytes)
        }
        _ => hit.title.clone(),
    };
    let kind = wording::kind_tag(hit.kind, hit.content_type.as_deref());
    let snippet = safe_snippet(&hit.snippet);
    let documents: &[DocumentHit] = hit.documents.as_deref().unwrap_or(&[]);
    // Through `/click` when the API gave a click URL, so that opened results are counted.
    let href = hit.click_url.as_deref().unwrap_or(&hit.url);
    html! {
        li.result {
            h3.result__title { a.link.result__link href=(href) { (title) } }
            p.result__tags {
                strong.tag.tag--kind { span.visually-hidden { "Type: " } (kind) }
                @if let Some(section) = &hit.section_label {
                    " "
                    strong.tag.tag--section { span.visually-hidden { "Topic: " } (section) }
                }
                @if hit.audience == Audience::Professional {
                    " "
                    strong.tag.tag--audience { (wording::PROFESSIONAL_TAG) }
                }
                @if hit.pinned {
                    " "
                    strong.tag.tag--pinned { "Recommended" }
                }
            }
            @if !hit.description.is_empty() {
                p.result__description { (hit.description) }
            }
            @if !snippet.is_empty() {
                p.result__snippet { (PreEscaped(snippet)) }
            }
            @if let (Some(url), Some(parent)) = (&hit.parent_url, &hit.parent_title) {
                p.result__parent { "From the page " a.link href=(url) { (parent) } }
            }
            @if !documents.is_empty() {
                div.result__documents {
                    p.result__documents-label { "Documents on this page" }
                    ul.document-list {
                        @for document in documents {
                            li.document-list__item {
                                a.link href=(document.click_url.as_deref().unwrap_or(&document.url)) {
                                    (wording::document_link_text(
                                        &document.title,
                                        &document.content_type,
                                        document.size_bytes,
                                    ))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The GOV.UK pagination pattern: previous and next links either side of the page numbers,
/// with the current page marked and gaps for pages left out.
fn pagination(paging: &Paging, link: &SearchLink) -> Markup {
    html! {
        nav.pagination aria-label="Pages of results" {
            @if let Some(offset) = paging.previous_offset {
                div.pagination__prev {
                    a.link.pagination__link href=(link.at_offset(offset).href()) rel="prev" {
                        (arrow("M5 11 L12 4 M5 11 L12 18 M5 11 H21"))
                        span.pagination__link-title {
                            "Previous" span.visually-hidden { " page" }
                        }
                    }
                }
            }
            ul.pagination__list {
                @for item in &paging.items {
                    @match item {
                        Item::Page { number, offset, current } => {
                            li.pagination__item .pagination__item--current[*current] {
                                a.link.pagination__link href=(link.at_offset(*offset).href())
                                    aria-current=[current.then_some("page")] {
                                    span.visually-hidden { "Page " } (number)
                                }
                            }
                        }
                        Item::Gap => {
                            li.pagination__item.pagination__item--gap { "\u{2026}" }
                        }
                    }
                }
            }
            @if let Some(offset) = paging.next_offset {
                div.pagination__next {
                    a.link.pagination__link href=(link.at_offset(offset).href()) rel="next" {
                        span.pagination__link-title {
                            "Next" span.visually-hidden { " page" }
                        }
                        (arrow("M19 11 L12 4 M19 11 L12 18 M19 11 H3"))
                    }
                }
            }
        }
    }
}

fn arrow(path: &str) -> Markup {
    html! {
        svg.pagination__arrow xmlns="http://www.w3.org/2000/svg" width="16" height="16"
            viewBox="0 0 24 22" aria-hidden="true" focusable="false" {
            path d=(path) fill="none" stroke="currentColor" stroke-width="3" {}
        }
    }
}

/// The snippet with only `<mark>` and `</mark>` left as markup: any other `<` or `>` is
/// escaped, so a snippet the API failed to escape cannot inject HTML.
pub fn safe_snippet(snippet: &str) -> String {
    const OPEN: &str = "<mark>";
    const CLOSE: &str = "</mark>";
    let mut safe = String::with_capacity(snippet.len());
    let mut rest = snippet;
    while let Some(position) = rest.find(['<', '>', '"']) {
        safe.push_str(&rest[..position]);
        let tail = &rest[position..];
        let tag = [OPEN, CLOSE].into_iter().find(|tag| tail.starts_with(tag));
        match tag {
            Some(tag) => {
                safe.push_str(tag);
                rest = &tail[tag.len()..];
            }
            None => {
                let escaped = match tail.as_bytes()[0] {
                    b'<' => "&lt;",
                    b'>' => "&gt;",
                    _ => "&quot;",
                };
                safe.push_str(escaped);
                rest = &tail[1..];
            }
        }
    }
    safe.push_str(rest);
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_keep_marks_and_nothing_else() {
        let marked = "<mark>Short</mark> breaks &amp; more";
        assert_eq!(safe_snippet(marked), marked);
        assert_eq!(
            safe_snippet("<script>x</script> <mark onclick=\"y\">z</mark>"),
            "&lt;script&gt;x&lt;/script&gt; &lt;mark onclick=&quot;y&quot;&gt;z</mark>"
        );
    }
}
