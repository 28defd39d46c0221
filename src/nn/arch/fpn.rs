//! Why a feature pyramid finds small objects (Lin et al., FPN, CVPR 2017), as an experiment.
//!
//! * `synth`: a seeded grayscale detection image: squares and discs from 4 to 64 px on clutter
//!   (dots, a noisy gradient), with their centres and sizes.
//! * `Backbone`: a fixed random bottom-up conv pyramid (3x3 stride-2 convs with ReLU, each map
//!   standardised per channel): C2 at stride 4 (two convs), then C3, C4, C5 at strides 8, 16, 32
//!   (one more conv each). Receptive fields from `rf::receptive_field`.
//! * `Fpn`: learned 1x1 laterals to D channels, the top-down path `P_l = L_l C_l + up2(P_{l+1})`
//!   (nearest, or torch's bilinear x2 with half-pixel centres: the resize lab's kernel, checked
//!   against `ops::interp::resize`), and a per-pixel head on the stride-4 grid (1x1 conv D -> 16,
//!   ReLU, 1x1 -> 1 logit: "an object centre lies in this cell"). Two variants share everything
//!   but the map the head reads: `TopOnly` reads `up(L_top C_top)` brought to stride 4, `Pyramid`
//!   reads P2, the finest fused level. Loss: BCE with logits, positives weighted.
//! * `evaluate`: peaks of the heat map (3x3 maxima above 0.5) matched to objects within
//!   `max(4, size/2)` px; recall by size (small < 12 px, medium < 32 px, large) and precision.

use crate::nn::optim::{step as optim_step, OptimConfig, OptimState};
use crate::ops::conv::{conv2d, Conv2dParams};
use crate::rf::{receptive_field, LayerKind, RfLayer};
use crate::rng::Rng;
use crate::tensor::View;
use crate::{arg_err, Error, Result};

pub const MIN_SIDE: usize = 32;
pub const MAX_SIDE: usize = 512;

/// One object of a synthetic image: centre (px), side/diameter (px), disc or square.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obj {
    pub cx: f32,
    pub cy: f32,
    pub size: f32,
    pub disc: bool,
}

/// Size class: 0 small (< 12 px), 1 medium (< 32 px), 2 large.
pub fn size_class(size: f32) -> usize {
    if size < 12.0 {
        0
    } else if size < 32.0 {
        1
    } else {
        2
    }
}

/// A `side x side` image in [0, 1] with `per_class` objects of each size class (log-uniform
/// sizes in [4, 12), [12, 32), [32, 64]), placed without overlapping where possible.
pub fn synth(side: usize, per_class: usize, seed: u64) -> Result<(Vec<f32>, Vec<Obj>)> {
    if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
        return Err(Error::out_of_range(
            "image side",
            MIN_SIDE as f64,
            MAX_SIDE as f64,
            side,
        ));
    }
    if per_class > 8 {
        return Err(Error::out_of_range(
            "objects per size class",
            0.0,
            8.0,
            per_class,
        ));
    }
    let mut r = Rng::new(seed);
    let s = side as f32;
    let (gx, gy) = (r.uniform() as f32 - 0.5, r.uniform() as f32 - 0.5);
    let mut img: Vec<f32> = (0..side * side)
        .map(|p| {
            let (x, y) = ((p % side) as f32 / s, (p / side) as f32 / s);
            0.15 + 0.1 * (gx * x + gy * y) + 0.05 * r.normal() as f32
        })
        .collect();
    // clutter: small dim dots
    for _ in 0..side * side / 150 {
        let (x, y) = (r.below(side), r.below(side));
        let v = 0.2 + 0.25 * r.uniform() as f32;
        for dy in 0..2 {
            for dx in 0..2 {
                if let Some(p) = img.get_mut(((y + dy) % side) * side + (x + dx) % side) {
                    *p = v;
                }
            }
        }
    }
    let mut objs: Vec<Obj> = Vec::new();
    for class in (0..3).rev() {
        let (lo, hi) = [(4.0f64, 12.0f64), (12.0, 32.0), (32.0, 64.0)][class];
        let hi = hi.min(side as f64 / 2.0).max(lo);
        for _ in 0..per_class {
            let size = (lo.ln() + (hi.ln() - lo.ln()) * r.uniform()).exp() as f32;
            let mut best = None;
            for _ in 0..40 {
                let m = size / 2.0 + 1.0;
                let span = (s - 2.0 * m).max(1.0);
                let (cx, cy) = (m + span * r.uniform() as f32, m + span * r.uniform() as f32);
                let free = objs.iter().all(|o| {
                    (o.cx - cx).abs() > (o.size + size) / 2.0 + 2.0
                        || (o.cy - cy).abs() > (o.size + size) / 2.0 + 2.0
                });
                best = Some((cx, cy));
                if free {
                    break;
                }
            }
            let Some((cx, cy)) = best else { continue };
            objs.push(Obj {
                cx,
                cy,
                size,
                disc: r.uniform() < 0.5,
            });
        }
    }
    for o in &objs {
        let v = 0.65 + 0.3 * r.uniform() as f32;
        let h = o.size / 2.0;
        let (x0, x1) = (
            (o.cx - h).floor().max(0.0) as usize,
            ((o.cx + h).ceil() as usize).min(side),
        );
        let (y0, y1) = (
            (o.cy - h).floor().max(0.0) as usize,
            ((o.cy + h).ceil() as usize).min(side),
        );
        for y in y0..y1 {
            for x in x0..x1 {
                let (px, py) = (x as f32 + 0.5 - o.cx, y as f32 + 0.5 - o.cy);
                let inside = if o.disc {
                    px * px + py * py <= h * h
                } else {
                    px.abs() <= h && py.abs() <= h
                };
                if inside {
                    img[y * side + x] = v;
                }
            }
        }
    }
    Ok((img, objs))
}

