//! The `offer-search` command line: `demo`, `crawl`, `serve`, `search`.
//!
//! Run `cargo run --release -- demo` for the bundled sample site, or `--help` for the rest.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "offer-search",
    version,
    about = "Site search for a SEND Local Offer website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract one document from stdin (the isolated worker the crawler starts).
    #[command(name = "extract-document", hide = true)]
    ExtractDocument {
        /// `pdf` or `docx`.
        #[arg(long)]
        kind: String,
    },
    /// Placeholder until the other commands land.
    Version {
        #[arg(long, default_value = "./data")]
        data: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::ExtractDocument { kind } => {
            let code = offer_search::extract::document::worker_main(&kind);
            std::process::exit(code);
        }
        Command::Version { data } => {
            println!(
                "offer-search {} (data {})",
                env!("CARGO_PKG_VERSION"),
                data.display()
            );
            Ok(())
        }
    }
}
