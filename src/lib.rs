//! offer-search: site search for a SEND Local Offer website.
//!
//! The pipeline, one module per stage: [`crawl`] fetches pages and documents, [`extract`]
//! turns each response into a [`record::PageRecord`], [`index`] adds site-level facts and
//! writes a tantivy index generation into the data folder ([`store`]), [`search`] ranks
//! with the rules in [`config`], and [`api`] serves it over HTTP. [`demo`] serves the bundled
//! sample site, a fictional council's Local Offer, for the demo and the tests; [`corpus`]
//! generates larger sites of the same shape for benchmarks and load tests.

pub mod api;
pub mod config;
pub mod corpus;
pub mod crawl;
pub mod demo;
pub mod evaluate;
pub mod extract;
pub mod index;
pub mod publish;
pub mod record;
pub mod search;
pub mod store;
