//! Pillow `Image.resize(..., BILINEAR)` on RGBA u8, bit for bit: premultiplied alpha (MULDIV255
//! rounding), a triangle filter widened by the scale when shrinking (antialiased), 22-bit fixed
//! point, uint8 between the passes (vertical first when it shrinks much more, as Pillow 13 does),
//! truncating unpremultiply. `pixel` computes one output pixel the same way for the inspector.

use super::pil_simd;
use super::types::{Path, Rgba, RgbaMut};

/// Fixed-point bits of Pillow's coefficients.
pub const BITS: u32 = 22;

/// Pillow's fixed-point coefficients for one axis: `(taps, starts, coefficients)`, output `i`
/// reading `coefficients[i*taps..][..taps]` from `starts[i]` (fewer near the far edge).
pub fn pil_axis(in_len: usize, out_len: usize) -> (usize, Vec<usize>, Vec<i32>) {
    let scale = in_len as f64 / out_len as f64;
    let fs = scale.max(1.0);
    let mut per: Vec<(usize, Vec<f64>)> = Vec::with_capacity(out_len);
    for i in 0..out_len {
        let center = (i as f64 + 0.5) * scale;
        let xmin = ((center - fs + 0.5).trunc() as i64).max(0) as usize;
        let xmax = ((center + fs + 0.5).trunc() as i64)
            .min(in_len as i64)
            .max(xmin as i64) as usize;
        let mut ws: Vec<f64> = (xmin..xmax)
            .map(|j| (1.0 - ((j as f64 - center + 0.5) / fs).abs()).max(0.0))
            .collect();
        let s: f64 = ws.iter().sum();
        if s != 0.0 {
            ws.iter_mut().for_each(|v| *v /= s);
        }
        per.push((xmin, ws));
    }
    let taps = per.iter().map(|p| p.1.len()).max().unwrap_or(1).max(1);
    let mut starts = Vec::with_capacity(out_len);
    let mut k = vec![0i32; out_len * taps];
    for (i, (s, ws)) in per.iter().enumerate() {
        starts.push(*s);
        for (t, &wv) in ws.iter().enumerate() {
            k[i * taps + t] = (0.5 + wv * (1u64 << BITS) as f64).trunc() as i32;
        }
    }
    (taps, starts, k)
}

/// Taps `(index, coefficient)` of output `i` of an axis `n -> o`, or the identity at `2^BITS`
/// when the axis keeps its size (Pillow then skips that pass).
pub fn taps_at(n: usize, o: usize, i: usize) -> Vec<(usize, i64)> {
    if n == o {
        return vec![(i, 1 << BITS)];
    }
    let (t, starts, k) = pil_axis(n, o);
    (0..t.min(n - starts[i]))
        .map(|q| (starts[i] + q, k[i * t + q] as i64))
        .collect()
}

/// Pillow's MULDIV255: `v * a / 255` rounded.
fn muldiv255(v: u8, a: u32) -> u8 {
    let t = v as u32 * a + 128;
    ((t + (t >> 8)) >> 8) as u8
}

/// RGBA -> RGBa.
pub fn premultiply(p: [u8; 4]) -> [u8; 4] {
    let a = p[3] as u32;
    [
        muldiv255(p[0], a),
        muldiv255(p[1], a),
        muldiv255(p[2], a),
        p[3],
    ]
}

/// RGBa -> RGBA with truncating division, one pixel (`s` and `d` hold 4 bytes).
fn unpremultiply(s: &[u8], d: &mut [u8]) {
    let a = s[3] as u32;
    d[3] = s[3];
    for c in 0..3 {
        d[c] = if a == 0 || a == 255 {
            s[c]
        } else {
            (255 * s[c] as u32 / a).min(255) as u8
        };
    }
}

/// Whether Pillow runs the vertical pass first for `w x h -> ow x oh`.
fn vertical_first(w: usize, h: usize, ow: usize, oh: usize) -> bool {
    let (dh, dw) = (h as i64 - oh as i64, w as i64 - ow as i64);
    dh > 0 && dh > 2 * dw
}

/// Horizontal pass of one row from output pixel `first` on (`out` holds pixels `first..`).
fn hrow_scalar(
    srow: &[u8],
    taps: usize,
    starts: &[usize],
    k: &[i32],
    first: usize,
    out: &mut [u8],
) {
    let w = srow.len() / 4;
    for (o, j) in out.chunks_exact_mut(4).zip(first..) {
        let s = starts[j];
        let n = taps.min(w - s);
        let kk = &k[j * taps..][..n];
        for ch in 0..4 {
            let mut acc: i64 = 1 << (BITS - 1);
            for (t, &c) in kk.iter().enumerate() {
                acc += c as i64 * srow[(s + t) * 4 + ch] as i64;
            }
            o[ch] = (acc >> BITS).clamp(0, 255) as u8;
        }
    }
}

/// Vertical pass of one output row from byte `first` on: `rows` holds `c.len()` source rows of
/// `stride` bytes, `out` the bytes `first..` of the output row.
fn vrow_scalar(rows: &[u8], stride: usize, c: &[i32], first: usize, out: &mut [u8]) {
    for (d, b) in out.iter_mut().zip(first..) {
        let mut acc: i64 = 1 << (BITS - 1);
        for (t, &ct) in c.iter().enumerate() {
            acc += ct as i64 * rows[t * stride + b] as i64;
        }
        *d = (acc >> BITS).clamp(0, 255) as u8;
    }
}

