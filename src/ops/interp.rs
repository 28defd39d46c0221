//! Image interpolation.
//!
//! * Float NCHW resize with `torch.nn.functional.interpolate` semantics: bilinear (half-pixel
//!   centres or `align_corners=True`, optional antialias = Pillow's triangle filter) and nearest.
//! * RGBA u8 (H x W x 4, channel fastest) resizes that reproduce OpenCV `INTER_LINEAR` and Pillow
//!   `BILINEAR` bit for bit (the integer pipelines are documented in shared/golden/README.md), and
//!   nearest-neighbour.
//!
//! Every resize is separable: each axis gets a list of `(start, weights)` taps.

use crate::tensor::{check_len, numel};
use crate::{arg_err, shape_err, Error, Result};

/// The largest image (input or output) the u8 paths accept: 64 megapixels.
pub const MAX_PIXELS: usize = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterpMode {
    Nearest,
    Bilinear,
}

impl InterpMode {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "nearest" => Ok(InterpMode::Nearest),
            "bilinear" => Ok(InterpMode::Bilinear),
            _ => arg_err!("mode must be \"nearest\" or \"bilinear\", got {s:?}"),
        }
    }
}

/// What to resize to: an explicit size, or a scale factor per axis (`out = floor(in * sf)` and,
/// as in torch without `recompute_scale_factor`, the coordinate scale is `1/sf`, not `in/out`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Size([usize; 2]),
    Scale([f64; 2]),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResizeParams {
    pub target: Target,
    pub mode: InterpMode,
    pub align_corners: bool,
    pub antialias: bool,
}

/// Per-axis separable filter: output `i` reads `taps` inputs from `starts[i]` with
/// `weights[i*taps..][..taps]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisFilter {
    pub in_len: usize,
    pub taps: usize,
    pub starts: Vec<usize>,
    pub weights: Vec<f32>,
}

impl AxisFilter {
    pub fn out_len(&self) -> usize {
        self.starts.len()
    }

    /// Builds a filter from `(index, weight)` lists per output, packing each into a window of
    /// fixed width that stays inside `[0, in_len)`.
    fn from_pairs(in_len: usize, per_out: &[Vec<(usize, f64)>]) -> Self {
        let span = |v: &Vec<(usize, f64)>| {
            let lo = v.iter().map(|p| p.0).min().unwrap_or(0);
            let hi = v.iter().map(|p| p.0).max().unwrap_or(0);
            hi - lo + 1
        };
        let taps = per_out
            .iter()
            .map(span)
            .max()
            .unwrap_or(1)
            .min(in_len)
            .max(1);
        let mut starts = Vec::with_capacity(per_out.len());
        let mut weights = vec![0.0f32; per_out.len() * taps];
        for (i, v) in per_out.iter().enumerate() {
            let lo = v.iter().map(|p| p.0).min().unwrap_or(0);
            let start = lo.min(in_len - taps);
            starts.push(start);
            for &(j, w) in v {
                weights[i * taps + (j - start)] += w as f32;
            }
        }
        AxisFilter {
            in_len,
            taps,
            starts,
            weights,
        }
    }
}

/// Output length of an axis for a target.
pub fn out_len(in_len: usize, target: &Target, axis: usize) -> Result<usize> {
    match target {
        Target::Size(s) => Ok(s[axis]),
        Target::Scale(sf) => {
            let f = sf[axis];
            if !(f.is_finite() && f > 0.0) {
                return arg_err!("scale factor must be a positive finite number, got {f}");
            }
            let o = (in_len as f64 * f).floor();
            if o > (1u64 << 31) as f64 {
                return Err(Error::TooLarge(format!(
                    "scale factor {f} makes an axis of {o} pixels"
                )));
            }
            Ok(o as usize)
        }
    }
}

