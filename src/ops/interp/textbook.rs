//! The textbook bilinear formula on RGBA u8 in f32, with torch's coordinate convention
//! (half-pixel centres, or `align_corners=True`): rows first, `f(x, y_k) = sum_t wx_t f(x_t, y_k)`,
//! then the column, rounded half up. `terms` is the formula for one pixel (what the inspector
//! writes out); `bilinear` runs the same arithmetic row by row.

use super::textbook_simd;
use super::torch::{axis_filter, Kernel};
use super::types::{AxisFilter, Path, Rgba, RgbaMut};

/// The horizontal and vertical filters for `w x h -> ow x oh` (all sides >= 1).
pub fn filters(
    w: usize,
    h: usize,
    ow: usize,
    oh: usize,
    align_corners: bool,
) -> (AxisFilter, AxisFilter) {
    let k = Kernel::Linear { align_corners };
    (axis_filter(w, ow, None, k), axis_filter(h, oh, None, k))
}

/// The f32 formula for channel `ch` of one output pixel with taps `xs` x `ys`: the row values
/// after the horizontal pass and the result before rounding (sums from 0.0 in tap order).
pub fn terms(src: Rgba, xs: &[(usize, f32)], ys: &[(usize, f32)], ch: usize) -> (Vec<f32>, f32) {
    let rows: Vec<f32> = ys
        .iter()
        .map(|&(y, _)| {
            xs.iter()
                .fold(0.0f32, |acc, &(x, wx)| acc + wx * src.px(x, y)[ch] as f32)
        })
        .collect();
    let v = ys
        .iter()
        .zip(&rows)
        .fold(0.0f32, |acc, (&(_, wy), &r)| acc + wy * r);
    (rows, v)
}

/// Round half up, saturated to u8.
pub fn round_u8(v: f32) -> u8 {
    (v + 0.5).floor().clamp(0.0, 255.0) as u8
}

/// The whole resize on a chosen code path; sizes are checked by the caller.
pub fn bilinear(src: Rgba, dst: RgbaMut, align_corners: bool, path: Path) {
    let (sw, dw) = ([src.w, src.h], [dst.w, dst.h]);
    passes(src.data, sw, dst.data, dw, align_corners, path);
}

/// Horizontal pass of one source row into `out` (`ow * 4` floats), from output pixel `first` on:
/// the fold of `terms` (sums from 0.0 in tap order).
fn hrow_scalar(srow: &[u8], fx: &AxisFilter, first: usize, out: &mut [f32]) {
    let outs = out[first * 4..].chunks_exact_mut(4).zip(first..);
    if fx.taps == 2 {
        // (0 + w0 a) + w1 b == w0 a + w1 b exactly, so this is the fold below.
        for (o, j) in outs {
            let (p, w0, w1) = (fx.starts[j] * 4, fx.weights[2 * j], fx.weights[2 * j + 1]);
            let (a, b) = (&srow[p..p + 4], &srow[p + 4..p + 8]);
            for ch in 0..4 {
                o[ch] = w0 * a[ch] as f32 + w1 * b[ch] as f32;
            }
        }
    } else {
        for (o, j) in outs {
            let (x0, wx) = (fx.starts[j], &fx.weights[j * fx.taps..][..fx.taps]);
            for ch in 0..4 {
                o[ch] = wx.iter().enumerate().fold(0.0f32, |acc, (t, &wt)| {
                    acc + wt * srow[(x0 + t) * 4 + ch] as f32
                });
            }
        }
    }
}

/// `bilinear` on plain slices `[h, w, 4] -> [oh, ow, 4]`. As arguments, `src` and `dst` are
/// known not to overlap each other or the scratch rows, which keeps this loop as fast as it
/// was (slices read out of the view structs measured 5% slower in the browser).
fn passes(
    src: &[u8],
    [w, h]: [usize; 2],
    dst: &mut [u8],
    [ow, oh]: [usize; 2],
    ac: bool,
    path: Path,
) {
    let (fx, fy) = filters(w, h, ow, oh, ac);
    // Same arithmetic as `terms` (sums from 0.0 in tap order), done row by row: each
    // source row goes through the horizontal pass once into a ring of `fy.taps` rows.
    let taps = fy.taps;
    let mut ring: Vec<(usize, Vec<f32>)> =
        (0..taps).map(|_| (usize::MAX, vec![0.0; ow * 4])).collect();
    for i in 0..oh {
        let s = fy.starts[i];
        for y in s..s + taps {
            let slot = &mut ring[y % taps];
            if slot.0 != y {
                let srow = &src[y * w * 4..][..w * 4];
                let done = match (path, fx.taps) {
                    (Path::Simd, 1) => {
                        textbook_simd::hrow::<1>(srow, &fx.starts, &fx.weights, &mut slot.1)
                    }
                    (Path::Simd, 2) => {
                        textbook_simd::hrow::<2>(srow, &fx.starts, &fx.weights, &mut slot.1)
                    }
                    _ => 0,
                };
                hrow_scalar(srow, &fx, done, &mut slot.1);
                slot.0 = y;
            }
        }
        let wy = &fy.weights[i * taps..][..taps];
        let drow = &mut dst[i * ow * 4..][..ow * 4];
        if taps == 2 {
            let (r0, r1) = (&ring[s % 2].1, &ring[(s + 1) % 2].1);
            let done = match path {
                Path::Simd => textbook_simd::vrow([r0, r1], [wy[0], wy[1]], drow),
                Path::Scalar => 0,
            };
            for ((d, &x0), &x1) in drow[done..].iter_mut().zip(&r0[done..]).zip(&r1[done..]) {
                *d = round_u8(wy[0] * x0 + wy[1] * x1);
            }
        } else {
            let done = match (path, taps) {
                (Path::Simd, 1) => textbook_simd::vrow([&ring[0].1], [wy[0]], drow),
                _ => 0,
            };
            for (k, d) in drow.iter_mut().enumerate().skip(done) {
                let v = wy
                    .iter()
                    .enumerate()
                    .fold(0.0f32, |acc, (t, &wt)| acc + wt * ring[(s + t) % taps].1[k]);
                *d = round_u8(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_bilinear_on_a_2x2() {
        // Upscaling [[0, 100], [200, 255]] to 4x4 with align_corners: corners are exact and the
        // centre of the first row blends 0 and 100 by 1/3.
        let src: Vec<u8> = [0u8, 100, 200, 255]
            .iter()
            .flat_map(|&v| [v, v, v, 255])
            .collect();
        let mut out = vec![0u8; 4 * 4 * 4];
        let src = Rgba {
            data: &src,
            w: 2,
            h: 2,
        };
        let dst = RgbaMut {
            data: &mut out,
            w: 4,
            h: 4,
        };
        bilinear(src, dst, true, Path::Scalar);
        let r: Vec<u8> = out.chunks(4).map(|p| p[0]).collect();
        assert_eq!(&r[..4], &[0, 33, 67, 100]);
        assert_eq!(&r[12..], &[200, 218, 237, 255]);
    }
}
