//! Pillow's RGBa pipeline of `pil` on the portable integer lanes (`U8x16`, `I16x8`, `I32x4`, and
//! `F4` for the unpremultiply's quotients): premultiply, the horizontal and vertical 22-bit fixed-point passes
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

/// `1/a` in f32 for `a` in 1..=254, and `1/255` for 0 and 255 (which then give `c` back).
static RECIP: [f32; 256] = {
    let mut t = [0.0f32; 256];
    let mut a = 0;
    while a < 256 {
        t[a] = 1.0 / (if a == 0 { 255 } else { a }) as f32;
        a += 1;
    }
    t
};

/// RGBa -> RGBA in place: `min(255, 255 c / a)` truncated, `c` kept where `a` is 0 or 255, 4
/// pixels per step; a step whose 4 alphas are all 255 is left as it is.
///
/// Exact in f32 without a division: `q = (255 c + 0.5) * RECIP[a]` (operands exact below 2^17,
/// two roundings: relative error below 2^-23, so below `0.008 / a` absolute) is that close to
/// the exact `(255 c + 0.5) / a`, whose fraction lies in `[0.5 / a, 1 - 0.5 / a]`; so `q - 0.5`
/// is within `0.49 / a` of `floor(255 c / a)`, and adding `1.5 * 2^23` (where the ulp is 1)
/// rounds it to that integer, read back from the bits. `a = 0` uses `1/255` and gives `c`; the
/// saturating narrows do the `min(255)`. Every `(c, a)` pair is tested.
/// Writes `row[..n]` (`n` a multiple of 16) and returns `n`.
pub fn unpremultiply(row: &mut [u8]) -> usize {
    let n = row.len() / 16 * 16;
    let (opaque, keep) = (U8x16::splat(255), alpha_lanes());
    let (k255, half) = (F4::splat(255.0), F4::splat(0.5));
    let magic = F4::splat(12_582_912.0);
    let magic_bits = magic.to_bits();
    let quo = |c: I32x4, r: F4| {
        let q = (F4::from_i32(c) * k255 + half) * r;
        ((q - half) + magic).to_bits() - magic_bits
    };
    for k in (0..n).step_by(16) {
        // SAFETY: k + 16 <= n <= row.len().
        unsafe {
            let p = row.as_mut_ptr().add(k);
            let v = U8x16::load(p);
            if v.alpha_per_pixel().eq(opaque).all_true() {
                continue;
            }
            // The 4 reciprocals, each over its pixel's 4 lanes.
            let r = |px: usize| F4::load_splat(&RECIP[*p.add(4 * px + 3) as usize]);
            let (lo, hi) = (v.widen_low(), v.widen_high());
            let out = U8x16::narrow(
                I16x8::narrow(quo(lo.widen_low(), r(0)), quo(lo.widen_high(), r(1))),
                I16x8::narrow(quo(hi.widen_low(), r(2)), quo(hi.widen_high(), r(3))),
            );
            U8x16::select(keep, v, out).store(p);
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
