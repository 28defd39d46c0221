//! The exports that write into a caller's tensor (`*Into`), batch norm with given statistics
//! (the inference form) and the `Trainer`'s parameter getters and setters, in real browsers
//! (`wasm-pack test`): each `*Into` gives what its allocating twin gives, reuses the output
//! buffer (same pointer), and refuses an output of the wrong shape or a bad option without
//! touching it.
#![cfg(target_arch = "wasm32")]

use dlplay::wasm::*;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod common;
use common::{get, message, obj};

wasm_bindgen_test_configure!(run_in_browser);

fn t(data: &[f32], shape: &[u32]) -> Tensor {
    Tensor::new(data, shape.to_vec()).unwrap()
}

fn arr(v: &[f64]) -> JsValue {
    v.iter()
        .map(|&x| JsValue::from(x))
        .collect::<Array>()
        .into()
}

/// `[2, 3, 2, 2]` of varied values.
fn input() -> Tensor {
    let v: Vec<f32> = (0..24).map(|i| ((i * 7) % 11) as f32 * 0.5 - 2.0).collect();
    t(&v, &[2, 3, 2, 2])
}

/// Runs `into` on a fresh zero output and checks it equals `alloc`'s result, in place.
fn same(alloc: Tensor, into: impl FnOnce(&mut Tensor) -> Result<(), JsErr>) {
    let mut out = Tensor::zeros(alloc.shape()).unwrap();
    let ptr = out.ptr();
    into(&mut out).unwrap();
    assert_eq!(out.ptr(), ptr, "the output buffer was replaced");
    assert_eq!(out.to_array().unwrap(), alloc.to_array().unwrap());
}

#[wasm_bindgen_test]
fn into_forms_equal_their_allocating_twins() {
    let x = input();
    let aff = || {
        obj(&[
            ("weight", arr(&[1.0, 2.0, 0.5])),
            ("bias", arr(&[0.0, 1.0, -1.0])),
        ])
    };
    same(softmax(&x, 1).unwrap(), |o| softmax_into(&x, 1, o));
    same(softmax(&x, 3).unwrap(), |o| softmax_into(&x, 3, o));
    same(log_softmax(&x, 0).unwrap(), |o| log_softmax_into(&x, 0, o));
    same(sigmoid(&x).unwrap(), |o| sigmoid_into(&x, o));
    for name in ["tanh", "elu", "silu", "gelu", "relu"] {
        same(activation(&x, name).unwrap(), |o| {
            activation_into(&x, name, o)
        });
    }
    same(
        layer_norm(&x, vec![2, 2], JsValue::UNDEFINED).unwrap(),
        |o| layer_norm_into(&x, vec![2, 2], o, JsValue::UNDEFINED),
    );
    same(instance_norm(&x, aff()).unwrap(), |o| {
        instance_norm_into(&x, o, aff())
    });
    same(group_norm(&x, 3, aff()).unwrap(), |o| {
        group_norm_into(&x, 3, o, aff())
    });
    let (m, v) = (vec![0.5, -1.0, 2.0], vec![1.0, 4.0, 0.25]);
    same(
        batch_norm_inference(&x, m.clone(), v.clone(), aff()).unwrap(),
        |o| batch_norm_inference_into(&x, m.clone(), v.clone(), o, aff()),
    );
    let mut bn = BatchNorm::new(3, JsValue::UNDEFINED).unwrap();
    let mut bn2 = BatchNorm::new(3, JsValue::UNDEFINED).unwrap();
    same(bn.forward(&x, true).unwrap(), |o| {
        bn2.forward_into(&x, true, o)
    });
    assert_eq!(bn.running_mean(), bn2.running_mean());
}

#[wasm_bindgen_test]
fn batch_norm_with_given_statistics_is_the_inference_formula() {
    let x = input();
    let xv = x.to_array().unwrap();
    let (m, v) = ([0.5f32, -1.0, 2.0], [1.0f32, 4.0, 0.25]);
    let (g, b) = ([1.0f32, 2.0, 0.5], [0.0f32, 1.0, -1.0]);
    let opts = obj(&[
        ("weight", arr(&g.map(f64::from))),
        ("bias", arr(&b.map(f64::from))),
        ("eps", 0.001.into()),
    ]);
    let y = batch_norm_inference(&x, m.to_vec(), v.to_vec(), opts)
        .unwrap()
        .to_array()
        .unwrap();
    for (i, (&yv, &xi)) in y.iter().zip(&xv).enumerate() {
        let c = (i / 4) % 3;
        let want =
            (xi as f64 - m[c] as f64) / (v[c] as f64 + 0.001).sqrt() * g[c] as f64 + b[c] as f64;
        assert!((yv as f64 - want).abs() < 1e-5, "{i}: {yv} vs {want}");
    }
    // A BatchNorm layer given the same statistics gives the same eval forward.
    let mut bn = BatchNorm::new(3, obj(&[("eps", 0.001.into())])).unwrap();
    bn.set_running_stats(m.to_vec(), v.to_vec()).unwrap();
    bn.set_affine(g.to_vec(), b.to_vec()).unwrap();
    assert_eq!(bn.forward(&x, false).unwrap().to_array().unwrap(), y);
    assert_eq!(bn.weight(), g.to_vec());
    assert_eq!(bn.bias(), b.to_vec());
    // Errors: wrong lengths, negative or non-finite variance, bad options.
    let none = || JsValue::UNDEFINED;
    assert!(
        message(batch_norm_inference(&x, vec![0.0; 2], v.to_vec(), none()))
            .contains("running_mean has 2 values")
    );
    assert!(message(batch_norm_inference(
        &x,
        m.to_vec(),
        vec![1.0, -1.0, 1.0],
        none()
    ))
    .contains("var must be >= 0"));
    assert!(message(batch_norm_inference(
        &x,
        m.to_vec(),
        vec![1.0, f32::NAN, 1.0],
        none()
    ))
    .contains("var"));
    assert!(message(batch_norm_inference(
        &x,
        m.to_vec(),
        v.to_vec(),
        obj(&[("momentum", 0.1.into())])
    ))
    .contains("momentum"));
    assert!(message(batch_norm_inference(
        &t(&[1.0; 3], &[3]),
        m.to_vec(),
        v.to_vec(),
        none()
    ))
    .contains("at least [N, C]"));
    assert!(message(bn.set_running_stats(vec![0.0; 3], vec![1.0; 2])).contains("3 values each"));
    assert!(message(bn.set_running_stats(vec![0.0; 3], vec![-1.0; 3])).contains("var must be >= 0"));
}

