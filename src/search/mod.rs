//! Searching: parse the query, score with the ranking rules, shape results and snippets.
