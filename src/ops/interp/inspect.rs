//! The pixel inspector: everything the page shows about one output pixel of an RGBA resize
//! (source coordinates, taps and weights, neighbours, the rows after the horizontal pass, the
//! unrounded result and the value), computed by the same code as the resize, so the formula on
//! screen ends in the value on the canvas. One function per method; `interp::inspect` checks the
//! sizes and the pixel and picks one.

use super::types::Rgba;
use super::{cv2, nearest, pil, textbook};

/// Everything the pixel inspector shows about one output pixel.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Inspection {
    /// Continuous source coordinates (pixel centres at integers) the output pixel maps to.
    pub src_x: f64,
    pub src_y: f64,
    /// Horizontal and vertical taps `(index, weight)`; weights are fractions, or integers out of
    /// `weight_scale` for the fixed-point methods.
    pub xs: Vec<(usize, f64)>,
    pub ys: Vec<(usize, f64)>,
    pub weight_scale: f64,
    /// Source pixels, row-major over `ys` x `xs`.
    pub neighbours: Vec<[u8; 4]>,
    /// Per `ys` entry, the row after the horizontal pass (per channel), in the method's units.
    pub rows: Vec<[f64; 4]>,
    /// The vertical pass's result before the final rounding/shift, per channel.
    pub exact: [f64; 4],
    /// The output pixel, identical to the resized image's.
    pub value: [u8; 4],
}

/// Which output pixel of which resize: `out = [ow, oh]`, `at = [ox, oy]` inside it.
#[derive(Debug, Clone, Copy)]
pub struct Probe {
    pub out: [usize; 2],
    pub at: [usize; 2],
}

/// Half-pixel source coordinate of output `d` on an axis `n -> o` (OpenCV and Pillow, unclamped).
fn half_pixel(d: usize, n: usize, o: usize) -> f64 {
    (d as f64 + 0.5) * n as f64 / o as f64 - 0.5
}

/// Source pixels at every `(x, y)` of `ys` x `xs`, row-major.
fn neighbours<X, Y>(src: Rgba, xs: &[(usize, X)], ys: &[(usize, Y)]) -> Vec<[u8; 4]> {
    ys.iter()
        .flat_map(|&(y, _)| xs.iter().map(move |&(x, _)| src.px(x, y)))
        .collect()
}

/// The geometry of a fixed-point method with half-pixel centres (OpenCV, Pillow): source
/// coordinates, taps and neighbours; the caller fills in the arithmetic.
fn half_pixel_taps(
    src: Rgba,
    p: Probe,
    xs: Vec<(usize, f64)>,
    ys: Vec<(usize, f64)>,
) -> Inspection {
    let ([ow, oh], [ox, oy]) = (p.out, p.at);
    Inspection {
        src_x: half_pixel(ox, src.w, ow),
        src_y: half_pixel(oy, src.h, oh),
        neighbours: neighbours(src, &xs, &ys),
        xs,
        ys,
        ..Inspection::default()
    }
}

/// The textbook f32 formula (`textbook::terms`, the resize's own arithmetic).
pub fn textbook(src: Rgba, p: Probe, align_corners: bool) -> Inspection {
    let ([ow, oh], [ox, oy]) = (p.out, p.at);
    let (fx, fy) = textbook::filters(src.w, src.h, ow, oh, align_corners);
    let (xs, ys) = (fx.taps_of(ox), fy.taps_of(oy));
    let coord = |d: usize, n: usize, o: usize| {
        if n == o {
            d as f64
        } else if align_corners {
            if o > 1 {
                d as f64 * (n - 1) as f64 / (o - 1) as f64
            } else {
                0.0
            }
        } else {
            half_pixel(d, n, o).max(0.0)
        }
    };
    let mut rows = vec![[0.0; 4]; ys.len()];
    let (mut exact, mut value) = ([0.0; 4], [0u8; 4]);
    for ch in 0..4 {
        let (r, v) = textbook::terms(src, &xs, &ys, ch);
        for (k, rv) in r.iter().enumerate() {
            rows[k][ch] = *rv as f64;
        }
        exact[ch] = v as f64;
        value[ch] = textbook::round_u8(v);
    }
    Inspection {
        src_x: coord(ox, src.w, ow),
        src_y: coord(oy, src.h, oh),
        neighbours: neighbours(src, &xs, &ys),
        xs: xs.iter().map(|&(i, v)| (i, v as f64)).collect(),
        ys: ys.iter().map(|&(i, v)| (i, v as f64)).collect(),
        weight_scale: 1.0,
        rows,
        exact,
        value,
    }
}

