//! OpenCV `cv2.resize(..., INTER_LINEAR)` on RGBA u8, bit for bit: half-pixel centres, 11-bit
//! fixed-point weights, the horizontal pass kept as `(row at 2^11) >> 4` in i16, the vertical one
//! `((b0 r0) >> 16) + ((b1 r1) >> 16) + 2) >> 2` (the pipeline is documented in
//! shared/golden/README.md). Streaming over output rows with a two-row ring; the row passes have
//! a lane twin in `cv2_simd`.

use super::cv2_simd;
use super::types::{Path, Rgba, RgbaMut};
use crate::ops::lanes::I16x8;

/// OpenCV's fixed-point coordinates for one axis: `(s0, s1, c0, c1)` per output, weights at 2^11.
pub fn cv2_axis(in_len: usize, out_len: usize, clamp_frac: bool) -> Vec<(usize, usize, i32, i32)> {
    let scale = 1.0 / (out_len as f64 / in_len as f64);
    (0..out_len)
        .map(|d| {
            let f = ((d as f64 + 0.5) * scale - 0.5) as f32;
            let mut s = f.floor() as i64;
            let mut fr = f - s as f32;
            if clamp_frac {
                if s < 0 {
                    s = 0;
                    fr = 0.0;
                }
                if s >= in_len as i64 - 1 {
                    s = in_len as i64 - 1;
                    fr = 0.0;
                }
            }
            let last = in_len as i64 - 1;
            let s0 = s.clamp(0, last) as usize;
            let s1 = (s + 1).clamp(0, last) as usize;
            let c1 = (fr * 2048.0).round_ties_even() as i32;
            let c0 = ((1.0 - fr) * 2048.0).round_ties_even() as i32;
            (s0, s1, c0, c1)
        })
        .collect()
}

/// Horizontal taps of OpenCV's INTER_LINEAR, as byte offsets and 11-bit weights.
struct Taps {
    off0: Vec<u32>,
    off1: Vec<u32>,
    c0: Vec<i16>,
    c1: Vec<i16>,
    /// `(c0, c1)` repeated four times per output pixel, for the lanes' pairwise dot.
    coef: Vec<I16x8>,
}

fn taps(w: usize, ow: usize) -> Taps {
    let xa = cv2_axis(w, ow, true);
    Taps {
        off0: xa.iter().map(|t| (t.0 * 4) as u32).collect(),
        off1: xa.iter().map(|t| (t.1 * 4) as u32).collect(),
        c0: xa.iter().map(|t| t.2 as i16).collect(),
        c1: xa.iter().map(|t| t.3 as i16).collect(),
        coef: xa
            .iter()
            .map(|t| {
                let (a, b) = (t.2 as i16, t.3 as i16);
                I16x8::new([a, b, a, b, a, b, a, b])
            })
            .collect(),
    }
}

/// One source row through the horizontal pass (`out` holds output pixels `first..` as 4 i16
/// each).
fn hrow_scalar(srow: &[u8], t: &Taps, first: usize, out: &mut [i16]) {
    for (o, j) in out.chunks_exact_mut(4).zip(first..) {
        let (a, b) = (t.off0[j] as usize, t.off1[j] as usize);
        let (c0, c1) = (t.c0[j] as i32, t.c1[j] as i32);
        for ch in 0..4 {
            o[ch] = ((srow[a + ch] as i32 * c0 + srow[b + ch] as i32 * c1) >> 4) as i16;
        }
    }
}

/// Blends two horizontal rows: `((b0 r0) >> 16) + ((b1 r1) >> 16) + 2) >> 2`, saturated to u8.
fn vrow_scalar(r0: &[i16], r1: &[i16], b0: i32, b1: i32, dst: &mut [u8]) {
    for ((d, &x0), &x1) in dst.iter_mut().zip(r0).zip(r1) {
        let v = (((b0 * x0 as i32) >> 16) + ((b1 * x1 as i32) >> 16) + 2) >> 2;
        *d = v.clamp(0, 255) as u8;
    }
}

/// The resize, streaming: output rows are produced in order and each source row goes through the
/// horizontal pass at most once, into a two-row ring, so the working set stays in cache even for
/// 40-megapixel outputs. Sizes are checked by the caller.
pub fn linear(src: Rgba, dst: RgbaMut, path: Path) {
    let (ow, oh) = (dst.w, dst.h);
    let t = taps(src.w, ow);
    let ya = cv2_axis(src.h, oh, false);
    let mut ring: [(usize, Vec<i16>); 2] =
        [(usize::MAX, vec![0; ow * 4]), (usize::MAX, vec![0; ow * 4])];
    let hrow = |y: usize, out: &mut [i16]| {
        let srow = src.row(y);
        let done = match path {
            Path::Simd => cv2_simd::hrow(srow, &t.off0, &t.off1, &t.coef, out),
            Path::Scalar => 0,
        };
        hrow_scalar(srow, &t, done, &mut out[done * 4..]);
    };
    for (i, &(r0, r1, b0, b1)) in ya.iter().enumerate() {
        for r in [r0, r1] {
            if ring[0].0 != r && ring[1].0 != r {
                // Evict the slot that does not hold the other row this output needs.
                let other = if r == r0 { r1 } else { r0 };
                let slot = if ring[0].0 == other { 1 } else { 0 };
                hrow(r, &mut ring[slot].1);
                ring[slot].0 = r;
            }
        }
        let row = |r: usize| {
            if ring[0].0 == r {
                &ring[0].1
            } else {
                &ring[1].1
            }
        };
        let (x0, x1) = (row(r0), row(r1));
        let drow = &mut dst.data[i * ow * 4..][..ow * 4];
        let done = match path {
            Path::Simd => cv2_simd::vrow(x0, x1, b0, b1, drow),
            Path::Scalar => 0,
        };
        vrow_scalar(&x0[done..], &x1[done..], b0, b1, &mut drow[done..]);
    }
}
