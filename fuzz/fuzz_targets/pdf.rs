//! PDF extraction on any bytes. The PDF library is known to panic on malformed files, which
//! is why the crawler runs it in a child process and [`extract_pdf`] catches a panic. Under
//! libFuzzer a panic aborts before it can be caught (libfuzzer-sys installs a panic hook that
//! aborts), so every panic inside the library is reported here as a crash, besides hangs and
//! runaway memory. A crash whose cause can be checked before the library runs becomes a
//! clean error in `extract_pdf`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offer_search::extract::document::extract_pdf;

fuzz_target!(|data: &[u8]| {
    let _ = extract_pdf(data);
});
