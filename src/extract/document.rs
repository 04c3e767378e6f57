//! Document text extraction, isolated in a child process.

/// Entry point of the isolated document worker (`offer-search extract-document`): reads one
/// document from stdin and writes its extracted text as JSON to stdout. Returns the exit code.
pub fn worker_main(kind: &str) -> i32 {
    eprintln!("document extraction for `{kind}` is not built yet");
    2
}
