//! The SIMD128 conv2d kernels against the scalar reference, in real browsers
//! (`wasm-pack test --headless --chrome --firefox`): random shapes for every kernel family
//! (dense, depthwise, pointwise) with groups, per-axis stride, padding and dilation, bias or not,
//! batch 1 or 2, and widths around the vector block sizes; plus the bench's own shapes.
#![cfg(target_arch = "wasm32")]

use dlplay::ops::conv::{
    conv2d_into, conv2d_out_shape, conv2d_reference_into, kernel_for, random_case, Conv2dParams,
    Kernel,
};
use dlplay::rng::Rng;
use dlplay::tensor::View;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Uniform in [-1, 1) from the crate's seeded generator.
fn f(rng: &mut Rng) -> f32 {
    rng.uniform() as f32 * 2.0 - 1.0
}

/// Runs both kernels; returns the worst mixed error `|a-e| / (1+|e|)`.
fn compare(
    rng: &mut Rng,
    xs: [usize; 4],
    ws: [usize; 4],
    p: &Conv2dParams,
    with_bias: bool,
) -> f32 {
    let ys = conv2d_out_shape(xs, ws, p).unwrap();
    let x: Vec<f32> = (0..xs.iter().product()).map(|_| f(rng)).collect();
    let w: Vec<f32> = (0..ws.iter().product()).map(|_| f(rng)).collect();
    let b: Vec<f32> = (0..ws[0]).map(|_| f(rng)).collect();
    let bias = with_bias.then_some(b.as_slice());
    let n: usize = ys.iter().product();
    let mut fast = vec![f32::NAN; n];
    let mut reference = vec![f32::NAN; n];
    let (xv, wv) = (
        View::new("input", &x, xs).unwrap(),
        View::new("weight", &w, ws).unwrap(),
    );
    conv2d_into(xv, wv, bias, p, &mut fast).unwrap();
    conv2d_reference_into(xv, wv, bias, p, &mut reference).unwrap();
    fast.iter()
        .zip(&reference)
        .map(|(a, e)| {
            assert!(
                a.is_finite(),
                "{xs:?} {ws:?} {p:?}: an output was not written"
            );
            (a - e).abs() / (1.0 + e.abs())
        })
        .fold(0.0, f32::max)
}

#[wasm_bindgen_test]
fn simd_build_is_in_use() {
    assert_eq!(dlplay::ops::lanes::KIND, "wasm simd128");
}

#[wasm_bindgen_test]
fn simd_conv_matches_scalar_on_random_shapes() {
    let mut rng = Rng::new(2024);
    let mut seen = [0usize; 3];
    let mut groups_seen = 0;
    let mut dilated_strided = 0;
    let mut done = 0;
    while done < 300 {
        let (xs, ws, p) = random_case(&mut rng, done % 3);
        let (c, g) = (xs[1], p.groups);
        if conv2d_out_shape(xs, ws, &p).is_err() {
            continue;
        }
        done += 1;
        seen[kernel_for(ws, &p) as usize] += 1;
        groups_seen += usize::from(g > 1 && g < c);
        dilated_strided += usize::from(p.stride[1] > 1 && p.dilation[1] > 1);
        let e = compare(&mut rng, xs, ws, &p, done % 2 == 0);
        assert!(e <= 1e-5, "x {xs:?} w {ws:?} {p:?}: worst error {e}");
    }
    assert!(seen.iter().all(|&k| k > 40), "kernels exercised: {seen:?}");
    assert!(groups_seen > 20 && dilated_strided > 20);
}

#[wasm_bindgen_test]
fn simd_conv_matches_scalar_on_the_bench_shapes() {
    let mut rng = Rng::new(7);
    let dense = |stride, dilation| Conv2dParams {
        stride: [stride; 2],
        padding: [dilation; 2],
        dilation: [dilation; 2],
        groups: 1,
    };
    let cases = [
        ([1, 32, 64, 64], [32, 32, 3, 3], dense(1, 1), Kernel::Dense),
        ([1, 32, 64, 64], [32, 32, 3, 3], dense(1, 4), Kernel::Dense),
        ([1, 32, 64, 64], [32, 32, 3, 3], dense(2, 1), Kernel::Dense),
        ([1, 32, 64, 64], [32, 32, 3, 3], dense(2, 2), Kernel::Dense),
        (
            [1, 32, 64, 64],
            [32, 1, 3, 3],
            Conv2dParams {
                padding: [1, 1],
                groups: 32,
                ..Default::default()
            },
            Kernel::Depthwise,
        ),
        (
            [1, 32, 64, 64],
            [64, 32, 1, 1],
            Conv2dParams::default(),
            Kernel::Pointwise,
        ),
    ];
    for (xs, ws, p, k) in cases {
        assert_eq!(kernel_for(ws, &p), k);
        let e = compare(&mut rng, xs, ws, &p, true);
        assert!(e <= 1e-5, "{xs:?} {ws:?} {p:?}: worst error {e}");
    }
}
