//! A stack of conv and pool layers over an image, as the convolution lab uses it.
//!
//! * `plan`: every feature map's shape, the receptive field after each layer (size r, jump,
//!   start: `rf::receptive_field`, the code the golden cases check), parameters and
//!   multiply-adds; a stack that cannot run stops at the layer that breaks, with the reason.
//! * `alternatives`: a standard conv next to its depthwise-separable and 1x1-bottleneck versions
//!   at the same output shape (all through `conv::conv2d_cost`).
//! * `cell_maps`: for one cell of the last feature map, (b) the exact set of input pixels that
//!   can change it, found by pushing a gradient back through the stack's own weights in absolute
//!   value (no two paths can cancel; a max pool may route through any pixel of its window), and
//!   (c) the effective receptive field (Luo et al., NeurIPS 2016): the mean over a few random
//!   weight draws of |d cell / d input|, through max pools along the winners of a forward pass
//!   over the real image. Both run on the crop that can reach the cell (its receptive field), so
//!   a click costs the same on a 512x512 photo as on a 32x32 one.

use crate::ops::conv::{self, conv2d_cost, conv_out_len, Conv2dParams};
use crate::ops::pool::{self, pool_out_len, PoolParams};
use crate::rf::{self, LayerKind, RfInfo, RfLayer};
use crate::rng::Rng;
use crate::{Error, Result};

/// Limits that keep one click within the page's time budget; beyond them the plan says so.
pub const MAX_LAYERS: usize = 16;
pub const MAX_CHANNELS: usize = 512;
pub const MAX_KERNEL: usize = 31;
pub const MAX_STRIDE: usize = 16;
pub const MAX_DILATION: usize = 64;
pub const MAX_PADDING: usize = 128;
/// Multiply-adds one `cell_maps` call may spend (forward + backward over all draws).
pub const MAX_CELL_MACS: u64 = 600_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    Max,
    Avg,
}

/// One layer; square kernels, the same stride/padding/dilation on both axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Conv {
        k: usize,
        s: usize,
        p: usize,
        d: usize,
        out: usize,
        groups: usize,
    },
    Pool {
        kind: PoolKind,
        k: usize,
        s: usize,
        p: usize,
    },
}

impl Layer {
    pub fn rf(&self) -> RfLayer {
        match *self {
            Layer::Conv { k, s, p, d, .. } => RfLayer {
                kind: LayerKind::Conv,
                k,
                s,
                d,
                p,
            },
            Layer::Pool { k, s, p, .. } => RfLayer {
                kind: LayerKind::Pool,
                k,
                s,
                d: 1,
                p,
            },
        }
    }

    /// "conv 3x3 stride 1 pad 1 dilation 2 -> 16" style, for messages.
    pub fn describe(&self) -> String {
        match *self {
            Layer::Conv {
                k,
                s,
                p,
                d,
                out,
                groups,
            } => {
                let g = if groups > 1 {
                    format!(", groups {groups}")
                } else {
                    String::new()
                };
                format!("conv {k}x{k}, stride {s}, padding {p}, dilation {d}, {out} channels{g}")
            }
            Layer::Pool { kind, k, s, p } => format!(
                "{} pool {k}x{k}, stride {s}, padding {p}",
                if kind == PoolKind::Max { "max" } else { "avg" }
            ),
        }
    }

    fn conv_params(&self) -> Option<(Conv2dParams, usize, usize)> {
        match *self {
            Layer::Conv {
                k,
                s,
                d,
                out,
                groups,
                ..
            } => Some((
                Conv2dParams {
                    stride: [s, s],
                    padding: [0, 0],
                    dilation: [d, d],
                    groups,
                },
                k,
                out,
            )),
            Layer::Pool { .. } => None,
        }
    }
}

/// One row of the per-layer table: the feature map after the layer and what it cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub rf: RfInfo,
    pub params: u64,
    pub macs: u64,
}

/// Why a stack cannot run: `layer` is 1-based (the row to mark in the table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackError {
    pub layer: usize,
    pub message: String,
}

/// The rows of every layer that can run, and the error of the first one that cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub rows: Vec<Row>,
    pub error: Option<StackError>,
}

fn limit(
    layer: usize,
    what: &str,
    v: usize,
    lo: usize,
    hi: usize,
) -> std::result::Result<(), StackError> {
    if v < lo || v > hi {
        let why = if v < lo {
            format!("{what} must be >= {lo}, got {v}")
        } else {
            format!("{what} is {v}; the lab allows at most {hi}")
        };
        return Err(StackError {
            layer,
            message: why,
        });
    }
    Ok(())
}