/// One map `[C, H, W]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub data: Vec<f32>,
}

fn conv_s2(x: &Map, w: &[f32], co: usize) -> Result<Map> {
    let p = Conv2dParams {
        stride: [2, 2],
        padding: [1, 1],
        dilation: [1, 1],
        groups: 1,
    };
    let (y, ys) = conv2d(
        View::new("input", &x.data, [1, x.c, x.h, x.w])?,
        View::new("weight", w, [co, x.c, 3, 3])?,
        None,
        &p,
    )?;
    let mut m = Map {
        c: co,
        h: ys[2],
        w: ys[3],
        data: y,
    };
    // ReLU, then each channel to mean 0, std 1 (a fixed normalisation; nothing here is learned)
    let hw = m.h * m.w;
    for ch in m.data.chunks_exact_mut(hw) {
        for v in ch.iter_mut() {
            *v = v.max(0.0);
        }
        let mean = ch.iter().map(|&v| v as f64).sum::<f64>() / hw as f64;
        let var = ch.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / hw as f64;
        let sd = (var.sqrt() + 1e-5) as f32;
        for v in ch.iter_mut() {
            *v = (*v - mean as f32) / sd;
        }
    }
    Ok(m)
}

/// The fixed random bottom-up pyramid.
#[derive(Debug, Clone)]
pub struct Backbone {
    pub channels: usize,
    /// The top level: 2..=6 (stride 4..64).
    pub top: usize,
    weights: Vec<Vec<f32>>,
}

/// Geometry of one level for the drawing: stride, receptive field (px) and size.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelInfo {
    pub level: usize,
    pub stride: usize,
    pub rf: u64,
    pub h: usize,
    pub w: usize,
}

impl Backbone {
    pub fn new(channels: usize, top: usize, seed: u64) -> Result<Backbone> {
        if !(1..=32).contains(&channels) {
            return Err(Error::out_of_range(
                "backbone channels",
                1.0,
                32.0,
                channels,
            ));
        }
        if !(3..=6).contains(&top) {
            return Err(Error::out_of_range("top pyramid level", 3.0, 6.0, top));
        }
        let mut r = Rng::new(seed);
        let mut weights = Vec::new();
        let mut cin = 1;
        for _ in 0..top {
            let fan = (cin * 9) as f64;
            let b = (6.0 / fan).sqrt();
            weights.push(
                (0..channels * cin * 9)
                    .map(|_| ((r.uniform() * 2.0 - 1.0) * b) as f32)
                    .collect(),
            );
            cin = channels;
        }
        Ok(Backbone {
            channels,
            top,
            weights,
        })
    }

    /// Level sizes and receptive fields for a `h x w` image; a level smaller than one pixel is
    /// an error naming it.
    pub fn levels(&self, h: usize, w: usize) -> Result<Vec<LevelInfo>> {
        let layers = vec![
            RfLayer {
                kind: LayerKind::Conv,
                k: 3,
                s: 2,
                d: 1,
                p: 1,
            };
            self.top
        ];
        let rf = receptive_field(&layers)?;
        (2..=self.top)
            .map(|l| {
                let stride = 1usize << l;
                if h < stride || w < stride {
                    return arg_err!(
                        "pyramid level P{l} (stride {stride}) would be smaller than 1 pixel on a {w}x{h} image: use a larger image or fewer levels (top level at most P{})",
                        (h.min(w).max(1)).ilog2()
                    );
                }
                Ok(LevelInfo {
                    level: l,
                    stride,
                    rf: rf[l - 1].r,
                    h: h / stride,
                    w: w / stride,
                })
            })
            .collect()
    }

