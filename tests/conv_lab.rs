//! The conv lab's exports at the JS boundary, in headless browsers: valid calls return the
//! right numbers, bad input throws an Error whose message says what to fix.
#![cfg(target_arch = "wasm32")]

use dlplay::wasm::*;
use js_sys::{Array, Float32Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod common;
use common::{get, message, obj};

wasm_bindgen_test_configure!(run_in_browser);

fn num(v: &JsValue, k: &str) -> f64 {
    get(v, k)
        .as_f64()
        .unwrap_or_else(|| panic!("{k} is not a number"))
}

fn conv(k: u32, s: u32, p: u32, d: u32, out: u32) -> JsValue {
    obj(&[
        ("type", "conv".into()),
        ("k", k.into()),
        ("s", s.into()),
        ("p", p.into()),
        ("d", d.into()),
        ("out", out.into()),
    ])
}

fn stack(layers: &[JsValue]) -> JsValue {
    layers.iter().collect::<Array>().into()
}

#[wasm_bindgen_test]
fn conv2d_into_reuses_the_output_and_checks_its_shape() {
    let x = Tensor::new(
        &(0..32).map(|v| v as f32).collect::<Vec<_>>(),
        vec![1, 2, 4, 4],
    )
    .unwrap();
    let w = Tensor::new(&[1.0; 18], vec![1, 2, 3, 3]).unwrap();
    let mut out = Tensor::zeros(vec![1, 1, 4, 4]).unwrap();
    conv2d_into(&x, &w, None, &mut out, obj(&[("padding", 1.into())])).unwrap();
    let want = conv2d(&x, &w, None, obj(&[("padding", 1.into())]))
        .unwrap()
        .to_array()
        .unwrap();
    assert_eq!(out.to_array().unwrap(), want);
    let mut bad = Tensor::zeros(vec![1, 1, 2, 2]).unwrap();
    assert!(message(conv2d_into(
        &x,
        &w,
        None,
        &mut bad,
        obj(&[("padding", 1.into())])
    ))
    .contains(
        "out has shape [1, 1, 2, 2] but this conv2d produces [1, 1, 4, 4]: make it with Tensor.zeros([1, 1, 4, 4])"
    ));
    assert!(message(conv2d_into(
        &x,
        &w,
        None,
        &mut out,
        obj(&[("dilaton", 2.into())])
    ))
    .contains("conv2dInto has no option \"dilaton\""));
    assert_eq!(simd_kind(), "wasm simd128");
}

#[wasm_bindgen_test]
fn stack_plan_rows_and_the_layer_that_breaks() {
    let st = stack(&[
        conv(7, 2, 3, 1, 64),
        obj(&[
            ("type", "maxpool".into()),
            ("k", 3.into()),
            ("s", 2.into()),
            ("p", 1.into()),
        ]),
    ]);
    let p = conv_stack_plan(st, 3, 224, 224).unwrap();
    assert!(get(&p, "error").is_null());
    let rows: Array = get(&p, "rows").unchecked_into();
    let last = rows.get(1);
    assert_eq!(
        (
            num(&last, "h"),
            num(&last, "r"),
            num(&last, "jump"),
            num(&last, "start")
        ),
        (56.0, 11.0, 4.0, -5.0)
    );
    assert_eq!(num(&rows.get(0), "params"), (64 * 3 * 49) as f64);

    let bad = stack(&[conv(3, 1, 1, 1, 8), conv(3, 1, 1, 0, 8)]);
    let p = conv_stack_plan(bad, 3, 32, 32).unwrap();
    let e = get(&p, "error");
    assert_eq!(num(&e, "layer"), 2.0);
    assert_eq!(
        get(&e, "message").as_string().unwrap(),
        "dilation must be >= 1, got 0"
    );
    assert_eq!(Array::from(&get(&p, "rows")).length(), 1);

    // Malformed layers throw, naming the layer.
    let typo = stack(&[
        conv(3, 1, 1, 1, 8),
        obj(&[("type", "pool".into()), ("k", 2.into())]),
    ]);
    assert!(message(conv_stack_plan(typo, 3, 32, 32))
        .contains("layer 2: type must be \"conv\", \"maxpool\" or \"avgpool\", got \"pool\""));
    let no_out = stack(&[obj(&[("type", "conv".into()), ("k", 3.into())])]);
    assert!(message(conv_stack_plan(no_out, 3, 32, 32)).contains("layer 1: a conv layer needs out"));
    let extra = stack(&[obj(&[
        ("type", "maxpool".into()),
        ("k", 2.into()),
        ("dilation", 2.into()),
    ])]);
    assert!(message(conv_stack_plan(extra, 3, 32, 32))
        .contains("layer 1: unknown key \"dilation\"; a layer has type, k, s, p, d, out, groups"));
    assert!(
        message(conv_stack_plan(JsValue::from(3), 3, 32, 32)).contains("layers must be an array")
    );
}

#[wasm_bindgen_test]
fn alternatives_give_the_cheat_sheet_numbers() {
    let a: Array = conv_alternatives(3, 4, 3, 1, 1).unwrap().unchecked_into();
    let params: Vec<f64> = a.iter().map(|c| num(&c, "params")).collect();
    assert_eq!(params, vec![108.0, 39.0, 16.0]);
    let sep_parts: Array = get(&a.get(1), "parts").unchecked_into();
    assert_eq!(
        sep_parts
            .iter()
            .map(|p| num(&p, "params"))
            .collect::<Vec<_>>(),
        vec![27.0, 12.0]
    );
    assert!(message(conv_alternatives(0, 4, 3, 1, 1)).contains("c_in=0"));
    assert!(message(conv_alternatives(3, u32::MAX, 3, 1, 1)).contains("the limits are"));
}

#[wasm_bindgen_test]
fn cell_maps_show_the_gridding_holes() {
    let img = RgbaImage::new(40, 40).unwrap();
    let x = image_to_tensor(&img, false).unwrap();
    assert_eq!(x.shape(), vec![1, 3, 40, 40]);
    let grid = stack(&[
        conv(3, 1, 2, 2, 4),
        conv(3, 1, 2, 2, 4),
        conv(3, 1, 2, 2, 4),
    ]);
    let m = conv_cell_maps(grid.clone(), &x, 20, 20, 1, 2).unwrap();
    let win = get(&m, "win");
    assert_eq!(
        (
            num(&win, "r0"),
            num(&win, "r1"),
            num(&win, "c0"),
            num(&win, "c1")
        ),
        (14.0, 27.0, 14.0, 27.0)
    );
    let sup: Uint8Array = get(&m, "support").unchecked_into();
    assert_eq!(sup.to_vec().iter().filter(|&&v| v == 1).count(), 49);
    let erf: Float32Array = get(&m, "erf").unchecked_into();
    assert_eq!(erf.length(), 169);
    assert!(message(conv_cell_maps(grid.clone(), &x, 40, 0, 1, 1))
        .contains("outside the last feature map (40x40)"));
    assert!(message(conv_cell_maps(grid, &x, 0, 0, 1, 0)).contains("draws must be in 1..=64"));
}

#[wasm_bindgen_test]
fn image_tensor_round_trips_and_display() {
    let px: Vec<u8> = vec![
        255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255,
    ];
    let img = RgbaImage::from_rgba(&px, 2, 2).unwrap();
    let g = image_to_tensor(&img, true).unwrap();
    assert_eq!(g.shape(), vec![1, 1, 2, 2]);
    let v = g.to_array().unwrap();
    assert!(
        (v[0] - 0.299).abs() < 1e-6 && (v[1] - 0.587).abs() < 1e-6 && (v[3] - 1.0).abs() < 1e-6
    );
    let rgb = image_to_tensor(&img, false).unwrap().to_array().unwrap();
    assert_eq!(&rgb[..4], &[1.0, 0.0, 0.0, 1.0]);
    let t = Tensor::new(&[-2.0, 0.0, 1.0, 2.0], vec![1, 1, 2, 2]).unwrap();
    let r = tensor_to_rgba(&t, 0, "signed").unwrap();
    assert_eq!((num(&r, "lo"), num(&r, "hi")), (-2.0, 2.0));
    assert_eq!(num(&get(&r, "image"), "width"), 2.0);
    assert!(message(tensor_to_rgba(&t, 1, "signed")).contains("channel 1 does not exist"));
    assert!(message(tensor_to_rgba(&t, 0, "rainbow")).contains("mode must be"));
    // [[-2, 0], [1, 2]] moved down-right by one: only -2 survives, at the bottom right.
    assert_eq!(
        shift_tensor(&t, 1, 1).unwrap().to_array().unwrap(),
        vec![0.0, 0.0, 0.0, -2.0]
    );
    assert_eq!(
        shift_tensor(&t, 0, -1).unwrap().to_array().unwrap(),
        vec![0.0, 0.0, 2.0, 0.0]
    );
}
