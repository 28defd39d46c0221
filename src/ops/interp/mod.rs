//! Image interpolation: the parameters, every check and the dispatch to one leaf per backend.
//!
//! * Float NCHW resize with `torch.nn.functional.interpolate` semantics (`torch`): bilinear
//!   (half-pixel centres or `align_corners=True`, optional antialias = Pillow's triangle filter)
//!   and nearest, `[N,C,H,W] -> [N,C,H',W']`.
//! * RGBA u8 resizes (`[H,W,4] -> [oh,ow,4]`, channel fastest) that reproduce OpenCV
//!   `INTER_LINEAR` (`cv2`) and Pillow `BILINEAR` (`pil`) bit for bit (the integer pipelines are
//!   documented in shared/golden/README.md), nearest-neighbour (`nearest`) and the textbook f32
//!   formula (`textbook`); `inspect` explains one output pixel with the same code.
//! * Fast paths on the portable lanes of `ops::lanes` (`torch_simd`, `cv2_simd`, `pil_simd`,
//!   `textbook_simd`), v128 in the browser and arrays natively, each equal to its scalar twin
//!   (`Path` picks one; tests compare).
//!
//! Every resize is separable: each axis gets a list of `(start, weights)` taps. Leaves share
//! their types through `types` and never import this file.

mod cv2;
mod cv2_simd;
mod inspect;
mod nearest;
mod pil;
mod pil_simd;
mod textbook;
mod textbook_simd;
mod torch;
mod torch_simd;
mod types;

#[cfg(test)]
mod tests;

pub use inspect::{Inspection, Probe};
pub use types::{AxisFilter, Path, Rgba, RgbaMut};

use crate::tensor::{check_len, check_work, numel, try_zeros};
use crate::{arg_err, shape_err, Error, Result};
use torch::Kernel;

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

/// The fastest path this build has: the lanes (v128 on wasm with `+simd128`, arrays elsewhere).
pub fn best_path() -> Path {
    Path::Simd
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
    let k = match p.mode {
        InterpMode::Nearest => Kernel::Nearest,
        // An axis that keeps its size is copied, whatever the options.
        InterpMode::Bilinear if p.antialias && p.align_corners && in_len != out_len => {
            return arg_err!("antialias is only defined with align_corners=false (as in torch)");
        }
        InterpMode::Bilinear if p.antialias => Kernel::Triangle,
        InterpMode::Bilinear => Kernel::Linear {
            align_corners: p.align_corners,
        },
    };
    Ok(torch::axis_filter(in_len, out_len, sf, k))
}

/// Steps charged for each `(index, weight)` entry of an axis filter being built: each costs a
/// small heap allocation and ~40 bytes (measured ~90 ns per output natively, ~225 ns in wasm,
/// where a tap of the passes costs ~1 ns), so this also bounds a filter to `MAX_WORK / 256` =
/// 4 Mi entries (~150 MB while it is built).
const FILTER_ENTRY_STEPS: u64 = 256;

/// How an axis filter weighs its inputs, for the work estimate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Taps {
    One,
    Two,
    /// The triangle widened by the scale when shrinking (antialias, Pillow).
    Wide,
}

/// An upper bound of the taps per output of an axis `in_len -> out_len` (`sf`: the user's scale
/// factor, whose inverse is torch's coordinate scale): 1 (copy, nearest), 2 (linear) or the width
/// of the widened triangle when shrinking.
fn taps_bound(in_len: usize, out_len: usize, sf: Option<f64>, kind: Taps) -> u64 {
    if in_len == out_len || kind == Taps::One {
        return 1;
    }
    if kind == Taps::Two {
        return 2;
    }
    let scale = sf.map_or(in_len as f64 / out_len.max(1) as f64, |f| 1.0 / f);
    let support = scale.max(1.0);
    ((2.0 * support).ceil() + 2.0).min(in_len as f64) as u64
}

/// The estimated steps of a separable resize `[planes, h, w] -> [planes, oh, ow]` (`taps`: the
/// bound of each axis, rows then columns; `lanes`: values per pixel): the filters, the
/// horizontal pass into an `h x ow` scratch and the vertical pass. None on overflow.
fn separable_work(
    planes: usize,
    [h, _w]: [usize; 2],
    [oh, ow]: [usize; 2],
    [ty, tx]: [u64; 2],
) -> Option<u64> {
    let filters = (oh as u64)
        .checked_mul(ty)?
        .checked_add((ow as u64).checked_mul(tx)?)?
        .checked_mul(FILTER_ENTRY_STEPS)?;
    let hpass = (h as u64).checked_mul(ow as u64)?.checked_mul(tx)?;
    let vpass = (oh as u64).checked_mul(ow as u64)?.checked_mul(ty)?;
    hpass
        .checked_add(vpass)?
        .checked_mul(planes as u64)?
        .checked_add(filters)
}

