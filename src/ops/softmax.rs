//! Softmax and log-softmax on `ops::lanes::F4`, in f32, along one axis of a `(outer, n, inner)`
//! split (see `activation::split_dim`):
//! * `inner == 1` (the last axis): each distribution is a contiguous row; the vector runs along
//!   the row with four independent accumulators (16 partial sums, a pairwise-like sum);
//! * `inner > 1`: the vector runs across four neighbouring distributions (columns), the loop
//!   along the axis; the last `inner % 4` columns are gathered into a row and go the first way.
//!
//! Two passes over the input: the max (a NaN is skipped, as `f32::max` does, and then poisons
//! the sum, so the whole distribution is NaN, as in torch), then `e = exp(x - max)` stored and
//! summed; a third pass over the output scales by `1/sum` (softmax) or writes
//! `(x - max) - ln(sum)` (log-softmax, `ln` in f64 once per distribution). `exp` is
//! `vmath::exp_nonpos_ftz` (`vmath::exp`, <= 2.5 ulps, without its subnormal results). `activation::softmax_reference` (f64 throughout) is the truth the
//! tests compare with.

use super::lanes::F4;
use super::vmath::{exp_nonpos_ftz, Consts};
use crate::tensor::try_zeros;
use crate::Result;

/// Four floats at the start of `s` (`s.len() >= 4`; checked).
#[inline(always)]
fn ld(s: &[f32]) -> F4 {
    let s = &s[..4];
    // SAFETY: `s` holds 4 floats.
    unsafe { F4::load(s.as_ptr()) }
}

/// Stores `v` at the start of `s` (`s.len() >= 4`; checked).
#[inline(always)]
fn st(v: F4, s: &mut [f32]) {
    let s = &mut s[..4];
    // SAFETY: `s` holds 4 floats.
    unsafe { v.store(s.as_mut_ptr()) }
}

/// The first `len` lanes of `v` (the rest `fill`).
#[inline(always)]
fn partial(v: &[f32], fill: f32) -> F4 {
    let mut a = [fill; 4];
    a[..v.len()].copy_from_slice(v);
    ld(&a)
}

/// Softmax (or log-softmax) of the distributions of `x` laid out `(outer, n, inner)` into `y`
/// (same length, `outer * n * inner`, checked by the caller).
pub fn forward(
    x: &[f32],
    y: &mut [f32],
    (outer, n, inner): (usize, usize, usize),
    log: bool,
) -> Result<()> {
    if n == 0 || inner == 0 {
        return Ok(());
    }
    let k = Consts::opaque();
    if inner == 1 {
        for (xr, yr) in x.chunks_exact(n).zip(y.chunks_exact_mut(n)).take(outer) {
            if log {
                row::<true>(&k, xr, yr);
            } else {
                row::<false>(&k, xr, yr);
            }
        }
        return Ok(());
    }
    let full = inner / 4 * 4;
    let gather = if full < inner { n } else { 0 };
    let mut xs = try_zeros("a column of softmax", gather)?;
    let mut ys = try_zeros("a column of softmax", gather)?;
    for o in 0..outer {
        let xo = &x[o * n * inner..][..n * inner];
        let yo = &mut y[o * n * inner..][..n * inner];
        for c0 in (0..full).step_by(4) {
            columns(&k, xo, yo, (n, inner, c0), log);
        }
        for c in full..inner {
            for k in 0..n {
                xs[k] = xo[k * inner + c];
            }
            if log {
                row::<true>(&k, &xs, &mut ys);
            } else {
                row::<false>(&k, &xs, &mut ys);
            }
            for k in 0..n {
                yo[k * inner + c] = ys[k];
            }
        }
    }
    Ok(())
}

/// One contiguous distribution.
fn row<const LOG: bool>(k: &Consts, x: &[f32], y: &mut [f32]) {
    let log = LOG;
    let full = x.len() / 16 * 16;
    let (xb, xt) = x.split_at(full);
    // Pass 1: the max.
    let mut m4 = [F4::splat(f32::NEG_INFINITY); 4];
    for c in xb.chunks_exact(16) {
        for (k, m) in m4.iter_mut().enumerate() {
            // pmax keeps the accumulator when the new value is NaN
            *m = m.pmax(ld(&c[4 * k..]));
        }
    }
    let m = xt
        .iter()
        .fold(m4[0].pmax(m4[1]).pmax(m4[2].pmax(m4[3])).hmax(), |a, &b| {
            a.max(b)
        });
    let mv = F4::splat(m);
    // Pass 2: e = exp(x - m), summed (and stored for softmax).
    let mut s4 = [F4::splat(0.0); 4];
    let (yb, yt) = y.split_at_mut(full);
    // Both pointers pass through `black_box`: the compiler then cannot rule out that a store
    // changes x and keeps each step's four loads ahead of its stores (see `vmath::map`).
    let xp = core::hint::black_box(xb.as_ptr());
    let yp = core::hint::black_box(yb.as_mut_ptr());
    for i in 0..full / 16 {
        // four independent exps per step (written out: a rolled loop kept one in flight)
        // SAFETY: 16 * i + 16 <= full, the length of xb and yb.
        let v: [F4; 4] = core::array::from_fn(|j| unsafe { F4::load(xp.add(16 * i + 4 * j)) });
        let e0 = exp_nonpos_ftz(k, v[0] - mv);
        let e1 = exp_nonpos_ftz(k, v[1] - mv);
        let e2 = exp_nonpos_ftz(k, v[2] - mv);
        let e3 = exp_nonpos_ftz(k, v[3] - mv);
        s4 = [s4[0] + e0, s4[1] + e1, s4[2] + e2, s4[3] + e3];
        if !log {
            // SAFETY: as above.
            unsafe {
                let p = yp.add(16 * i);
                e0.store(p);
                e1.store(p.add(4));
                e2.store(p.add(8));
                e3.store(p.add(12));
            }
        }
    }
    let mut tail = 0.0f32;
    for (c, yc) in xt.chunks(4).zip(yt.chunks_mut(4)) {
        let e = exp_nonpos_ftz(k, partial(c, 0.0) - mv).to_array();
        for (k, &v) in e.iter().enumerate().take(c.len()) {
            tail += v;
            if !log {
                yc[k] = v;
            }
        }
    }
    let s = ((s4[0] + s4[1]) + (s4[2] + s4[3])).hsum() + tail;
    // Pass 3 over the output.
    if log {
        let ls = (s as f64).ln() as f32;
        let (mv, lv) = (F4::splat(m), F4::splat(ls));
        for (c, yc) in xb.chunks_exact(16).zip(yb.chunks_exact_mut(16)) {
            for q in 0..4 {
                st((ld(&c[4 * q..]) - mv) - lv, &mut yc[4 * q..]);
            }
        }
        for (o, &v) in yt.iter_mut().zip(xt) {
            *o = (v - m) - ls;
        }
    } else {
        let r = F4::splat(1.0 / s);
        for yc in yb.chunks_exact_mut(16) {
            for q in 0..4 {
                let v = ld(&yc[4 * q..]) * r;
                st(v, &mut yc[4 * q..]);
            }
        }
        for o in yt.iter_mut() {
            *o *= 1.0 / s;
        }
    }
}