/// Checks one layer's own numbers (not yet the map it runs on).
fn check_layer(i: usize, l: &Layer, c_in: usize) -> std::result::Result<(), StackError> {
    let n = i + 1;
    match *l {
        Layer::Conv {
            k,
            s,
            p,
            d,
            out,
            groups,
        } => {
            limit(n, "kernel", k, 1, MAX_KERNEL)?;
            limit(n, "stride", s, 1, MAX_STRIDE)?;
            limit(n, "dilation", d, 1, MAX_DILATION)?;
            limit(n, "padding", p, 0, MAX_PADDING)?;
            limit(n, "output channels", out, 1, MAX_CHANNELS)?;
            limit(n, "groups", groups, 1, MAX_CHANNELS)?;
            if c_in % groups != 0 || out % groups != 0 {
                return Err(StackError {
                    layer: n,
                    message: format!(
                        "groups={groups} must divide both the input channels ({c_in}) and the output channels ({out})"
                    ),
                });
            }
        }
        Layer::Pool { k, s, p, .. } => {
            limit(n, "kernel", k, 1, MAX_KERNEL)?;
            limit(n, "stride", s, 1, MAX_STRIDE)?;
            limit(n, "padding", p, 0, MAX_PADDING)?;
            if 2 * p > k {
                return Err(StackError {
                    layer: n,
                    message: format!(
                        "pool padding must be at most half the kernel ({k}), got {p} (PyTorch's rule: a window may not lie entirely in the padding)"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Output length of layer `l` on a map of length `len`, with the message of the kernel code.
fn out_len(l: &Layer, axis: &str, len: usize) -> Result<usize> {
    match *l {
        Layer::Conv { k, s, p, d, .. } => conv_out_len(axis, len, k, s, p, d),
        Layer::Pool { k, s, p, .. } => pool_out_len(axis, len, k, s, p, 1, false),
    }
}

/// Shapes, receptive fields and costs of `layers` on a `c x h x w` input.
pub fn plan(layers: &[Layer], c: usize, h: usize, w: usize) -> Plan {
    let mut rows = Vec::with_capacity(layers.len());
    if layers.len() > MAX_LAYERS {
        return Plan {
            rows,
            error: Some(StackError {
                layer: MAX_LAYERS + 1,
                message: format!(
                    "the stack has {} layers; the lab allows at most {MAX_LAYERS}",
                    layers.len()
                ),
            }),
        };
    }
    let (mut cc, mut hh, mut ww) = (c, h, w);
    for (i, l) in layers.iter().enumerate() {
        if let Err(e) = check_layer(i, l, cc) {
            return Plan {
                rows,
                error: Some(e),
            };
        }
        let sizes = out_len(l, "rows", hh).and_then(|oh| Ok((oh, out_len(l, "cols", ww)?)));
        let (oh, ow) = match sizes {
            Ok(v) => v,
            Err(e) => {
                let m = match e {
                    Error::Shape(m) | Error::InvalidArg(m) => m,
                    other => other.to_string(),
                };
                return Plan {
                    rows,
                    error: Some(StackError {
                        layer: i + 1,
                        message: format!("cannot run on the {hh}x{ww} map it receives: {m}"),
                    }),
                };
            }
        };
        // The receptive field of the prefix, by the same function the golden cases check.
        let rfl: Vec<RfLayer> = layers[..=i].iter().map(Layer::rf).collect();
        let info = match rf::receptive_field(&rfl) {
            Ok(v) => v[i],
            Err(e) => {
                return Plan {
                    rows,
                    error: Some(StackError {
                        layer: i + 1,
                        message: e.to_string(),
                    }),
                }
            }
        };
        let (oc, params, macs) = match *l {
            Layer::Conv { k, out, groups, .. } => {
                let (p, m) = conv2d_cost(cc, out, [k, k], groups, false, [oh, ow]);
                (out, p, m)
            }
            Layer::Pool { .. } => (cc, 0, 0),
        };
        rows.push(Row {
            c: oc,
            h: oh,
            w: ow,
            rf: info,
            params,
            macs,
        });
        (cc, hh, ww) = (oc, oh, ow);
    }
    Plan { rows, error: None }
}

/// Parameters and multiply-adds of one way to build a conv layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    pub name: &'static str,
    /// The layers, e.g. "dw 3x3 (3 ch) + pw 1x1 (3->4)".
    pub parts: Vec<(String, u64, u64)>,
    pub params: u64,
    pub macs: u64,
}

fn cost(name: &'static str, parts: Vec<(String, u64, u64)>) -> Cost {
    let params = parts.iter().map(|p| p.1).sum();
    let macs = parts.iter().map(|p| p.2).sum();
    Cost {
        name,
        parts,
        params,
        macs,
    }
}

/// A `k x k` conv from `c_in` to `c_out` channels producing `out_hw`, next to the
/// depthwise-separable version (depthwise `k x k` + pointwise 1x1) and a ResNet-style 1x1
/// bottleneck (1x1 to `c_out/4`, `k x k` there, 1x1 back up), all at the same output shape and
/// without bias (the cheat-sheet counts weights only). 3 -> 4 channels, 3x3: 108 vs 27 + 12 = 39.
pub fn alternatives(c_in: usize, c_out: usize, k: usize, out_hw: [usize; 2]) -> [Cost; 3] {
    let kk = [k, k];
    let std = conv2d_cost(c_in, c_out, kk, 1, false, out_hw);
    let dw = conv2d_cost(c_in, c_in, kk, c_in, false, out_hw);
    let pw = conv2d_cost(c_in, c_out, [1, 1], 1, false, out_hw);
    let b = (c_out / 4).max(1);
    let red = conv2d_cost(c_in, b, [1, 1], 1, false, out_hw);
    let mid = conv2d_cost(b, b, kk, 1, false, out_hw);
    let up = conv2d_cost(b, c_out, [1, 1], 1, false, out_hw);
    [
        cost(
            "standard",
            vec![(format!("conv {k}x{k} {c_in}->{c_out}"), std.0, std.1)],
        ),
        cost(
            "separable",
            vec![
                (format!("depthwise {k}x{k} on {c_in}"), dw.0, dw.1),
                (format!("pointwise 1x1 {c_in}->{c_out}"), pw.0, pw.1),
            ],
        ),
        cost(
            "bottleneck",
            vec![
                (format!("1x1 {c_in}->{b}"), red.0, red.1),
                (format!("{k}x{k} {b}->{b}"), mid.0, mid.1),
                (format!("1x1 {b}->{c_out}"), up.0, up.1),
            ],
        ),
    ]
}

/// Random conv weights for every conv layer (`None` for pools), seeded: uniform on
/// `[-a, a]` with `a = sqrt(3 / fan_in)`, i.e. variance `1/fan_in` (LeCun). Uniform rather than
/// normal because a click draws up to ~10^6 of them and two come from one 64-bit step, where
/// Box-Muller's log and cosine took a third of the click; the ERF's shape depends on the
/// variance, not on the distribution (Luo et al. 2016, section 2).
pub fn random_weights(layers: &[Layer], c_in: usize, seed: u64) -> Vec<Option<Vec<f32>>> {
    let mut rng = Rng::new(seed);
    let mut c = c_in;
    layers
        .iter()
        .map(|l| match *l {
            Layer::Conv { k, out, groups, .. } => {
                let fan_in = (c / groups.max(1)) * k * k;
                let a = (3.0 / fan_in.max(1) as f32).sqrt();
                let n = out * fan_in;
                let mut w = Vec::with_capacity(n + 1);
                while w.len() < n {
                    let r = rng.next_u64();
                    for half in [r as u32, (r >> 32) as u32] {
                        // 24 bits -> [0, 1) -> [-a, a)
                        let u = (half >> 8) as f32 / (1u32 << 24) as f32;
                        w.push((2.0 * u - 1.0) * a);
                    }
                }
                w.truncate(n);
                c = out;
                Some(w)
            }
            Layer::Pool { .. } => None,
        })
        .collect()
}

/// A half-open index window `[lo, hi)` on each axis of one feature map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Win {
    pub r0: usize,
    pub r1: usize,
    pub c0: usize,
    pub c1: usize,
}

impl Win {
    pub fn h(&self) -> usize {
        self.r1 - self.r0
    }
    pub fn w(&self) -> usize {
        self.c1 - self.c0
    }
}

/// What one cell of the last feature map sees, over the crop `win` of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct CellMaps {
    /// The input window that can reach the cell (its receptive field, clipped to the image).
    pub win: Win,
    /// 1 where the input pixel can change the cell, row-major over `win`.
    pub support: Vec<u8>,
    /// Mean |d cell / d input| (summed over input channels), scaled to max 1, over `win`.
    pub erf: Vec<f32>,
    /// Multiply-adds spent.
    pub macs: u64,
}

/// Unclipped input range a layer needs for output range `[a, b)`: `[a s - p, (b-1) s - p + span)`.
fn need(l: &RfLayer, a: usize, b: usize) -> (isize, isize) {
    let lo = (a * l.s) as isize - l.p as isize;
    let hi = ((b - 1) * l.s + (l.k - 1) * l.d + 1) as isize - l.p as isize;
    (lo, hi)
}

/// Windows of every map (index 0 = the input) that can reach the cell (i, j) of the last map.
fn windows(layers: &[Layer], sizes: &[(usize, usize)], cell: (usize, usize)) -> Vec<Win> {
    let nl = layers.len();
    let mut wins = vec![
        Win {
            r0: 0,
            r1: 0,
            c0: 0,
            c1: 0
        };
        nl + 1
    ];
    wins[nl] = Win {
        r0: cell.0,
        r1: cell.0 + 1,
        c0: cell.1,
        c1: cell.1 + 1,
    };
    for li in (0..nl).rev() {
        let rl = layers[li].rf();
        let o = wins[li + 1];
        let (h, w) = sizes[li];
        let (r0, r1) = need(&rl, o.r0, o.r1);
        let (c0, c1) = need(&rl, o.c0, o.c1);
        wins[li] = Win {
            r0: r0.max(0) as usize,
            r1: (r1.min(h as isize)).max(r0.max(0)) as usize,
            c0: c0.max(0) as usize,
            c1: (c1.min(w as isize)).max(c0.max(0)) as usize,
        };
    }
    wins
}

/// A channel-major local buffer `[c, nr, nc]` covering the unclipped range a layer needs for
/// its output window, with the clipped data `src` (`[c, win]`) placed inside and `fill` around.
fn embed(
    src: &[f32],
    c: usize,
    win: Win,
    range: ((isize, isize), (isize, isize)),
    fill: f32,
) -> (Vec<f32>, usize, usize) {
    let ((r0, r1), (c0, c1)) = range;
    let (nr, nc) = ((r1 - r0) as usize, (c1 - c0) as usize);
    let mut out = vec![fill; c * nr * nc];
    let (dr, dc) = (
        (win.r0 as isize - r0) as usize,
        (win.c0 as isize - c0) as usize,
    );
    for ch in 0..c {
        for r in 0..win.h() {
            let s = &src[(ch * win.h() + r) * win.w()..][..win.w()];
            out[(ch * nr + dr + r) * nc + dc..][..win.w()].copy_from_slice(s);
        }
    }
    (out, nr, nc)
}

/// The inverse of `embed`: the part of a local `[c, nr, nc]` buffer that lies on the map.
fn crop(
    local: &[f32],
    c: usize,
    nr: usize,
    nc: usize,
    win: Win,
    origin: (isize, isize),
) -> Vec<f32> {
    let (dr, dc) = (
        (win.r0 as isize - origin.0) as usize,
        (win.c0 as isize - origin.1) as usize,
    );
    let mut out = Vec::with_capacity(c * win.h() * win.w());
    for ch in 0..c {
        for r in 0..win.h() {
            out.extend_from_slice(&local[(ch * nr + dr + r) * nc + dc..][..win.w()]);
        }
    }
    out
}

/// `sum a[i] * b[i]` with eight independent partial sums, so it vectorizes (a strict
/// left-to-right f32 sum cannot).
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// conv2d (no padding: the crops carry their own) for the small windows of `cell_maps`: one
/// patch per output pixel, then a dot product per output channel. `[1,C,H,W] -> [1,O,OH,OW]`.
/// On a crop a few pixels wide this beats row-wise loops, whose per-row overhead dominates.
fn conv_small_forward(
    x: &[f32],
    xs: [usize; 4],
    w: &[f32],
    ws: [usize; 4],
    p: &Conv2dParams,
) -> Result<Vec<f32>> {
    let ys = conv::conv2d_out_shape(xs, ws, p)?;
    let [_, _, h, wd] = xs;
    let [o, cg, kh, kw] = ws;
    let [_, _, oh, ow] = ys;
    let (g, kk) = (p.groups, cg * kh * kw);
    let og = o / g;
    let mut y = vec![0.0f32; o * oh * ow];
    let mut patch = vec![0.0f32; kk];
    for gi in 0..g {
        for i in 0..oh {
            for j in 0..ow {
                let mut t = 0;
                for ci in 0..cg {
                    let plane = &x[(gi * cg + ci) * h * wd..][..h * wd];
                    for u in 0..kh {
                        let row = &plane[(i * p.stride[0] + u * p.dilation[0]) * wd..][..wd];
                        for v in 0..kw {
                            patch[t] = row[j * p.stride[1] + v * p.dilation[1]];
                            t += 1;
                        }
                    }
                }
                for oc in 0..og {
                    let o_ = gi * og + oc;
                    y[(o_ * oh + i) * ow + j] = dot(&w[o_ * kk..][..kk], &patch);
                }
            }
        }
    }
    Ok(y)
}

/// The input gradient of `conv_small_forward`: per output pixel, the patch gradient
/// `W^T g` (weights transposed once so each entry is a contiguous dot product over the output
/// channels), added back where the patch came from. Pixels whose gradient is all zero (most of
/// a max pool's output) are skipped.
fn conv_small_backward(
    gy: &[f32],
    xs: [usize; 4],
    w: &[f32],
    ws: [usize; 4],
    p: &Conv2dParams,
) -> Result<Vec<f32>> {
    let ys = conv::conv2d_out_shape(xs, ws, p)?;
    let [_, c, h, wd] = xs;
    let [o, cg, kh, kw] = ws;
    let [_, _, oh, ow] = ys;
    let (g, kk) = (p.groups, cg * kh * kw);
    let og = o / g;
    // wt[g][t][oc] = w[g*og + oc][t]
    let mut wt = vec![0.0f32; g * kk * og];
    for gi in 0..g {
        for oc in 0..og {
            for t in 0..kk {
                wt[(gi * kk + t) * og + oc] = w[(gi * og + oc) * kk + t];
            }
        }
    }
    let mut gx = vec![0.0f32; c * h * wd];
    let mut gv = vec![0.0f32; og];
    for gi in 0..g {
        for i in 0..oh {
            for j in 0..ow {
                for (oc, v) in gv.iter_mut().enumerate() {
                    *v = gy[((gi * og + oc) * oh + i) * ow + j];
                }
                if gv.iter().all(|&v| v == 0.0) {
                    continue;
                }
                let mut t = 0;
                for ci in 0..cg {
                    let plane = &mut gx[(gi * cg + ci) * h * wd..][..h * wd];
                    for u in 0..kh {
                        let r = i * p.stride[0] + u * p.dilation[0];
                        for v in 0..kw {
                            let q = j * p.stride[1] + v * p.dilation[1];
                            plane[r * wd + q] += dot(&wt[(gi * kk + t) * og..][..og], &gv);
                            t += 1;
                        }
                    }
                }
            }
        }
    }
    Ok(gx)
}

/// Estimated multiply-adds of one forward or backward pass over the windows.
fn window_macs(layers: &[Layer], chans: &[usize], wins: &[Win]) -> u64 {
    layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let o = wins[i + 1];
            let cells = (o.h() * o.w()) as u64;
            match *l {
                Layer::Conv { k, out, groups, .. } => {
                    cells * out as u64 * (chans[i] / groups.max(1)) as u64 * (k * k) as u64
                }
                Layer::Pool { k, .. } => cells * chans[i] as u64 * (k * k) as u64,
            }
        })
        .sum()
}

/// (b) exact support and (c) effective receptive field of cell `(i, j)` of the last map, for
/// the input `image` (shape `[c, h, w]`, e.g. RGB in [0, 1]) through `layers`, with `draws` random
/// weight draws seeded from `seed` (draw 0 is also the stack's "real" weights for the support).
pub fn cell_maps(
    layers: &[Layer],
    image: &[f32],
    [c, h, w]: [usize; 3],
    cell: (usize, usize),
    seed: u64,
    draws: usize,
) -> Result<CellMaps> {
    crate::tensor::check_len("image", image.len(), &[c, h, w])?;
    if layers.is_empty() {
        return Err(Error::InvalidArg("the stack has no layers".into()));
    }
    if draws == 0 || draws > 64 {
        return Err(Error::InvalidArg(format!(
            "draws must be in 1..=64, got {draws}"
        )));
    }
    let pl = plan(layers, c, h, w);
    if let Some(e) = pl.error {
        return Err(Error::Shape(format!("layer {}: {}", e.layer, e.message)));
    }
    let mut sizes = vec![(h, w)];
    let mut chans = vec![c];
    for r in &pl.rows {
        sizes.push((r.h, r.w));
        chans.push(r.c);
    }
    let (lh, lw) = sizes[layers.len()];
    if cell.0 >= lh || cell.1 >= lw {
        return Err(Error::InvalidArg(format!(
            "cell ({}, {}) is outside the last feature map ({lh}x{lw})",
            cell.0, cell.1
        )));
    }
    let wins = windows(layers, &sizes, cell);
    let has_max = layers.iter().any(|l| {
        matches!(
            l,
            Layer::Pool {
                kind: PoolKind::Max,
                ..
            }
        )
    });
    let pass = window_macs(layers, &chans, &wins);
    let macs = pass * (1 + draws as u64 * if has_max { 2 } else { 1 });
    if macs > MAX_CELL_MACS {
        return Err(Error::TooLarge(format!(
            "this stack needs about {} million multiply-adds per click (the lab allows {}): use fewer channels, fewer layers or fewer ERF draws",
            macs / 1_000_000,
            MAX_CELL_MACS / 1_000_000
        )));
    }
    let win0 = wins[0];
    let n0 = win0.h() * win0.w();
    // The input crop, channel-major.
    let x0: Vec<f32> = (0..c)
        .flat_map(|ch| {
            (win0.r0..win0.r1).flat_map(move |r| {
                image[(ch * h + r) * w + win0.c0..][..win0.w()]
                    .iter()
                    .copied()
            })
        })
        .collect();

    let mut support = vec![0u8; n0];
    let mut erf = vec![0.0f32; n0];
    for draw in 0..=draws {
        // draw 0: the support (|w| of the stack's weights); draws 1..: ERF with signed weights.
        let weights = random_weights(layers, c, seed.wrapping_add(draw.saturating_sub(1) as u64));
        let for_support = draw == 0;
        // Forward over the windows, only to learn which input wins each max pool.
        let mut argmax: Vec<Option<Vec<u32>>> = vec![None; layers.len()];
        if has_max && !for_support {
            let mut cur = x0.clone();
            for (li, l) in layers.iter().enumerate() {
                let rl = l.rf();
                let (o, iw) = (wins[li + 1], wins[li]);
                let range = (need(&rl, o.r0, o.r1), need(&rl, o.c0, o.c1));
                let fill = if matches!(
                    l,
                    Layer::Pool {
                        kind: PoolKind::Max,
                        ..
                    }
                ) {
                    f32::NEG_INFINITY
                } else {
                    0.0
                };
                let (local, nr, nc) = embed(&cur, chans[li], iw, range, fill);
                let xs = [1, chans[li], nr, nc];
                cur = match *l {
                    Layer::Conv { .. } => {
                        let (p, k, out) = l.conv_params().expect("conv layer");
                        let wt = weights[li].as_deref().unwrap_or(&[]);
                        conv_small_forward(&local, xs, wt, [out, chans[li] / p.groups, k, k], &p)?
                    }
                    Layer::Pool { kind, k, s, .. } => {
                        let mut pp = PoolParams::new([k, k]);
                        pp.stride = [s, s];
                        if kind == PoolKind::Max {
                            let (y, _, a) = pool::max_pool2d(&local, &xs, &pp)?;
                            argmax[li] = Some(a);
                            y
                        } else {
                            pool::avg_pool2d(&local, &xs, &pp)?.0
                        }
                    }
                };
            }
        }
        // Backward from the cell (all its channels) to the input crop.
        let nl = layers.len();
        let mut g = vec![1.0f32; chans[nl]];
        for li in (0..nl).rev() {
            let l = &layers[li];
            let rl = l.rf();
            let (o, iw) = (wins[li + 1], wins[li]);
            let (rr, cr) = (need(&rl, o.r0, o.r1), need(&rl, o.c0, o.c1));
            let (nr, nc) = ((rr.1 - rr.0) as usize, (cr.1 - cr.0) as usize);
            let xs = [1, chans[li], nr, nc];
            let local = match *l {
                Layer::Conv { .. } => {
                    let (p, k, out) = l.conv_params().expect("conv layer");
                    let wt = weights[li].as_deref().unwrap_or(&[]);
                    let wt: Vec<f32> = if for_support {
                        wt.iter().map(|v| v.abs()).collect()
                    } else {
                        wt.to_vec()
                    };
                    conv_small_backward(&g, xs, &wt, [out, chans[li] / p.groups, k, k], &p)?
                }
                Layer::Pool { kind, k, s, .. } => {
                    let mut pp = PoolParams::new([k, k]);
                    pp.stride = [s, s];
                    match (&argmax[li], kind) {
                        (Some(a), PoolKind::Max) => pool::max_pool2d_backward(&g, a, &xs, &pp)?,
                        // Avg pools, and max pools for the support (any pixel may win).
                        _ => pool::avg_pool2d_backward(&g, &xs, &pp)?,
                    }
                }
            };
            g = crop(&local, chans[li], nr, nc, iw, (rr.0, cr.0));
        }
        for ch in 0..c {
            let gp = &g[ch * n0..][..n0];
            if for_support {
                for (s, &v) in support.iter_mut().zip(gp) {
                    *s |= u8::from(v > 0.0);
                }
            } else {
                for (e, &v) in erf.iter_mut().zip(gp) {
                    *e += v.abs();
                }
            }
        }
    }
    let mx = erf.iter().copied().fold(0.0f32, f32::max);
    if mx > 0.0 {
        for e in &mut erf {
            *e /= mx;
        }
    }
    Ok(CellMaps {
        win: win0,
        support,
        erf,
        macs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(k: usize, s: usize, p: usize, d: usize, out: usize) -> Layer {
        Layer::Conv {
            k,
            s,
            p,
            d,
            out,
            groups: 1,
        }
    }

    fn maxpool(k: usize, s: usize, p: usize) -> Layer {
        Layer::Pool {
            kind: PoolKind::Max,
            k,
            s,
            p,
        }
    }

    #[test]
    fn plan_rows_and_the_layer_that_breaks() {
        let stem = [conv(7, 2, 3, 1, 64), maxpool(3, 2, 1)];
        let pl = plan(&stem, 3, 224, 224);
        assert_eq!(pl.error, None);
        assert_eq!((pl.rows[0].c, pl.rows[0].h, pl.rows[0].w), (64, 112, 112));
        assert_eq!(
            (pl.rows[1].h, pl.rows[1].rf.r, pl.rows[1].rf.jump),
            (56, 11, 4)
        );
        assert_eq!(pl.rows[1].rf.start, -5);
        assert_eq!(pl.rows[0].params, 64 * 3 * 49);
        assert_eq!(pl.rows[0].macs, 64 * 3 * 49 * 112 * 112);
        // Layer 3's dilated kernel (span 17) does not fit the 8x8 map (+2 padding) it gets.
        let bad = [
            conv(3, 2, 1, 1, 8),
            conv(3, 2, 1, 1, 8),
            conv(3, 1, 1, 8, 8),
        ];
        let pl = plan(&bad, 3, 32, 32);
        assert_eq!(pl.rows.len(), 2);
        let e = pl.error.unwrap();
        assert_eq!(e.layer, 3);
        assert!(
            e.message.contains("8x8 map") && e.message.contains("spans 17"),
            "{}",
            e.message
        );
        let e = plan(&[conv(3, 1, 1, 0, 8)], 3, 32, 32).error.unwrap();
        assert_eq!(
            (e.layer, e.message.as_str()),
            (1, "dilation must be >= 1, got 0")
        );
        let g = Layer::Conv {
            k: 3,
            s: 1,
            p: 1,
            d: 1,
            out: 8,
            groups: 2,
        };
        let e = plan(&[g], 3, 32, 32).error.unwrap();
        assert!(e.message.contains("groups=2 must divide"), "{}", e.message);
        let e = plan(&[maxpool(2, 2, 2)], 3, 32, 32).error.unwrap();
        assert!(e.message.contains("at most half"), "{}", e.message);
    }

    #[test]
    fn cheat_sheet_108_vs_39_and_the_bottleneck() {
        let [std, sep, bot] = alternatives(3, 4, 3, [1, 1]);
        assert_eq!((std.name, std.params), ("standard", 108));
        assert_eq!(sep.params, 39);
        assert_eq!(
            sep.parts.iter().map(|p| p.1).collect::<Vec<_>>(),
            vec![27, 12]
        );
        // 1x1 3->1 (3) + 3x3 1->1 (9) + 1x1 1->4 (4)
        assert_eq!(bot.params, 16);
        // MACs scale with the output size.
        let [std, ..] = alternatives(3, 4, 3, [10, 10]);
        assert_eq!(std.macs, 10800);
    }

    fn image(c: usize, h: usize, w: usize) -> Vec<f32> {
        (0..c * h * w)
            .map(|i| ((i * 7919) % 101) as f32 / 101.0)
            .collect()
    }

    /// The 2-D support is the product of the exact 1-D supports (`rf::support_1d`), its
    /// bounding box lies in the formula's box, and dilation leaves the holes it should.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn support_is_exact_and_inside_the_box() {
        let stacks: Vec<Vec<Layer>> = vec![
            vec![conv(3, 1, 1, 1, 4); 3],
            vec![
                conv(3, 1, 1, 1, 4),
                conv(3, 1, 2, 2, 4),
                conv(3, 1, 4, 4, 4),
            ],
            vec![conv(3, 1, 2, 2, 4); 3],
            vec![conv(7, 2, 3, 1, 6), maxpool(3, 2, 1)],
            vec![
                conv(3, 2, 1, 1, 4),
                Layer::Pool {
                    kind: PoolKind::Avg,
                    k: 2,
                    s: 2,
                    p: 0,
                },
                conv(3, 1, 2, 2, 4),
            ],
        ];
        let (c, h, w) = (3, 40, 37);
        for st in &stacks {
            let pl = plan(st, c, h, w);
            let last = *pl.rows.last().unwrap();
            let rfl: Vec<RfLayer> = st.iter().map(Layer::rf).collect();
            for cell in [(0, 0), (last.h / 2, last.w / 3), (last.h - 1, last.w - 1)] {
                let m = cell_maps(st, &image(c, h, w), [c, h, w], cell, 7, 2).unwrap();
                let rows = rf::support_1d(&rfl, h, cell.0).unwrap();
                let cols = rf::support_1d(&rfl, w, cell.1).unwrap();
                for r in 0..h {
                    for q in 0..w {
                        let inside = r >= m.win.r0 && r < m.win.r1 && q >= m.win.c0 && q < m.win.c1;
                        let got =
                            inside && m.support[(r - m.win.r0) * m.win.w() + (q - m.win.c0)] == 1;
                        assert_eq!(
                            got,
                            rows[r] && cols[q],
                            "{st:?} cell {cell:?} pixel ({r},{q})"
                        );
                    }
                }
                // The window is the formula's box clipped to the image.
                let lo = last.rf.start + cell.0 as i64 * last.rf.jump as i64;
                let hi = lo + last.rf.r as i64;
                assert_eq!(m.win.r0 as i64, lo.max(0));
                assert_eq!(m.win.r1 as i64, hi.min(h as i64));
                // The ERF lives on the support only, and peaks at 1.
                assert!(m
                    .erf
                    .iter()
                    .zip(&m.support)
                    .all(|(&e, &s)| s == 1 || e == 0.0));
                assert!((m.erf.iter().copied().fold(0.0, f32::max) - 1.0).abs() < 1e-6);
            }
        }
        // Gridding: 2-2-2 reaches only every other pixel of its 13x13 box.
        let grid = vec![conv(3, 1, 2, 2, 4); 3];
        let m = cell_maps(&grid, &image(c, h, w), [c, h, w], (20, 18), 1, 1).unwrap();
        assert_eq!((m.win.h(), m.win.w()), (13, 13));
        assert_eq!(m.support.iter().filter(|&&s| s == 1).count(), 49);
    }

    /// The ERF is a real gradient: with one draw and no pooling it equals |d cell / d x| of the
    /// whole-image computation (full conv2d_backward_input, no crops), summed over channels.
    #[test]
    fn erf_equals_the_full_gradient() {
        let st = vec![
            conv(3, 2, 1, 1, 5),
            conv(3, 1, 2, 2, 4),
            conv(1, 1, 0, 1, 3),
        ];
        let (c, h, w) = (2, 21, 18);
        let cell = (4, 5);
        let m = cell_maps(&st, &image(c, h, w), [c, h, w], cell, 11, 1).unwrap();
        // The same weights as draw 1 (seed + 0).
        let weights = random_weights(&st, c, 11);
        let pl = plan(&st, c, h, w);
        let mut shapes = vec![[1, c, h, w]];
        for r in &pl.rows {
            shapes.push([1, r.c, r.h, r.w]);
        }
        let last = shapes[3];
        let mut g = vec![0.0f32; last.iter().product()];
        for ch in 0..last[1] {
            g[(ch * last[2] + cell.0) * last[3] + cell.1] = 1.0;
        }
        for li in (0..3).rev() {
            let Layer::Conv {
                k, s, p, d, out, ..
            } = st[li]
            else {
                unreachable!()
            };
            let cp = Conv2dParams {
                stride: [s, s],
                padding: [p, p],
                dilation: [d, d],
                groups: 1,
            };
            let cin = shapes[li][1];
            g = conv::conv2d_backward_input(
                &g,
                shapes[li],
                weights[li].as_ref().unwrap(),
                [out, cin, k, k],
                &cp,
            )
            .unwrap();
        }
        let mut full = vec![0.0f32; h * w];
        for ch in 0..c {
            for (f, v) in full.iter_mut().zip(&g[ch * h * w..][..h * w]) {
                *f += v.abs();
            }
        }
        let mx = full.iter().copied().fold(0.0, f32::max);
        for r in 0..h {
            for q in 0..w {
                let want = full[r * w + q] / mx;
                let inside = r >= m.win.r0 && r < m.win.r1 && q >= m.win.c0 && q < m.win.c1;
                let got = if inside {
                    m.erf[(r - m.win.r0) * m.win.w() + (q - m.win.c0)]
                } else {
                    0.0
                };
                assert!((got - want).abs() < 1e-5, "({r},{q}): {got} vs {want}");
            }
        }
    }

    /// With a max pool, the cropped forward must pick the same winners as a forward over the
    /// whole image (padding -inf for the pool, 0 for the convs), so the ERF is the true gradient.
    #[test]
    fn erf_through_max_pool_equals_the_full_gradient() {
        let st = vec![conv(3, 1, 1, 1, 3), maxpool(3, 2, 1), conv(3, 1, 1, 1, 2)];
        let (c, h, w) = (2, 19, 16);
        let img = image(c, h, w);
        let cell = (3, 4);
        let m = cell_maps(&st, &img, [c, h, w], cell, 5, 1).unwrap();
        let wts = random_weights(&st, c, 5);
        let cp = Conv2dParams {
            padding: [1, 1],
            ..Default::default()
        };
        let (y1, s1) = conv::conv2d(
            &img,
            [1, c, h, w],
            wts[0].as_ref().unwrap(),
            [3, c, 3, 3],
            None,
            &cp,
        )
        .unwrap();
        let mut pp = PoolParams::new([3, 3]);
        pp.stride = [2, 2];
        pp.padding = [1, 1];
        let (y2, s2, arg) = pool::max_pool2d(&y1, &s1, &pp).unwrap();
        let (_, s3) =
            conv::conv2d(&y2, s2, wts[2].as_ref().unwrap(), [2, 3, 3, 3], None, &cp).unwrap();
        let mut g = vec![0.0f32; s3.iter().product()];
        for ch in 0..2 {
            g[(ch * s3[2] + cell.0) * s3[3] + cell.1] = 1.0;
        }
        let g = conv::conv2d_backward_input(&g, s2, wts[2].as_ref().unwrap(), [2, 3, 3, 3], &cp)
            .unwrap();
        let g = pool::max_pool2d_backward(&g, &arg, &s1, &pp).unwrap();
        let g = conv::conv2d_backward_input(
            &g,
            [1, c, h, w],
            wts[0].as_ref().unwrap(),
            [3, c, 3, 3],
            &cp,
        )
        .unwrap();
        let mut full = vec![0.0f32; h * w];
        for ch in 0..c {
            for (f, v) in full.iter_mut().zip(&g[ch * h * w..][..h * w]) {
                *f += v.abs();
            }
        }
        let mx = full.iter().copied().fold(0.0, f32::max);
        assert!(mx > 0.0);
        let mut nonzero = 0;
        for r in 0..h {
            for q in 0..w {
                let want = full[r * w + q] / mx;
                let inside = r >= m.win.r0 && r < m.win.r1 && q >= m.win.c0 && q < m.win.c1;
                let got = if inside {
                    m.erf[(r - m.win.r0) * m.win.w() + (q - m.win.c0)]
                } else {
                    0.0
                };
                nonzero += usize::from(got > 0.0);
                assert!((got - want).abs() < 1e-5, "({r},{q}): {got} vs {want}");
            }
        }
        // Max pooling routes the gradient through winners only: fewer pixels than the support.
        let sup = m.support.iter().filter(|&&s| s == 1).count();
        assert!(nonzero > 0 && nonzero < sup, "{nonzero} of {sup}");
    }

    /// The crop kernels against the reference conv2d and conv2d_backward_input.
    #[test]
    fn small_window_kernels_match_the_reference() {
        let mut seed = 17u64;
        let mut rnd = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        };
        for case in 0..60 {
            let g = [1, 2, 3][case % 3];
            let c = g * (1 + case % 4);
            let o = g * (1 + (case / 4) % 5);
            let k = [1, 3, 5, 2][case % 4];
            let p = Conv2dParams {
                stride: [1 + case % 3, 1 + (case / 3) % 2],
                padding: [0, 0],
                dilation: [1 + (case / 5) % 3, 1 + (case / 2) % 2],
                groups: g,
            };
            let xs = [1, c, 9 + case % 7, 8 + case % 11];
            let ws = [o, c / g, k, k];
            let Ok(ys) = conv::conv2d_out_shape(xs, ws, &p) else {
                continue;
            };
            let x: Vec<f32> = (0..xs.iter().product()).map(|_| rnd()).collect();
            let w: Vec<f32> = (0..ws.iter().product()).map(|_| rnd()).collect();
            let gy: Vec<f32> = (0..ys.iter().product()).map(|_| rnd()).collect();
            let mut want = vec![0.0; ys.iter().product()];
            conv::conv2d_reference_into(&x, xs, &w, ws, None, &p, &mut want).unwrap();
            let got = conv_small_forward(&x, xs, &w, ws, &p).unwrap();
            for (a, e) in got.iter().zip(&want) {
                assert!(
                    (a - e).abs() <= 1e-5 * (1.0 + e.abs()),
                    "case {case}: {a} vs {e}"
                );
            }
            let want = conv::conv2d_backward_input(&gy, xs, &w, ws, &p).unwrap();
            let got = conv_small_backward(&gy, xs, &w, ws, &p).unwrap();
            for (a, e) in got.iter().zip(&want) {
                assert!(
                    (a - e).abs() <= 1e-5 * (1.0 + e.abs()),
                    "case {case} backward: {a} vs {e}"
                );
            }
        }
    }

    #[test]
    fn cell_errors_say_why() {
        let st = [conv(3, 1, 1, 1, 4)];
        let img = image(3, 8, 8);
        let e = cell_maps(&st, &img, [3, 8, 8], (8, 0), 1, 1).unwrap_err();
        assert!(
            e.to_string().contains("outside the last feature map (8x8)"),
            "{e}"
        );
        let big = [conv(31, 1, 15, 1, 512), conv(31, 1, 15, 1, 512)];
        let img = image(3, 64, 64);
        let e = cell_maps(&big, &img, [3, 64, 64], (30, 30), 1, 8).unwrap_err();
        assert!(e.to_string().contains("million multiply-adds"), "{e}");
    }
}
