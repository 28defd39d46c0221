//! The lab's receptive-field numbers against the golden `receptive_field` cases (every `*.json`
//! in `$DLPLAY_GOLDEN_DIR`, default `tests/golden/`): `stack::plan` (what the lab's table shows)
//! must give the analytic r, effective stride and start, and the exact-support mask that the
//! lab draws (`stack::cell_maps`, a gradient pushed back through the conv stack) must have the
//! bounding box, corner and hole count that torch autograd measured (`empirical_rf`,
//! `empirical_probe`, `empirical_nonzero_rows`).

use std::path::PathBuf;

use dlplay::stack::{self, Layer, PoolKind};
use serde_json::Value;

fn ints(v: &Value) -> Vec<i64> {
    v["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|x| x.as_f64().expect("number") as i64)
        .collect()
}

#[test]
fn lab_matches_golden_receptive_fields() {
    let dir = std::env::var_os("DLPLAY_GOLDEN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden"));
    let mut checked = 0;
    let mut dilated = 0;
    for entry in std::fs::read_dir(&dir).expect("golden folder") {
        let path = entry.expect("entry").path();
        if path.extension() != Some(std::ffi::OsStr::new("json")) {
            continue;
        }
        let suite: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in suite["cases"].as_array().unwrap() {
            if case["op"] != "receptive_field" {
                continue;
            }
            let id = case["id"].as_str().unwrap();
            let layers: Vec<Layer> = case["params"]["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let g = |k: &str| l[k].as_u64().unwrap() as usize;
                    if l["type"] == "pool" {
                        Layer::Pool {
                            kind: PoolKind::Avg,
                            k: g("k"),
                            s: g("s"),
                            p: g("p"),
                        }
                    } else {
                        Layer::Conv {
                            k: g("k"),
                            s: g("s"),
                            p: g("p"),
                            d: g("d"),
                            out: 2,
                            groups: 1,
                        }
                    }
                })
                .collect();
            dilated += usize::from(
                layers
                    .iter()
                    .any(|l| matches!(l, Layer::Conv { d, .. } if *d > 1)),
            );
            let r = ints(&case["expected"])[0];
            let aux = &case["expected_aux"];
            let jump = ints(&aux["effective_stride"])[0];
            let u0 = ints(&aux["offset_u0"])[0];
            let [j0, start] = ints(&aux["empirical_probe"])[..] else {
                panic!("{id}: empirical_probe")
            };
            let bbox = ints(&aux["empirical_rf"]);
            let nonzero = ints(&aux["empirical_nonzero_rows"])[0];

            // An input just large enough for the probe's span, plus a margin.
            let n = (start + r + 6) as usize;
            let plan = stack::plan(&layers, 1, n, n + 3);
            assert_eq!(plan.error, None, "{id}");
            let last = plan.rows.last().unwrap();
            assert_eq!(
                (last.rf.r as i64, last.rf.jump as i64, last.rf.start),
                (r, jump, u0),
                "{id}: r, jump, start"
            );

            let img: Vec<f32> = (0..n * (n + 3)).map(|i| (i % 13) as f32).collect();
            let j0 = j0 as usize;
            let m = stack::cell_maps(&layers, &img, [1, n, n + 3], (j0, j0), 3, 1).unwrap();
            let (w, h) = (m.win.w(), m.win.h());
            let on = |r: usize, c: usize| m.support[r * w + c] == 1;
            let rows: Vec<usize> = (0..h).filter(|&r| (0..w).any(|c| on(r, c))).collect();
            let cols: Vec<usize> = (0..w).filter(|&c| (0..h).any(|r| on(r, c))).collect();
            let (r_lo, r_hi) = (rows[0], *rows.last().unwrap());
            let (c_lo, c_hi) = (cols[0], *cols.last().unwrap());
            assert_eq!(
                vec![(r_hi - r_lo + 1) as i64, (c_hi - c_lo + 1) as i64],
                bbox,
                "{id}: bounding box of the exact support"
            );
            assert_eq!(
                ((m.win.r0 + r_lo) as i64, (m.win.c0 + c_lo) as i64),
                (start, start),
                "{id}: top-left corner of the support"
            );
            assert_eq!(
                rows.len() as i64,
                nonzero,
                "{id}: rows with a non-zero gradient"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 12,
        "only {checked} receptive_field cases found in {}",
        dir.display()
    );
    assert!(
        dilated >= 3,
        "expected dilated stacks among the cases, found {dilated}"
    );
    println!("rf_golden: {checked} receptive_field cases match ({dilated} dilated)");
}