/// Four neighbouring distributions (columns `c0..c0+4` of an `n x inner` block).
fn columns(k: &Consts, x: &[f32], y: &mut [f32], (n, inner, c0): (usize, usize, usize), log: bool) {
    let at = |i: usize| i * inner + c0;
    let mut m = F4::splat(f32::NEG_INFINITY);
    for i in 0..n {
        m = m.pmax(ld(&x[at(i)..]));
    }
    // Two accumulators (even and odd steps) halve the length of each running sum.
    let mut s = [F4::splat(0.0); 2];
    for i in 0..n {
        let e = exp_nonpos_ftz(k, ld(&x[at(i)..]) - m);
        s[i % 2] = s[i % 2] + e;
        if !log {
            st(e, &mut y[at(i)..]);
        }
    }
    let s = s[0] + s[1];
    if log {
        let ls = s.to_array().map(|v| (v as f64).ln() as f32);
        let lv = ld(&ls);
        for i in 0..n {
            st((ld(&x[at(i)..]) - m) - lv, &mut y[at(i)..]);
        }
    } else {
        let r = F4::splat(1.0) / s;
        for i in 0..n {
            let v = ld(&y[at(i)..]) * r;
            st(v, &mut y[at(i)..]);
        }
    }
}

/// A random problem for the fast-path tests (natively and in the browser): rank 1 to 4, the axis
/// anywhere, lengths around the vector blocks (1 to 40, one in five up to 1100 along the axis),
/// and the golden cases' four input regimes: normal, U(-1000, 1000), values from
/// {±1000, ±999.5, 0}, and randn + 1000. Returns `(shape, dim, x)`.
#[doc(hidden)]
pub fn random_case(rng: &mut crate::rng::Rng) -> (Vec<usize>, usize, Vec<f32>) {
    let rank = 1 + rng.below(4);
    let mut shape: Vec<usize> = (0..rank).map(|_| 1 + rng.below(12)).collect();
    let dim = rng.below(rank);
    shape[dim] = if rng.below(5) == 0 {
        1 + rng.below(1100)
    } else {
        1 + rng.below(40)
    };
    // keep the whole tensor small: halve the other axes in turn
    let mut k = 0;
    while shape.iter().product::<usize>() > 60_000 {
        if k != dim {
            shape[k] = (shape[k] / 2).max(1);
        }
        k = (k + 1) % rank;
    }
    let n: usize = shape.iter().product();
    let regime = rng.below(4);
    const SAT: [f32; 5] = [1000.0, -1000.0, 999.5, -999.5, 0.0];
    let x = (0..n)
        .map(|_| match regime {
            0 => rng.normal() as f32 * 3.0,
            1 => (rng.uniform() * 2000.0 - 1000.0) as f32,
            2 => SAT[rng.below(5)],
            _ => rng.normal() as f32 + 1000.0,
        })
        .collect();
    (shape, dim, x)
}

/// The worst error of the kernel against the f64 reference on one problem, as
/// `(relative error of softmax, mixed error |a-e|/(1+|e|) of log-softmax)`.
#[doc(hidden)]
pub fn worst_error(x: &[f32], shape: &[usize], dim: usize) -> (f64, f64) {
    use super::activation as a;
    let (p, pr) = (
        a::softmax(x, shape, dim).unwrap(),
        a::softmax_reference(x, shape, dim).unwrap(),
    );
    let (l, lr) = (
        a::log_softmax(x, shape, dim).unwrap(),
        a::log_softmax_reference(x, shape, dim).unwrap(),
    );
    let rel = p
        .iter()
        .zip(&pr)
        .map(|(&g, &e)| {
            let (g, e) = (g as f64, e as f64);
            // below 2^-100 a relative error means little (subnormal outputs)
            (g - e).abs() / e.abs().max(2f64.powi(-100))
        })
        .fold(0.0, f64::max);
    let mixed = l
        .iter()
        .zip(&lr)
        .map(|(&g, &e)| (g as f64 - e as f64).abs() / (1.0 + (e as f64).abs()))
        .fold(0.0, f64::max);
    (rel, mixed)
}
