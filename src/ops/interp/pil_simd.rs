//! Pillow's RGBa pipeline of `pil` on the portable integer lanes (`U8x16`, `I16x8`, `I32x4`, and
//! `F4` for the one division): premultiply, the horizontal and vertical 22-bit fixed-point passes
//! and the truncating unpremultiply, with the same integer arithmetic as the scalar twins, so the
//! output is identical byte for byte (tested natively and in the browser). Each returns how much it
//! wrote; the caller finishes the tail with the scalar loop.
//!
//! The passes accumulate in i32 where the scalar reference uses i64: Pillow's coefficients are
//! `trunc(0.5 + w 2^22)` of non-negative weights summing to 1, and a nonzero one is at most twice
//! its exact value, so they sum to at most 2^23 and `2^21 + 255 * 2^23 < 2^31` never wraps.

use super::pil::BITS;
use crate::ops::lanes::{I16x8, I32x4, U8x16, F4};

/// Byte 3 of every pixel (the alpha lanes of 4 RGBA pixels).
static ALPHA_LANES: [u8; 16] = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255];

fn alpha_lanes() -> U8x16 {
    // SAFETY: ALPHA_LANES holds 16 bytes.
    unsafe { U8x16::load(ALPHA_LANES.as_ptr()) }
}

/// RGBA -> RGBa (`muldiv255` of each colour by its alpha: `t = v a + 128; (t + (t >> 8)) >> 8`,
/// which stays below 2^16, so u16 lanes hold it), 4 pixels per step; a step whose 4 alphas are
/// all 255 is a copy. Writes `dst[..n]` (`n` a multiple of 16) and returns `n`.
pub fn premultiply(src: &[u8], dst: &mut [u8]) -> usize {
    let n = src.len().min(dst.len()) / 16 * 16;
    let (opaque, keep, half) = (U8x16::splat(255), alpha_lanes(), I16x8::splat(128));
    let mul = |x: I16x8, a: I16x8| {
        let t = x * a + half;
        (t + t.shr_u(8)).shr_u(8)
    };
    for k in (0..n).step_by(16) {
        // SAFETY: k + 16 <= n <= src.len(), dst.len().
        unsafe {
            let v = U8x16::load(src.as_ptr().add(k));
            let a = v.alpha_per_pixel();
            let out = if a.eq(opaque).all_true() {
                v
            } else {
                let r = U8x16::narrow(
                    mul(v.widen_low(), a.widen_low()),
                    mul(v.widen_high(), a.widen_high()),
                );
                U8x16::select(keep, v, r)
            };
            out.store(dst.as_mut_ptr().add(k));
        }
    }
    n
}

/// RGBa -> RGBA in place: `min(255, 255 c / a)` truncated, `c` kept where `a` is 0 or 255, 4
/// pixels per step. The quotient is taken in f32 (exact operands below 2^16; a quotient that is
/// not an integer is at least `1/a` away from one, far more than half an ulp, so truncating the
/// rounded quotient truncates the exact one); `a = 0` divides by 255 instead, which gives `c`.
/// Writes `row[..n]` (`n` a multiple of 16) and returns `n`.
pub fn unpremultiply(row: &mut [u8]) -> usize {
    let n = row.len() / 16 * 16;
    let (opaque, zero, keep) = (U8x16::splat(255), U8x16::splat(0), alpha_lanes());
    let k255 = F4::splat(255.0);
    let div = |c: I32x4, a: I32x4| (F4::from_i32(c) * k255 / F4::from_i32(a)).to_i32_sat();
    let quad = |c: I16x8, a: I16x8| {
        I16x8::narrow(
            div(c.widen_low(), a.widen_low()),
            div(c.widen_high(), a.widen_high()),
        )
    };
    for k in (0..n).step_by(16) {
        // SAFETY: k + 16 <= n <= row.len().
        unsafe {
            let p = row.as_mut_ptr().add(k);
            let v = U8x16::load(p);
            let a = v.alpha_per_pixel();
            if a.eq(opaque).all_true() {
                continue;
            }
            let a = U8x16::select(a.eq(zero), opaque, a);
            let r = U8x16::narrow(
                quad(v.widen_low(), a.widen_low()),
                quad(v.widen_high(), a.widen_high()),
            );
            U8x16::select(keep, v, r).store(p);
        }
    }
    n
}

