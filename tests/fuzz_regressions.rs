//! Replays every input kept under `fuzz/regressions/<target>/` (crashers found by `make fuzz`,
//! once fixed) and a sample of each seed corpus through the same entry points the fuzzers use,
//! and feeds arbitrary bytes to each with proptest. None may panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::path::PathBuf;

use iap_verify::fuzzing::TARGETS;
use proptest::prelude::*;

#[test]
fn kept_fuzz_inputs_replay_without_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let Ok(dir) = fs::read_dir(root.join(name)) else { continue };
        for entry in dir {
            let path = entry.unwrap().path();
            target(&fs::read(&path).unwrap());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} kept fuzz inputs");
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
