//! Runs every engine case file (`cases_engine_*.json`, recognised by its ops) of
//! `$DLPLAY_GOLDEN_DIR` (default: `tests/golden_engine/`) through the convnet engine, printing one
//! line per op and a closing `golden_engine: N passed, M failed, K not implemented yet (ops...)`.
//! An op the engine does not implement is counted as not implemented, never as passed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dlplay::golden::{OpStats, Suite};
use dlplay::golden_engine::{is_engine_suite, run_engine_case};

#[test]
fn golden_engine_cases() {
    let dir = std::env::var_os("DLPLAY_GOLDEN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden_engine"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read golden folder {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut stats: BTreeMap<String, OpStats> = BTreeMap::new();
    let mut missing: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut declared = 0usize;
    let mut n_files = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let suite = Suite::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if !is_engine_suite(&suite.header, &suite.cases) {
            continue;
        }
        n_files += 1;
        declared += suite
            .header
            .get("count")
            .and_then(|c| c.as_u64())
            .unwrap_or(suite.cases.len() as u64) as usize;
        for case in &suite.cases {
            let Some(r) = run_engine_case(case) else {
                let op = case["op"].as_str().unwrap_or("?").to_string();
                *missing.entry(op).or_default() += 1;
                continue;
            };
            let s = stats.entry(r.op.clone()).or_default();
            if r.passed {
                s.passed += 1;
            } else {
                s.failed += 1;
                failures.push(format!(
                    "{} {}: {}",
                    f.file_name().unwrap().to_string_lossy(),
                    r.id,
                    r.message
                ));
            }
            if r.max_err.is_finite() {
                s.max_err = s.max_err.max(r.max_err);
            }
        }
    }
    assert!(n_files > 0, "no engine case files in {}", dir.display());
    for (op, s) in &stats {
        println!(
            "{op}: {} passed, {} failed (max error {:.3e})",
            s.passed, s.failed, s.max_err
        );
    }
    for f in &failures {
        println!("FAILED {f}");
    }
    let passed: usize = stats.values().map(|s| s.passed).sum();
    let failed: usize = stats.values().map(|s| s.failed).sum();
    let not_impl: usize = missing.values().sum();
    let list: Vec<String> = missing.iter().map(|(op, n)| format!("{op} {n}")).collect();
    let pending = if list.is_empty() {
        String::new()
    } else {
        format!(" ({})", list.join(", "))
    };
    println!(
        "golden_engine: {passed} passed, {failed} failed, {not_impl} not implemented yet{pending}"
    );
    assert_eq!(failed, 0, "{failed} engine cases failed");
    assert_eq!(
        passed + not_impl,
        declared,
        "the files' headers declare {declared} cases but {} were read",
        passed + not_impl
    );
}