/// Horizontal pass of one RGBa row (`w` pixels) into `out` (output pixels `0..`), 4 output pixels
/// per step: each is one I32x4 `2^21 + sum_t c_t px(s + t)` over its `min(taps, w - s)` taps,
/// `>> 22`, narrowed with saturation to u8. `starts`/`k` as `pil_axis` makes them. Writes output
/// pixels `0..m` (`m` a multiple of 4) and returns `m`.
pub fn hrow(srow: &[u8], taps: usize, starts: &[usize], k: &[i32], out: &mut [u8]) -> usize {
    let w = srow.len() / 4;
    let m = (out.len() / 16 * 4).min(starts.len());
    let bias = I32x4::splat(1 << (BITS - 1));
    let px = |j: usize| -> I32x4 {
        let s = starts[j];
        let n = taps.min(w - s);
        let p = &srow[s * 4..(s + n) * 4];
        let mut acc = bias;
        for (t, &c) in k[j * taps..][..n].iter().enumerate() {
            // SAFETY: t < n and p holds n pixels.
            let v = unsafe { U8x16::load4(p.as_ptr().add(4 * t)) };
            acc = acc + v.widen_low().widen_low() * I32x4::splat(c);
        }
        acc >> BITS
    };
    for j in (0..m).step_by(4) {
        let v = U8x16::narrow(
            I16x8::narrow(px(j), px(j + 1)),
            I16x8::narrow(px(j + 2), px(j + 3)),
        );
        // SAFETY: (j + 4) * 4 <= m * 4 <= out.len().
        unsafe { v.store(out.as_mut_ptr().add(j * 4)) };
    }
    m
}

/// Vertical pass of one output row: `rows` holds `c.len()` consecutive source rows of `stride`
/// bytes; byte `b` of `out` is `(2^21 + sum_t c_t rows[t][b]) >> 22` saturated to u8, 16 bytes
/// per step (the common 1- to 4-tap cases with their coefficients in registers). Writes
/// `out[..n]` (`n` a multiple of 16) and returns `n`.
pub fn vrow(rows: &[u8], stride: usize, c: &[i32], out: &mut [u8]) -> usize {
    let n = out.len().min(stride) / 16 * 16;
    assert!(rows.len() >= c.len() * stride);
    match *c {
        [c0] => vrow_n(rows, stride, [c0], n, out),
        [c0, c1] => vrow_n(rows, stride, [c0, c1], n, out),
        [c0, c1, c2] => vrow_n(rows, stride, [c0, c1, c2], n, out),
        [c0, c1, c2, c3] => vrow_n(rows, stride, [c0, c1, c2, c3], n, out),
        _ => {
            for b in (0..n).step_by(16) {
                let mut acc = [I32x4::splat(1 << (BITS - 1)); 4];
                for (t, &ct) in c.iter().enumerate() {
                    // SAFETY: t < c.len() and b + 16 <= n <= stride, so the 16 bytes are inside
                    // rows (asserted to hold c.len() rows).
                    let v = unsafe { U8x16::load(rows.as_ptr().add(t * stride + b)) };
                    add_products(&mut acc, v, I32x4::splat(ct));
                }
                // SAFETY: b + 16 <= n <= out.len().
                unsafe { narrow_store(acc, out.as_mut_ptr().add(b)) };
            }
        }
    }
    n
}

/// `acc[q] += widen(v)[q] * c`: the 16 bytes of `v` as four I32x4.
#[inline(always)]
fn add_products(acc: &mut [I32x4; 4], v: U8x16, c: I32x4) {
    let (l, h) = (v.widen_low(), v.widen_high());
    acc[0] = acc[0] + l.widen_low() * c;
    acc[1] = acc[1] + l.widen_high() * c;
    acc[2] = acc[2] + h.widen_low() * c;
    acc[3] = acc[3] + h.widen_high() * c;
}

/// `acc >> 22`, saturated to u8, 16 bytes stored at `p`.
///
/// # Safety
/// `p..p+16` must be writable.
#[inline(always)]
unsafe fn narrow_store(acc: [I32x4; 4], p: *mut u8) {
    let v = U8x16::narrow(
        I16x8::narrow(acc[0] >> BITS, acc[1] >> BITS),
        I16x8::narrow(acc[2] >> BITS, acc[3] >> BITS),
    );
    v.store(p)
}

#[inline(always)]
fn vrow_n<const N: usize>(rows: &[u8], stride: usize, c: [i32; N], n: usize, out: &mut [u8]) {
    let cv = c.map(I32x4::splat);
    let bias = I32x4::splat(1 << (BITS - 1));
    for b in (0..n).step_by(16) {
        let mut acc = [bias; 4];
        for (t, &c) in cv.iter().enumerate() {
            // SAFETY: t < N rows of `stride` bytes are in rows (asserted by the caller) and
            // b + 16 <= n <= stride.
            let v = unsafe { U8x16::load(rows.as_ptr().add(t * stride + b)) };
            add_products(&mut acc, v, c);
        }
        // SAFETY: b + 16 <= n <= out.len().
        unsafe { narrow_store(acc, out.as_mut_ptr().add(b)) };
    }
}
