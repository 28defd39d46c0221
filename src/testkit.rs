//! The shared test kit (compiled for `cargo test` only): seeded random data from the crate's
//! `Rng`, element-wise closeness with a message that names the worst index, and a
//! finite-difference gradient check. Every kernel's tests use these instead of their own LCGs and
//! difference loops, so a tolerance or a step size is chosen in one place.

use crate::rng::Rng;

/// `n` draws from N(0, scale²), seeded.
pub fn randn(n: usize, seed: u64, scale: f64) -> Vec<f32> {
    let mut r = Rng::new(seed);
    (0..n).map(|_| (r.normal() * scale) as f32).collect()
}

/// `n` draws from U[lo, hi), seeded.
pub fn uniform(n: usize, seed: u64, lo: f32, hi: f32) -> Vec<f32> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|_| lo + (hi - lo) * r.uniform() as f32)
        .collect()
}

/// Largest `|a - b|` and its index (NaN counts as infinitely far unless both are NaN).
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> (f32, usize) {
    assert_eq!(a.len(), b.len(), "lengths differ");
    let mut worst = (0.0f32, 0);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        // Both NaN, or equal (including equal infinities), is no difference.
        let d = if (x.is_nan() && y.is_nan()) || x == y {
            0.0
        } else {
            let d = (x - y).abs();
            if d.is_nan() {
                f32::INFINITY
            } else {
                d
            }
        };
        if d > worst.0 {
            worst = (d, i);
        }
    }
    worst
}

/// Asserts `|got - want| <= atol + rtol * |want|` element-wise; the panic names `what`, the first
/// failing index and both values.
#[track_caller]
pub fn assert_close(what: &str, got: &[f32], want: &[f32], atol: f32, rtol: f32) {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: {} values, expected {}",
        got.len(),
        want.len()
    );
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= atol + rtol * w.abs();
        assert!(
            ok,
            "{what}[{i}]: got {g}, expected {w} (atol {atol}, rtol {rtol})"
        );
    }
}

/// `sum(coef * y)` in f64: a scalar objective whose gradient with respect to `y` is `coef`, so a
/// backward pass fed `coef` as the output gradient can be checked against differences of it.
pub fn dot(y: &[f32], coef: &[f32]) -> f64 {
    assert_eq!(y.len(), coef.len(), "dot: lengths differ");
    y.iter().zip(coef).map(|(a, b)| *a as f64 * *b as f64).sum()
}

/// Checks an analytic gradient `an` of the scalar `obj` at `x` by central differences in every
/// coordinate, with Richardson extrapolation (`(4 D(h/2) - D(h)) / 3` cancels the h² term, so a
/// step large enough for f32 rounding not to dominate still resolves curvature). Passes when
/// `|fd - an| <= tol * (1 + |an|)`; `tol = 3e-3` suits f32 kernels with `h = 8e-3`.
#[track_caller]
pub fn grad_check(
    what: &str,
    x: &[f32],
    an: &[f32],
    h: f32,
    tol: f64,
    obj: &mut dyn FnMut(&[f32]) -> f64,
) {
    assert_eq!(
        x.len(),
        an.len(),
        "{what}: gradient has {} values, input {}",
        an.len(),
        x.len()
    );
    for i in 0..x.len() {
        let mut central = |h: f32| {
            let (mut xp, mut xm) = (x.to_vec(), x.to_vec());
            xp[i] += h;
            xm[i] -= h;
            (obj(&xp) - obj(&xm)) / ((xp[i] - xm[i]) as f64)
        };
        let fd = (4.0 * central(h / 2.0) - central(h)) / 3.0;
        let a = an[i] as f64;
        assert!(
            (fd - a).abs() <= tol * (1.0 + a.abs()),
            "{what}[{i}]: finite difference {fd}, analytic {a}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grad_check_accepts_a_right_gradient_and_rejects_a_wrong_one() {
        let x = randn(6, 1, 1.0);
        // f(x) = sum(x^3) / 3 has gradient x^2.
        let mut f = |v: &[f32]| v.iter().map(|&a| (a as f64).powi(3) / 3.0).sum::<f64>();
        let good: Vec<f32> = x.iter().map(|a| a * a).collect();
        grad_check("cube", &x, &good, 8e-3, 3e-3, &mut f);
        let bad: Vec<f32> = good.iter().map(|a| a * 1.05 + 0.01).collect();
        let r = std::panic::catch_unwind(move || grad_check("cube", &x, &bad, 8e-3, 3e-3, &mut f));
        assert!(r.is_err(), "a 5% wrong gradient must fail");
    }

    #[test]
    fn closeness_names_the_worst_place() {
        assert_eq!(
            max_abs_diff(&[1.0, 2.0, f32::NAN], &[1.0, 2.5, f32::NAN]),
            (0.5, 1)
        );
        assert_eq!(max_abs_diff(&[f32::INFINITY], &[f32::INFINITY]).0, 0.0);
        assert_eq!(max_abs_diff(&[f32::NAN], &[0.0]).0, f32::INFINITY);
        assert_close("ok", &[1.0, 100.0], &[1.0 + 1e-7, 100.0 + 1e-4], 1e-6, 1e-5);
        let r = std::panic::catch_unwind(|| assert_close("x", &[1.0], &[1.1], 1e-3, 0.0));
        let msg = *r.unwrap_err().downcast::<String>().unwrap();
        assert!(msg.contains("x[0]") && msg.contains("1.1"), "{msg}");
    }

    #[test]
    fn seeded_draws_repeat_and_stay_in_range() {
        assert_eq!(randn(5, 9, 1.0), randn(5, 9, 1.0));
        assert_ne!(randn(5, 9, 1.0), randn(5, 10, 1.0));
        assert!(uniform(1000, 3, -2.0, 2.0)
            .iter()
            .all(|v| (-2.0..2.0).contains(v)));
    }
}
