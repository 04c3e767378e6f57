//! The HTTP ceiling: an axum server whose `/search` returns a fixed small JSON body without
//! doing any work, on the same runtime settings as `offer-search serve`. Load tests compare
//! the real server's rate against this one measured in the same run.
//!
//! ```sh
//! cargo run --release --example bare -- 127.0.0.1:0
//! ```

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const BODY: &str = r#"{"query":"x","total":0,"took_ms":0.0,"results":[],"has_more":false}"#;

async fn fixed() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], BODY)
}

fn main() -> anyhow::Result<()> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_string())
        .parse()
        .context("the argument must be an address such as 127.0.0.1:0")?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on `{addr}`"))?;
        let bound = listener.local_addr().context("no local address")?;
        println!("listening on http://{bound}");
        let app = Router::new()
            .route("/search", get(fixed))
            .route("/suggest", get(fixed));
        axum::serve(listener, app).await.context("server failed")
    })
}