/// Weights of one axis with torch's semantics (see the module doc and the golden README).
pub fn axis_filter(
    in_len: usize,
    out_len: usize,
    sf: Option<f64>,
    p: &ResizeParams,
) -> Result<AxisFilter> {
    if in_len == 0 || out_len == 0 {
        return shape_err!(
            "cannot resize an axis of length {in_len} to {out_len}: both must be >= 1"
        );
    }
    // torch copies an axis whose size does not change, even when sf != 1.
    if in_len == out_len {
        let pairs: Vec<Vec<(usize, f64)>> = (0..out_len).map(|i| vec![(i, 1.0)]).collect();
        return Ok(AxisFilter::from_pairs(in_len, &pairs));
    }
    let scale = match sf {
        Some(f) => 1.0 / f,
        None => in_len as f64 / out_len as f64,
    };
    let pairs: Vec<Vec<(usize, f64)>> = match p.mode {
        InterpMode::Nearest => (0..out_len)
            .map(|i| vec![(((i as f64 * scale).floor() as usize).min(in_len - 1), 1.0)])
            .collect(),
        InterpMode::Bilinear if p.antialias => {
            if p.align_corners {
                return arg_err!(
                    "antialias is only defined with align_corners=false (as in torch)"
                );
            }
            let support = scale.max(1.0);
            (0..out_len)
                .map(|i| {
                    let center = scale * (i as f64 + 0.5);
                    let xmin = ((center - support + 0.5).trunc().max(0.0)) as usize;
                    let xmax = ((center + support + 0.5).trunc() as usize).min(in_len);
                    let mut v: Vec<(usize, f64)> = (xmin..xmax)
                        .map(|j| {
                            (
                                j,
                                (1.0 - ((j as f64 - center + 0.5) / support).abs()).max(0.0),
                            )
                        })
                        .collect();
                    let s: f64 = v.iter().map(|p| p.1).sum();
                    if s != 0.0 {
                        v.iter_mut().for_each(|p| p.1 /= s);
                    }
                    if v.is_empty() {
                        v.push((xmin.min(in_len - 1), 0.0));
                    }
                    v
                })
                .collect()
        }
        InterpMode::Bilinear => {
            let scale = if p.align_corners {
                if out_len > 1 {
                    (in_len - 1) as f64 / (out_len - 1) as f64
                } else {
                    0.0
                }
            } else {
                scale
            };
            (0..out_len)
                .map(|i| {
                    let src = if p.align_corners {
                        i as f64 * scale
                    } else {
                        ((i as f64 + 0.5) * scale - 0.5).max(0.0)
                    };
                    let i0 = (src.floor() as usize).min(in_len - 1);
                    let i1 = (i0 + 1).min(in_len - 1);
                    let l = src - i0 as f64;
                    vec![(i0, 1.0 - l), (i1, l)]
                })
                .collect()
        }
    };
    Ok(AxisFilter::from_pairs(in_len, &pairs))
}

/// Output shape of a float resize `[N,C,H,W] -> [N,C,H',W']`.
pub fn resize_out_shape(xs: [usize; 4], p: &ResizeParams) -> Result<[usize; 4]> {
    let oh = out_len(xs[2], &p.target, 0)?;
    let ow = out_len(xs[3], &p.target, 1)?;
    if oh == 0 || ow == 0 {
        return shape_err!(
            "the output would be {oh}x{ow} pixels from {}x{}: each side must be at least 1",
            xs[2],
            xs[3]
        );
    }
    let shape = [xs[0], xs[1], oh, ow];
    numel(&shape)?;
    Ok(shape)
}

/// Float resize, `[N,C,H,W] -> [N,C,H',W']`, torch semantics. Returns `(y, shape)`.
pub fn resize(x: &[f32], xs: [usize; 4], p: &ResizeParams) -> Result<(Vec<f32>, [usize; 4])> {
    check_len("input", x.len(), &xs)?;
    let ys = resize_out_shape(xs, p)?;
    let sf = match p.target {
        Target::Scale(s) => [Some(s[0]), Some(s[1])],
        Target::Size(_) => [None, None],
    };
    let fy = axis_filter(xs[2], ys[2], sf[0], p)?;
    let fx = axis_filter(xs[3], ys[3], sf[1], p)?;
    let mut y = vec![0.0f32; numel(&ys)?];
    resize_planes(x, xs[0] * xs[1], xs[2], xs[3], &fy, &fx, &mut y);
    Ok((y, ys))
}

