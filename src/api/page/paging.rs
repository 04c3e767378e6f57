//! Which page links the pagination shows: previous, next, the first and last page, the
//! pages either side of the current one, and gaps between them.

use crate::search::MAX_WINDOW;

/// One entry of the numbered list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A page by its number from 1, with the `offset` that shows it.
    Page {
        number: usize,
        offset: usize,
        current: bool,
    },
    /// Pages left out between two numbers.
    Gap,
}

/// The pagination for one page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The page shown, from 1.
    pub current: usize,
    /// The last page that can be asked for.
    pub last: usize,
    pub previous_offset: Option<usize>,
    pub next_offset: Option<usize>,
    pub items: Vec<Item>,
}

/// Pages shown either side of the current one.
const NEIGHBOURS: usize = 1;

impl Paging {
    /// The pagination for entries `offset..offset + limit` of `entries`, or `None` when
    /// everything fits on one page. `has_more` is trusted over `entries`: with nothing after
    /// this page, no later page is offered, and with more, at least the next one is. Pages
    /// beyond the deepest window the API serves are never offered.
    pub fn new(offset: usize, limit: usize, entries: usize, has_more: bool) -> Option<Paging> {
        let limit = limit.max(1);
        let reachable_pages = MAX_WINDOW / limit;
        let current = offset / limit + 1;
        let counted = entries.div_ceil(limit).max(1);
        let last = if has_more {
            counted.max(current + 1)
        } else {
            counted.min(current)
        };
        let last = last.clamp(1, reachable_pages.max(1));
        if last <= 1 && offset == 0 {
            return None;
        }

        // From past the end, back to the last page there is.
        let previous_offset =
            (offset > 0).then(|| offset.saturating_sub(limit).min((last - 1) * limit));
        let next = offset + limit;
        let next_offset = (has_more && next + limit <= MAX_WINDOW).then_some(next);

        let mut items = Vec::new();
        let mut shown_until = 0;
        for number in 1..=last {
            let near = number.abs_diff(current) <= NEIGHBOURS;
            if number == 1 || number == last || near {
                if number > shown_until + 1 {
                    items.push(Item::Gap);
                }
                items.push(Item::Page {
                    number,
                    offset: (number - 1) * limit,
                    current: number == current,
                });
                shown_until = number;
            }
        }
        Some(Paging {
            current,
            last,
            previous_offset,
            next_offset,
            items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(paging: &Paging) -> Vec<String> {
        paging
            .items
            .iter()
            .map(|item| match item {
                Item::Page {
                    number,
                    current: true,
                    ..
                } => format!("[{number}]"),
                Item::Page { number, .. } => number.to_string(),
                Item::Gap => "…".to_string(),
            })
            .collect()
    }

    #[test]
    fn one_page_needs_no_pagination() {
        assert_eq!(Paging::new(0, 10, 7, false), None);
        assert_eq!(Paging::new(0, 10, 0, false), None);
    }

    #[test]
    fn middle_pages_show_neighbours_ends_and_gaps() {
        let paging = Paging::new(40, 10, 95, true).expect("ten pages");
        assert_eq!(numbers(&paging), ["1", "…", "4", "[5]", "6", "…", "10"]);
        assert_eq!(paging.previous_offset, Some(30));
        assert_eq!(paging.next_offset, Some(50));
    }

    #[test]
    fn first_and_last_pages_have_one_direction() {
        let first = Paging::new(0, 10, 25, true).expect("three pages");
        assert_eq!(numbers(&first), ["[1]", "2", "3"]);
        assert_eq!(first.previous_offset, None);
        assert_eq!(first.next_offset, Some(10));

        let last = Paging::new(20, 10, 25, false).expect("three pages");
        assert_eq!(numbers(&last), ["1", "2", "[3]"]);
        assert_eq!(last.next_offset, None);
        assert_eq!(last.previous_offset, Some(10));
    }

    #[test]
    fn paging_stops_at_the_deepest_window() {
        let paging = Paging::new(980, 10, 5_000, true).expect("many pages");
        assert_eq!(paging.last, 100);
        assert_eq!(paging.next_offset, Some(990));
        let deepest = Paging::new(990, 10, 5_000, true).expect("many pages");
        assert_eq!(deepest.next_offset, None);
    }

    #[test]
    fn a_page_past_the_end_links_back_to_the_pages_there_are() {
        let paging = Paging::new(50, 10, 12, false).expect("past the end");
        assert_eq!(paging.current, 6);
        assert_eq!(paging.last, 2);
        assert_eq!(paging.previous_offset, Some(10));
        assert_eq!(numbers(&paging), ["1", "2"]);
    }

    #[test]
    fn nothing_after_this_page_offers_no_later_page() {
        // Eleven matches, two of them documents shown under their pages: nine entries.
        assert_eq!(Paging::new(0, 10, 11, false), None);
        let second = Paging::new(10, 10, 30, false).expect("two pages");
        assert_eq!(numbers(&second), ["1", "[2]"]);
        assert_eq!(second.next_offset, None);
        // More after this page, even if the count said otherwise.
        let first = Paging::new(0, 10, 10, true).expect("a next page");
        assert_eq!(numbers(&first), ["[1]", "2"]);
    }
}
