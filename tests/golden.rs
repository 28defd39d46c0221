//! Runs every case of every `*.json` file in `$DLPLAY_GOLDEN_DIR` (default: `tests/golden/`)
//! through the kernels, printing one line per op and a closing `golden: N passed, M failed`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dlplay::golden::{run_case, OpStats, Suite};

#[test]
fn golden_cases() {
    let dir = std::env::var_os("DLPLAY_GOLDEN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read golden folder {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no *.json golden files in {}",
        dir.display()
    );
    let mut stats: BTreeMap<String, OpStats> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut declared = 0usize;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let suite = Suite::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        // Engine case files (conv/norm backward, RNNs, ...) belong to tests/golden_engine.rs.
        if dlplay::golden_engine::is_engine_suite(&suite.header, &suite.cases) {
            continue;
        }
        declared += suite
            .header
            .get("count")
            .and_then(|c| c.as_u64())
            .unwrap_or(suite.cases.len() as u64) as usize;
        for case in &suite.cases {
            let r = run_case(case);
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
    println!("golden: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} golden cases failed");
    assert_eq!(
        passed, declared,
        "the files' headers declare {declared} cases but {passed} ran"
    );
}
