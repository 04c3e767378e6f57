//! PDF extraction on any bytes. The PDF library is known to panic on malformed files, which
//! is why the crawler runs it in a child process; a panic here is caught so that the fuzzer
//! looks for what the child process must also survive: hangs and runaway memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offer_search::extract::document::extract_pdf;

fuzz_target!(|data: &[u8]| {
    let _ = std::panic::catch_unwind(|| extract_pdf(data));
});