    /// C2..C_top of a grayscale `h x w` image (cropped to a multiple of the top stride).
    pub fn forward(&self, img: &[f32], h: usize, w: usize) -> Result<Vec<Map>> {
        let info = self.levels(h, w)?;
        let st = 1usize << self.top;
        let (ch, cw) = (h / st * st, w / st * st);
        crate::tensor::check_len("image", img.len(), &[h, w])?;
        let mean = img.iter().map(|&v| v as f64).sum::<f64>() / img.len().max(1) as f64;
        let mut cur = Map {
            c: 1,
            h: ch,
            w: cw,
            data: (0..ch * cw)
                .map(|p| img[(p / cw) * w + p % cw] - mean as f32)
                .collect(),
        };
        let mut out = Vec::new();
        for (l, wt) in self.weights.iter().enumerate() {
            cur = conv_s2(&cur, wt, self.channels)?;
            if l >= 1 {
                out.push(cur.clone());
            }
        }
        debug_assert_eq!(out.len(), info.len());
        Ok(out)
    }
}

/// How the top-down path doubles a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Up {
    Nearest,
    Bilinear,
}

/// `[C, H, W] -> [C, 2H, 2W]`: nearest copies each pixel to a 2x2 block; bilinear is torch's
/// `interpolate(scale_factor=2, mode='bilinear', align_corners=False)`: along each axis
/// `out[2i] = 0.25 x[i-1] + 0.75 x[i]`, `out[2i+1] = 0.75 x[i] + 0.25 x[i+1]`, edges clamped.
pub fn up2(x: &Map, mode: Up) -> Map {
    let (h2, w2) = (2 * x.h, 2 * x.w);
    let mut data = vec![0.0f32; x.c * h2 * w2];
    for c in 0..x.c {
        let src = &x.data[c * x.h * x.w..][..x.h * x.w];
        let dst = &mut data[c * h2 * w2..][..h2 * w2];
        for oy in 0..h2 {
            for ox in 0..w2 {
                dst[oy * w2 + ox] = match mode {
                    Up::Nearest => src[(oy / 2) * x.w + ox / 2],
                    Up::Bilinear => {
                        let (ty, tx) = (taps(oy, x.h), taps(ox, x.w));
                        let mut v = 0.0;
                        for &(iy, wy) in &ty {
                            for &(ix, wx) in &tx {
                                v += wy * wx * src[iy * x.w + ix];
                            }
                        }
                        v
                    }
                };
            }
        }
    }
    Map {
        c: x.c,
        h: h2,
        w: w2,
        data,
    }
}

/// The two taps of output index `o` of a bilinear x2 along an axis of length `n`.
fn taps(o: usize, n: usize) -> [(usize, f32); 2] {
    let i = o / 2;
    let j = if o % 2 == 0 {
        i.saturating_sub(1)
    } else {
        (i + 1).min(n - 1)
    };
    [(i, 0.75), (j, 0.25)]
}

/// The adjoint of `up2`: `[C, 2H, 2W] -> [C, H, W]` (the gradient of the upsampling).
pub fn up2_adjoint(g: &Map, mode: Up) -> Map {
    let (h, w) = (g.h / 2, g.w / 2);
    let mut data = vec![0.0f32; g.c * h * w];
    for c in 0..g.c {
        let src = &g.data[c * g.h * g.w..][..g.h * g.w];
        let dst = &mut data[c * h * w..][..h * w];
        for oy in 0..g.h {
            for ox in 0..g.w {
                let v = src[oy * g.w + ox];
                match mode {
                    Up::Nearest => dst[(oy / 2) * w + ox / 2] += v,
                    Up::Bilinear => {
                        for &(iy, wy) in &taps(oy, h) {
                            for &(ix, wx) in &taps(ox, w) {
                                dst[iy * w + ix] += wy * wx * v;
                            }
                        }
                    }
                }
            }
        }
    }
    Map { c: g.c, h, w, data }
}

/// `y [D, hw] = W [D, C] x [C, hw] + b`.
fn lin(x: &[f32], c: usize, hw: usize, w: &[f32], b: &[f32]) -> Vec<f32> {
    let d = b.len();
    let mut y = vec![0.0f32; d * hw];
    for o in 0..d {
        let yo = &mut y[o * hw..][..hw];
        yo.fill(b[o]);
        for ci in 0..c {
            let wv = w[o * c + ci];
            for (a, &v) in yo.iter_mut().zip(&x[ci * hw..][..hw]) {
                *a += wv * v;
            }
        }
    }
    y
}

