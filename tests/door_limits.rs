//! Issue 9 at the JS door, in real browsers (`wasm-pack test --headless --chrome --test
//! door_limits`): each Rust-caused row of the issue's table, called as the fuzzer called it,
//! throws an Error with a code and a message naming the limit, where it used to trap
//! (`unreachable`, an index panic, an abort) or run for seconds; and the option checks of the door
//! (NaN and Infinity, unknown layer keys). `tests/limits.rs` holds the native twins.
#![cfg(target_arch = "wasm32")]

use dlplay::wasm::*;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod common;
use common::{code_vars, get, message, obj};

wasm_bindgen_test_configure!(run_in_browser);

fn t(shape: &[u32]) -> Tensor {
    Tensor::zeros(shape.to_vec()).unwrap()
}

fn arr(v: &[f64]) -> JsValue {
    v.iter()
        .map(|&x| JsValue::from(x))
        .collect::<Array>()
        .into()
}

/// `[{k: v, ...}, ...]`.
fn layers(ls: &[&[(&str, JsValue)]]) -> JsValue {
    ls.iter().map(|l| obj(l)).collect::<Array>().into()
}

#[track_caller]
fn code<T>(r: JsResult<T>) -> String {
    code_vars(r).0
}

fn now() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
fn interpolate_rows_throw_instead_of_trapping() {
    let x = t(&[1, 1, 65536, 1]);
    for mode in ["bilinear", "nearest"] {
        let o = obj(&[("size", arr(&[1.0, 65536.0])), ("mode", mode.into())]);
        let c = code(interpolate(&x, o));
        assert!(c == "element_limit" || c == "work_limit", "{mode}: {c}");
    }
    let o = obj(&[("size", arr(&[1.0, 65536.0])), ("antialias", true.into())]);
    let c = code(interpolate(&x, o));
    assert!(c == "element_limit" || c == "work_limit", "antialias: {c}");
    // 8192 x 65536 scratch floats: a capacity overflow on wasm32.
    let o = obj(&[("size", arr(&[1.0, 65536.0])), ("mode", "nearest".into())]);
    let m = message(interpolate(&t(&[1, 1, 8192, 1]), o));
    assert!(
        m.contains("[8192, 65536]") && m.contains("268435456"),
        "{m}"
    );
    // More than 6 s before; now refused at once, naming the request and the limit.
    let start = now();
    let o = obj(&[
        ("scaleFactor", arr(&[(1u64 << 27) as f64, 1.0])),
        ("mode", "nearest".into()),
    ]);
    let r = interpolate(&t(&[1, 1, 1, 1]), o);
    assert!(now() - start < 1000.0, "took {} ms", now() - start);
    let (c, v) = code_vars(r);
    assert_eq!(c, "work_limit");
    assert_eq!(get(&v, "max").as_f64(), Some((1u64 << 30) as f64));
    assert!(get(&v, "request")
        .as_string()
        .unwrap()
        .contains("134217728"));
}

#[wasm_bindgen_test]
fn pooling_with_padding_2_31_throws() {
    let x = t(&[1, 1, 2, 2]);
    let big = JsValue::from(2f64.powi(31));
    for key in ["padding", "stride", "dilation", "kernelSize"] {
        let mut o = vec![("kernelSize", JsValue::from(2))];
        o.retain(|(k, _)| *k != key);
        o.push((key, big.clone()));
        let (c, v) = code_vars(max_pool2d(&x, obj(&o)));
        assert_eq!(c, "out_of_range", "max_pool2d {key}");
        assert_eq!(get(&v, "max").as_f64(), Some((1u64 << 28) as f64));
        if key != "dilation" {
            assert_eq!(code(avg_pool2d(&x, obj(&o))), "out_of_range", "{key}");
        }
    }
}

