//! Malformed golden input never panics (issue 9): every op's first case from
//! `tests/golden/cases_seed1.json`, mutated one field at a time (an input emptied, removed or
//! given an overflowing shape; a parameter removed, negative, huge, of the wrong type), goes
//! through `run_case`, which must report a failed case with a message, never unwind.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use dlplay::golden::{run_case, Suite};
use serde_json::{json, Value};

fn cases() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/cases_seed1.json");
    let suite = Suite::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut seen = BTreeSet::new();
    suite
        .cases
        .into_iter()
        .filter(|c| seen.insert(c["op"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// Every one-field mutation of `case`, with a label.
fn mutations(case: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let inputs: Vec<String> = case["inputs"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for k in &inputs {
        let bad_tensors = [
            json!({"shape": [0], "data": []}),
            json!({"shape": [], "data": []}),
            json!({"shape": [0, 1, 2, 2], "data": []}),
            json!({"shape": [1u64 << 40, 1u64 << 40], "data": [1.0]}),
            json!({"shape": [4294967297u64], "data": [1.0]}),
            json!(7),
        ];
        for (i, t) in bad_tensors.into_iter().enumerate() {
            let mut c = case.clone();
            c["inputs"][k] = t;
            out.push((format!("input {k} -> bad tensor {i}"), c));
        }
        let mut c = case.clone();
        c["inputs"].as_object_mut().unwrap().remove(k);
        out.push((format!("input {k} removed"), c));
    }
    let params: Vec<String> = case["params"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for k in &params {
        let bad = [
            json!(1u64 << 40),
            json!(4294967297u64),
            json!(-1),
            json!(1e300),
            json!("x"),
            json!([]),
            json!([1u64 << 40, 1u64 << 40]),
            json!([0, 0]),
            json!(0),
            json!(null),
        ];
        for (i, v) in bad.into_iter().enumerate() {
            let mut c = case.clone();
            c["params"][k] = v;
            out.push((format!("param {k} -> bad value {i}"), c));
        }
        let mut c = case.clone();
        c["params"].as_object_mut().unwrap().remove(k);
        out.push((format!("param {k} removed"), c));
    }
    out
}

#[test]
fn malformed_cases_of_every_op_fail_with_a_message_never_a_panic() {
    std::panic::set_hook(Box::new(|_| {}));
    let mut panics = Vec::new();
    let mut runs = 0;
    for case in cases() {
        for (label, c) in mutations(&case) {
            runs += 1;
            let op = c["op"].as_str().unwrap_or("").to_string();
            match catch_unwind(AssertUnwindSafe(|| run_case(&c))) {
                Ok(r) => assert!(
                    r.passed || !r.message.is_empty(),
                    "{op}, {label}: a failed case needs a message"
                ),
                Err(_) => panics.push(format!("{op}: {label}")),
            }
        }
    }
    let _ = std::panic::take_hook();
    println!(
        "malformed golden cases: {runs} runs, {} panics",
        panics.len()
    );
    assert!(
        panics.is_empty(),
        "{} panics:\n{}",
        panics.len(),
        panics.join("\n")
    );
}

#[test]
fn sgd_case_with_an_empty_state_step_is_an_error() {
    let case = cases()
        .into_iter()
        .find(|c| c["op"] == "sgd")
        .expect("an sgd case");
    let mut c = case.clone();
    c["inputs"]["state_step"] = json!({"shape": [0], "data": []});
    let r = run_case(&c);
    assert!(!r.passed);
    assert!(r.message.contains("state_step"), "{}", r.message);
}
