//! DOCX extraction on any bytes: zip and XML parsing with the decompressed-size cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offer_search::extract::document::extract_docx;

fuzz_target!(|data: &[u8]| {
    let _ = extract_docx(data);
});