#[wasm_bindgen_test]
fn conv_with_stride_2_31_throws_from_every_export() {
    let x = t(&[2, 4, 12, 1]);
    let w = t(&[3, 4, 3, 1]);
    let bias = Some(vec![0.0f32; 3]);
    let o = || obj(&[("stride", arr(&[1.0, 2f64.powi(31)]))]);
    let m = message(conv2d(&x, &w, bias.clone(), o()));
    assert!(m.contains("stride cols") && m.contains("2147483648"), "{m}");
    let mut out = t(&[2, 3, 10, 1]);
    assert_eq!(
        code(conv2d_into(&x, &w, bias.clone(), &mut out, o())),
        "out_of_range"
    );
    assert_eq!(
        code(conv2d_reference_into(&x, &w, bias.clone(), &mut out, o())),
        "out_of_range"
    );
    assert_eq!(
        code(conv2d_backward_input(&out, vec![2, 4, 12, 1], &w, o())),
        "out_of_range"
    );
    let o = obj(&[("padding", JsValue::from(2f64.powi(31)))]);
    assert_eq!(code(conv2d(&x, &w, None, o)), "out_of_range");
}

#[wasm_bindgen_test]
fn conv_lab_rows_throw_or_explain() {
    // An empty tensor indexed past its (empty) buffer.
    let m = message(tensor_to_rgba(&t(&[0, 1, 2, 2]), 0, "range"));
    assert!(m.contains("no samples"), "{m}");
    // 2^92 mult-adds wrapped to 0.
    let (c, v) = code_vars(conv_alternatives(65536, 65536, 1024, 1048576, 1048576));
    assert_eq!(c, "count_limit");
    assert_eq!(get(&v, "max").as_f64(), Some(2f64.powi(53)));
    // A 4294967295-wide map: the message names the limit, no wrapped arithmetic.
    let stack = layers(&[&[
        ("type", "conv".into()),
        ("k", 3.into()),
        ("p", 1.into()),
        ("out", 4.into()),
    ]]);
    let plan = conv_stack_plan(stack, 3, 4294967295, 4294967295).unwrap();
    let err = get(&plan, "error");
    let msg = get(&err, "message").as_string().unwrap();
    assert!(
        msg.contains("4294967295") && msg.contains("268435456"),
        "{msg}"
    );
}

#[wasm_bindgen_test]
fn receptive_exports_check_sizes_and_keys() {
    let one = || layers(&[&[("k", 1.into())]]);
    let (c, v) = code_vars(receptive_support(one(), 4294967295, 0));
    assert_eq!(c, "out_of_range");
    assert_eq!(get(&v, "got").as_f64(), Some(4294967295.0));
    // A misspelt key is an error naming the layer and the valid keys, in both exports.
    let typo = || {
        layers(&[
            &[("k", 3.into())],
            &[("k", 3.into()), ("dilation", 2.into())],
        ])
    };
    let (c, v) = code_vars(receptive_field(typo(), None));
    assert_eq!(c, "unknown_layer_key");
    assert_eq!(
        (get(&v, "layer").as_f64(), get(&v, "key").as_string()),
        (Some(2.0), Some("dilation".into()))
    );
    assert_eq!(code(receptive_support(typo(), 16, 0)), "unknown_layer_key");
    assert!(message(receptive_field(JsValue::from(3), None)).contains("array"));
    // The spelled-out keys still work.
    let ok = layers(&[&[("k", 3.into()), ("d", 2.into())]]);
    assert_eq!(receptive_support(ok, 8, 1).unwrap().iter().sum::<u8>(), 3);
}