/// Accumulates `dW += dy x^T`, `db += sum dy`; returns `dx = W^T dy`.
fn lin_back(
    x: &[f32],
    c: usize,
    hw: usize,
    w: &[f32],
    dy: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
) -> Vec<f32> {
    let d = db.len();
    let mut dx = vec![0.0f32; c * hw];
    for o in 0..d {
        let g = &dy[o * hw..][..hw];
        db[o] += g.iter().sum::<f32>();
        for ci in 0..c {
            let xv = &x[ci * hw..][..hw];
            dw[o * c + ci] += g.iter().zip(xv).map(|(a, b)| a * b).sum::<f32>();
            let wv = w[o * c + ci];
            for (dd, &gv) in dx[ci * hw..][..hw].iter_mut().zip(g) {
                *dd += wv * gv;
            }
        }
    }
    dx
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The head reads the top level brought up to stride 4 (one cell per 4x4 px).
    TopOnly,
    /// The head reads P2, the finest fused level (stride 4).
    Pyramid,
    /// The head reads the top level at its own stride (one cell per 32x32 px block at P5): the
    /// cell holding an object's centre is positive, a detection sits at its cell's centre.
    TopGrid,
}

impl Variant {
    /// Stride (px) of the grid the head predicts on, for a pyramid whose top level is `top`.
    pub fn stride(self, top: usize) -> usize {
        match self {
            Variant::TopGrid => 1 << top,
            _ => 4,
        }
    }
}

pub const HEAD_HIDDEN: usize = 16;

/// Laterals and head; parameters `[L_2, b_2, ..., L_top, b_top, W1, b1, W2, b2]`.
#[derive(Debug, Clone)]
pub struct Fpn {
    pub variant: Variant,
    pub up: Up,
    pub dim: usize,
    pub top: usize,
    pub params: Vec<Vec<f32>>,
    states: Vec<OptimState>,
}

/// The maps of one forward pass (for the drawing and the backward).
#[derive(Debug, Clone)]
pub struct FpnRun {
    /// `lat[l-2] = L_l C_l`, `p[l-2] = P_l`.
    pub lat: Vec<Map>,
    pub p: Vec<Map>,
    /// The map the head reads (stride 4, or the top level's stride for `TopGrid`).
    pub feat: Map,
    pub hidden: Vec<f32>,
    /// Logits `[H4 * W4]`.
    pub logit: Vec<f32>,
}

impl Fpn {
    pub fn new(
        variant: Variant,
        up: Up,
        channels: usize,
        dim: usize,
        top: usize,
        seed: u64,
    ) -> Result<Fpn> {
        if !(1..=32).contains(&dim) {
            return Err(Error::out_of_range("lateral channels", 1.0, 32.0, dim));
        }
        let mut r = Rng::new(seed);
        let mut u = |n: usize, fan: usize| -> Vec<f32> {
            let b = 1.0 / (fan as f64).sqrt();
            (0..n)
                .map(|_| ((r.uniform() * 2.0 - 1.0) * b) as f32)
                .collect()
        };
        let mut params = Vec::new();
        for _ in 2..=top {
            params.push(u(dim * channels, channels));
            params.push(u(dim, channels));
        }
        params.push(u(HEAD_HIDDEN * dim, dim));
        params.push(u(HEAD_HIDDEN, dim));
        params.push(u(HEAD_HIDDEN, HEAD_HIDDEN));
        params.push(u(1, HEAD_HIDDEN));
        let states = vec![OptimState::default(); params.len()];
        Ok(Fpn {
            variant,
            up,
            dim,
            top,
            params,
            states,
        })
    }

    pub fn forward(&self, cs: &[Map]) -> Result<FpnRun> {
        let n = self.top - 1;
        if cs.len() != n {
            return arg_err!("the pyramid has {} levels, the FPN expects {n}", cs.len());
        }
        let lat: Vec<Map> = cs
            .iter()
            .enumerate()
            .map(|(k, c)| Map {
                c: self.dim,
                h: c.h,
                w: c.w,
                data: lin(
                    &c.data,
                    c.c,
                    c.h * c.w,
                    &self.params[2 * k],
                    &self.params[2 * k + 1],
                ),
            })
            .collect();
        let mut p = lat.clone();
        let feat = match self.variant {
            Variant::Pyramid => {
                for k in (0..n - 1).rev() {
                    let u = up2(&p[k + 1], self.up);
                    for (a, b) in p[k].data.iter_mut().zip(&u.data) {
                        *a += b;
                    }
                }
                p[0].clone()
            }
            Variant::TopGrid => lat[n - 1].clone(),
            Variant::TopOnly => {
                let mut f = lat[n - 1].clone();
                for _ in 0..n - 1 {
                    f = up2(&f, self.up);
                }
                f
            }
        };
        let hw = feat.h * feat.w;
        let k = 2 * n;
        let hidden: Vec<f32> = lin(
            &feat.data,
            self.dim,
            hw,
            &self.params[k],
            &self.params[k + 1],
        )
        .into_iter()
        .map(|v| v.max(0.0))
        .collect();
        let logit = lin(
            &hidden,
            HEAD_HIDDEN,
            hw,
            &self.params[k + 2],
            &self.params[k + 3],
        );
        Ok(FpnRun {
            lat,
            p,
            feat,
            hidden,
            logit,
        })
    }

