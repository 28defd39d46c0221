//! Per-cell maps of the lab: for one cell of the last feature map, (b) the exact set of input
//! pixels that can change it, found by pushing a gradient back through the stack's own weights
//! in absolute value (no two paths can cancel; a max pool may route through any pixel of its
//! window), and (c) the effective receptive field (Luo et al., NeurIPS 2016): the mean over a few
//! random weight draws of |d cell / d input|, through max pools along the winners of a forward
//! pass over the real image. Both run on the crop that can reach the cell (its receptive field),
//! through the crop-sized kernels `conv::conv2d_window*`, so a click costs the same on a 512x512
//! photo as on a 32x32 one.

use super::layer::{CropOp, Layer, PoolKind, MAX_CELL_MACS};
use super::plan::plan;
use crate::ops::conv::{conv2d_window, conv2d_window_backward_input};
use crate::ops::pool;
use crate::rf::RfLayer;
use crate::rng::Rng;
use crate::tensor::{View, ViewD};
use crate::{Error, Result};

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
        if o.h() == 0 || o.w() == 0 {
            // nothing of this map is read (the cell lies in a later layer's padding)
            wins[li] = Win {
                r0: 0,
                r1: 0,
                c0: 0,
                c1: 0,
            };
            continue;
        }
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
    if win.h() == 0 || win.w() == 0 {
        // The window lies wholly in the padding (a cell that sees no pixel): nothing to place,
        // and its offsets may point past the buffer.
        return (out, nr, nc);
    }
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
    if win.h() == 0 || win.w() == 0 {
        return out;
    }
    for ch in 0..c {
        for r in 0..win.h() {
            out.extend_from_slice(&local[(ch * nr + dr + r) * nc + dc..][..win.w()]);
        }
    }
    out
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
    if wins.iter().any(|w| w.h() == 0 || w.w() == 0) {
        // The cell reads only padding somewhere on the way down: it is a constant (its bias),
        // so no input pixel can change it. An empty support, not an error (issue 10).
        return Ok(CellMaps {
            win: wins[0],
            support: Vec::new(),
            erf: Vec::new(),
            macs: 0,
        });
    }
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
                cur = match l.on_crop(chans[li]) {
                    CropOp::Conv { p, ws } => {
                        let wt = weights[li].as_deref().unwrap_or(&[]);
                        conv2d_window(
                            View::new("crop", &local, xs)?,
                            View::new("weight", wt, ws)?,
                            &p,
                        )?
                    }
                    CropOp::Pool { kind, p: pp } => {
                        if kind == PoolKind::Max {
                            let (y, _, a) =
                                pool::max_pool2d(ViewD::new("crop", &local, &xs)?, &pp)?;
                            argmax[li] = Some(a);
                            y
                        } else {
                            pool::avg_pool2d(ViewD::new("crop", &local, &xs)?, &pp)?.0
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
            let local = match l.on_crop(chans[li]) {
                CropOp::Conv { p, ws } => {
                    let wt = weights[li].as_deref().unwrap_or(&[]);
                    let wt: Vec<f32> = if for_support {
                        wt.iter().map(|v| v.abs()).collect()
                    } else {
                        wt.to_vec()
                    };
                    conv2d_window_backward_input(&g, xs, View::new("weight", &wt, ws)?, &p)?
                }
                CropOp::Pool { kind, p: pp } => {
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