/// Applies separable filters to `planes` planes of `h x w`: horizontal pass, then vertical.
pub fn resize_planes(
    x: &[f32],
    planes: usize,
    h: usize,
    w: usize,
    fy: &AxisFilter,
    fx: &AxisFilter,
    y: &mut [f32],
) {
    let (oh, ow) = (fy.out_len(), fx.out_len());
    let mut tmp = vec![0.0f32; h * ow];
    for pl in 0..planes {
        let src = &x[pl * h * w..][..h * w];
        for r in 0..h {
            let row = &src[r * w..][..w];
            let out = &mut tmp[r * ow..][..ow];
            for (j, o) in out.iter_mut().enumerate() {
                let s = fx.starts[j];
                let ws = &fx.weights[j * fx.taps..][..fx.taps];
                *o = ws
                    .iter()
                    .zip(&row[s..s + fx.taps])
                    .map(|(a, b)| a * b)
                    .sum();
            }
        }
        let dst = &mut y[pl * oh * ow..][..oh * ow];
        for i in 0..oh {
            let out = &mut dst[i * ow..][..ow];
            out.fill(0.0);
            let s = fy.starts[i];
            for t in 0..fy.taps {
                let wgt = fy.weights[i * fy.taps + t];
                if wgt == 0.0 {
                    continue;
                }
                let row = &tmp[(s + t) * ow..][..ow];
                for (o, &v) in out.iter_mut().zip(row) {
                    *o += wgt * v;
                }
            }
        }
    }
}

fn check_rgba(name: &str, len: usize, w: usize, h: usize) -> Result<()> {
    if w == 0 || h == 0 {
        return shape_err!("{name} is {w}x{h}: both sides must be at least 1 pixel");
    }
    let px = w.saturating_mul(h);
    if px > MAX_PIXELS {
        return Err(Error::TooLarge(format!(
            "{name} is {w}x{h} ({} MP); the limit is {} MP",
            px / 1_000_000,
            MAX_PIXELS / 1_000_000
        )));
    }
    check_len(name, len, &[h, w, 4])
}

/// Which u8 pipeline to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RgbaMethod {
    /// `cv2.resize(..., INTER_LINEAR)`: half-pixel centres, 11-bit fixed point, never antialiased.
    OpenCv,
    /// `PIL.Image.resize(..., BILINEAR)`: premultiplied alpha, triangle filter widened when
    /// shrinking (antialiased), 22-bit fixed point, uint8 between passes.
    Pillow,
    /// Nearest neighbour (`src = floor(dst * in/out)`), as torch `nearest` and cv2 `INTER_NEAREST`.
    Nearest,
}

impl RgbaMethod {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "opencv" => Ok(RgbaMethod::OpenCv),
            "pillow" => Ok(RgbaMethod::Pillow),
            "nearest" => Ok(RgbaMethod::Nearest),
            _ => arg_err!("method must be \"opencv\", \"pillow\" or \"nearest\", got {s:?}"),
        }
    }
}

/// RGBA u8 resize `[H,W,4] -> [oh,ow,4]` into `dst`.
#[allow(clippy::too_many_arguments)]
pub fn resize_rgba_into(
    src: &[u8],
    w: usize,
    h: usize,
    dst: &mut [u8],
    ow: usize,
    oh: usize,
    m: RgbaMethod,
) -> Result<()> {
    check_rgba("input image", src.len(), w, h)?;
    check_rgba("output image", dst.len(), ow, oh)?;
    match m {
        RgbaMethod::OpenCv => cv2_linear(src, w, h, dst, ow, oh),
        RgbaMethod::Pillow => pil_bilinear(src, w, h, dst, ow, oh),
        RgbaMethod::Nearest => nearest_u8(src, w, h, dst, ow, oh),
    }
    Ok(())
}

/// RGBA u8 resize into a fresh buffer.
pub fn resize_rgba(
    src: &[u8],
    w: usize,
    h: usize,
    ow: usize,
    oh: usize,
    m: RgbaMethod,
) -> Result<Vec<u8>> {
    let n = ow
        .checked_mul(oh)
        .filter(|&n| n <= MAX_PIXELS)
        .ok_or_else(|| {
            Error::TooLarge(format!(
                "output image is {ow}x{oh} ({} MP); the limit is {} MP",
                (ow as u128 * oh as u128) / 1_000_000,
                MAX_PIXELS / 1_000_000
            ))
        })?;
    let mut dst = vec![0u8; n * 4];
    resize_rgba_into(src, w, h, &mut dst, ow, oh, m)?;
    Ok(dst)
}

