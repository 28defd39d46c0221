//! The SIMD128 conv2d kernels against the scalar reference, in real browsers
//! (`wasm-pack test --headless --chrome --firefox`): random shapes for every kernel family
//! (dense, depthwise, pointwise) with groups, per-axis stride, padding and dilation, bias or not,
//! batch 1 or 2, and widths around the vector block sizes; plus the bench's own shapes. The
//! resize's lane paths (OpenCV, Pillow and textbook u8, two-tap f32) against their scalar twins
//! on random sizes, up and down, with opaque, transparent and random alphas.
#![cfg(target_arch = "wasm32")]

use dlplay::ops::conv::{
    conv2d_into, conv2d_out_shape, conv2d_reference_into, fast_tolerance, kernel_for, random_case,
    Conv2dParams, Kernel,
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
    let mut seen = [0usize; 4];
    let mut groups_seen = 0;
    let mut dilated_strided = 0;
    let mut done = 0;
    while done < 400 {
        let (xs, ws, p) = random_case(&mut rng, done % 4);
        let (c, g) = (xs[1], p.groups);
        if conv2d_out_shape(xs, ws, &p).is_err() {
            continue;
        }
        done += 1;
        seen[kernel_for(ws, &p) as usize] += 1;
        groups_seen += usize::from(g > 1 && g < c);
        dilated_strided += usize::from(p.stride[1] > 1 && p.dilation[1] > 1);
        let e = compare(&mut rng, xs, ws, &p, done % 2 == 0);
        let tol = fast_tolerance(ws, &p);
        assert!(
            e <= tol,
            "x {xs:?} w {ws:?} {p:?}: worst error {e}, bound {tol}"
        );
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
    // the bench's input, one image of 32 x 64 x 64
    let xs = [1, 32, 64, 64];
    let w3 = [32, 32, 3, 3];
    let cases = [
        (w3, dense(1, 1), Kernel::Winograd),
        (w3, dense(1, 2), Kernel::Winograd),
        (w3, dense(1, 4), Kernel::Winograd),
        (w3, dense(2, 1), Kernel::Winograd),
        (w3, dense(2, 2), Kernel::Dense),
        (
            [32, 1, 3, 3],
            Conv2dParams {
                padding: [1, 1],
                groups: 32,
                ..Default::default()
            },
            Kernel::Depthwise,
        ),
        ([64, 32, 1, 1], Conv2dParams::default(), Kernel::Pointwise),
    ];
    // stride 2 with padding 1 to 3: the row starts the Winograd kernel shifts into place
    let pads = (1..=3).map(|pad| {
        let p = Conv2dParams {
            padding: [pad; 2],
            ..dense(2, 1)
        };
        (w3, p, Kernel::Winograd)
    });
    for (ws, p, k) in cases.into_iter().chain(pads) {
        assert_eq!(kernel_for(ws, &p), k);
        let e = compare(&mut rng, xs, ws, &p, true);
        let tol = fast_tolerance(ws, &p);
        assert!(
            e <= tol,
            "{xs:?} {ws:?} {p:?}: worst error {e}, bound {tol}"
        );
    }
}

/// `src` resized to `ow x oh` with `m` on the scalar path and on the lane path.
fn resize_both(
    src: dlplay::ops::interp::Rgba<'_>,
    [ow, oh]: [usize; 2],
    m: dlplay::ops::interp::RgbaMethod,
) -> (Vec<u8>, Vec<u8>) {
    use dlplay::ops::interp::{resize_rgba_with, Path, RgbaMut};
    let run = |path| {
        let mut out = vec![0u8; ow * oh * 4];
        let dst = RgbaMut {
            data: &mut out,
            w: ow,
            h: oh,
        };
        resize_rgba_with(src, dst, m, path).unwrap();
        out
    };
    (run(Path::Scalar), run(Path::Simd))
}

fn side(rng: &mut Rng, max: usize) -> usize {
    if rng.below(6) == 0 {
        1
    } else {
        1 + rng.below(max)
    }
}

#[wasm_bindgen_test]
fn rgba_simd_path_matches_scalar_on_random_sizes() {
    use dlplay::ops::interp::{best_path, Path, Rgba, RgbaMethod};
    assert_eq!(best_path(), Path::Simd);
    let methods = [
        RgbaMethod::OpenCv,
        RgbaMethod::Pillow,
        RgbaMethod::Bilinear {
            align_corners: false,
        },
        RgbaMethod::Bilinear {
            align_corners: true,
        },
    ];
    let mut rng = Rng::new(12345);
    let (mut up, mut down) = (0, 0);
    for case in 0..300 {
        let (w, h) = (side(&mut rng, 40), side(&mut rng, 40));
        // Up to ~2x larger, or up to 8x smaller (Pillow's widened filter), per axis.
        let out = |rng: &mut Rng, n: usize| {
            if rng.below(3) == 0 {
                (n / (1 + rng.below(8))).max(1)
            } else {
                side(rng, 70)
            }
        };
        let (ow, oh) = (out(&mut rng, w), out(&mut rng, h));
        // Alphas: random, all 255 (the opaque copy steps), or a mix with 0 and 255.
        let alpha = case % 3;
        let data: Vec<u8> = (0..w * h * 4)
            .map(|i| {
                let v = rng.next_u64() as u8;
                match (i % 4 == 3, alpha, v % 3) {
                    (false, _, _) | (true, 0, _) => v,
                    (true, 1, _) | (true, _, 0) => 255,
                    (true, _, 1) => 0,
                    _ => v,
                }
            })
            .collect();
        let src = Rgba { data: &data, w, h };
        for m in methods {
            let (scalar, simd) = resize_both(src, [ow, oh], m);
            assert_eq!(scalar, simd, "case {case} {m:?}: {w}x{h} -> {ow}x{oh}");
        }
        up += usize::from(ow > w || oh > h);
        down += usize::from(ow < w || oh < h);
    }
    assert!(up > 100 && down > 100, "up {up}, down {down}");
}

#[wasm_bindgen_test]
fn pillow_simd_path_matches_scalar_on_every_colour_alpha_pair() {
    // A 256x256 image holding every (colour, alpha) pair, resized by one pixel along each axis:
    // the outputs stay close to the inputs, so the premultiply and the unpremultiply (table of
    // reciprocals, magic-number floor) see nearly every pair, transparent and opaque included.
    use dlplay::ops::interp::{Rgba, RgbaMethod};
    let data: Vec<u8> = (0..=255u8)
        .flat_map(|a| (0..=255u8).flat_map(move |c| [c, 255 - c, c / 3, a]))
        .collect();
    let src = Rgba {
        data: &data,
        w: 256,
        h: 256,
    };
    for (ow, oh) in [(256, 255), (255, 256), (257, 256)] {
        let (scalar, simd) = resize_both(src, [ow, oh], RgbaMethod::Pillow);
        assert_eq!(scalar, simd, "256x256 -> {ow}x{oh}");
    }
}

#[wasm_bindgen_test]
fn float_resize_simd_path_matches_scalar_on_random_shapes() {
    use dlplay::ops::interp::{
        resize_out_shape, resize_with, InterpMode, Path, ResizeParams, Target,
    };
    let mut rng = Rng::new(7);
    for case in 0..200 {
        let xs = [1, 1 + rng.below(3), side(&mut rng, 30), side(&mut rng, 30)];
        let p = ResizeParams {
            target: Target::Size([side(&mut rng, 50), side(&mut rng, 50)]),
            mode: InterpMode::Bilinear,
            align_corners: rng.below(2) == 0,
            antialias: false,
        };
        let ys = resize_out_shape(xs, &p).unwrap();
        let x: Vec<f32> = (0..xs.iter().product())
            .map(|_| rng.normal() as f32)
            .collect();
        let n: usize = ys.iter().product();
        let (mut a, mut b) = (vec![f32::NAN; n], vec![f32::NAN; n]);
        resize_with(&x, xs, &p, &mut a, Path::Scalar).unwrap();
        resize_with(&x, xs, &p, &mut b, Path::Simd).unwrap();
        assert!(a.iter().all(|v| v.is_finite()));
        assert!(
            a.iter().zip(&b).all(|(u, v)| u.to_bits() == v.to_bits()),
            "case {case}: {xs:?} -> {ys:?} {p:?}"
        );
    }
}
