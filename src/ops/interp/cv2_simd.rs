//! The OpenCV INTER_LINEAR row passes of `cv2` on the portable integer lanes (`U8x16`, `I16x8`,
//! `I32x4`): the same integer arithmetic as the scalar twins, so the output is identical byte for
//! byte (tested natively and in the browser). Each returns how much it wrote; the caller finishes
//! the tail with the scalar loop.

use crate::ops::lanes::{I16x8, U8x16};

/// Horizontal pass, two output pixels per step: gather the 4 source pixels (left and right tap of
/// each output), zip them so each i16 pair is (left, right) of one channel, and the pairwise dot
/// with `(c0, c1)` does both products and their sum per channel; `>> 4` and narrow to i16.
/// `off0/off1` are byte offsets of the taps, `coef` the per-output weights; writes output pixels
/// `0..n` (4 i16 each, `n` even) and returns `n`.
pub fn hrow(srow: &[u8], off0: &[u32], off1: &[u32], coef: &[I16x8], out: &mut [i16]) -> usize {
    let n = out.len() / 4 / 2 * 2;
    let (off0, off1, coef) = (&off0[..n], &off1[..n], &coef[..n]);
    assert!(off0
        .iter()
        .chain(off1)
        .all(|&o| o as usize + 4 <= srow.len()));
    let sp = srow.as_ptr();
    for p in 0..n / 2 {
        let j = 2 * p;
        let o = [off0[j], off1[j], off0[j + 1], off1[j + 1]].map(|o| o as usize);
        // SAFETY: every offset + 4 <= srow.len() (asserted above); j + 1 < n, and out holds 8
        // i16 at j * 4 since n * 4 <= out.len().
        unsafe {
            let v = U8x16::gather4(sp, o).zip_pixel_pairs();
            let ra = v.widen_low().dot(coef[j]) >> 4;
            let rb = v.widen_high().dot(coef[j + 1]) >> 4;
            I16x8::narrow(ra, rb).store(out.as_mut_ptr().add(j * 4));
        }
    }
    n
}

/// Vertical pass, 16 output bytes per step: `((b0 x0) >> 16) + ((b1 x1) >> 16) + 2) >> 2` with
/// the high half of exact products (the products are >= 0 and < 2^27, so nothing wraps), then a
/// saturating narrow to u8. Writes `dst[..n]` (`n` a multiple of 16) and returns `n`.
pub fn vrow(r0: &[i16], r1: &[i16], b0: i32, b1: i32, dst: &mut [u8]) -> usize {
    let n = dst.len().min(r0.len()).min(r1.len()) / 16 * 16;
    let (r0, r1) = (&r0[..n], &r1[..n]);
    let (bv0, bv1) = (I16x8::splat(b0 as i16), I16x8::splat(b1 as i16));
    let two = I16x8::splat(2);
    let blend8 = |k: usize| -> I16x8 {
        // SAFETY: k + 8 <= n (the loop below passes k = 16q and 16q + 8 with 16q + 16 <= n).
        let (x0, x1) = unsafe {
            (
                I16x8::load(r0.as_ptr().add(k)),
                I16x8::load(r1.as_ptr().add(k)),
            )
        };
        (x0.mul_hi(bv0) + x1.mul_hi(bv1) + two) >> 2
    };
    for q in 0..n / 16 {
        let k = 16 * q;
        let v = U8x16::narrow(blend8(k), blend8(k + 8));
        // SAFETY: k + 16 <= n <= dst.len().
        unsafe { v.store(dst.as_mut_ptr().add(k)) };
    }
    n
}
