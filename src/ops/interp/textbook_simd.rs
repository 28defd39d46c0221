//! The row passes of `textbook` on the portable lanes (`F4` with the u8 <-> f32 conversions of
//! `U8x16`, `I16x8`, `I32x4`): the same f32 operations in the same order as the scalar twins (a
//! multiply then an add, never a fused one), so the output is identical byte for byte (tested
//! natively and in the browser). Each returns how much it wrote; the caller finishes the tail
//! with the scalar loop.

use crate::ops::lanes::{I16x8, U8x16, F4};

/// The 4 bytes at `p` (one RGBA pixel) as 4 floats.
///
/// # Safety
/// `p..p+4` must be readable.
#[inline(always)]
unsafe fn pixel(p: *const u8) -> F4 {
    F4::from_i32(U8x16::load4(p).widen_low().widen_low())
}

/// Horizontal pass of one row (`w` pixels) for a filter of `N` (1 or 2) taps per output, one
/// output pixel (4 floats) per step: `w0 a + w1 b` for two taps, `0 + w0 a` for one, as the
/// scalar loop computes them. `starts[j] + N <= w` for every output. Writes every output pixel of
/// `out` (`out.len() / 4` of them) and returns that count.
pub fn hrow<const N: usize>(
    srow: &[u8],
    starts: &[usize],
    weights: &[f32],
    out: &mut [f32],
) -> usize {
    let m = out.len() / 4;
    assert!((N == 1 || N == 2) && starts.len() >= m && weights.len() >= m * N);
    assert!(starts[..m].iter().all(|&s| (s + N) * 4 <= srow.len()));
    let sp = srow.as_ptr();
    for j in 0..m {
        let p = starts[j] * 4;
        let wj = &weights[j * N..][..N];
        // SAFETY: (starts[j] + N) * 4 <= srow.len() (asserted above), and out holds 4 floats
        // at 4 j since j < m.
        unsafe {
            let a = F4::splat(wj[0]) * pixel(sp.add(p));
            let v = if N == 2 {
                a + F4::splat(wj[1]) * pixel(sp.add(p + 4))
            } else {
                F4::splat(0.0) + a
            };
            v.store(out.as_mut_ptr().add(4 * j));
        }
    }
    m
}

/// Vertical pass of one output row from `N` (1 or 2) horizontal rows, 16 bytes per step:
/// `round_u8(w0 x0 + w1 x1)` (or `0 + w0 x0`), where rounding is `floor(v + 0.5)` then a
/// truncating, saturating conversion and two saturating narrows (the scalar `clamp(0, 255) as
/// u8`, NaN to 0 alike). Writes `dst[..n]` (`n` a multiple of 16) and returns `n`.
pub fn vrow<const N: usize>(rows: [&[f32]; N], w: [f32; N], dst: &mut [u8]) -> usize {
    assert!(N == 1 || N == 2);
    let n = rows.iter().fold(dst.len(), |n, r| n.min(r.len())) / 16 * 16;
    let wv = w.map(F4::splat);
    let half = F4::splat(0.5);
    let blend4 = |k: usize| {
        // SAFETY: k + 4 <= n <= every row's length (the loop below passes k < n, k % 4 == 0).
        let x = |t: usize| unsafe { F4::load(rows[t].as_ptr().add(k)) };
        let v = if N == 2 {
            wv[0] * x(0) + wv[1] * x(1)
        } else {
            F4::splat(0.0) + wv[0] * x(0)
        };
        (v + half).floor().to_i32_sat()
    };
    for k in (0..n).step_by(16) {
        let v = U8x16::narrow(
            I16x8::narrow(blend4(k), blend4(k + 4)),
            I16x8::narrow(blend4(k + 8), blend4(k + 12)),
        );
        // SAFETY: k + 16 <= n <= dst.len().
        unsafe { v.store(dst.as_mut_ptr().add(k)) };
    }
    n
}