/// Refuses a float resize `xs -> ys` whose work exceeds `MAX_WORK` or whose scratch plane
/// (`h x ow` floats) is over the element limit, before anything is allocated.
fn check_resize_cost(xs: [usize; 4], ys: [usize; 4], p: &ResizeParams) -> Result<()> {
    numel(&[xs[2], ys[3]])?;
    let sf = match p.target {
        Target::Scale(s) => [Some(s[0]), Some(s[1])],
        Target::Size(_) => [None, None],
    };
    let kind = match p.mode {
        InterpMode::Nearest => Taps::One,
        InterpMode::Bilinear if p.antialias => Taps::Wide,
        InterpMode::Bilinear => Taps::Two,
    };
    let taps = [
        taps_bound(xs[2], ys[2], sf[0], kind),
        taps_bound(xs[3], ys[3], sf[1], kind),
    ];
    let planes = xs[0].saturating_mul(xs[1]);
    let work = separable_work(planes, [xs[2], xs[3]], [ys[2], ys[3]], taps);
    check_work("interpolate", work, || {
        format!("{xs:?} -> {ys:?}, mode {:?}", p.mode).to_lowercase()
    })
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
    check_resize_cost(xs, ys, p)?;
    let mut y = try_zeros("the output of interpolate", numel(&ys)?)?;
    resize_into(x, xs, p, &mut y)?;
    Ok((y, ys))
}

/// Float resize into `y`, which must hold exactly the output shape's elements.
pub fn resize_into(x: &[f32], xs: [usize; 4], p: &ResizeParams, y: &mut [f32]) -> Result<()> {
    resize_with(x, xs, p, y, best_path())
}

/// `resize_into` on a chosen code path (the tests compare the paths).
pub fn resize_with(
    x: &[f32],
    xs: [usize; 4],
    p: &ResizeParams,
    y: &mut [f32],
    path: Path,
) -> Result<()> {
    check_len("input", x.len(), &xs)?;
    let ys = resize_out_shape(xs, p)?;
    check_len("output", y.len(), &ys)?;
    check_resize_cost(xs, ys, p)?;
    let sf = match p.target {
        Target::Scale(s) => [Some(s[0]), Some(s[1])],
        Target::Size(_) => [None, None],
    };
    let fy = axis_filter(xs[2], ys[2], sf[0], p)?;
    let fx = axis_filter(xs[3], ys[3], sf[1], p)?;
    torch::resize_planes(x, [xs[0] * xs[1], xs[2], xs[3]], &fy, &fx, y, path)
}