#[wasm_bindgen_test]
fn non_finite_options_are_refused() {
    let nan = JsValue::from(f64::NAN);
    let inf = JsValue::from(f64::INFINITY);
    let (c, v) = code_vars(Optimizer::new("adam", obj(&[("eps", nan.clone())])));
    assert_eq!(c, "option_not_finite");
    assert_eq!(get(&v, "name").as_string().unwrap(), "Optimizer option eps");
    let m = message(Optimizer::new(
        "adam",
        obj(&[("betas", arr(&[0.9, f64::INFINITY]))]),
    ));
    assert!(m.contains("betas[1]"), "{m}");
    for key in ["lr", "weightDecay", "momentum"] {
        assert_eq!(
            code(Optimizer::new("sgd", obj(&[(key, inf.clone())]))),
            "option_not_finite",
            "{key}"
        );
    }
    let mut opt = Optimizer::new("sgd", JsValue::UNDEFINED).unwrap();
    assert!(message(opt.set_lr(f64::NAN)).contains("learning rate"));
    assert_eq!(
        code(BatchNorm::new(2, obj(&[("momentum", nan.clone())]))),
        "option_not_finite"
    );
    assert!(BatchNorm::new(2, obj(&[("momentum", 2.into())])).is_err());
    let x = t(&[1, 1, 2, 2]);
    let o = obj(&[("scaleFactor", arr(&[f64::NAN, 1.0]))]);
    assert_eq!(code(interpolate(&x, o)), "option_not_finite");
    let o = obj(&[("eps", nan.clone())]);
    assert_eq!(code(layer_norm(&x, vec![2], o)), "option_not_finite");
    let (logits, target) = (t(&[2, 3]), t(&[2, 3]));
    let o = obj(&[("labelSmoothing", nan.clone())]);
    assert_eq!(
        code(cross_entropy(&logits, vec![0, 1], o)),
        "option_not_finite"
    );
    for key in ["alpha", "gamma"] {
        let o = obj(&[(key, inf.clone())]);
        assert_eq!(
            code(sigmoid_focal_loss(&logits, &target, o)),
            "option_not_finite"
        );
    }
    assert!(kd_loss(&logits, &target, f32::NAN).is_err());
    assert!(dropout(&x, f32::NAN, true, 1).is_err());
}

#[wasm_bindgen_test]
fn golden_case_with_an_empty_state_step_fails_with_a_message() {
    let json = r#"{"header": {}, "cases": [{"id": "bad", "op": "sgd", "kind": "value", "tol": 0,
        "params": {"lr": 0.1, "momentum": 0.9, "dampening": 0, "nesterov": false,
                   "weight_decay": 0, "steps": 1},
        "inputs": {"param": {"shape": [1], "data": [1]}, "grad_1": {"shape": [1], "data": [1]},
                   "state_step": {"shape": [0], "data": []}},
        "expected": {"shape": [1, 1], "data": [0.9]}}]}"#;
    let suite = GoldenSuite::new(json).unwrap();
    let r = suite.run(0).unwrap();
    assert_eq!(get(&r, "passed").as_bool(), Some(false));
    let m = get(&r, "message").as_string().unwrap();
    assert!(m.contains("state_step"), "{m}");
}

/// Tensors of 2^28 floats (1 GiB, each under the per-tensor limit) kept alive until wasm32's
/// 4 GiB runs out: the next one throws `out_of_memory` (it aborted the module), and after
/// freeing them the module works on.
#[wasm_bindgen_test]
fn running_out_of_memory_throws_and_the_module_survives() {
    let mut kept = Vec::new();
    let mut err = None;
    for _ in 0..8 {
        match Tensor::zeros(vec![1 << 28]) {
            Ok(t) => kept.push(t),
            Err(e) => {
                err = Some(JsValue::from(e));
                break;
            }
        }
    }
    let e = err.expect("4 GiB of memory cannot hold 8 GiB of tensors");
    assert!(!kept.is_empty(), "not even one 1 GiB tensor fitted");
    assert_eq!(
        Reflect::get(&e, &"code".into()).unwrap().as_string(),
        Some("out_of_memory".into())
    );
    let m = Reflect::get(&e, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(m.contains("[268435456]") && m.contains("1024 MiB"), "{m}");
    drop(kept);
    let y = Tensor::zeros(vec![1 << 28]).expect("memory freed is usable again");
    assert_eq!(y.len(), 1 << 28);
    let s = sigmoid(&t(&[2, 2])).unwrap();
    assert_eq!(s.to_array().unwrap(), vec![0.5; 4]);
}
