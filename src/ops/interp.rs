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
    let ys = resize_out_shape(xs, p)?;
    let mut y = vec![0.0f32; numel(&ys)?];
    resize_into(x, xs, p, &mut y)?;
    Ok((y, ys))
}

/// Float resize into `y`, which must hold exactly the output shape's elements.
pub fn resize_into(x: &[f32], xs: [usize; 4], p: &ResizeParams, y: &mut [f32]) -> Result<()> {
    check_len("input", x.len(), &xs)?;
    let ys = resize_out_shape(xs, p)?;
    check_len("output", y.len(), &ys)?;
    let sf = match p.target {
        Target::Scale(s) => [Some(s[0]), Some(s[1])],
        Target::Size(_) => [None, None],
    };
    let fy = axis_filter(xs[2], ys[2], sf[0], p)?;
    let fx = axis_filter(xs[3], ys[3], sf[1], p)?;
    resize_planes(x, xs[0] * xs[1], xs[2], xs[3], &fy, &fx, y);
    Ok(())
}

/// Applies separable filters to `planes` planes of `h x w`: horizontal pass, then vertical.
/// Two-tap filters (plain bilinear, the common case) take a fast path (SIMD128 on wasm); every
/// path computes `w0*x0 + w1*x1` in that order, so the paths agree exactly.
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
            hpass(&src[r * w..][..w], fx, &mut tmp[r * ow..][..ow]);
        }
        let dst = &mut y[pl * oh * ow..][..oh * ow];
        for i in 0..oh {
            let out = &mut dst[i * ow..][..ow];
            let s = fy.starts[i];
            let wts = &fy.weights[i * fy.taps..][..fy.taps];
            if fy.taps == 2 {
                blend2(
                    &tmp[s * ow..][..ow],
                    &tmp[(s + 1) * ow..][..ow],
                    wts[0],
                    wts[1],
                    out,
                );
            } else {
                out.fill(0.0);
                for (t, &wgt) in wts.iter().enumerate() {
                    for (o, &v) in out.iter_mut().zip(&tmp[(s + t) * ow..][..ow]) {
                        *o += wgt * v;
                    }
                }
            }
        }
    }
}

/// One row through a horizontal filter.
fn hpass(row: &[f32], f: &AxisFilter, out: &mut [f32]) {
    if f.taps == 2 {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let n4 = out.len() / 4 * 4;
            f32simd::h2(row, &f.starts[..n4], &f.weights[..2 * n4], &mut out[..n4]);
            h2_scalar(row, &f.starts[n4..], &f.weights[2 * n4..], &mut out[n4..]);
            return;
        }
        #[allow(unreachable_code)]
        {
            h2_scalar(row, &f.starts, &f.weights, out);
            return;
        }
    }
    for (j, o) in out.iter_mut().enumerate() {
        let s = f.starts[j];
        let ws = &f.weights[j * f.taps..][..f.taps];
        *o = ws.iter().zip(&row[s..s + f.taps]).map(|(a, b)| a * b).sum();
    }
}

fn h2_scalar(row: &[f32], starts: &[usize], wts: &[f32], out: &mut [f32]) {
    for ((o, &s), w) in out.iter_mut().zip(starts).zip(wts.chunks_exact(2)) {
        *o = w[0] * row[s] + w[1] * row[s + 1];
    }
}

