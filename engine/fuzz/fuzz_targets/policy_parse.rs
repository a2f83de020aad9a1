//! Fuzzes the IAM policy parser: arbitrary bytes, read as UTF-8, must never panic, and
//! every document it accepts must survive a print/parse round trip.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_engine_fuzz::policy::{parse_policy, parse_value, print};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = parse_policy(text) {
        assert_eq!(parse_value(&print(&policy)), Ok(policy));
    }
});