#[wasm_bindgen_test]
fn into_forms_refuse_a_wrong_output_and_leave_it_untouched() {
    let x = input();
    let mut small = Tensor::new(&[7.0; 24], vec![2, 3, 4]).unwrap();
    let none = || JsValue::UNDEFINED;
    for e in [
        message(softmax_into(&x, 1, &mut small)),
        message(log_softmax_into(&x, 1, &mut small)),
        message(sigmoid_into(&x, &mut small)),
        message(activation_into(&x, "tanh", &mut small)),
        message(layer_norm_into(&x, vec![2], &mut small, none())),
        message(instance_norm_into(&x, &mut small, none())),
        message(group_norm_into(&x, 1, &mut small, none())),
        message(batch_norm_inference_into(
            &x,
            vec![0.0; 3],
            vec![1.0; 3],
            &mut small,
            none(),
        )),
        message(
            BatchNorm::new(3, none())
                .unwrap()
                .forward_into(&x, true, &mut small),
        ),
    ] {
        assert!(
            e.contains("must have the input's shape [2, 3, 2, 2]"),
            "{e}"
        );
    }
    assert_eq!(small.to_array().unwrap(), vec![7.0; 24]);
    let mut out = Tensor::zeros(vec![2, 3, 2, 2]).unwrap();
    assert!(message(softmax_into(&x, 4, &mut out)).contains("dim 4 is out of range"));
    assert!(message(activation_into(&x, "sigmod", &mut out)).contains("relu"));
    assert!(message(group_norm_into(&x, 2, &mut out, none())).contains("num_groups"));
    assert!(message(layer_norm_into(
        &x,
        vec![2],
        &mut out,
        obj(&[("eps", (-1).into())])
    ))
    .contains("eps"));
    assert!(message(instance_norm_into(
        &x,
        &mut out,
        obj(&[("epsilon", 1.into())])
    ))
    .contains("eps"));
}

#[wasm_bindgen_test]
fn trainer_parameters_round_trip() {
    let cfg = || obj(&[("hidden", arr(&[3.0, 2.0])), ("seed", 5.into())]);
    let mut a = Trainer::new(cfg()).unwrap();
    let info: Array = a.param_info().unwrap().into();
    let names: Vec<String> = info
        .iter()
        .map(|p| get(&p, "name").as_string().unwrap())
        .collect();
    assert_eq!(names[..2], ["layers.0.weight", "layers.0.bias"]);
    assert_eq!(names[names.len() - 2..], ["out.weight", "out.bias"]);
    let shape0: Vec<f64> = Array::from(&get(&info.get(0), "shape"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(
        a.get_param("layers.0.weight").unwrap().len() as f64,
        shape0.iter().product::<f64>()
    );
    // Train one model, copy every parameter into a fresh one: same predictions (weights).
    a.fit(3).unwrap();
    let mut b = Trainer::new(cfg()).unwrap();
    assert_ne!(a.weights(), b.weights());
    for n in &names {
        b.set_param(n, a.get_param(n).unwrap()).unwrap();
        assert_eq!(b.get_param(n).unwrap(), a.get_param(n).unwrap());
    }
    assert_eq!(a.weights(), b.weights());
    // Errors name the parameter and what is wrong; the model is not changed.
    assert!(message(b.get_param("layers.9.weight")).contains("out.bias"));
    assert!(message(b.set_param("layers.0.bias", vec![0.0; 99])).contains("has 3 values"));
    assert!(message(b.set_param("out.weight", vec![f32::NAN; 2])).contains("out.weight"));
    assert!(message(b.set_param("weight", vec![])).contains("layers.0.weight"));
    assert_eq!(a.weights(), b.weights());
}
