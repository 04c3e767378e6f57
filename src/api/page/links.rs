//! Links from the search page to itself: another page of results, a filter, a correction.
//!
//! Every link is relative (`?q=...`), so the page works wherever it is mounted.

use url::form_urlencoded;

use crate::record::{Audience, Kind};
use crate::search::{DEFAULT_LIMIT, SearchRequest};

/// The parameters of one search as the page's links carry them.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchLink {
    pub query: String,
    pub section: Option<String>,
    pub kind: Option<Kind>,
    pub offset: usize,
    pub limit: usize,
    /// `false` keeps the words as typed (the "search instead for" link).
    pub correct: bool,
    /// Whom the results are for; kept by every link, like a setting.
    pub audience: Audience,
}

impl SearchLink {
    /// A new search for `query`: first page, no filters.
    pub fn new(query: &str) -> SearchLink {
        SearchLink {
            query: query.to_string(),
            section: None,
            kind: None,
            offset: 0,
            limit: DEFAULT_LIMIT,
            correct: true,
            audience: Audience::Family,
        }
    }

    /// The link that repeats `request`.
    pub fn of(request: &SearchRequest) -> SearchLink {
        SearchLink {
            query: request.query.clone(),
            section: request.section.clone(),
            kind: request.kind,
            offset: request.offset,
            limit: request.limit,
            correct: request.correct,
            audience: request.audience,
        }
    }

    /// The same search for `audience`.
    pub fn for_audience(self, audience: Audience) -> SearchLink {
        SearchLink { audience, ..self }
    }

    pub fn at_offset(&self, offset: usize) -> SearchLink {
        SearchLink {
            offset,
            ..self.clone()
        }
    }

    /// The same search filtered to `section` (`None`: every topic), from the first page.
    pub fn in_section(&self, section: Option<&str>) -> SearchLink {
        SearchLink {
            section: section.map(str::to_string),
            offset: 0,
            ..self.clone()
        }
    }

    /// The same search filtered to `kind` (`None`: both kinds), from the first page.
    pub fn of_kind(&self, kind: Option<Kind>) -> SearchLink {
        SearchLink {
            kind,
            offset: 0,
            ..self.clone()
        }
    }

    /// The query string, starting with `?`; defaults are left out.
    pub fn href(&self) -> String {
        let mut pairs = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
        pairs.append_pair("q", &self.query);
        if let Some(section) = &self.section {
            pairs.append_pair("section", section);
        }
        if let Some(kind) = self.kind {
            pairs.append_pair("kind", kind.as_str());
        }
        if self.offset > 0 {
            pairs.append_pair("offset", &self.offset.to_string());
        }
        if self.limit != DEFAULT_LIMIT {
            pairs.append_pair("limit", &self.limit.to_string());
        }
        if !self.correct {
            pairs.append_pair("correct", "false");
        }
        if self.audience != Audience::Family {
            pairs.append_pair("audience", self.audience.as_str());
        }
        pairs.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_query_and_leave_out_defaults() {
        let link = SearchLink::new("short breaks & respite");
        assert_eq!(link.href(), "?q=short+breaks+%26+respite");

        let filtered = link
            .in_section(Some("social-care"))
            .of_kind(Some(Kind::Document));
        let paged = filtered.at_offset(20);
        assert_eq!(
            paged.href(),
            "?q=short+breaks+%26+respite&section=social-care&kind=document&offset=20"
        );
        assert_eq!(
            paged.in_section(None).offset,
            0,
            "a filter starts from page one"
        );
    }

    #[test]
    fn search_as_typed_says_so() {
        let mut link = SearchLink::new("inclusoin");
        link.correct = false;
        link.limit = 20;
        assert_eq!(link.href(), "?q=inclusoin&limit=20&correct=false");
    }

    #[test]
    fn the_audience_stays_through_paging_and_filters() {
        let link = SearchLink::new("annual review").for_audience(Audience::Professional);
        assert_eq!(link.href(), "?q=annual+review&audience=professional");
        let moved = link.in_section(Some("education")).at_offset(10);
        assert_eq!(
            moved.href(),
            "?q=annual+review&section=education&offset=10&audience=professional"
        );
        let families = moved.for_audience(Audience::Family);
        assert!(
            !families.href().contains("audience"),
            "the default is left out"
        );
    }
}
