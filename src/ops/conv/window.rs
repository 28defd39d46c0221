//! The crop-sized conv of the lab's cell maps (`stack::cell_maps`) and its input gradient, on a
//! checked `Geom` with batch 1 and no padding (the crops carry their own): `[1,C,H,W] *
//! [O,C/G,kH,kW] -> [1,O,OH,OW]`. One patch of `C/G * kH * kW` inputs per output pixel, then one
//! dot product per output channel; on a crop a few pixels wide this beats the row-wise loops of
//! `reference`, whose per-row overhead dominates. Forward and backward visit the same patches
//! (`Patches`): the forward gathers a patch, the backward scatters the patch gradient `W^T g`.

use super::params::Geom;

/// Where every patch lives in the input: `offsets[t]` is the position of patch entry
/// `t = (ci, u, v)` relative to the patch origin, and `origin` the origin of output pixel `(i, j)`
/// of group `gi`.
struct Patches {
    offsets: Vec<usize>,
    /// Floats per group of input planes, and per output step on each axis.
    group: usize,
    step: [usize; 2],
}

impl Patches {
    fn new(g: &Geom) -> Patches {
        let [_, _, h, wd] = g.xs;
        let [_, cg, kh, kw] = g.ws;
        let [dh, dw] = g.p.dilation;
        let mut offsets = Vec::with_capacity(cg * kh * kw);
        for ci in 0..cg {
            for u in 0..kh {
                for v in 0..kw {
                    offsets.push(ci * h * wd + u * dh * wd + v * dw);
                }
            }
        }
        Patches {
            offsets,
            group: cg * h * wd,
            step: [g.p.stride[0] * wd, g.p.stride[1]],
        }
    }

    #[inline]
    fn origin(&self, gi: usize, i: usize, j: usize) -> usize {
        gi * self.group + i * self.step[0] + j * self.step[1]
    }
}

/// Output channels per group and patch length.
fn sizes(g: &Geom) -> (usize, usize) {
    let [o, cg, kh, kw] = g.ws;
    (o / g.p.groups, cg * kh * kw)
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

/// `y = conv2d(x, w)` without bias.
pub fn forward(g: &Geom, x: &[f32], w: &[f32]) -> Vec<f32> {
    let [_, o, oh, ow] = g.ys;
    let (og, kk) = sizes(g);
    let pt = Patches::new(g);
    let mut y = vec![0.0f32; o * oh * ow];
    let mut patch = vec![0.0f32; kk];
    for gi in 0..g.p.groups {
        for i in 0..oh {
            for j in 0..ow {
                let x0 = &x[pt.origin(gi, i, j)..];
                for (p, &off) in patch.iter_mut().zip(&pt.offsets) {
                    *p = x0[off];
                }
                for oc in gi * og..(gi + 1) * og {
                    y[(oc * oh + i) * ow + j] = dot(&w[oc * kk..][..kk], &patch);
                }
            }
        }
    }
    y
}

/// `dL/dx` of `forward` from `dL/dy` (`gy`): per output pixel the patch gradient `W^T g`
/// (weights transposed once so each entry is a contiguous dot product over the output channels),
/// added back where the patch came from. Pixels whose gradient is all zero (most of a max pool's
/// output) are skipped.
pub fn backward_input(g: &Geom, gy: &[f32], w: &[f32]) -> Vec<f32> {
    let [_, _, oh, ow] = g.ys;
    let (og, kk) = sizes(g);
    let groups = g.p.groups;
    let pt = Patches::new(g);
    // wt[g][t][oc] = w[g*og + oc][t]
    let mut wt = vec![0.0f32; groups * kk * og];
    for gi in 0..groups {
        for oc in 0..og {
            for t in 0..kk {
                wt[(gi * kk + t) * og + oc] = w[(gi * og + oc) * kk + t];
            }
        }
    }
    let mut gx = vec![0.0f32; g.xs.iter().product()];
    if og == 0 {
        return gx;
    }
    let mut gv = vec![0.0f32; og];
    for gi in 0..groups {
        let wg = &wt[gi * kk * og..][..kk * og];
        for i in 0..oh {
            for j in 0..ow {
                for (oc, v) in gv.iter_mut().enumerate() {
                    *v = gy[((gi * og + oc) * oh + i) * ow + j];
                }
                if gv.iter().all(|&v| v == 0.0) {
                    continue;
                }
                let x0 = pt.origin(gi, i, j);
                for (wrow, &off) in wg.chunks_exact(og).zip(&pt.offsets) {
                    gx[x0 + off] += dot(wrow, &gv);
                }
            }
        }
    }
    gx
}