/// RGBa -> RGBA of a row in place, from byte `first` on (a multiple of 4).
fn unpremultiply_row(row: &mut [u8], path: Path) {
    let first = match path {
        Path::Simd => pil_simd::unpremultiply(row),
        Path::Scalar => 0,
    };
    for px in row[first..].chunks_exact_mut(4) {
        let s = [px[0], px[1], px[2], px[3]];
        unpremultiply(&s, px);
    }
}

/// `[h, w, 4] -> [h, ow, 4]` into `out`; `finish`: unpremultiply each row once written (the
/// last pass, while the row is in cache).
fn pass_h(src: &[u8], [w, h]: [usize; 2], ow: usize, out: &mut [u8], finish: bool, path: Path) {
    let (taps, starts, k) = pil_axis(w, ow);
    for y in 0..h {
        let srow = &src[y * w * 4..][..w * 4];
        let drow = &mut out[y * ow * 4..][..ow * 4];
        let done = match path {
            Path::Simd => pil_simd::hrow(srow, taps, &starts, &k, drow),
            Path::Scalar => 0,
        };
        hrow_scalar(srow, taps, &starts, &k, done, &mut drow[done * 4..]);
        if finish {
            unpremultiply_row(drow, path);
        }
    }
}

/// `[h, w, 4] -> [oh, w, 4]` into `out`; `finish` as in `pass_h`.
fn pass_v(src: &[u8], [w, h]: [usize; 2], oh: usize, out: &mut [u8], finish: bool, path: Path) {
    let (taps, starts, k) = pil_axis(h, oh);
    let stride = w * 4;
    for i in 0..oh {
        let s = starts[i];
        let n = taps.min(h - s);
        let c = &k[i * taps..][..n];
        let rows = &src[s * stride..(s + n) * stride];
        let drow = &mut out[i * stride..][..stride];
        let done = match path {
            Path::Simd => pil_simd::vrow(rows, stride, c, drow),
            Path::Scalar => 0,
        };
        vrow_scalar(rows, stride, c, done, &mut drow[done..]);
        if finish {
            unpremultiply_row(drow, path);
        }
    }
}

/// One output pixel `(ox, oy)` of `bilinear` to `ow x oh`, computing only the intermediate values
/// it reads (same premultiply, pass order, uint8 rounding between passes and unpremultiply).
pub fn pixel(src: Rgba, ow: usize, oh: usize, ox: usize, oy: usize) -> [u8; 4] {
    let (w, h) = (src.w, src.h);
    if ow == w && oh == h {
        return src.px(ox, oy);
    }
    let pm = |x: usize, y: usize| premultiply(src.px(x, y));
    let pass = |taps: &[(usize, i64)], v: &dyn Fn(usize) -> [u8; 4]| -> [u8; 4] {
        let mut out = [0u8; 4];
        for (ch, o) in out.iter_mut().enumerate() {
            let acc = taps
                .iter()
                .fold(1i64 << (BITS - 1), |a, &(i, k)| a + k * v(i)[ch] as i64);
            *o = (acc >> BITS).clamp(0, 255) as u8;
        }
        out
    };
    let (xs, ys) = (taps_at(w, ow, ox), taps_at(h, oh, oy));
    let p = if vertical_first(w, h, ow, oh) {
        let col = |x: usize| {
            if oh == h {
                pm(x, oy)
            } else {
                pass(&ys, &|y| pm(x, y))
            }
        };
        if ow == w {
            col(ox)
        } else {
            pass(&xs, &col)
        }
    } else {
        let row = |y: usize| {
            if ow == w {
                pm(ox, y)
            } else {
                pass(&xs, &|x| pm(x, y))
            }
        };
        if oh == h {
            row(oy)
        } else {
            pass(&ys, &row)
        }
    };
    let mut d = [0u8; 4];
    unpremultiply(&p, &mut d);
    d
}

/// The whole resize on a chosen code path; sizes are checked by the caller. Buffers: the
/// premultiplied source and, when both axes change, the image between the passes; the last pass
/// writes into `dst` and unpremultiplies each row as it goes.
pub fn bilinear(src: Rgba, dst: RgbaMut, path: Path) {
    let (w, h, ow, oh) = (src.w, src.h, dst.w, dst.h);
    if ow == w && oh == h {
        dst.data.copy_from_slice(src.data);
        return;
    }
    // 1. RGBA -> RGBa.
    let mut pm = vec![0u8; src.data.len()];
    let done = match path {
        Path::Simd => pil_simd::premultiply(src.data, &mut pm),
        Path::Scalar => 0,
    };
    for (d, s) in pm[done..]
        .chunks_exact_mut(4)
        .zip(src.data[done..].chunks_exact(4))
    {
        d.copy_from_slice(&premultiply([s[0], s[1], s[2], s[3]]));
    }
    // 2-5. One or two passes (Pillow 13 runs the vertical one first when it shrinks much more),
    // the last into `dst`, then RGBa -> RGBA.
    let out = dst.data;
    match (ow != w, oh != h) {
        (true, false) => pass_h(&pm, [w, h], ow, out, true, path),
        (false, true) => pass_v(&pm, [w, h], oh, out, true, path),
        _ if vertical_first(w, h, ow, oh) => {
            let mut mid = vec![0u8; oh * w * 4];
            pass_v(&pm, [w, h], oh, &mut mid, false, path);
            pass_h(&mid, [w, oh], ow, out, true, path);
        }
        _ => {
            let mut mid = vec![0u8; h * ow * 4];
            pass_h(&pm, [w, h], ow, &mut mid, false, path);
            pass_v(&mid, [ow, h], oh, out, true, path);
        }
    }
}