    /// BCE-with-logits loss (positives weighted by `pos_weight`, mean over cells) and gradients.
    pub fn loss_grad(
        &self,
        cs: &[Map],
        target: &[f32],
        pos_weight: f32,
    ) -> Result<(f64, Vec<Vec<f32>>)> {
        let run = self.forward(cs)?;
        let hw = run.feat.h * run.feat.w;
        crate::tensor::check_len("target", target.len(), &[hw])?;
        let n = self.top - 1;
        let mut loss = 0.0f64;
        let mut dlogit = vec![0.0f32; hw];
        for ((d, &z), &t) in dlogit.iter_mut().zip(&run.logit).zip(target) {
            let (z, t) = (z as f64, t as f64);
            let sp = |v: f64| v.max(0.0) + (-v.abs()).exp().ln_1p(); // softplus
            let pw = pos_weight as f64;
            loss += (pw * t * sp(-z) + (1.0 - t) * sp(z)) / hw as f64;
            let s = 1.0 / (1.0 + (-z).exp());
            *d = ((pw * t * (s - 1.0) + (1.0 - t) * s) / hw as f64) as f32;
        }
        let mut grads: Vec<Vec<f32>> = self.params.iter().map(|p| vec![0.0; p.len()]).collect();
        let k = 2 * n;
        let (g_lo, g_hi) = grads.split_at_mut(k + 2);
        let (gw2, gb2) = g_hi.split_at_mut(1);
        let dh = lin_back(
            &run.hidden,
            HEAD_HIDDEN,
            hw,
            &self.params[k + 2],
            &dlogit,
            &mut gw2[0],
            &mut gb2[0],
        );
        let dz: Vec<f32> = dh
            .iter()
            .zip(&run.hidden)
            .map(|(&g, &h)| if h > 0.0 { g } else { 0.0 })
            .collect();
        let (gw1, gb1) = g_lo[k..].split_at_mut(1);
        let dfeat = lin_back(
            &run.feat.data,
            self.dim,
            hw,
            &self.params[k],
            &dz,
            &mut gw1[0],
            &mut gb1[0],
        );
        let mut dp = Map {
            c: self.dim,
            h: run.feat.h,
            w: run.feat.w,
            data: dfeat,
        };
        // gradient reaching each lateral output
        let mut dlat: Vec<Option<Map>> = vec![None; n];
        match self.variant {
            Variant::Pyramid => {
                for (l, slot) in dlat.iter_mut().enumerate() {
                    let next = if l + 1 < n {
                        Some(up2_adjoint(&dp, self.up))
                    } else {
                        None
                    };
                    *slot = Some(dp);
                    match next {
                        Some(m) => dp = m,
                        None => break,
                    }
                }
            }
            Variant::TopOnly => {
                for _ in 0..n - 1 {
                    dp = up2_adjoint(&dp, self.up);
                }
                dlat[n - 1] = Some(dp);
            }
            Variant::TopGrid => dlat[n - 1] = Some(dp),
        }
        for (l, d) in dlat.into_iter().enumerate() {
            let Some(d) = d else { continue };
            let c = &cs[l];
            let (gw, gb) = g_lo[2 * l..].split_at_mut(1);
            lin_back(
                &c.data,
                c.c,
                c.h * c.w,
                &self.params[2 * l],
                &d.data,
                &mut gw[0],
                &mut gb[0],
            );
        }
        Ok((loss, grads))
    }

    pub fn train_step(
        &mut self,
        cs: &[Map],
        target: &[f32],
        pos_weight: f32,
        lr: f64,
    ) -> Result<f64> {
        let (loss, grads) = self.loss_grad(cs, target, pos_weight)?;
        if !loss.is_finite() {
            return arg_err!("the FPN head diverged (loss {loss}): lower the learning rate");
        }
        let opt = OptimConfig::adam(lr);
        for ((p, g), st) in self.params.iter_mut().zip(&grads).zip(&mut self.states) {
            optim_step(&opt, st, p, g)?;
        }
        Ok(loss)
    }
}

/// The stride-4 target: 1 in the cell that holds each object's centre.
pub fn target_map(objs: &[Obj], h4: usize, w4: usize) -> Vec<f32> {
    target_grid(objs, h4, w4, 4)
}

