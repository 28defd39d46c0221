//! The scalar reference conv2d and its input gradient, on a checked `Geom` (`x [N,C,H,W]`,
//! `w [O,C/G,kH,kW]`, `y [N,O,OH,OW]`): one multiply-add per tap, row by row
//! (`y[j] += w * x[j*s + off]`, auto-vectorized for stride 1). Every fast path (`simd`, `window`)
//! is tested against `forward`. Both directions walk the same taps (`taps`): the forward gathers
//! `x` rows into `y`, the backward scatters `dL/dy` rows back into `dL/dx`.

use std::ops::Range;

use super::params::Geom;

/// One kernel tap `(u, v)` between an output plane and an input plane, with the output rows and
/// columns whose input position `(i*sh + roff, j*sw + coff)` lies inside the (unpadded) input.
struct Tap {
    /// Offset of the output plane `(n, o)` in `y`.
    y0: usize,
    /// Offset of the input plane `(n, c)` in `x`.
    x0: usize,
    /// Index of the weight in `w`.
    wi: usize,
    rows: Range<usize>,
    cols: Range<usize>,
    roff: isize,
    coff: isize,
}

/// Range of output columns `j` whose input column `j*s + off` lies in `[0, w)`, capped at `ow`.
#[inline]
fn valid_range(off: isize, s: usize, w: usize, ow: usize) -> Range<usize> {
    let s = s as isize;
    let lo = if off >= 0 { 0 } else { ((-off) + s - 1) / s };
    let hi_excl = if (w as isize) > off {
        ((w as isize) - off + s - 1) / s
    } else {
        0
    };
    let lo = (lo as usize).min(ow);
    let hi = (hi_excl.max(0) as usize).min(ow);
    lo..hi.max(lo)
}

/// Calls `f` for every tap with a non-empty column range, in summation order: sample, output
/// channel, input channel of its group, kernel row, kernel column.
#[inline]
fn taps(g: &Geom, mut f: impl FnMut(&Tap)) {
    let [n, c, h, wd] = g.xs;
    let [o, cg, kh, kw] = g.ws;
    let [_, _, oh, ow] = g.ys;
    let og = o / g.p.groups;
    let [sh, sw] = g.p.stride;
    let [ph, pw] = g.p.padding;
    let [dh, dw] = g.p.dilation;
    for ni in 0..n {
        for oi in 0..o {
            for ci in 0..cg {
                let cin = oi / og * cg + ci;
                for u in 0..kh {
                    let roff = (u * dh) as isize - ph as isize;
                    let rows = valid_range(roff, sh, h, oh);
                    for v in 0..kw {
                        let coff = (v * dw) as isize - pw as isize;
                        let cols = valid_range(coff, sw, wd, ow);
                        if cols.is_empty() {
                            continue;
                        }
                        f(&Tap {
                            y0: (ni * o + oi) * oh * ow,
                            x0: (ni * c + cin) * h * wd,
                            wi: ((oi * cg + ci) * kh + u) * kw + v,
                            rows: rows.clone(),
                            cols,
                            roff,
                            coff,
                        });
                    }
                }
            }
        }
    }
}

/// `y = conv2d(x, w) + bias` (lengths as `g` says: `conv/mod.rs` checked them).
pub fn forward(g: &Geom, x: &[f32], w: &[f32], bias: Option<&[f32]>, y: &mut [f32]) {
    let [_, _, _, wd] = g.xs;
    let [_, o, oh, ow] = g.ys;
    let [sh, sw] = g.p.stride;
    for (k, plane) in y.chunks_exact_mut(oh * ow).enumerate() {
        plane.fill(bias.map_or(0.0, |b| b[k % o]));
    }
    taps(g, |t| {
        let wv = w[t.wi];
        let start = (t.cols.start * sw) as isize + t.coff;
        for i in t.rows.clone() {
            let ir = ((i * sh) as isize + t.roff) as usize;
            let xrow = &x[t.x0 + ir * wd..][..wd];
            let yrow = &mut y[t.y0 + i * ow..][..ow];
            axpy_strided(&mut yrow[t.cols.clone()], wv, xrow, start, sw);
        }
    });
}

/// `y[j] += a * x[start + j*s]` for every j of `y`.
#[inline]
fn axpy_strided(y: &mut [f32], a: f32, x: &[f32], start: isize, s: usize) {
    let start = start as usize;
    if s == 1 {
        let xs = &x[start..start + y.len()];
        for (yv, &xv) in y.iter_mut().zip(xs) {
            *yv += a * xv;
        }
    } else {
        for (j, yv) in y.iter_mut().enumerate() {
            *yv += a * x[start + j * s];
        }
    }
}

/// `dL/dx` (shape `g.xs`) from `dL/dy` (`gy`, shape `g.ys`): the transposed convolution of `gy`
/// with the same weights.
pub fn backward_input(g: &Geom, gy: &[f32], w: &[f32], gx: &mut [f32]) {
    let [_, _, _, wd] = g.xs;
    let [_, _, _, ow] = g.ys;
    let [sh, sw] = g.p.stride;
    taps(g, |t| {
        let wv = w[t.wi];
        for i in t.rows.clone() {
            let ir = ((i * sh) as isize + t.roff) as usize;
            let grow = &gy[t.y0 + i * ow..][..ow];
            let xrow = &mut gx[t.x0 + ir * wd..][..wd];
            for j in t.cols.clone() {
                xrow[((j * sw) as isize + t.coff) as usize] += wv * grow[j];
            }
        }
    });
}