/// OpenCV INTER_LINEAR: the same fixed-point coordinates and integer steps as `cv2::linear`.
pub fn opencv(src: Rgba, p: Probe) -> Inspection {
    let ([ow, oh], [ox, oy]) = (p.out, p.at);
    let (s0, s1, c0, c1) = cv2::cv2_axis(src.w, ow, true)[ox];
    let (r0, r1, b0, b1) = cv2::cv2_axis(src.h, oh, false)[oy];
    let mut rows = vec![[0.0; 4]; 2];
    let (mut exact, mut value) = ([0.0; 4], [0u8; 4]);
    for ch in 0..4 {
        let row = |y: usize| (src.px(s0, y)[ch] as i32 * c0 + src.px(s1, y)[ch] as i32 * c1) >> 4;
        let (t, b) = (row(r0), row(r1));
        rows[0][ch] = t as f64;
        rows[1][ch] = b as f64;
        let v = (((b0 * t) >> 16) + ((b1 * b) >> 16) + 2) >> 2;
        exact[ch] = v as f64;
        value[ch] = v.clamp(0, 255) as u8;
    }
    let (xs, ys) = (
        vec![(s0, c0 as f64), (s1, c1 as f64)],
        vec![(r0, b0 as f64), (r1, b1 as f64)],
    );
    Inspection {
        weight_scale: 2048.0,
        rows,
        exact,
        value,
        ..half_pixel_taps(src, p, xs, ys)
    }
}

/// Nearest neighbour: one tap per axis.
pub fn nearest(src: Rgba, p: Probe) -> Inspection {
    let ([ow, oh], [ox, oy]) = (p.out, p.at);
    let (sx, sy) = (nearest::index(ox, src.w, ow), nearest::index(oy, src.h, oh));
    let v = src.px(sx, sy);
    Inspection {
        src_x: nearest::coord(ox, src.w, ow),
        src_y: nearest::coord(oy, src.h, oh),
        xs: vec![(sx, 1.0)],
        ys: vec![(sy, 1.0)],
        weight_scale: 1.0,
        neighbours: vec![v],
        rows: vec![v.map(f64::from)],
        exact: v.map(f64::from),
        value: v,
    }
}

/// Pillow BILINEAR: Pillow's taps; the value comes from `pil::pixel`, the real pipeline on the
/// pixels involved; rows and `exact` are the premultiplied passes in exact arithmetic.
pub fn pillow(src: Rgba, p: Probe) -> Inspection {
    let ([ow, oh], [ox, oy]) = (p.out, p.at);
    let xs: Vec<(usize, f64)> = pil::taps_at(src.w, ow, ox)
        .into_iter()
        .map(|(i, k)| (i, k as f64))
        .collect();
    let ys: Vec<(usize, f64)> = pil::taps_at(src.h, oh, oy)
        .into_iter()
        .map(|(i, k)| (i, k as f64))
        .collect();
    let value = pil::pixel(src, ow, oh, ox, oy);
    let scale = (1u64 << pil::BITS) as f64;
    let rows: Vec<[f64; 4]> = ys
        .iter()
        .map(|&(y, _)| {
            let mut r = [0.0; 4];
            for &(x, k) in &xs {
                let p = pil::premultiply(src.px(x, y)).map(f64::from);
                for ch in 0..4 {
                    r[ch] += k / scale * p[ch];
                }
            }
            r
        })
        .collect();
    let mut exact = [0.0; 4];
    for (&(_, k), r) in ys.iter().zip(&rows) {
        for ch in 0..4 {
            exact[ch] += k / scale * r[ch];
        }
    }
    Inspection {
        weight_scale: scale,
        rows,
        exact,
        value,
        ..half_pixel_taps(src, p, xs, ys)
    }
}
