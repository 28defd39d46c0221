//! wasm-bindgen tests in real headless browsers (`wasm-pack test --headless --chrome --firefox`):
//! the JS boundary. Every export is called with valid input (and its result checked) and with bad
//! input (and its thrown Error's message checked), and views over wasm memory are checked to go
//! stale on memory growth while fresh ones read the right data.
#![cfg(target_arch = "wasm32")]

use dlplay::wasm::*;
use js_sys::{Array, Float32Array, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod common;
use common::{code_vars, get, message, obj};

wasm_bindgen_test_configure!(run_in_browser);

fn arr(v: &[f64]) -> JsValue {
    v.iter()
        .map(|&x| JsValue::from(x))
        .collect::<Array>()
        .into()
}

fn t(data: &[f32], shape: &[u32]) -> Tensor {
    Tensor::new(data, shape.to_vec()).unwrap()
}

fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= tol * (1.0 + y.abs()))
}

#[wasm_bindgen_test]
fn tensor_views_survive_memory_growth_only_when_refreshed() {
    let x = t(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let mem: WebAssembly::Memory = wasm_memory().unchecked_into();
    let buf = mem.buffer();
    let view = Float32Array::new_with_byte_offset_and_length(&buf, x.ptr() as u32, x.len() as u32);
    assert_eq!(view.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    // Force growth: 64 MiB more than the module has now.
    let before = mem
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    let big = Tensor::zeros(vec![16 << 20]).unwrap();
    let after = mem
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    assert!(after > before, "memory did not grow ({before} -> {after})");
    assert_eq!(
        view.length(),
        0,
        "the old view should be detached after growth"
    );
    let fresh = Float32Array::new_with_byte_offset_and_length(
        &mem.buffer(),
        x.ptr() as u32,
        x.len() as u32,
    );
    assert_eq!(fresh.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    // Writing through a view is seen by the kernels (zero-copy input).
    fresh.set_index(0, -5.0);
    assert_eq!(x.to_array().unwrap()[0], -5.0);
    drop(big);
}

fn num(v: &JsValue, k: &str) -> f64 {
    get(v, k)
        .as_f64()
        .unwrap_or_else(|| panic!("vars.{k} is not a number: {v:?}"))
}

fn text(v: &JsValue, k: &str) -> String {
    get(v, k)
        .as_string()
        .unwrap_or_else(|| panic!("vars.{k} is not a string: {v:?}"))
}

fn texts(v: &JsValue, k: &str) -> Vec<String> {
    Array::from(&get(v, k))
        .iter()
        .map(|s| s.as_string().unwrap())
        .collect()
}

/// Every thrown Error carries a stable code and the values of its message (a translated page
/// fills them into its own text), besides the unchanged English message.
#[wasm_bindgen_test]
fn errors_carry_codes_and_vars() {
    let r = Tensor::new(&[1.0, 2.0, 3.0], vec![2, 2]);
    let (code, v) = code_vars(r.clone());
    assert_eq!(
        message(r),
        "shape error: data has 3 values but its shape [2, 2] needs 4"
    );
    assert_eq!(code, "length_mismatch");
    assert_eq!(
        (text(&v, "name"), num(&v, "len"), num(&v, "need")),
        ("data".into(), 3.0, 4.0)
    );
    assert_eq!(
        Array::from(&get(&v, "shape")).to_vec(),
        vec![JsValue::from(2), JsValue::from(2)]
    );

    let (code, v) = code_vars(Tensor::zeros(vec![1 << 16, 1 << 16]));
    assert_eq!(
        (code.as_str(), num(&v, "max")),
        ("element_limit", (1u64 << 28) as f64)
    );

    let x = t(&[0.0; 16], &[1, 1, 4, 4]);
    let w = t(&[1.0; 9], &[1, 1, 3, 3]);
    let (code, v) = code_vars(conv2d(&t(&[0.0; 4], &[2, 2]), &w, None, JsValue::UNDEFINED));
    assert_eq!(code, "rank_mismatch");
    assert_eq!(
        (text(&v, "name"), num(&v, "rank"), num(&v, "got")),
        ("input".into(), 4.0, 2.0)
    );

    let bad_w = t(
        &[1.0, f32::INFINITY, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        &[1, 1, 3, 3],
    );
    let (code, v) = code_vars(conv2d(&x, &bad_w, None, JsValue::UNDEFINED));
    assert_eq!(code, "non_finite_value");
    assert_eq!(
        (text(&v, "name"), num(&v, "index"), text(&v, "value")),
        ("weight".into(), 1.0, "inf".into())
    );
    // The reference conv checks the bias too (it used to skip it).
    let mut out = Tensor::zeros(vec![1, 1, 2, 2]).unwrap();
    let (code, v) = code_vars(conv2d_reference_into(
        &x,
        &w,
        Some(vec![f32::NAN]),
        &mut out,
        JsValue::UNDEFINED,
    ));
    assert_eq!(
        (code.as_str(), text(&v, "name")),
        ("non_finite_value", "bias".into())
    );

    let (code, v) = code_vars(conv2d(&x, &w, None, obj(&[("dilaton", 2.into())])));
    assert_eq!(
        (code.as_str(), text(&v, "what"), text(&v, "key")),
        ("unknown_option", "conv2d".into(), "dilaton".into())
    );
    assert_eq!(
        texts(&v, "valid"),
        ["stride", "padding", "dilation", "groups"]
    );
    let (code, v) = code_vars(interpolate(&x, obj(&[("scale_factor", 2.into())])));
    assert_eq!(
        (code.as_str(), text(&v, "key")),
        ("unknown_option", "scale_factor".into())
    );
    assert!(texts(&v, "valid").contains(&"scaleFactor".to_string()));
    let (code, v) = code_vars(conv2d(&x, &w, None, obj(&[("stride", "two".into())])));
    assert_eq!(
        (code.as_str(), text(&v, "key")),
        ("bad_option", "stride".into())
    );
    assert_eq!(
        code_vars(conv2d(&x, &w, None, JsValue::from(3))).0,
        "options_not_object"
    );

    let (code, v) = code_vars(Optimizer::new("adamax", JsValue::UNDEFINED));
    assert_eq!(
        (code.as_str(), text(&v, "got")),
        ("bad_choice", "adamax".into())
    );
    assert_eq!(
        texts(&v, "valid"),
        ["sgd", "adam", "adamw", "rmsprop", "adagrad"]
    );
    let (code, v) = code_vars(BatchNorm::new(0, JsValue::UNDEFINED));
    assert_eq!(code, "out_of_range");
    assert_eq!(
        (num(&v, "min"), num(&v, "max"), num(&v, "got")),
        (1.0, 1048576.0, 0.0)
    );

    // An error without a specific code: the generic code of its kind, the message as `detail`.
    let r = interpolate(&x, JsValue::UNDEFINED);
    let (code, v) = code_vars(r.clone());
    assert_eq!(code, "invalid_argument");
    assert_eq!(
        format!("invalid argument: {}", text(&v, "detail")),
        message(r)
    );
    let (code, v) = code_vars(softmax(&x, 9));
    assert_eq!(code, "shape_error");
    assert!(text(&v, "detail").contains("dim 9"));
}

#[wasm_bindgen_test]
fn tensor_constructor_and_reshape_errors() {
    assert!(message(Tensor::new(&[1.0, 2.0, 3.0], vec![2, 2]))
        .contains("data has 3 values but its shape [2, 2] needs 4"));
    assert!(message(Tensor::zeros(vec![1 << 16, 1 << 16])).contains("too large"));
    assert!(message(t(&[1.0; 6], &[2, 3]).reshape(vec![4])).contains("needs 4"));
    assert!(message(t(&[1.0; 2], &[2]).item()).contains("one-element"));
    assert_eq!(
        t(&[1.0; 6], &[2, 3]).reshape(vec![3, 2]).unwrap().shape(),
        vec![3, 2]
    );
}

#[wasm_bindgen_test]
fn conv2d_round_trip_and_errors() {
    // A 3x3 kernel with a single 1 at the centre and padding 1 is the identity.
    let x = t(
        &(0..16).map(|v| v as f32).collect::<Vec<_>>(),
        &[1, 1, 4, 4],
    );
    let mut k = [0.0f32; 9];
    k[4] = 1.0;
    let w = t(&k, &[1, 1, 3, 3]);
    let y = conv2d(&x, &w, Some(vec![0.5]), obj(&[("padding", 1.into())])).unwrap();
    assert_eq!(y.shape(), vec![1, 1, 4, 4]);
    assert!(close(
        &y.to_array().unwrap(),
        &x.to_array()
            .unwrap()
            .iter()
            .map(|v| v + 0.5)
            .collect::<Vec<_>>(),
        0.0
    ));
    // Dilation 2, stride [2,1] as an array: output 0x? -> shape math checked by the kernel.
    let y = conv2d(
        &x,
        &w,
        None,
        obj(&[
            ("dilation", 2.into()),
            ("padding", 2.into()),
            ("stride", arr(&[2.0, 1.0])),
        ]),
    )
    .unwrap();
    assert_eq!(y.shape(), vec![1, 1, 2, 4]);
    assert!(
        message(conv2d(&x, &w, None, obj(&[("dilation", 0.into())])))
            .contains("dilation rows must be >= 1, got 0")
    );
    assert!(
        message(conv2d(&x, &w, None, obj(&[("dilaton", 2.into())]))).contains(
            "conv2d has no option \"dilaton\"; valid options: stride, padding, dilation, groups"
        )
    );
    assert!(
        message(conv2d(&x, &w, None, obj(&[("stride", "two".into())])))
            .contains("conv2d option stride: ")
    );
    assert!(
        message(conv2d(&t(&[0.0; 4], &[2, 2]), &w, None, JsValue::UNDEFINED))
            .contains("input must have 4 dimensions")
    );
    let bad_w = t(&[f32::NAN; 9], &[1, 1, 3, 3]);
    assert!(message(conv2d(&x, &bad_w, None, JsValue::UNDEFINED)).contains("weight[0] is NaN"));
    assert!(message(conv2d(
        &x,
        &t(&[0.0; 2 * 9], &[1, 2, 3, 3]),
        None,
        JsValue::UNDEFINED
    ))
    .contains("weight's second dimension must be 1"));
    // The module keeps working after every error above.
    assert_eq!(
        conv2d(&x, &w, None, obj(&[("padding", 1.into())]))
            .unwrap()
            .to_array()
            .unwrap(),
        x.to_array().unwrap()
    );
    let g = conv2d_backward_input(
        &t(&[1.0; 16], &[1, 1, 4, 4]),
        vec![1, 1, 4, 4],
        &w,
        obj(&[("padding", 1.into())]),
    )
    .unwrap();
    assert_eq!(g.to_array().unwrap(), vec![1.0; 16]);
}

#[wasm_bindgen_test]
fn interpolate_and_rgba_resize() {
    let x = t(&[0.0, 1.0], &[1, 1, 1, 2]);
    let y = interpolate(&x, obj(&[("size", arr(&[1.0, 4.0]))])).unwrap();
    assert!(close(&y.to_array().unwrap(), &[0.0, 0.25, 0.75, 1.0], 1e-7));
    let y = interpolate(
        &x,
        obj(&[("scaleFactor", 2.into()), ("alignCorners", true.into())]),
    )
    .unwrap();
    assert_eq!(y.shape(), vec![1, 1, 2, 4]);
    assert!(close(
        &y.to_array().unwrap()[..4],
        &[0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0],
        1e-6
    ));
    assert!(
        message(interpolate(&x, JsValue::UNDEFINED)).contains("exactly one of size or scaleFactor")
    );
    assert!(message(interpolate(
        &x,
        obj(&[("size", 2.into()), ("mode", "bicubic".into())])
    ))
    .contains("\"nearest\" or \"bilinear\""));
    assert!(message(interpolate(&x, obj(&[("scaleFactor", (-1.0).into())]))).contains("positive"));
    // interpolateInto checks its options as interpolate does (it used to skip this one)
    let mut out = Tensor::zeros(vec![1, 1, 2, 4]).unwrap();
    let nearest_ac = [("mode", "nearest".into()), ("alignCorners", true.into())];
    let sized = [
        ("size", 2.into()),
        nearest_ac[0].clone(),
        nearest_ac[1].clone(),
    ];
    for e in [
        message(interpolate(&x, obj(&sized))),
        message(interpolate_into(&x, &mut out, obj(&nearest_ac))),
    ] {
        assert!(e.contains("only apply to mode \"bilinear\""), "{e}");
    }

    let img = RgbaImage::from_rgba(&[10, 20, 30, 255, 50, 60, 70, 255], 2, 1).unwrap();
    let out = img.resize(4, 1, "opencv").unwrap();
    assert_eq!((out.width(), out.height(), out.byte_length()), (4, 1, 16));
    // Half-pixel centres: 10, 20, 40, 50 for the red channel.
    assert_eq!(
        out.to_bytes()
            .unwrap()
            .iter()
            .step_by(4)
            .copied()
            .collect::<Vec<u8>>(),
        vec![10, 20, 40, 50]
    );
    let mut reuse = RgbaImage::new(3, 3).unwrap();
    img.resize_into(&mut reuse, "pillow").unwrap();
    assert!(reuse.to_bytes().unwrap().chunks(4).all(|p| p[3] == 255));
    let view = Uint8Array::new_with_byte_offset_and_length(
        &wasm_memory()
            .unchecked_into::<WebAssembly::Memory>()
            .buffer(),
        reuse.ptr() as u32,
        36,
    );
    assert_eq!(view.to_vec(), reuse.to_bytes().unwrap());
    assert!(message(img.resize(30000, 30000, "opencv"))
        .contains("30000x30000 (900 MP); the limit is 67 MP"));
    assert!(message(img.resize(4, 4, "lanczos"))
        .contains("\"opencv\", \"pillow\", \"nearest\", \"bilinear\""));
    assert!(message(RgbaImage::from_rgba(&[0; 7], 2, 1)).contains("needs 8 bytes, got 7"));
    assert!(message(RgbaImage::new(0, 5)).contains("at least 1x1"));
    // The same limit, asked for without allocating (the resize lab's size check).
    check_image_size(8000, 8000, Some("output".into())).unwrap();
    let (code, vars) = code_vars(check_image_size(30000, 30000, Some("output".into())));
    assert_eq!(code, "pixel_limit");
    assert_eq!(get(&vars, "what").as_string().unwrap(), "output");
    assert_eq!(get(&vars, "got").as_f64(), Some(9e8));
    assert_eq!(
        get(&vars, "max").as_f64(),
        Some(RgbaImage::max_pixels() as f64)
    );
    assert_eq!(code_vars(check_image_size(0, 3, None)).0, "image_empty");
    assert_eq!(
        img.resize(1, 1, "nearest").unwrap().to_bytes().unwrap(),
        vec![10, 20, 30, 255]
    );
}

#[wasm_bindgen_test]
fn norms_round_trip_and_errors() {
    let x = t(&[1.0, 3.0, 5.0, 7.0], &[1, 2, 2]);
    let y = layer_norm(&x, vec![2, 2], obj(&[("eps", 0.into())])).unwrap();
    let s = 5f32.sqrt();
    assert!(close(
        &y.to_array().unwrap(),
        &[-3.0 / s, -1.0 / s, 1.0 / s, 3.0 / s],
        1e-6
    ));
    assert!(message(layer_norm(&x, vec![3], JsValue::UNDEFINED)).contains("suffix"));
    let y = instance_norm(&x, obj(&[("eps", 0.into())])).unwrap();
    assert!(close(&y.to_array().unwrap(), &[-1.0, 1.0, -1.0, 1.0], 1e-6));
    assert!(message(group_norm(&x, 3, JsValue::UNDEFINED))
        .contains("num_groups must divide the 2 channels, got 3"));
    assert!(
        message(layer_norm(&x, vec![2], obj(&[("weight", arr(&[1.0]))])))
            .contains("weight has 1 values")
    );
    let mut bn = BatchNorm::new(2, obj(&[("momentum", 0.5.into()), ("eps", 0.into())])).unwrap();
    let y = bn
        .forward(&t(&[1.0, 10.0, 3.0, 30.0], &[2, 2]), true)
        .unwrap();
    assert!(close(&y.to_array().unwrap(), &[-1.0, -1.0, 1.0, 1.0], 1e-6));
    assert_eq!(bn.running_mean(), vec![1.0, 10.0]);
    assert_eq!(bn.running_var(), vec![1.5, 100.5]);
    assert!(
        message(bn.forward(&t(&[1.0; 3], &[1, 3]), true)).contains("this BatchNorm has 2 channels")
    );
    // Checked when the layer is made (issue 9), not at its first forward.
    assert!(message(BatchNorm::new(2, obj(&[("momentum", 2.into())]))).contains("momentum"));
    assert!(message(bn.set_affine(vec![1.0], vec![0.0, 0.0])).contains("2 values each"));
}

#[wasm_bindgen_test]
fn activations_and_losses() {
    let x = t(&[1000.0, -1000.0, 0.0, 0.0], &[2, 2]);
    let y = softmax(&x, 1).unwrap().to_array().unwrap();
    assert_eq!(y, vec![1.0, 0.0, 0.5, 0.5]);
    assert_eq!(log_softmax(&x, 1).unwrap().to_array().unwrap()[1], -2000.0);
    assert!(message(softmax(&x, 2)).contains("dim 2 is out of range"));
    assert_eq!(
        sigmoid(&t(&[-1000.0, 0.0, 1000.0], &[3]))
            .unwrap()
            .to_array()
            .unwrap(),
        vec![0.0, 0.5, 1.0]
    );

    let logits = t(&[0.0, 0.0, 0.0, 0.0], &[2, 2]);
    let l = cross_entropy(&logits, vec![0, 1], JsValue::UNDEFINED)
        .unwrap()
        .item()
        .unwrap();
    assert!((l - 2f32.ln()).abs() < 1e-6);
    let l = cross_entropy(&logits, vec![0, -100], obj(&[("reduction", "none".into())]))
        .unwrap()
        .to_array()
        .unwrap();
    assert_eq!(l[1], 0.0);
    assert!(message(cross_entropy(&logits, vec![0, 7], JsValue::UNDEFINED)).contains("target 7"));
    assert!(message(cross_entropy(&logits, vec![0], JsValue::UNDEFINED))
        .contains("target has 1 values"));
    assert!(message(cross_entropy(
        &logits,
        vec![0, 1],
        obj(&[("labelSmoothing", 2.into())])
    ))
    .contains("label_smoothing must be in [0, 1]"));
    assert!(message(cross_entropy(
        &logits,
        vec![0, 1],
        obj(&[("reduction", "avg".into())])
    ))
    .contains("reduction must be"));
    let probs = t(&[1.0, 0.0, 0.0, 1.0], &[2, 2]);
    assert!(
        (cross_entropy_probs(&logits, &probs, JsValue::UNDEFINED)
            .unwrap()
            .item()
            .unwrap()
            - 2f32.ln())
        .abs()
            < 1e-6
    );
    assert!(message(cross_entropy_probs(
        &logits,
        &t(&[1.0; 2], &[2]),
        JsValue::UNDEFINED
    ))
    .contains("must equal the logits shape"));
    let b = bce_with_logits(&logits, &probs, obj(&[("posWeight", arr(&[2.0, 1.0]))]))
        .unwrap()
        .item()
        .unwrap();
    assert!((b - 1.25 * 2f32.ln()).abs() < 1e-6, "{b}");
    assert!(message(bce_with_logits(
        &logits,
        &probs,
        obj(&[("posWeight", arr(&[2.0]))])
    ))
    .contains("pos_weight has 1 values"));
    let f = sigmoid_focal_loss(
        &logits,
        &probs,
        obj(&[
            ("alpha", (-1).into()),
            ("gamma", 0.into()),
            ("reduction", "mean".into()),
        ]),
    )
    .unwrap();
    assert!((f.item().unwrap() - 2f32.ln()).abs() < 1e-6);
    assert!(message(sigmoid_focal_loss(
        &logits,
        &probs,
        obj(&[("gamma", (-1).into())])
    ))
    .contains("gamma"));
    assert_eq!(
        mse_loss(&logits, &probs, Some("sum".into()))
            .unwrap()
            .item()
            .unwrap(),
        2.0
    );
    assert!(message(mse_loss(&logits, &t(&[0.0], &[1]), None)).contains("target shape"));
    assert_eq!(kd_loss(&logits, &logits, 4.0).unwrap(), 0.0);
    assert!(message(kd_loss(&logits, &logits, 0.0)).contains("temperature"));
}

#[wasm_bindgen_test]
fn pooling_metrics_rf_dropout() {
    let x = t(
        &(0..16).map(|v| v as f32).collect::<Vec<_>>(),
        &[1, 1, 4, 4],
    );
    assert_eq!(
        max_pool2d(&x, obj(&[("kernelSize", 2.into())]))
            .unwrap()
            .to_array()
            .unwrap(),
        vec![5.0, 7.0, 13.0, 15.0]
    );
    assert_eq!(
        avg_pool2d(&x, obj(&[("kernelSize", 2.into())]))
            .unwrap()
            .to_array()
            .unwrap(),
        vec![2.5, 4.5, 10.5, 12.5]
    );
    assert!(message(max_pool2d(&x, JsValue::UNDEFINED)).contains("kernelSize"));
    assert!(message(max_pool2d(
        &x,
        obj(&[("kernelSize", 2.into()), ("padding", 2.into())])
    ))
    .contains("at most half"));
    assert!(message(avg_pool2d(
        &x,
        obj(&[("kernelSize", 2.into()), ("dilation", 2.into())])
    ))
    .contains("no dilation"));

    let r = roc_curve(vec![0, 0, 1, 1], vec![0.1, 0.4, 0.35, 0.8], Some(false)).unwrap();
    let auc = Reflect::get(&r, &"auc".into()).unwrap().as_f64().unwrap();
    assert!((auc - 0.75).abs() < 1e-12);
    let thr: js_sys::Float64Array = Reflect::get(&r, &"thresholds".into())
        .unwrap()
        .unchecked_into();
    assert_eq!(thr.get_index(0), f64::INFINITY);
    assert!(message(roc_curve(vec![1, 1], vec![0.1, 0.2], None)).contains("both classes"));
    assert!(message(roc_curve(vec![0, 1], vec![0.1, f32::NAN], None)).contains("score[1] is NaN"));

    let conv = |d: f64| obj(&[("k", 3.into()), ("d", d.into()), ("p", d.into())]);
    let layers: JsValue = [conv(1.0), conv(2.0), conv(4.0)]
        .iter()
        .collect::<Array>()
        .into();
    let rows: Array = receptive_field(layers.clone(), Some(64))
        .unwrap()
        .unchecked_into();
    let last = rows.get(2);
    assert_eq!(
        Reflect::get(&last, &"r".into()).unwrap().as_f64(),
        Some(15.0)
    );
    assert_eq!(
        Reflect::get(&last, &"out_len".into()).unwrap().as_f64(),
        Some(64.0)
    );
    assert_eq!(
        receptive_support(layers, 64, 30)
            .unwrap()
            .iter()
            .filter(|&&b| b == 1)
            .count(),
        15
    );
    let bad: JsValue = [obj(&[("k", 3.into()), ("d", 0.into())])]
        .iter()
        .collect::<Array>()
        .into();
    assert!(message(receptive_field(bad, None)).contains("layer 1"));
    let big: JsValue = [obj(&[("k", 9.into())]), obj(&[("k", 9.into())])]
        .iter()
        .collect::<Array>()
        .into();
    assert!(message(receptive_field(big, Some(10)))
        .contains("layer 2 cannot run on a feature map of 2"));

    let ones = t(&[1.0; 1000], &[1000]);
    let y = dropout(&ones, 0.5, true, 7).unwrap().to_array().unwrap();
    assert!(y.iter().all(|&v| v == 0.0 || v == 2.0));
    assert_eq!(
        dropout(&ones, 0.5, true, 7).unwrap().to_array().unwrap(),
        y,
        "same seed, same mask"
    );
    assert_eq!(
        dropout(&ones, 0.5, false, 7).unwrap().to_array().unwrap(),
        ones.to_array().unwrap()
    );
    assert!(message(dropout(&ones, 1.5, true, 1)).contains("[0, 1]"));
}

#[wasm_bindgen_test]
fn optimizer_round_trip_and_errors() {
    let mut p = t(&[1.0, 1.0], &[2]);
    let g = t(&[3.0, -0.001], &[2]);
    let mut opt =
        Optimizer::new("adam", obj(&[("lr", 0.1.into()), ("eps", 1e-12.into())])).unwrap();
    opt.step(&mut p, &g, 0).unwrap();
    assert!(
        close(&p.to_array().unwrap(), &[0.9, 1.1], 1e-6),
        "{:?}",
        p.to_array().unwrap()
    );
    assert!(message(opt.step(&mut p, &t(&[1.0; 3], &[3]), 0)).contains("gradient shape"));
    assert!(message(opt.step(&mut p, &t(&[f32::NAN, 0.0], &[2]), 0)).contains("gradient[0] is NaN"));
    assert!(message(Optimizer::new("adamax", JsValue::UNDEFINED)).contains("optimizer must be"));
    assert!(message(Optimizer::new("sgd", obj(&[("lr", (-1).into())]))).contains("learning rate"));
    assert!(message(Optimizer::new("adam", obj(&[("betas", arr(&[1.0, 0.9]))]))).contains("betas"));
    assert!(message(opt.set_lr(f64::NAN)).contains("learning rate"));
    opt.set_lr(0.5).unwrap();
    assert_eq!(opt.lr(), 0.5);
}

#[wasm_bindgen_test]
fn golden_suite_in_the_browser() {
    let text = include_str!("golden/cases_seed1.json");
    let suite = GoldenSuite::new(text).unwrap();
    let mut failed = Vec::new();
    for i in 0..suite.len() {
        let r = suite.run(i).unwrap();
        if Reflect::get(&r, &"passed".into()).unwrap().as_bool() != Some(true) {
            failed.push(Reflect::get(&r, &"id".into()).unwrap().as_string().unwrap());
        }
    }
    assert_eq!(suite.len(), 318);
    assert!(failed.is_empty(), "failed in the browser: {failed:?}");
    assert!(message(GoldenSuite::new("{not json")).contains("not valid JSON"));
    assert!(message(suite.run(100_000)).contains("does not exist"));
}

fn f32_view(ptr: usize, len: usize) -> Vec<f32> {
    let mem: WebAssembly::Memory = wasm_memory().unchecked_into();
    Float32Array::new_with_byte_offset_and_length(&mem.buffer(), ptr as u32, len as u32).to_vec()
}

#[wasm_bindgen_test]
fn trainer_trains_and_exposes_its_buffers() {
    let cfg = obj(&[
        ("dataset", "gauss".into()),
        ("hidden", arr(&[4.0])),
        ("grid", 10.into()),
        ("seed", 3.into()),
    ]);
    let mut tr = Trainer::new(cfg.clone()).unwrap();
    let m = tr.step(20).unwrap();
    assert_eq!(get(&m, "epoch").as_f64(), Some(20.0));
    assert_eq!(get(&m, "status").as_string().unwrap(), "training");
    assert!(get(&m, "diagnosis").is_null());
    let info = tr.info().unwrap();
    let stride = get(&info, "history_stride").as_f64().unwrap() as usize;
    let hist = f32_view(tr.history_ptr(), tr.history_len());
    assert_eq!(hist.len(), 21 * stride, "one row per epoch plus the start");
    assert!(
        hist[20 * stride + 1] < hist[1],
        "train loss fell: {} -> {}",
        hist[1],
        hist[20 * stride + 1]
    );
    tr.compute_heatmaps().unwrap();
    let b = f32_view(tr.boundary_ptr(), tr.boundary_len());
    assert_eq!(b.len(), 100);
    assert!(b.iter().all(|p| (0.0..=1.0).contains(p)));
    // gauss: class 1 sits at (2, 2), top right; class 0 at (-2, -2), bottom left
    assert!(
        b[9] > 0.5 && b[90] < 0.5,
        "top-right {} bottom-left {}",
        b[9],
        b[90]
    );
    tr.compute_histograms().unwrap();
    assert!(tr.hist_len() > 0);
    // the same config trains the same curve
    let mut again = Trainer::new(cfg).unwrap();
    again.step(20).unwrap();
    let bits = |v: Vec<f32>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(f32_view(again.history_ptr(), again.history_len())),
        bits(hist)
    );
    // add a point, load CSV points
    let n = tr.points().len();
    tr.add_point(0.5, -0.5, 1.0).unwrap();
    assert_eq!(tr.points().len(), n + 4);
    let csv = "x1,x2,label\n1,1,1\n2,2,1\n-1,-1,0\n-2,-2,0\n1.5,2,1\n-2,-1.5,0\n";
    assert_eq!(tr.load_csv(csv).unwrap(), 6);
    assert_eq!(get(&tr.info().unwrap(), "classes").as_f64(), Some(2.0));
    let parsed = parse_points_csv(csv).unwrap();
    assert_eq!(get(&parsed, "classes").as_f64(), Some(2.0));
    assert_eq!(Array::from(&get(&parsed, "points")).length(), 6);
}

#[wasm_bindgen_test]
fn trainer_errors_are_readable() {
    let cfg = |k: &str, v: JsValue| obj(&[(k, v)]);
    let e = message(Trainer::new(cfg("hiden", arr(&[4.0]))));
    assert!(
        e.contains("has no option \"hiden\"") && e.contains("hidden"),
        "{e}"
    );
    let e = message(Trainer::new(cfg("hidden", arr(&[4.0; 9]))));
    assert!(e.contains("hidden has 9 layers; the limit is 8"), "{e}");
    let e = message(Trainer::new(cfg("hidden", "4,2".into())));
    assert!(e.contains("Trainer option hidden"), "{e}");
    let e = message(Trainer::new(cfg("lr", f64::NAN.into())));
    assert!(e.contains("lr must be a finite number"), "{e}");
    let e = message(Trainer::new(cfg("dataset", "sprial".into())));
    assert!(
        e.contains("dataset must be one of") && e.contains("spiral"),
        "{e}"
    );
    let e = message(Trainer::new(cfg("activation", "sigmod".into())));
    assert!(e.contains("sigmoid"), "{e}");
    let e = message(Trainer::new(cfg("features", Array::new().into())));
    assert!(e.contains("at least one input feature"), "{e}");
    let e = message(Trainer::new("spiral".into()));
    assert!(e.contains("must be an object"), "{e}");
    let mut tr = Trainer::new(JsValue::UNDEFINED).unwrap();
    assert!(message(tr.step(0)).contains("epochs must be in 1..="));
    assert!(message(tr.add_point(f32::NAN, 0.0, 1.0)).contains("finite"));
    assert!(message(tr.add_point(0.0, 0.0, 7.0)).contains("classes 0..1"));
    let e = message(tr.load_csv("1,2,0\n3,4,1\n5,6,0\n7,8,1\n\na,b\n"));
    assert!(
        e.contains("line 6: expected 3 comma-separated numbers x1,x2,label, got 'a,b'"),
        "{e}"
    );
    let e = message(parse_points_csv("1,2,0\n3,4,1\n5,6,oops\n"));
    assert!(
        e.contains("line 3") && e.contains("'oops' is not a number"),
        "{e}"
    );
    // a failed load leaves the run as it was
    assert_eq!(tr.status(), "training");
    // a diverging run reports its diagnosis instead of throwing
    let mut bad = Trainer::new(obj(&[("dataset", "plane".into()), ("lr", 3.into())])).unwrap();
    let m = bad.step(100).unwrap();
    assert_eq!(get(&m, "status").as_string().unwrap(), "diverged");
    let d = get(&m, "diagnosis");
    assert_eq!(get(&d, "cause").as_string().unwrap(), "lr_too_high");
    assert!(get(&d, "message")
        .as_string()
        .unwrap()
        .contains("learning rate"));
}

#[wasm_bindgen_test]
fn train_schema_and_feature_maps_reach_js() {
    let s = train_schema().unwrap();
    let d = get(&s, "defaults");
    assert_eq!(get(&d, "trainRatio").as_f64(), Some(50.0));
    assert!(get(&d, "train_ratio").is_undefined());
    // the schema's defaults are a valid config, with the same run as no config at all
    let mut a = Trainer::new(d).unwrap();
    let mut b = Trainer::new(JsValue::UNDEFINED).unwrap();
    a.step(3).unwrap();
    b.step(3).unwrap();
    assert_eq!(
        f32_view(a.history_ptr(), a.history_len()),
        f32_view(b.history_ptr(), b.history_len())
    );
    let ranges = get(&get(&s, "limits"), "ranges");
    assert_eq!(
        Array::from(&get(&ranges, "batchSize")).get(0).as_f64(),
        Some(1.0)
    );
    let names = Array::from(&get(&s, "features"));
    assert_eq!(get(&names.get(4), "name").as_string().unwrap(), "x1*x2");
    // camelCase keys reach the Trainer, misspelt ones still list the valid keys
    let mut t = Trainer::new(obj(&[("batchSize", 25.into()), ("trainRatio", 20.into())])).unwrap();
    assert_eq!(
        get(&t.info().unwrap(), "train_points").as_f64(),
        Some(100.0)
    );
    t.step(1).unwrap();
    let e = message(Trainer::new(obj(&[("batch_size", 5.into())])));
    assert!(e.contains("batchSize"), "{e}");
    // featureMaps: x1*x2 at the top-left cell center of a 4x4 grid over [-6, 6]²: (-4.5, 4.5)
    let m = feature_maps(vec!["x1".into(), "x1*x2".into()], 4, None).unwrap();
    assert_eq!(m.len(), 2 * 16);
    assert_eq!((m[0], m[16]), (-4.5, -20.25));
    let m = feature_maps(vec!["x2".into()], 2, Some(2.0)).unwrap();
    assert_eq!(m, vec![1.0, 1.0, -1.0, -1.0]);
    assert!(message(feature_maps(vec!["x9".into()], 4, None)).contains("feature must be one of"));
}