/// `out = w0 * r0 + w1 * r1`, element-wise.
fn blend2(r0: &[f32], r1: &[f32], w0: f32, w1: f32, out: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let n4 = out.len() / 4 * 4;
        f32simd::blend2(&r0[..n4], &r1[..n4], w0, w1, &mut out[..n4]);
        for k in n4..out.len() {
            out[k] = w0 * r0[k] + w1 * r1[k];
        }
        return;
    }
    #[allow(unreachable_code)]
    for ((o, &a), &b) in out.iter_mut().zip(r0).zip(r1) {
        *o = w0 * a + w1 * b;
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod f32simd {
    //! SIMD128 f32 passes for two-tap (bilinear) filters.
    use core::arch::wasm32::*;

    /// Four outputs per step: two 64-bit loads fetch each output's pair `(x[s], x[s+1])`, one
    /// multiply by the interleaved weights, then even + odd lanes.
    pub fn h2(row: &[f32], starts: &[usize], wts: &[f32], out: &mut [f32]) {
        assert!(
            starts.iter().all(|&s| s + 1 < row.len())
                && wts.len() == 2 * starts.len()
                && out.len() == starts.len()
        );
        let p = row.as_ptr();
        for (q, o) in out.chunks_exact_mut(4).enumerate() {
            let s = &starts[q * 4..q * 4 + 4];
            // SAFETY: every s + 1 < row.len() (asserted above); weights hold 8 values here.
            unsafe {
                let a = v128_load64_lane::<1>(
                    v128_load64_zero(p.add(s[0]) as *const u64),
                    p.add(s[1]) as *const u64,
                );
                let b = v128_load64_lane::<1>(
                    v128_load64_zero(p.add(s[2]) as *const u64),
                    p.add(s[3]) as *const u64,
                );
                let wa = v128_load(wts.as_ptr().add(q * 8) as *const v128);
                let wb = v128_load(wts.as_ptr().add(q * 8 + 4) as *const v128);
                let pa = f32x4_mul(a, wa);
                let pb = f32x4_mul(b, wb);
                let even = i32x4_shuffle::<0, 2, 4, 6>(pa, pb);
                let odd = i32x4_shuffle::<1, 3, 5, 7>(pa, pb);
                v128_store(o.as_mut_ptr() as *mut v128, f32x4_add(even, odd));
            }
        }
    }

    pub fn blend2(r0: &[f32], r1: &[f32], w0: f32, w1: f32, out: &mut [f32]) {
        let (a, b) = (f32x4_splat(w0), f32x4_splat(w1));
        for ((o, x), y) in out
            .chunks_exact_mut(4)
            .zip(r0.chunks_exact(4))
            .zip(r1.chunks_exact(4))
        {
            // SAFETY: each chunk has exactly 4 floats.
            unsafe {
                let x = v128_load(x.as_ptr() as *const v128);
                let y = v128_load(y.as_ptr() as *const v128);
                v128_store(
                    o.as_mut_ptr() as *mut v128,
                    f32x4_add(f32x4_mul(a, x), f32x4_mul(b, y)),
                );
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
    /// The textbook formula in f32 with torch's coordinate convention (half-pixel centres, or
    /// `align_corners=True`), horizontal then vertical, rounded half up: what the inspector writes
    /// out, term by term.
    Bilinear { align_corners: bool },
}

impl RgbaMethod {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "opencv" => Ok(RgbaMethod::OpenCv),
            "pillow" => Ok(RgbaMethod::Pillow),
            "nearest" => Ok(RgbaMethod::Nearest),
            "bilinear" => Ok(RgbaMethod::Bilinear { align_corners: false }),
            "bilinear_align_corners" => Ok(RgbaMethod::Bilinear { align_corners: true }),
            _ => arg_err!(
                "method must be \"opencv\", \"pillow\", \"nearest\", \"bilinear\" or \"bilinear_align_corners\", got {s:?}"
            ),
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
        RgbaMethod::Bilinear { align_corners } => {
            float_bilinear_u8(src, w, h, dst, ow, oh, align_corners)?
        }
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

fn bilinear_filters(
    w: usize,
    h: usize,
    ow: usize,
    oh: usize,
    align_corners: bool,
) -> Result<(AxisFilter, AxisFilter)> {
    let p = ResizeParams {
        target: Target::Size([oh, ow]),
        mode: InterpMode::Bilinear,
        align_corners,
        antialias: false,
    };
    Ok((axis_filter(w, ow, None, &p)?, axis_filter(h, oh, None, &p)?))
}

/// Taps `(index, weight)` of output `i` of a filter.
fn taps_of(f: &AxisFilter, i: usize) -> Vec<(usize, f32)> {
    (0..f.taps)
        .map(|t| (f.starts[i] + t, f.weights[i * f.taps + t]))
        .collect()
}

/// The f32 formula for one channel: rows first (`f(x, y_k) = sum_t wx_t f(x_t, y_k)`), then the
/// column; shared by the resize and the inspector so both give the same number.
fn bilinear_terms(
    src: &[u8],
    w: usize,
    xs: &[(usize, f32)],
    ys: &[(usize, f32)],
    ch: usize,
) -> (Vec<f32>, f32) {
    let rows: Vec<f32> = ys
        .iter()
        .map(|&(y, _)| {
            xs.iter().fold(0.0f32, |acc, &(x, wx)| {
                acc + wx * src[(y * w + x) * 4 + ch] as f32
            })
        })
        .collect();
    let v = ys
        .iter()
        .zip(&rows)
        .fold(0.0f32, |acc, (&(_, wy), &r)| acc + wy * r);
    (rows, v)
}

fn round_u8(v: f32) -> u8 {
    (v + 0.5).floor().clamp(0.0, 255.0) as u8
}

fn float_bilinear_u8(
    src: &[u8],
    w: usize,
    h: usize,
    dst: &mut [u8],
    ow: usize,
    oh: usize,
    ac: bool,
) -> Result<()> {
    let (fx, fy) = bilinear_filters(w, h, ow, oh, ac)?;
    // Same arithmetic as `bilinear_terms` (sums from 0.0 in tap order), done row by row: each
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
                if fx.taps == 2 {
                    // (0 + w0 a) + w1 b == w0 a + w1 b exactly, so this is the fold below.
                    for (j, o) in slot.1.chunks_exact_mut(4).enumerate() {
                        let (p, w0, w1) =
                            (fx.starts[j] * 4, fx.weights[2 * j], fx.weights[2 * j + 1]);
                        let (a, b) = (&srow[p..p + 4], &srow[p + 4..p + 8]);
                        for ch in 0..4 {
                            o[ch] = w0 * a[ch] as f32 + w1 * b[ch] as f32;
                        }
                    }
                } else {
                    for (j, o) in slot.1.chunks_exact_mut(4).enumerate() {
                        let (x0, wx) = (fx.starts[j], &fx.weights[j * fx.taps..][..fx.taps]);
                        for ch in 0..4 {
                            o[ch] = wx.iter().enumerate().fold(0.0f32, |acc, (t, &wt)| {
                                acc + wt * srow[(x0 + t) * 4 + ch] as f32
                            });
                        }
                    }
                }
                slot.0 = y;
            }
        }
        let wy = &fy.weights[i * taps..][..taps];
        let drow = &mut dst[i * ow * 4..][..ow * 4];
        if taps == 2 {
            let (r0, r1) = (&ring[s % 2].1, &ring[(s + 1) % 2].1);
            for ((d, &x0), &x1) in drow.iter_mut().zip(r0).zip(r1) {
                *d = round_u8(wy[0] * x0 + wy[1] * x1);
            }
        } else {
            for (k, d) in drow.iter_mut().enumerate() {
                let v = wy
                    .iter()
                    .enumerate()
                    .fold(0.0f32, |acc, (t, &wt)| acc + wt * ring[(s + t) % taps].1[k]);
                *d = round_u8(v);
            }
        }
    }
    Ok(())
}

/// Everything the pixel inspector shows about one output pixel, computed the way the resize
/// computes it, so the formula on screen ends in the value on the canvas.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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

/// Inspects output pixel `(ox, oy)` of resizing `src` (`w x h`) to `ow x oh` with `m`.
#[allow(clippy::too_many_arguments)]
pub fn inspect(
    src: &[u8],
    w: usize,
    h: usize,
    ow: usize,
    oh: usize,
    m: RgbaMethod,
    ox: usize,
    oy: usize,
) -> Result<Inspection> {
    check_rgba("input image", src.len(), w, h)?;
    if ow == 0 || oh == 0 || ow.saturating_mul(oh) > MAX_PIXELS {
        return Err(Error::TooLarge(format!(
            "output image {ow}x{oh} is empty or over the {} MP limit",
            MAX_PIXELS / 1_000_000
        )));
    }
    if ox >= ow || oy >= oh {
        return arg_err!("pixel ({ox}, {oy}) is outside the {ow}x{oh} output");
    }
    let px = |x: usize, y: usize| -> [u8; 4] {
        src[(y * w + x) * 4..][..4].try_into().unwrap_or([0; 4])
    };
    let half =
        |d: usize, n: usize, o: usize| ((d as f64 + 0.5) * n as f64 / o as f64 - 0.5).max(0.0);
    match m {
        RgbaMethod::Bilinear { align_corners } => {
            let (fx, fy) = bilinear_filters(w, h, ow, oh, align_corners)?;
            let (xs, ys) = (taps_of(&fx, ox), taps_of(&fy, oy));
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
                    half(d, n, o)
                }
            };
            let mut rows = vec![[0.0; 4]; ys.len()];
            let (mut exact, mut value) = ([0.0; 4], [0u8; 4]);
            for ch in 0..4 {
                let (r, v) = bilinear_terms(src, w, &xs, &ys, ch);
                for (k, rv) in r.iter().enumerate() {
                    rows[k][ch] = *rv as f64;
                }
                exact[ch] = v as f64;
                value[ch] = round_u8(v);
            }
            Ok(Inspection {
                src_x: coord(ox, w, ow),
                src_y: coord(oy, h, oh),
                neighbours: ys
                    .iter()
                    .flat_map(|&(y, _)| xs.iter().map(move |&(x, _)| (x, y)))
                    .map(|(x, y)| px(x, y))
                    .collect(),
                xs: xs.iter().map(|&(i, v)| (i, v as f64)).collect(),
                ys: ys.iter().map(|&(i, v)| (i, v as f64)).collect(),
                weight_scale: 1.0,
                rows,
                exact,
                value,
            })
        }
        RgbaMethod::OpenCv => {
            let (s0, s1, c0, c1) = cv2_axis(w, ow, true)[ox];
            let (r0, r1, b0, b1) = cv2_axis(h, oh, false)[oy];
            let mut rows = vec![[0.0; 4]; 2];
            let (mut exact, mut value) = ([0.0; 4], [0u8; 4]);
            for ch in 0..4 {
                let row = |y: usize| (px(s0, y)[ch] as i32 * c0 + px(s1, y)[ch] as i32 * c1) >> 4;
                let (t, b) = (row(r0), row(r1));
                rows[0][ch] = t as f64;
                rows[1][ch] = b as f64;
                let v = (((b0 * t) >> 16) + ((b1 * b) >> 16) + 2) >> 2;
                exact[ch] = v as f64;
                value[ch] = v.clamp(0, 255) as u8;
            }
            Ok(Inspection {
                src_x: (ox as f64 + 0.5) * w as f64 / ow as f64 - 0.5,
                src_y: (oy as f64 + 0.5) * h as f64 / oh as f64 - 0.5,
                xs: vec![(s0, c0 as f64), (s1, c1 as f64)],
                ys: vec![(r0, b0 as f64), (r1, b1 as f64)],
                weight_scale: 2048.0,
                neighbours: vec![px(s0, r0), px(s1, r0), px(s0, r1), px(s1, r1)],
                rows,
                exact,
                value,
            })
        }
        RgbaMethod::Nearest => {
            let sx = ((ox as f64 * w as f64 / ow as f64) as usize).min(w - 1);
            let sy = ((oy as f64 * h as f64 / oh as f64) as usize).min(h - 1);
            let v = px(sx, sy);
            Ok(Inspection {
                src_x: ox as f64 * w as f64 / ow as f64,
                src_y: oy as f64 * h as f64 / oh as f64,
                xs: vec![(sx, 1.0)],
                ys: vec![(sy, 1.0)],
                weight_scale: 1.0,
                neighbours: vec![v],
                rows: vec![v.map(f64::from)],
                exact: v.map(f64::from),
                value: v,
            })
        }
        RgbaMethod::Pillow => {
            // Pillow's taps; the value comes from the real pipeline on the pixels involved.
            let (tx, sx, kx) = pil_axis(w, ow);
            let (ty, sy, ky) = pil_axis(h, oh);
            let taps =
                |t: usize, s: &[usize], k: &[i32], i: usize, n: usize| -> Vec<(usize, f64)> {
                    (0..t.min(n - s[i]))
                        .map(|q| (s[i] + q, k[i * t + q] as f64))
                        .collect()
                };
            let xs = if ow == w {
                vec![(ox, (1u64 << PIL_BITS) as f64)]
            } else {
                taps(tx, &sx, &kx, ox, w)
            };
            let ys = if oh == h {
                vec![(oy, (1u64 << PIL_BITS) as f64)]
            } else {
                taps(ty, &sy, &ky, oy, h)
            };
            let value = pil_pixel(src, w, h, ow, oh, ox, oy);
            let pm = |p: [u8; 4]| -> [f64; 4] {
                let a = p[3] as u32;
                let c = |v: u8| {
                    let t = v as u32 * a + 128;
                    ((t + (t >> 8)) >> 8) as f64
                };
                [c(p[0]), c(p[1]), c(p[2]), a as f64]
            };
            let scale = (1u64 << PIL_BITS) as f64;
            let rows: Vec<[f64; 4]> = ys
                .iter()
                .map(|&(y, _)| {
                    let mut r = [0.0; 4];
                    for &(x, k) in &xs {
                        let p = pm(px(x, y));
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
            Ok(Inspection {
                src_x: (ox as f64 + 0.5) * w as f64 / ow as f64 - 0.5,
                src_y: (oy as f64 + 0.5) * h as f64 / oh as f64 - 0.5,
                neighbours: ys
                    .iter()
                    .flat_map(|&(y, _)| xs.iter().map(move |&(x, _)| (x, y)))
                    .map(|(x, y)| px(x, y))
                    .collect(),
                xs,
                ys,
                weight_scale: scale,
                rows,
                exact,
                value,
            })
        }
    }
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

/// Which code path the u8 OpenCV resize takes: SIMD128 where compiled in (wasm32 with
/// `+simd128`), else scalar. The two must agree byte for byte (tests compare them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Scalar,
    Simd,
}

/// The fastest path this build has.
pub fn best_path() -> Path {
    if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        Path::Simd
    } else {
        Path::Scalar
    }
}

/// Horizontal taps of OpenCV's INTER_LINEAR, as byte offsets and 11-bit weights.
struct Cv2Taps {
    off0: Vec<u32>,
    off1: Vec<u32>,
    c0: Vec<i16>,
    c1: Vec<i16>,
    /// `(c0, c1)` repeated four times per output pixel, for `i32x4_dot_i16x8`.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    coef: Vec<core::arch::wasm32::v128>,
}

fn cv2_taps(w: usize, ow: usize) -> Cv2Taps {
    let xa = cv2_axis(w, ow, true);
    Cv2Taps {
        off0: xa.iter().map(|t| (t.0 * 4) as u32).collect(),
        off1: xa.iter().map(|t| (t.1 * 4) as u32).collect(),
        c0: xa.iter().map(|t| t.2 as i16).collect(),
        c1: xa.iter().map(|t| t.3 as i16).collect(),
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        coef: xa
            .iter()
            .map(|t| {
                let (a, b) = (t.2 as i16, t.3 as i16);
                core::arch::wasm32::i16x8(a, b, a, b, a, b, a, b)
            })
            .collect(),
    }
}

/// One source row through the horizontal pass, kept as `(row at 2^11) >> 4` in i16 (it fits:
/// 255 * 2048 >> 4 = 32640), which is all the vertical pass reads.
fn cv2_hrow_scalar(srow: &[u8], t: &Cv2Taps, out: &mut [i16]) {
    for (j, o) in out.chunks_exact_mut(4).enumerate() {
        let (a, b) = (t.off0[j] as usize, t.off1[j] as usize);
        let (c0, c1) = (t.c0[j] as i32, t.c1[j] as i32);
        for ch in 0..4 {
            o[ch] = ((srow[a + ch] as i32 * c0 + srow[b + ch] as i32 * c1) >> 4) as i16;
        }
    }
}

/// Blends two horizontal rows: `((b0 r0) >> 16) + ((b1 r1) >> 16) + 2) >> 2`, saturated to u8.
fn cv2_vrow_scalar(r0: &[i16], r1: &[i16], b0: i32, b1: i32, dst: &mut [u8]) {
    for ((d, &x0), &x1) in dst.iter_mut().zip(r0).zip(r1) {
        let v = (((b0 * x0 as i32) >> 16) + ((b1 * x1 as i32) >> 16) + 2) >> 2;
        *d = v.clamp(0, 255) as u8;
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    //! SIMD128 versions of the OpenCV fixed-point passes; same integer arithmetic, so the output
    //! is identical to the scalar path byte for byte.
    use super::Cv2Taps;
    use core::arch::wasm32::*;

    /// Two output pixels per iteration: gather the 4 source pixels, interleave them so each i16
    /// pair is (left tap, right tap) of one channel, and `i32x4_dot_i16x8` does both products and
    /// their sum per channel.
    pub fn hrow(srow: &[u8], t: &Cv2Taps, out: &mut [i16]) {
        let n = out.len() / 4;
        assert!(t.off0.len() >= n && t.off1.len() >= n && t.coef.len() >= n);
        assert!(t
            .off0
            .iter()
            .chain(&t.off1)
            .all(|&o| o as usize + 4 <= srow.len()));
        let pairs = n / 2;
        let sp = srow.as_ptr();
        for p in 0..pairs {
            let j = 2 * p;
            // SAFETY: every offset + 4 <= srow.len() (asserted above); j + 1 < n; out holds 8
            // i16 at j * 4.
            unsafe {
                let ld = |o: u32| sp.add(o as usize) as *const u32;
                let v = v128_load32_zero(ld(t.off0[j]));
                let v = v128_load32_lane::<1>(v, ld(t.off1[j]));
                let v = v128_load32_lane::<2>(v, ld(t.off0[j + 1]));
                let v = v128_load32_lane::<3>(v, ld(t.off1[j + 1]));
                // (left, right) pairs per channel: a.c0 b.c0 a.c1 b.c1 ... for each pixel.
                let v = i8x16_shuffle::<0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15>(v, v);
                let ra = i32x4_shr(i32x4_dot_i16x8(u16x8_extend_low_u8x16(v), t.coef[j]), 4);
                let rb = i32x4_shr(
                    i32x4_dot_i16x8(u16x8_extend_high_u8x16(v), t.coef[j + 1]),
                    4,
                );
                v128_store(
                    out.as_mut_ptr().add(j * 4) as *mut v128,
                    i16x8_narrow_i32x4(ra, rb),
                );
            }
        }
        if n % 2 == 1 {
            let j = n - 1;
            let (a, b) = (t.off0[j] as usize, t.off1[j] as usize);
            let (c0, c1) = (t.c0[j] as i32, t.c1[j] as i32);
            for ch in 0..4 {
                out[j * 4 + ch] =
                    ((srow[a + ch] as i32 * c0 + srow[b + ch] as i32 * c1) >> 4) as i16;
            }
        }
    }

    /// 16 output bytes per iteration with widening multiplies (exact, like the scalar path).
    pub fn vrow(r0: &[i16], r1: &[i16], b0: i32, b1: i32, dst: &mut [u8]) {
        let n = dst.len().min(r0.len()).min(r1.len());
        let (bv0, bv1) = (i16x8_splat(b0 as i16), i16x8_splat(b1 as i16));
        let two = i16x8_splat(2);
        // (b * x) >> 16 for 8 lanes: widening multiplies, then keep the high i16 of each i32
        // product (x86's mulhi, which wasm lacks). Exact: products are >= 0 and < 2^27.
        let mulhi = |x: v128, b: v128| {
            i8x16_shuffle::<2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31>(
                i32x4_extmul_low_i16x8(x, b),
                i32x4_extmul_high_i16x8(x, b),
            )
        };
        let blend8 = |k: usize| -> v128 {
            // SAFETY: k + 8 <= n is checked by the loop bound; loads are unaligned-safe.
            let x0 = unsafe { v128_load(r0.as_ptr().add(k) as *const v128) };
            let x1 = unsafe { v128_load(r1.as_ptr().add(k) as *const v128) };
            i16x8_shr(i16x8_add(i16x8_add(mulhi(x0, bv0), mulhi(x1, bv1)), two), 2)
        };
        let mut k = 0;
        while k + 16 <= n {
            let v = u8x16_narrow_i16x8(blend8(k), blend8(k + 8));
            // SAFETY: k + 16 <= dst.len().
            unsafe { v128_store(dst.as_mut_ptr().add(k) as *mut v128, v) };
            k += 16;
        }
        super::cv2_vrow_scalar(&r0[k..n], &r1[k..n], b0, b1, &mut dst[k..n]);
    }
}

/// OpenCV INTER_LINEAR on RGBA u8, streaming: output rows are produced in order and each source
/// row goes through the horizontal pass at most once, into a two-row ring, so the working set
/// stays in cache even for 40-megapixel outputs.
pub fn cv2_linear_path(
    src: &[u8],
    w: usize,
    h: usize,
    dst: &mut [u8],
    ow: usize,
    oh: usize,
    path: Path,
) {
    let taps = cv2_taps(w, ow);
    let ya = cv2_axis(h, oh, false);
    let mut ring: [(usize, Vec<i16>); 2] =
        [(usize::MAX, vec![0; ow * 4]), (usize::MAX, vec![0; ow * 4])];
    let hrow = |y: usize, out: &mut [i16]| {
        let srow = &src[y * w * 4..][..w * 4];
        match path {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Path::Simd => simd::hrow(srow, &taps, out),
            _ => cv2_hrow_scalar(srow, &taps, out),
        }
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
        let drow = &mut dst[i * ow * 4..][..ow * 4];
        match path {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Path::Simd => simd::vrow(row(r0), row(r1), b0, b1, drow),
            _ => cv2_vrow_scalar(row(r0), row(r1), b0, b1, drow),
        }
    }
}

fn cv2_linear(src: &[u8], w: usize, h: usize, dst: &mut [u8], ow: usize, oh: usize) {
    cv2_linear_path(src, w, h, dst, ow, oh, best_path());
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

/// One output pixel of `pil_bilinear`, computing only the intermediate values it reads (same
/// premultiply, pass order, uint8 rounding between passes and unpremultiply).
fn pil_pixel(
    src: &[u8],
    w: usize,
    h: usize,
    ow: usize,
    oh: usize,
    ox: usize,
    oy: usize,
) -> [u8; 4] {
    if ow == w && oh == h {
        return src[(oy * w + ox) * 4..][..4].try_into().unwrap_or([0; 4]);
    }
    let pm = |x: usize, y: usize| -> [u8; 4] {
        let p = &src[(y * w + x) * 4..][..4];
        let a = p[3] as u32;
        let c = |v: u8| {
            let t = v as u32 * a + 128;
            ((t + (t >> 8)) >> 8) as u8
        };
        [c(p[0]), c(p[1]), c(p[2]), p[3]]
    };
    // Taps of one axis for output i, or the identity when the axis keeps its size.
    let axis = |n: usize, o: usize, i: usize| -> Vec<(usize, i64)> {
        if n == o {
            return vec![(i, 1 << PIL_BITS)];
        }
        let (t, starts, k) = pil_axis(n, o);
        (0..t.min(n - starts[i]))
            .map(|q| (starts[i] + q, k[i * t + q] as i64))
            .collect()
    };
    let pass = |taps: &[(usize, i64)], v: &dyn Fn(usize) -> [u8; 4]| -> [u8; 4] {
        let mut out = [0u8; 4];
        for (ch, o) in out.iter_mut().enumerate() {
            let acc = taps
                .iter()
                .fold(1i64 << (PIL_BITS - 1), |a, &(i, k)| a + k * v(i)[ch] as i64);
            *o = (acc >> PIL_BITS).clamp(0, 255) as u8;
        }
        out
    };
    let (xs, ys) = (axis(w, ow, ox), axis(h, oh, oy));
    let (dh, dw) = (h as i64 - oh as i64, w as i64 - ow as i64);
    let vertical_first = dh > 0 && dh > 2 * dw;
    let p = if vertical_first {
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
    let a = p[3] as u32;
    let mut d = p;
    for c in 0..3 {
        d[c] = if a == 0 || a == 255 {
            p[c]
        } else {
            (255 * p[c] as u32 / a).min(255) as u8
        };
    }
    d
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
    fn inspector_value_is_the_resized_pixel() {
        let mut seed = 99u32;
        let mut next = || {
            seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
            seed >> 8
        };
        let methods = [
            RgbaMethod::OpenCv,
            RgbaMethod::Pillow,
            RgbaMethod::Nearest,
            RgbaMethod::Bilinear {
                align_corners: false,
            },
            RgbaMethod::Bilinear {
                align_corners: true,
            },
        ];
        for case in 0..60 {
            let (w, h) = (1 + next() as usize % 12, 1 + next() as usize % 12);
            let (ow, oh) = (1 + next() as usize % 25, 1 + next() as usize % 25);
            let src: Vec<u8> = (0..w * h * 4).map(|_| next() as u8).collect();
            for m in methods {
                let out = resize_rgba(&src, w, h, ow, oh, m).unwrap();
                for _ in 0..5 {
                    let (x, y) = (next() as usize % ow, next() as usize % oh);
                    let ins = inspect(&src, w, h, ow, oh, m, x, y).unwrap();
                    assert_eq!(
                        ins.value[..],
                        out[(y * ow + x) * 4..][..4],
                        "case {case} {m:?} ({x},{y})"
                    );
                    if let RgbaMethod::Bilinear { .. } = m {
                        // The formula's float result rounds to the value shown.
                        assert_eq!(ins.exact.map(|v| round_u8(v as f32)), ins.value);
                        let wsum: f64 = ins.xs.iter().map(|t| t.1).sum();
                        assert!((wsum - 1.0).abs() < 1e-6);
                    }
                }
            }
        }
        assert!(inspect(&[0; 16], 2, 2, 4, 4, RgbaMethod::OpenCv, 4, 0).is_err());
    }

    #[test]
    fn textbook_bilinear_on_a_2x2() {
        // Upscaling [[0, 100], [200, 255]] to 4x4 with align_corners: corners are exact and the
        // centre of the first row blends 0 and 100 by 1/3.
        let src: Vec<u8> = [0u8, 100, 200, 255]
            .iter()
            .flat_map(|&v| [v, v, v, 255])
            .collect();
        let out = resize_rgba(
            &src,
            2,
            2,
            4,
            4,
            RgbaMethod::Bilinear {
                align_corners: true,
            },
        )
        .unwrap();
        let r: Vec<u8> = out.chunks(4).map(|p| p[0]).collect();
        assert_eq!(&r[..4], &[0, 33, 67, 100]);
        assert_eq!(&r[12..], &[200, 218, 237, 255]);
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