/// The target on a grid of `stride`-px cells: 1 in the cell that holds each object's centre
/// (two objects in one cell make one positive: a one-box-per-cell grid cannot tell them apart).
pub fn target_grid(objs: &[Obj], h: usize, w: usize, stride: usize) -> Vec<f32> {
    let mut t = vec![0.0f32; h * w];
    let s = stride.max(1) as f32;
    for o in objs {
        let (x, y) = ((o.cx / s) as usize, (o.cy / s) as usize);
        if x < w && y < h {
            t[y * w + x] = 1.0;
        }
    }
    t
}

/// Detections of a coarse grid head: every cell with probability above 0.5 (no suppression
/// between neighbours: each cell stands for its own block), at the cell's centre.
pub fn grid_dets(logit: &[f32], h: usize, w: usize, stride: usize) -> Vec<(f32, f32)> {
    let s = stride as f32;
    let mut out = Vec::new();
    for y in 0..h {
        for x in 0..w {
            if logit.get(y * w + x).is_some_and(|&v| v > 0.0) {
                out.push((x as f32 * s + s / 2.0, y as f32 * s + s / 2.0));
            }
        }
    }
    out
}

/// Peaks of a logit map: 3x3 local maxima (ties go to the first in scan order) with
/// probability above 0.5, as `(x_px, y_px)` cell centres.
pub fn peaks(logit: &[f32], h: usize, w: usize) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let v = logit[y * w + x];
            if v <= 0.0 {
                continue;
            }
            let mut is_peak = true;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (ny, nx) = (y as i64 + dy, x as i64 + dx);
                    if (dy, dx) == (0, 0) || ny < 0 || nx < 0 || ny >= h as i64 || nx >= w as i64 {
                        continue;
                    }
                    let u = logit[ny as usize * w + nx as usize];
                    let before = (ny, nx) < (y as i64, x as i64);
                    if u > v || (u == v && before) {
                        is_peak = false;
                    }
                }
            }
            if is_peak {
                out.push((x as f32 * 4.0 + 2.0, y as f32 * 4.0 + 2.0));
            }
        }
    }
    out
}

/// Recall per size class and over all, and precision, of detections against objects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recall {
    /// `[small, medium, large]`: (found, total).
    pub by_size: [(usize, usize); 3],
    pub detections: usize,
    pub true_detections: usize,
}

impl Recall {
    pub fn add(&mut self, dets: &[(f32, f32)], objs: &[Obj]) {
        let mut used = vec![false; dets.len()];
        for o in objs {
            let tol = (o.size / 2.0).max(4.0);
            let c = size_class(o.size);
            self.by_size[c].1 += 1;
            let best = dets
                .iter()
                .enumerate()
                .filter(|(i, _)| !used[*i])
                .map(|(i, &(x, y))| (i, ((x - o.cx).powi(2) + (y - o.cy).powi(2)).sqrt()))
                .filter(|&(_, d)| d <= tol)
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((i, _)) = best {
                used[i] = true;
                self.by_size[c].0 += 1;
            }
        }
        self.detections += dets.len();
        self.true_detections += used.iter().filter(|&&u| u).count();
    }
}

/// The experiment's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpConfig {
    pub side: usize,
    pub per_class: usize,
    pub train_images: usize,
    pub test_images: usize,
    pub steps: usize,
    pub channels: usize,
    pub dim: usize,
    pub up: Up,
    pub lr: f64,
    pub pos_weight: f32,
    pub seed: u64,
}

impl Default for ExpConfig {
    fn default() -> Self {
        ExpConfig {
            side: 128,
            per_class: 3,
            train_images: 12,
            test_images: 12,
            steps: 300,
            channels: 16,
            dim: 16,
            up: Up::Nearest,
            lr: 0.01,
            pos_weight: 30.0,
            seed: 1,
        }
    }
}

/// What the experiment measured for one variant.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpResult {
    pub variant: Variant,
    pub losses: Vec<f64>,
    pub recall: Recall,
    /// Probabilities on the first test image (`test_image`), on the head's grid `[grid, grid]`
    /// (stride 4, or 32 for `TopGrid`).
    pub example: Vec<f32>,
    pub grid: usize,
    pub stride: usize,
}

fn test_base(cfg: &ExpConfig) -> u64 {
    cfg.seed.wrapping_mul(1000).wrapping_add(500)
}

/// The first held-out image of the experiment (the one `ExpResult::example` shows).
pub fn test_image(cfg: &ExpConfig) -> Result<(Vec<f32>, Vec<Obj>)> {
    synth(cfg.side, cfg.per_class, test_base(cfg))
}

type Sample = (Vec<Map>, Vec<f32>, Vec<Obj>);

fn samples(cfg: &ExpConfig, bb: &Backbone, count: usize, base: u64) -> Result<Vec<Sample>> {
    (0..count)
        .map(|i| {
            let (img, objs) = synth(cfg.side, cfg.per_class, base.wrapping_add(i as u64))?;
            let cs = bb.forward(&img, cfg.side, cfg.side)?;
            let t = target_map(&objs, cs[0].h, cs[0].w);
            Ok((cs, t, objs))
        })
        .collect()
}