/// Applies separable filters to `x` (`[planes, h, w]`) into `y` (`[planes, fy.out_len(),
/// fx.out_len()]`): horizontal pass, then vertical.
pub fn resize_planes(
    x: &[f32],
    [planes, h, w]: [usize; 3],
    fy: &AxisFilter,
    fx: &AxisFilter,
    y: &mut [f32],
) -> Result<()> {
    if fy.in_len != h || fx.in_len != w {
        return shape_err!(
            "filters read {}x{} planes but the planes are {h}x{w}",
            fy.in_len,
            fx.in_len
        );
    }
    check_len("input", x.len(), &[planes, h, w])?;
    check_len("output", y.len(), &[planes, fy.out_len(), fx.out_len()])?;
    numel(&[h, fx.out_len()])?;
    let work = separable_work(
        planes,
        [h, w],
        [fy.out_len(), fx.out_len()],
        [fy.taps as u64, fx.taps as u64],
    );
    check_work("resize_planes", work, || {
        format!(
            "[{planes}, {h}, {w}] -> [{planes}, {}, {}]",
            fy.out_len(),
            fx.out_len()
        )
    })?;
    torch::resize_planes(x, [planes, h, w], fy, fx, y, best_path())
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

/// Refuses an RGBA resize `[w, h] -> [ow, oh]` whose work (pixels through both passes, with
/// Pillow's widened filter when it shrinks) exceeds `MAX_WORK`, or whose intermediate image
/// (Pillow's `h x ow` or `oh x w`, uint8 between passes) is over `MAX_ELEMENTS` bytes. Both sides
/// are already within `MAX_PIXELS`, yet `1 x 67108864 -> 67108864 x 1` would need 2^52 bytes.
fn check_rgba_cost([w, h]: [usize; 2], [ow, oh]: [usize; 2], m: RgbaMethod) -> Result<()> {
    let kind = match m {
        RgbaMethod::Pillow => Taps::Wide,
        RgbaMethod::Nearest => Taps::One,
        RgbaMethod::OpenCv | RgbaMethod::Bilinear { .. } => Taps::Two,
    };
    if kind == Taps::Wide {
        numel(&[h, ow, 4])?;
        numel(&[oh, w, 4])?;
    }
    let taps = [taps_bound(h, oh, None, kind), taps_bound(w, ow, None, kind)];
    // Charged per pixel: the u8 paths handle a pixel's 4 channels together.
    let work = separable_work(1, [h, w], [oh, ow], taps);
    check_work("resize", work, || {
        format!("{w}x{h} -> {ow}x{oh}, {m:?}").to_lowercase()
    })
}

/// RGBA u8 resize `[h,w,4] -> [dst.h,dst.w,4]` into `dst`.
pub fn resize_rgba_into(src: Rgba, dst: RgbaMut, m: RgbaMethod) -> Result<()> {
    resize_rgba_with(src, dst, m, best_path())
}

/// `resize_rgba_into` on a chosen code path (OpenCV, Pillow and the textbook formula have lane
/// paths; nearest only copies; the tests compare).
pub fn resize_rgba_with(src: Rgba, dst: RgbaMut, m: RgbaMethod, path: Path) -> Result<()> {
    check_rgba("input image", src.data.len(), src.w, src.h)?;
    check_rgba("output image", dst.data.len(), dst.w, dst.h)?;
    check_rgba_cost([src.w, src.h], [dst.w, dst.h], m)?;
    match m {
        RgbaMethod::OpenCv => cv2::linear(src, dst, path),
        RgbaMethod::Pillow => pil::bilinear(src, dst, path),
        RgbaMethod::Nearest => nearest::nearest(src, dst),
        RgbaMethod::Bilinear { align_corners } => textbook::bilinear(src, dst, align_corners, path),
    }
    Ok(())
}

/// RGBA u8 resize into a fresh `ow x oh` buffer.
pub fn resize_rgba(src: Rgba, ow: usize, oh: usize, m: RgbaMethod) -> Result<Vec<u8>> {
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
    let mut data = vec![0u8; n * 4];
    let dst = RgbaMut {
        data: &mut data,
        w: ow,
        h: oh,
    };
    resize_rgba_into(src, dst, m)?;
    Ok(data)
}

/// Inspects output pixel `p.at = [x, y]` of resizing `src` to `p.out = [w, h]` with `m`.
pub fn inspect(src: Rgba, p: Probe, m: RgbaMethod) -> Result<Inspection> {
    let ([ow, oh], [ox, oy]) = (p.out, p.at);
    check_rgba("input image", src.data.len(), src.w, src.h)?;
    if ow == 0 || oh == 0 || ow.saturating_mul(oh) > MAX_PIXELS {
        return Err(Error::TooLarge(format!(
            "output image {ow}x{oh} is empty or over the {} MP limit",
            MAX_PIXELS / 1_000_000
        )));
    }
    if ox >= ow || oy >= oh {
        return arg_err!("pixel ({ox}, {oy}) is outside the {ow}x{oh} output");
    }
    if m != RgbaMethod::Nearest {
        // The taps of one pixel come from the whole axis filters (Pillow builds them twice);
        // only nearest computes its one index directly.
        let kind = if m == RgbaMethod::Pillow {
            Taps::Wide
        } else {
            Taps::Two
        };
        let taps = [
            taps_bound(src.h, oh, None, kind),
            taps_bound(src.w, ow, None, kind),
        ];
        let work = separable_work(0, [src.h, src.w], [oh, ow], taps).and_then(|w| w.checked_mul(2));
        check_work("inspect", work, || {
            format!(
                "pixel ({ox}, {oy}) of {}x{} -> {ow}x{oh}, pillow",
                src.w, src.h
            )
        })?;
    }
    Ok(match m {
        RgbaMethod::Bilinear { align_corners } => inspect::textbook(src, p, align_corners),
        RgbaMethod::OpenCv => inspect::opencv(src, p),
        RgbaMethod::Nearest => inspect::nearest(src, p),
        RgbaMethod::Pillow => inspect::pillow(src, p),
    })
}
