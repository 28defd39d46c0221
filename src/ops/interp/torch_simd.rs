//! The two-tap (bilinear) float passes of `torch` on the portable `F4` lanes: four outputs per
//! step, tails left to the caller's scalar loop. Same products and sums in the same order as the
//! scalar twins, so the results are identical (tested natively and in the browser).

use crate::ops::lanes::F4;

/// Horizontal pass, four outputs per step: two 64-bit loads fetch each output's pair
/// `(x[s], x[s+1])`, one multiply by the interleaved weights `[w0, w1]` per output, then the sum
/// of adjacent lanes. Writes `out[..n]` for the largest multiple of 4 `n <= out.len()` and
/// returns `n`.
pub fn h2(row: &[f32], starts: &[usize], wts: &[f32], out: &mut [f32]) -> usize {
    let n = out.len() / 4 * 4;
    let (starts, wts) = (&starts[..n], &wts[..2 * n]);
    assert!(starts.iter().all(|&s| s + 1 < row.len()));
    let p = row.as_ptr();
    for ((o, s), w) in out
        .chunks_exact_mut(4)
        .zip(starts.chunks_exact(4))
        .zip(wts.chunks_exact(8))
    {
        // SAFETY: every s + 1 < row.len() (asserted above); w holds 8 floats and o 4.
        unsafe {
            let a = F4::load_pairs(p.add(s[0]), p.add(s[1]));
            let b = F4::load_pairs(p.add(s[2]), p.add(s[3]));
            let pa = a * F4::load(w.as_ptr());
            let pb = b * F4::load(w.as_ptr().add(4));
            F4::add_pairs(pa, pb).store(o.as_mut_ptr());
        }
    }
    n
}

/// `out = w0 * r0 + w1 * r1` on the largest multiple of 4 of `out.len()`; returns that count.
pub fn blend2(r0: &[f32], r1: &[f32], w0: f32, w1: f32, out: &mut [f32]) -> usize {
    let n = out.len() / 4 * 4;
    let (a, b) = (F4::splat(w0), F4::splat(w1));
    for ((o, x), y) in out[..n]
        .chunks_exact_mut(4)
        .zip(r0[..n].chunks_exact(4))
        .zip(r1[..n].chunks_exact(4))
    {
        // SAFETY: each chunk has exactly 4 floats.
        unsafe {
            let v = (a * F4::load(x.as_ptr())).mul_add(b, F4::load(y.as_ptr()));
            v.store(o.as_mut_ptr());
        }
    }
    n
}
