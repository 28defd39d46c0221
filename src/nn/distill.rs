//! The gradient of the distillation loss `kd_loss` (`ops::loss::kd_loss`: `KL(softmax(t/T) ||
//! softmax(s/T))`, batchmean, times T²) with respect to the student logits:
//! `d loss / d s = (T / N) (softmax(s/T) - softmax(t/T))` (one T of T² cancels the 1/T inside
//! s/T; batchmean divides by N, not N·C). The teacher is a constant.

use crate::tensor::{check_len, expect_rank};
use crate::{arg_err, Result};

/// Softmax of one row of `x / t`, in f64 (shifted by the row's maximum, so ±1000 logits stay
/// finite and a far-away class gets exactly 0).
fn softmax_row(x: &[f32], t: f64, out: &mut [f64]) {
    let m = x
        .iter()
        .fold(f64::NEG_INFINITY, |a, &v| a.max(v as f64 / t));
    let mut s = 0.0;
    for (o, &v) in out.iter_mut().zip(x) {
        *o = (v as f64 / t - m).exp();
        s += *o;
    }
    out.iter_mut().for_each(|o| *o /= s);
}

/// `d kd_loss / d student` for logits `[N, C]` at temperature `t`.
pub fn kd_loss_backward(
    student: &[f32],
    teacher: &[f32],
    shape: &[usize],
    t: f32,
) -> Result<Vec<f32>> {
    let [n, c] = expect_rank::<2>("student logits", shape)?;
    check_len("student logits", student.len(), shape)?;
    check_len("teacher logits", teacher.len(), shape)?;
    if !(t > 0.0 && t.is_finite()) {
        return arg_err!("temperature must be a positive finite number, got {t}");
    }
    if n == 0 || c == 0 {
        return arg_err!("kd loss needs at least one example and one class, got shape {shape:?}");
    }
    let t = t as f64;
    let (mut ps, mut pt) = (vec![0.0f64; c], vec![0.0f64; c]);
    let mut g = Vec::with_capacity(n * c);
    for (s, te) in student.chunks_exact(c).zip(teacher.chunks_exact(c)) {
        softmax_row(s, t, &mut ps);
        softmax_row(te, t, &mut pt);
        g.extend(
            ps.iter()
                .zip(&pt)
                .map(|(a, b)| (t / n as f64 * (a - b)) as f32),
        );
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::loss::kd_loss;
    use crate::testkit::{grad_check, randn};

    #[test]
    fn kd_gradient_matches_finite_differences() {
        let shape = [3usize, 5];
        let s = randn(15, 1, 2.0);
        let te = randn(15, 2, 2.0);
        for t in [1.0f32, 2.5, 4.0] {
            let g = kd_loss_backward(&s, &te, &shape, t).unwrap();
            grad_check(&format!("kd T={t}"), &s, &g, 8e-3, 3e-3, &mut |v| {
                kd_loss(v, &te, &shape, t).unwrap() as f64
            });
        }
        assert!(kd_loss_backward(&s, &te, &shape, 0.0).is_err());
    }
}