fn nearest_u8(src: &[u8], w: usize, h: usize, dst: &mut [u8], ow: usize, oh: usize) {
    let xs: Vec<usize> = (0..ow)
        .map(|j| ((j as f64 * w as f64 / ow as f64) as usize).min(w - 1))
        .collect();
    for i in 0..oh {
        let sy = ((i as f64 * h as f64 / oh as f64) as usize).min(h - 1);
        let srow = &src[sy * w * 4..][..w * 4];
        let drow = &mut dst[i * ow * 4..][..ow * 4];
        for (j, &sx) in xs.iter().enumerate() {
            drow[j * 4..j * 4 + 4].copy_from_slice(&srow[sx * 4..sx * 4 + 4]);
        }
    }
}

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

fn cv2_linear(src: &[u8], w: usize, h: usize, dst: &mut [u8], ow: usize, oh: usize) {
    let xa = cv2_axis(w, ow, true);
    let ya = cv2_axis(h, oh, false);
    // Horizontal pass for each source row once (rows at scale 2^11), then blend pairs of rows.
    let mut rows = vec![0i32; h * ow * 4];
    for y in 0..h {
        let srow = &src[y * w * 4..][..w * 4];
        let out = &mut rows[y * ow * 4..][..ow * 4];
        for (j, &(s0, s1, c0, c1)) in xa.iter().enumerate() {
            for ch in 0..4 {
                out[j * 4 + ch] = srow[s0 * 4 + ch] as i32 * c0 + srow[s1 * 4 + ch] as i32 * c1;
            }
        }
    }
    for (i, &(r0, r1, b0, b1)) in ya.iter().enumerate() {
        let row0 = &rows[r0 * ow * 4..][..ow * 4];
        let row1 = &rows[r1 * ow * 4..][..ow * 4];
        let drow = &mut dst[i * ow * 4..][..ow * 4];
        for k in 0..ow * 4 {
            let v = (((b0 * (row0[k] >> 4)) >> 16) + ((b1 * (row1[k] >> 4)) >> 16) + 2) >> 2;
            drow[k] = v.clamp(0, 255) as u8;
        }
    }
}

const PIL_BITS: u32 = 22;

/// Pillow's fixed-point coefficients for one axis: `(start, coefficients)` per output.
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
            k[i * taps + t] = (0.5 + wv * (1u64 << PIL_BITS) as f64).trunc() as i32;
        }
    }
    (taps, starts, k)
}

fn pil_pass_h(src: &[u8], w: usize, h: usize, ow: usize) -> Vec<u8> {
    let (taps, starts, k) = pil_axis(w, ow);
    let mut out = vec![0u8; h * ow * 4];
    for y in 0..h {
        let srow = &src[y * w * 4..][..w * 4];
        let drow = &mut out[y * ow * 4..][..ow * 4];
        for j in 0..ow {
            let s = starts[j];
            let n = taps.min(w - s);
            let kk = &k[j * taps..][..n];
            for ch in 0..4 {
                let mut acc: i64 = 1 << (PIL_BITS - 1);
                for (t, &c) in kk.iter().enumerate() {
                    acc += c as i64 * srow[(s + t) * 4 + ch] as i64;
                }
                drow[j * 4 + ch] = (acc >> PIL_BITS).clamp(0, 255) as u8;
            }
        }
    }
    out
}

fn pil_pass_v(src: &[u8], w: usize, h: usize, oh: usize) -> Vec<u8> {
    let (taps, starts, k) = pil_axis(h, oh);
    let mut out = vec![0u8; oh * w * 4];
    let mut acc = vec![0i64; w * 4];
    for i in 0..oh {
        let s = starts[i];
        let n = taps.min(h - s);
        acc.fill(1 << (PIL_BITS - 1));
        for t in 0..n {
            let c = k[i * taps + t] as i64;
            let srow = &src[(s + t) * w * 4..][..w * 4];
            for (a, &v) in acc.iter_mut().zip(srow) {
                *a += c * v as i64;
            }
        }
        let drow = &mut out[i * w * 4..][..w * 4];
        for (d, &a) in drow.iter_mut().zip(&acc) {
            *d = (a >> PIL_BITS).clamp(0, 255) as u8;
        }
    }
    out
}

