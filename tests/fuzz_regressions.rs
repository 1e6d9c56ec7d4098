//! Replays every input kept under `fuzz/regressions/<target>/` (crashers found by `make fuzz`,
//! once fixed) and `fuzz/corpus-kept/<target>/` (the minimized corpus of the long runs), and every
//! test vector (the fuzzers' seeds: real receipts, JWS, purchases, API
//! answers) through the same entry points the fuzzers use, and feeds arbitrary bytes to each with
//! proptest. None may panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::path::PathBuf;

use iap_verify::fuzzing::TARGETS;
use proptest::prelude::*;

#[test]
fn kept_fuzz_inputs_replay_without_panic() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for kept in ["regressions", "corpus-kept"] {
        let mut replayed = 0;
        for (name, target) in TARGETS {
            let Ok(dir) = fs::read_dir(fuzz.join(kept).join(name)) else { continue };
            for entry in dir {
                let path = entry.unwrap().path();
                target(&fs::read(&path).unwrap());
                replayed += 1;
            }
        }
        eprintln!("replayed {replayed} inputs of fuzz/{kept}");
    }
}

/// Every file below `dir`, recursively.
fn files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_test_vector_replays_through_every_target_without_panic() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut vectors = Vec::new();
    // The project's own vectors and the public ones (tests/vectors/public/), all in the repository.
    files(&manifest.join("tests/vectors"), &mut vectors);
    assert!(vectors.iter().any(|p| p.starts_with(manifest.join("tests/vectors/public/certs"))), "no public vectors found");
    assert!(vectors.len() > 40, "only {} vectors found", vectors.len());
    for path in &vectors {
        let bytes = fs::read(path).unwrap();
        for (_, target) in TARGETS {
            target(&bytes);
        }
    }
    eprintln!("replayed {} vectors through {} targets", vectors.len(), TARGETS.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_any_parser(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for (_, target) in TARGETS {
            target(&data);
        }
    }

    #[test]
    fn arbitrary_json_ish_text_never_panics(text in "[\\{\\}\\[\\]\":,a-z0-9 \\\\-]{0,512}") {
        for (_, target) in TARGETS {
            target(text.as_bytes());
        }
    }
}
