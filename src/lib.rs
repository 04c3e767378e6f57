//! offer-search: site search for a SEND Local Offer website.
//!
//! The pipeline, one module per stage: [`crawl`] fetches pages and documents, [`extract`]
//! turns each response into a [`record::PageRecord`], [`index`] adds site-level facts and
//! writes a tantivy index generation into the data folder ([`store`]), [`search`] ranks
//! with the rules in [`config`], and [`api`] serves it over HTTP. [`state`] keeps what each
//! crawl learned so the next is incremental, [`recrawl`] runs a crawl end to end (also on a
//! schedule inside the server), and [`links`] checks the external links crawled pages make.
//! [`analytics`] logs searches and clicks and [`report`] turns them, the review dates and the
//! keywords into the steering group's reports. [`memory`] keeps the server's heap to one
//! malloc arena per core. [`demo`] serves the bundled sample site, a fictional council's
//! Local Offer, for the demo and the tests; [`corpus`] generates larger sites of the same
//! shape for benchmarks and load tests.

pub mod analytics;
pub mod api;
pub mod config;
pub mod corpus;
pub mod crawl;
pub mod demo;
pub mod evaluate;
pub mod extract;
pub mod index;
pub mod links;
pub mod memory;
pub mod publish;
pub mod record;
pub mod recrawl;
pub mod report;
pub mod search;
pub mod sqlite;
pub mod state;
pub mod store;