fn pil_bilinear(src: &[u8], w: usize, h: usize, dst: &mut [u8], ow: usize, oh: usize) {
    if ow == w && oh == h {
        dst.copy_from_slice(src);
        return;
    }
    // 1. RGBA -> RGBa (premultiply with Pillow's MULDIV255 rounding).
    let mut cur: Vec<u8> = src.to_vec();
    for px in cur.chunks_exact_mut(4) {
        let a = px[3] as u32;
        for c in &mut px[..3] {
            let t = *c as u32 * a + 128;
            *c = ((t + (t >> 8)) >> 8) as u8;
        }
    }
    // 2-4. Two passes; Pillow 13 runs the vertical one first when it shrinks much more.
    let (dh, dw) = (h as i64 - oh as i64, w as i64 - ow as i64);
    let vertical_first = dh > 0 && dh > 2 * dw;
    let (mut cw, mut ch) = (w, h);
    let order: [bool; 2] = if vertical_first {
        [false, true]
    } else {
        [true, false]
    };
    for horizontal in order {
        if horizontal && ow != cw {
            cur = pil_pass_h(&cur, cw, ch, ow);
            cw = ow;
        }
        if !horizontal && oh != ch {
            cur = pil_pass_v(&cur, cw, ch, oh);
            ch = oh;
        }
    }
    // 5. RGBa -> RGBA with truncating division.
    for (d, s) in dst.chunks_exact_mut(4).zip(cur.chunks_exact(4)) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(align: bool, aa: bool) -> ResizeParams {
        ResizeParams {
            target: Target::Size([0, 0]),
            mode: InterpMode::Bilinear,
            align_corners: align,
            antialias: aa,
        }
    }

    #[test]
    fn upsample_2x_half_pixel_weights() {
        // in 2 -> out 4, half-pixel: src = max(0,(i+.5)/2-.5) = 0, .25, .75, 1.25
        let f = axis_filter(2, 4, None, &p(false, false)).unwrap();
        let taps: Vec<f32> = f.weights.clone();
        assert_eq!(taps, vec![1.0, 0.0, 0.75, 0.25, 0.25, 0.75, 0.0, 1.0]);
    }

    #[test]
    fn align_corners_single_output_samples_first() {
        let f = axis_filter(5, 1, None, &p(true, false)).unwrap();
        assert_eq!(f.starts[0], 0);
        assert_eq!(f.weights[0], 1.0);
    }

    #[test]
    fn antialias_downscale_averages() {
        // 4 -> 1 with antialias: a triangle of half-width 4 centred at 2 over pixel centres
        // 0.5..3.5 gives 0.625, 0.875, 0.875, 0.625, normalised to 5/24, 7/24, 7/24, 5/24.
        let f = axis_filter(4, 1, None, &p(false, true)).unwrap();
        let e = [5.0 / 24.0, 7.0 / 24.0, 7.0 / 24.0, 5.0 / 24.0];
        assert!(
            f.weights.iter().zip(e).all(|(a, b)| (a - b).abs() < 1e-7),
            "{:?}",
            f.weights
        );
        // Without antialias a 4x downscale reads only two taps (pixels 1 and 2).
        let f = axis_filter(4, 1, None, &p(false, false)).unwrap();
        assert_eq!((f.starts[0], f.weights.clone()), (1, vec![0.5, 0.5]));
    }

    #[test]
    fn pillow_and_opencv_keep_a_flat_image_flat() {
        let src: Vec<u8> = [10u8, 200, 30, 255].repeat(7 * 5);
        for m in [RgbaMethod::OpenCv, RgbaMethod::Pillow, RgbaMethod::Nearest] {
            let out = resize_rgba(&src, 7, 5, 13, 3, m).unwrap();
            assert!(out.chunks(4).all(|px| px == [10, 200, 30, 255]), "{m:?}");
        }
    }

    #[test]
    fn rgba_limits_and_shapes() {
        let e = resize_rgba(&[0; 16], 2, 2, 30000, 30000, RgbaMethod::OpenCv)
            .unwrap_err()
            .to_string();
        assert!(e.contains("30000x30000") && e.contains("limit"), "{e}");
        let e = resize_rgba(&[0; 15], 2, 2, 3, 3, RgbaMethod::OpenCv)
            .unwrap_err()
            .to_string();
        assert!(e.contains("15 values"), "{e}");
        assert!(resize_rgba(&[], 0, 0, 3, 3, RgbaMethod::Pillow).is_err());
    }
}