/// Trains the head on top-level features only (upsampled to stride 4, and at stride 32 itself)
/// and on P2 (same backbone, data and steps) and measures recall on held-out images with the
/// same matching rule. `top` is fixed at P5 (stride 32). Order: `TopOnly`, `TopGrid`, `Pyramid`.
pub fn experiment(cfg: &ExpConfig) -> Result<[ExpResult; 3]> {
    if !(1..=64).contains(&cfg.train_images) || !(1..=64).contains(&cfg.test_images) {
        return arg_err!("train and test images must each be 1..=64");
    }
    if cfg.steps > 5000 {
        return Err(Error::out_of_range("steps", 0.0, 5000.0, cfg.steps));
    }
    if !(cfg.lr.is_finite() && cfg.lr > 0.0 && cfg.lr <= 1.0) {
        return Err(Error::out_of_range("learning rate", 0.0, 1.0, cfg.lr));
    }
    if cfg.side % 32 != 0 || !(MIN_SIDE..=MAX_SIDE).contains(&cfg.side) {
        return arg_err!(
            "the image side must be a multiple of 32 (the stride of P5) between {MIN_SIDE} and {MAX_SIDE}, got {}",
            cfg.side
        );
    }
    let cells = (cfg.side / 4) as u64 * (cfg.side / 4) as u64;
    let head = cells * (cfg.dim * HEAD_HIDDEN * 4) as u64;
    let laterals = cells * (cfg.channels * cfg.dim * 2) as u64;
    // two runs with a head on the stride-4 grid, one on the stride-32 grid (64x fewer cells,
    // and its backward reaches only the top lateral: about one lateral pass)
    let per_step = 2 * (head + laterals) + head / 64 + laterals / 2;
    crate::tensor::check_work(
        "archFpnExperiment",
        per_step.checked_mul(cfg.steps as u64),
        || format!("{} steps on {}x{} images", cfg.steps, cfg.side, cfg.side),
    )?;
    let top = 5;
    let bb = Backbone::new(cfg.channels, top, cfg.seed)?;
    let train = samples(cfg, &bb, cfg.train_images, cfg.seed.wrapping_mul(1000))?;
    let test = samples(
        cfg,
        &bb,
        cfg.test_images,
        cfg.seed.wrapping_mul(1000).wrapping_add(500),
    )?;
    let run = |variant: Variant| -> Result<ExpResult> {
        let mut f = Fpn::new(variant, cfg.up, cfg.channels, cfg.dim, top, cfg.seed ^ 77)?;
        let stride = variant.stride(top);
        // On the coarse grid 1 cell in 8..16 is positive (vs 1 in 200 at stride 4): weight the
        // positives by the same negatives-per-positive ratio so both heads see balanced losses.
        let pos_weight = if variant == Variant::TopGrid {
            (cfg.pos_weight * 16.0 / (stride * stride) as f32).max(1.0)
        } else {
            cfg.pos_weight
        };
        let targets: Vec<Vec<f32>> = train
            .iter()
            .map(|(cs, t, objs)| match variant {
                Variant::TopGrid => {
                    let c = &cs[cs.len() - 1];
                    target_grid(objs, c.h, c.w, stride)
                }
                _ => t.clone(),
            })
            .collect();
        let mut losses = Vec::with_capacity(cfg.steps);
        for s in 0..cfg.steps {
            let (cs, _, _) = &train[s % train.len()];
            let t = &targets[s % train.len()];
            losses.push(f.train_step(cs, t, pos_weight, cfg.lr)?);
        }
        let mut recall = Recall::default();
        let mut example = Vec::new();
        let mut grid = cfg.side / stride;
        for (i, (cs, _, objs)) in test.iter().enumerate() {
            let r = f.forward(cs)?;
            let dets = match variant {
                Variant::TopGrid => grid_dets(&r.logit, r.feat.h, r.feat.w, stride),
                _ => peaks(&r.logit, r.feat.h, r.feat.w),
            };
            recall.add(&dets, objs);
            if i == 0 {
                example = r.logit.iter().map(|&z| 1.0 / (1.0 + (-z).exp())).collect();
                grid = r.feat.w;
            }
        }
        Ok(ExpResult {
            variant,
            losses,
            recall,
            example,
            grid,
            stride,
        })
    };
    Ok([
        run(Variant::TopOnly)?,
        run(Variant::TopGrid)?,
        run(Variant::Pyramid)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::interp::{resize, InterpMode, ResizeParams, Target};
    use crate::testkit::{assert_close, dot, grad_check, randn};

    #[test]
    fn bilinear_up2_is_the_resize_labs_kernel_and_its_adjoint_is_exact() {
        let x = Map {
            c: 2,
            h: 3,
            w: 5,
            data: randn(30, 1, 1.0),
        };
        for (mode, im) in [
            (Up::Bilinear, InterpMode::Bilinear),
            (Up::Nearest, InterpMode::Nearest),
        ] {
            let y = up2(&x, mode);
            let p = ResizeParams {
                target: Target::Size([6, 10]),
                mode: im,
                align_corners: false,
                antialias: false,
            };
            let (r, _) = resize(&x.data, [1, 2, 3, 5], &p).unwrap();
            assert_close("up2", &y.data, &r, 1e-6, 1e-6);
            // <up(x), g> = <x, up^T(g)>
            let g = Map {
                c: 2,
                h: 6,
                w: 10,
                data: randn(120, 2, 1.0),
            };
            let a = dot(&y.data, &g.data);
            let b = dot(&x.data, &up2_adjoint(&g, mode).data);
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn fpn_gradients_match_finite_differences() {
        let bb = Backbone::new(3, 4, 2).unwrap();
        let (img, objs) = synth(32, 1, 3).unwrap();
        let cs = bb.forward(&img, 32, 32).unwrap();
        let t = target_map(&objs, cs[0].h, cs[0].w);
        for variant in [Variant::TopOnly, Variant::Pyramid, Variant::TopGrid] {
            for up in [Up::Nearest, Up::Bilinear] {
                let f = Fpn::new(variant, up, 3, 2, 4, 5).unwrap();
                let t = if variant == Variant::TopGrid {
                    let c = &cs[cs.len() - 1];
                    // an image with an object in some coarse cell: the positive branch is checked
                    let tg = target_grid(&objs, c.h, c.w, variant.stride(4));
                    assert!(tg.contains(&1.0) && tg.len() == c.h * c.w);
                    tg
                } else {
                    t.clone()
                };
                let (_, g) = f.loss_grad(&cs, &t, 5.0).unwrap();
                for (k, gk) in g.iter().enumerate() {
                    let mut probe = f.clone();
                    grad_check(
                        &format!("{variant:?} {up:?} p{k}"),
                        &f.params[k],
                        gk,
                        8e-3,
                        3e-3,
                        &mut |v| {
                            probe.params[k] = v.to_vec();
                            probe.loss_grad(&cs, &t, 5.0).unwrap().0
                        },
                    );
                }
            }
        }
    }

    #[test]
    fn levels_name_the_one_smaller_than_a_pixel() {
        let bb = Backbone::new(4, 6, 1).unwrap();
        let e = bb.levels(40, 40).unwrap_err().to_string();
        assert!(
            e.contains("P6") && e.contains("smaller than 1 pixel"),
            "{e}"
        );
        let l = Backbone::new(4, 5, 1).unwrap().levels(128, 96).unwrap();
        assert_eq!(
            l.iter()
                .map(|i| (i.stride, i.rf, i.h, i.w))
                .collect::<Vec<_>>(),
            vec![
                (4, 7, 32, 24),
                (8, 15, 16, 12),
                (16, 31, 8, 6),
                (32, 63, 4, 3)
            ]
        );
    }

    #[test]
    fn the_coarse_grid_marks_the_centre_cell_and_detects_at_cell_centres() {
        let o = |cx, cy| Obj {
            cx,
            cy,
            size: 8.0,
            disc: false,
        };
        let t = target_grid(&[o(40.0, 5.0), o(127.0, 127.0)], 4, 4, 32);
        let on: Vec<usize> = (0..16).filter(|&i| t[i] == 1.0).collect();
        assert_eq!(on, vec![1, 15]);
        let mut logit = vec![-1.0f32; 16];
        logit[1] = 2.0;
        logit[2] = 0.5; // neighbours are not suppressed on the coarse grid
        assert_eq!(
            grid_dets(&logit, 4, 4, 32),
            vec![(48.0, 16.0), (80.0, 16.0)]
        );
    }

    #[test]
    fn synthetic_images_hold_every_size_class() {
        let (img, objs) = synth(128, 3, 9).unwrap();
        assert_eq!(img.len(), 128 * 128);
        let mut n = [0; 3];
        for o in &objs {
            n[size_class(o.size)] += 1;
        }
        assert_eq!(n, [3, 3, 3]);
    }

    #[test]
    fn the_pyramid_finds_small_objects_the_top_level_misses() {
        let [top, _grid, fpn] = experiment(&ExpConfig {
            steps: 200,
            ..ExpConfig::default()
        })
        .unwrap();
        let (ts, fs) = (top.recall.by_size[0].0, fpn.recall.by_size[0].0);
        assert!(fs > ts + 3, "small objects: top-only {ts}, pyramid {fs}");
        assert!(fpn.losses.last() < top.losses.last());
    }
}
