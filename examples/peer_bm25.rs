//! A plain tantivy peer: BM25 over title and body with tantivy's own English stemmer, its
//! query parser and its snippet generator, and none of our rules. It indexes the records of
//! an offer-search generation, so both engines hold the same documents, and serves
//! `/search?q=` over axum on the same runtime settings, so both are loaded the same way.
//!
//! ```sh
//! cargo run --release --example peer_bm25 -- build --data target/corpus/100k --out target/peer
//! cargo run --release --example peer_bm25 -- serve --index target/peer --addr 127.0.0.1:0
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use clap::{Parser, Subcommand};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, TantivyDocument};

use offer_search::search::Engine;
use offer_search::store::DataDir;

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index the records of the current generation in `--data` into `--out`.
    Build {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve `/search?q=` over an index made by `build`.
    Serve {
        #[arg(long)]
        index: PathBuf,
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
    },
}

const STEMMED: &str = "en_stem";

fn schema() -> (Schema, [Field; 3]) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(STEMMED)
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let title = builder.add_text_field("title", text.clone());
    let body = builder.add_text_field("body", text);
    let url = builder.add_text_field("url", STORED);
    (builder.build(), [title, body, url])
}

fn build(data: &Path, out: &Path) -> anyhow::Result<()> {
    let generation = DataDir::new(data)
        .current()
        .with_context(|| format!("no generation in `{}`", data.display()))?;
    let engine = Engine::open(&generation)?;
    let records = engine.records()?;
    std::fs::create_dir_all(out)?;
    let (schema, [title, body, url]) = schema();
    let index = Index::create_in_dir(out, schema)?;
    let mut writer = index.writer::<TantivyDocument>(200 * 1024 * 1024)?;
    for record in &records {
        let mut document = TantivyDocument::default();
        document.add_text(title, &record.facts.title);
        document.add_text(body, &record.page.body);
        document.add_text(url, &record.page.url);
        writer.add_document(document)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    println!("indexed {} record(s) into {}", records.len(), out.display());
    Ok(())
}

struct Peer {
    index: Index,
    reader: IndexReader,
    fields: [Field; 3],
}

#[derive(Serialize)]
struct Hit {
    url: String,
    title: String,
    snippet: String,
    score: f32,
}

#[derive(Serialize)]
struct Answer {
    total: usize,
    results: Vec<Hit>,
}

impl Peer {
    fn search(&self, text: &str) -> tantivy::Result<Answer> {
        let [title, body, url] = self.fields;
        let parser = QueryParser::for_index(&self.index, vec![title, body]);
        let (query, _errors) = parser.parse_query_lenient(text);
        let searcher = self.reader.searcher();
        let (total, top) =
            searcher.search(&query, &(Count, TopDocs::with_limit(10).order_by_score()))?;
        let snippets = SnippetGenerator::create(&searcher, &*query, body)?;
        let mut results = Vec::with_capacity(top.len());
        for (score, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            let text_of = |field: Field| {
                document
                    .get_first(field)
                    .and_then(|value| value.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            results.push(Hit {
                url: text_of(url),
                title: text_of(title),
                snippet: snippets.snippet_from_doc(&document).to_html(),
                score,
            });
        }
        Ok(Answer { total, results })
    }
}

async fn search(
    State(peer): State<Arc<Peer>>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Answer>, StatusCode> {
    let text = params.get("q").cloned().unwrap_or_default();
    let answer = tokio::task::spawn_blocking(move || peer.search(&text))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(answer))
}

fn serve(index_dir: &Path, addr: SocketAddr) -> anyhow::Result<()> {
    let index = Index::open_in_dir(index_dir)
        .with_context(|| format!("cannot open `{}`", index_dir.display()))?;
    let reader = index.reader()?;
    let (_, fields) = schema();
    let peer = Arc::new(Peer {
        index,
        reader,
        fields,
    });
    let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        println!("listening on http://{}", listener.local_addr()?);
        let app = Router::new().route("/search", get(search)).with_state(peer);
        axum::serve(listener, app).await.context("server failed")
    })
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Build { data, out } => build(&data, &out),
        Command::Serve { index, addr } => serve(&index, addr),
    }
}
