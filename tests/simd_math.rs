//! The exp-based lane kernels in real browsers (`wasm-pack test`), wasm simd128 against the same
//! code's portable build and against the f64 references: `vmath`'s functions give the native
//! build's bits (one checksum over 2^16 inputs), exp stays within its stated ulps, the SIMD
//! softmax and log-softmax match the f64 reference on random shapes within the native test's
//! bound, and every engine activation's vector forward equals its per-value form.
#![cfg(target_arch = "wasm32")]

use dlplay::ops::activation::{self, Activation};
use dlplay::ops::softmax::{random_case, worst_error};
use dlplay::ops::vmath;
use dlplay::rng::Rng;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn lane_math_gives_the_native_builds_bits() {
    assert_eq!(dlplay::ops::lanes::KIND, "wasm simd128");
    assert_eq!(vmath::lane_checksum(), vmath::LANE_CHECKSUM);
}

#[wasm_bindgen_test]
fn exp_is_within_its_ulp_bound_in_the_browser() {
    let mut worst = 0.0f64;
    let mut x = -104.0f32;
    while x < 89.0 {
        let (got, want) = (vmath::exp1(x) as f64, (x as f64).exp());
        if want < f32::MAX as f64 && want > f32::MIN_POSITIVE as f64 {
            let spacing = 2f64.powi(want.log2().floor() as i32 - 23);
            worst = worst.max((got - want).abs() / spacing);
        }
        x += 0.000_731;
    }
    assert!(worst <= 2.5, "exp: {worst} ulp");
    assert!(vmath::exp1(f32::NAN).is_nan());
    assert_eq!(vmath::exp1(f32::INFINITY), f32::INFINITY);
    assert_eq!(vmath::exp1(f32::NEG_INFINITY), 0.0);
}

#[wasm_bindgen_test]
fn simd_softmax_matches_the_f64_reference_on_random_shapes() {
    let mut rng = Rng::new(16);
    for case in 0..300 {
        let (shape, dim, x) = random_case(&mut rng);
        let (rel, mixed) = worst_error(&x, &shape, dim);
        assert!(
            rel < 2e-6 && mixed < 2e-6,
            "case {case}: {shape:?} dim {dim}: {rel} {mixed}"
        );
    }
}

#[wasm_bindgen_test]
fn simd_sigmoid_and_activations_match_their_references() {
    let mut rng = Rng::new(9);
    for n in [1usize, 5, 16, 33, 500] {
        let x: Vec<f32> = (0..n).map(|_| (rng.normal() * 20.0) as f32).collect();
        let (got, want) = (activation::sigmoid(&x), activation::sigmoid_reference(&x));
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() <= 4.0 * f32::EPSILON * w.abs().max(f32::MIN_POSITIVE));
        }
        for name in Activation::NAMES {
            let a = Activation::parse(name).unwrap();
            let mut y = vec![f32::NAN; n];
            a.forward(&x, &mut y);
            for (&yv, &xv) in y.iter().zip(&x) {
                assert_eq!(yv.to_bits(), a.f(xv).to_bits(), "{name}({xv})");
            }
        }
    }
}
