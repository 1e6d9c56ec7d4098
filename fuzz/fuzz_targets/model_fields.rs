#![no_main]
// Thin wrapper: the target's body lives in iap_verify::fuzzing, shared with the regression replay.
libfuzzer_sys::fuzz_target!(|data: &[u8]| iap_verify::fuzzing::model_fields(data));
