//! The backward kernels the convnet layers need beyond `ops` (which has the conv2d input
//! gradient, batch norm's backward and the pools' backward): conv2d's weight and bias gradients,
//! and the backward of group norm (instance norm is group norm with one channel per group) and of
//! layer norm (elementwise affine). Norm statistics are two-pass f64, as in `ops::norm`, so an
//! input offset by 1000 keeps its variance.
//!
//! For a normalisation group S of m values with `xhat = (x - mean_S) invstd`,
//! `invstd = 1/sqrt(var_S + eps)` (biased variance) and `g = gy * gamma`:
//! `dx = invstd (g - mean_S(g) - xhat mean_S(g xhat))`, `dgamma = sum gy xhat`, `dbeta = sum gy`
//! over every axis gamma does not have.

use crate::ops::conv::{conv2d_out_shape, Conv2dParams};
use crate::tensor::{check_len, View, ViewD};
use crate::{shape_err, Error, Result};

/// Output columns `j` whose input column `j*s + off` lies in `[0, n)`, capped at `on`.
fn valid(off: isize, s: usize, n: usize, on: usize) -> std::ops::Range<usize> {
    let s = s as isize;
    let lo = if off >= 0 { 0 } else { (-off + s - 1) / s };
    let hi = if (n as isize) > off {
        ((n as isize) - off + s - 1) / s
    } else {
        0
    };
    let (lo, hi) = ((lo as usize).min(on), (hi.max(0) as usize).min(on));
    lo..hi.max(lo)
}

/// Gradients of `F.conv2d` with respect to its weight `[O, C/G, kH, kW]` (shape `ws`) and bias
/// `[O]`, from the forward's input `x` and the output gradient `gy` `[N, O, OH, OW]`:
/// `gw[o,c',u,v] = sum_{n,i,j} gy[n,o,i,j] xpad[n,c, i sh + u dh, j sw + v dw]`,
/// `gb[o] = sum_{n,i,j} gy[n,o,i,j]`. Taps on the padding contribute nothing; groups stay in
/// their block of channels. Sums are f64.
pub fn conv2d_backward_weight(
    x: View<'_>,
    gy: &[f32],
    ws: [usize; 4],
    p: &Conv2dParams,
) -> Result<(Vec<f32>, Vec<f32>)> {
    let xs = x.shape();
    let ys = conv2d_out_shape(xs, ws, p)?;
    check_len("output gradient", gy.len(), &ys)?;
    let x = x.data();
    let [n, c, h, w] = xs;
    let [o, cg, kh, kw] = ws;
    let [_, _, oh, ow] = ys;
    let og = o / p.groups;
    let [sh, sw] = p.stride;
    let [ph, pw] = p.padding;
    let [dh, dw] = p.dilation;
    let mut gw = vec![0.0f64; o * cg * kh * kw];
    let mut gb = vec![0.0f64; o];
    for ni in 0..n {
        for oi in 0..o {
            let gp = &gy[(ni * o + oi) * oh * ow..][..oh * ow];
            gb[oi] += gp.iter().map(|&v| v as f64).sum::<f64>();
            for ci in 0..cg {
                let cin = oi / og * cg + ci;
                let xp = &x[(ni * c + cin) * h * w..][..h * w];
                for u in 0..kh {
                    let roff = (u * dh) as isize - ph as isize;
                    let rows = valid(roff, sh, h, oh);
                    for v in 0..kw {
                        let coff = (v * dw) as isize - pw as isize;
                        let cols = valid(coff, sw, w, ow);
                        let mut s = 0.0f64;
                        for i in rows.clone() {
                            let xr = ((i * sh) as isize + roff) as usize;
                            let xrow = &xp[xr * w..][..w];
                            let grow = &gp[i * ow..][..ow];
                            let mut rs = 0.0f32;
                            for j in cols.clone() {
                                rs += grow[j] * xrow[((j * sw) as isize + coff) as usize];
                            }
                            s += rs as f64;
                        }
                        gw[((oi * cg + ci) * kh + u) * kw + v] += s;
                    }
                }
            }
        }
    }
    Ok((
        gw.into_iter().map(|v| v as f32).collect(),
        gb.into_iter().map(|v| v as f32).collect(),
    ))
}

/// `(mean, invstd)` of a group (two passes in f64, biased variance, eps inside the root).
fn moments(it: impl Iterator<Item = f32> + Clone, m: usize, eps: f64) -> (f64, f64) {
    let mean = it.clone().map(|v| v as f64).sum::<f64>() / m as f64;
    let var = it.map(|v| (v as f64 - mean).powi(2)).sum::<f64>() / m as f64;
    (mean, 1.0 / (var + eps).sqrt())
}

/// The gradients of one normalised, affine-transformed tensor, as `(dx, dgamma, dbeta)`.
pub type NormGrads = (Vec<f32>, Vec<f32>, Vec<f32>);

/// The backward of every run-based norm: `x` is split into consecutive runs of `len` values
/// (one normalisation group each); `gamma_at(i)` is the index into gamma of flat element `i`.
fn runs_backward(
    x: &[f32],
    gy: &[f32],
    len: usize,
    gamma: Option<&[f32]>,
    n_gamma: usize,
    gamma_at: impl Fn(usize) -> usize,
    eps: f64,
) -> NormGrads {
    let mut dx = vec![0.0f32; x.len()];
    let mut dg = vec![0.0f64; n_gamma];
    let mut db = vec![0.0f64; n_gamma];
    let ga = |i: usize| gamma.map_or(1.0, |g| g[gamma_at(i)] as f64);
    for (r, (xr, gr)) in x.chunks_exact(len).zip(gy.chunks_exact(len)).enumerate() {
        let base = r * len;
        let (mean, inv) = moments(xr.iter().copied(), len, eps);
        let (mut sg, mut sgx) = (0.0f64, 0.0f64);
        for (k, (&xv, &gv)) in xr.iter().zip(gr).enumerate() {
            let xhat = (xv as f64 - mean) * inv;
            let g = gv as f64 * ga(base + k);
            sg += g;
            sgx += g * xhat;
            let gi = gamma_at(base + k);
            dg[gi] += gv as f64 * xhat;
            db[gi] += gv as f64;
        }
        let (mg, mgx) = (sg / len as f64, sgx / len as f64);
        for (k, ((d, &xv), &gv)) in dx[base..base + len].iter_mut().zip(xr).zip(gr).enumerate() {
            let xhat = (xv as f64 - mean) * inv;
            let g = gv as f64 * ga(base + k);
            *d = (inv * (g - mg - xhat * mgx)) as f32;
        }
    }
    (
        dx,
        dg.into_iter().map(|v| v as f32).collect(),
        db.into_iter().map(|v| v as f32).collect(),
    )
}

fn nc_inner(shape: &[usize]) -> Result<(usize, usize, usize)> {
    if shape.len() < 2 {
        return shape_err!("input must be at least [N, C], got shape {shape:?}");
    }
    Ok((shape[0], shape[1], shape[2..].iter().product()))
}

/// Checks that `groups` divides the `c` channels (torch: "Expected number of channels in input
/// to be divisible by num_groups").
pub fn check_groups(groups: usize, c: usize) -> Result<()> {
    if groups == 0 || c % groups != 0 {
        return Err(Error::norm_groups(groups, c));
    }
    Ok(())
}

/// Backward of `F.group_norm(x, G, gamma)` over `[N, C, *]`: statistics per (sample, group of
/// C/G contiguous channels), gamma per channel (applied inside g). `(dx, dgamma, dbeta)`.
pub fn group_norm_backward(
    x: ViewD<'_>,
    gy: &[f32],
    groups: usize,
    gamma: Option<&[f32]>,
    eps: f64,
) -> Result<NormGrads> {
    let shape = x.shape();
    check_len("output gradient", gy.len(), shape)?;
    let (_, c, inner) = nc_inner(shape)?;
    check_groups(groups, c)?;
    if let Some(g) = gamma {
        check_len("weight", g.len(), &[c])?;
    }
    let len = c / groups * inner;
    if len == 0 {
        return shape_err!("input shape {shape:?} has empty groups");
    }
    Ok(runs_backward(
        x.data(),
        gy,
        len,
        gamma,
        c,
        |i| (i / inner) % c,
        eps,
    ))
}

/// Backward of `F.instance_norm` (statistics per sample and channel): group norm with G = C.
pub fn instance_norm_backward(
    x: ViewD<'_>,
    gy: &[f32],
    gamma: Option<&[f32]>,
    eps: f64,
) -> Result<NormGrads> {
    let (_, c, _) = nc_inner(x.shape())?;
    group_norm_backward(x, gy, c.max(1), gamma, eps)
}

/// Backward of `F.layer_norm(x, normalized_shape, gamma)`: statistics per sample over the last
/// `normalized_shape.len()` axes; gamma is elementwise over `normalized_shape`, so its gradient
/// sums over the leading axes only.
pub fn layer_norm_backward(
    x: ViewD<'_>,
    gy: &[f32],
    normalized_shape: &[usize],
    gamma: Option<&[f32]>,
    eps: f64,
) -> Result<NormGrads> {
    let shape = x.shape();
    check_len("output gradient", gy.len(), shape)?;
    let k = normalized_shape.len();
    if k == 0 || k > shape.len() || shape[shape.len() - k..] != *normalized_shape {
        return shape_err!(
            "normalized_shape {normalized_shape:?} must be a non-empty suffix of the input shape {shape:?}"
        );
    }
    let len: usize = normalized_shape.iter().product();
    if len == 0 {
        return shape_err!("normalized_shape {normalized_shape:?} has no elements");
    }
    if let Some(g) = gamma {
        check_len("weight", g.len(), normalized_shape)?;
    }
    Ok(runs_backward(
        x.data(),
        gy,
        len,
        gamma,
        len,
        |i| i % len,
        eps,
    ))
}

/// The checked shapes of one conv2d backward (`conv2d_out_shape` held).
struct Geom {
    xs: [usize; 4],
    ws: [usize; 4],
    ys: [usize; 4],
    p: Conv2dParams,
}

/// `cols[r][i*ow + j] = xpad[c0 + ci, i*sh + u*dh, j*sw + v*dw]` for `r = (ci*kh + u)*kw + v`: the
/// patches of one sample's group of channels (`x` is the sample's `[C, H, W]`), zero where a tap
/// falls on the padding.
fn im2col(x: &[f32], c0: usize, g: &Geom, cols: &mut [f32]) {
    let [_, _, h, w] = g.xs;
    let [_, cg, kh, kw] = g.ws;
    let [_, _, oh, ow] = g.ys;
    let p = &g.p;
    let l = oh * ow;
    for ci in 0..cg {
        let plane = &x[(c0 + ci) * h * w..][..h * w];
        for u in 0..kh {
            let roff = (u * p.dilation[0]) as isize - p.padding[0] as isize;
            let rows = valid(roff, p.stride[0], h, oh);
            for v in 0..kw {
                let coff = (v * p.dilation[1]) as isize - p.padding[1] as isize;
                let cs = valid(coff, p.stride[1], w, ow);
                let dst = &mut cols[((ci * kh + u) * kw + v) * l..][..l];
                for i in 0..oh {
                    let drow = &mut dst[i * ow..][..ow];
                    if !rows.contains(&i) || cs.is_empty() {
                        drow.fill(0.0);
                        continue;
                    }
                    let xr = ((i * p.stride[0]) as isize + roff) as usize;
                    let src = &plane[xr * w..][..w];
                    drow[..cs.start].fill(0.0);
                    drow[cs.end..].fill(0.0);
                    let start = ((cs.start * p.stride[1]) as isize + coff) as usize;
                    if p.stride[1] == 1 {
                        drow[cs.clone()].copy_from_slice(&src[start..start + cs.len()]);
                    } else {
                        for (k, d) in drow[cs.clone()].iter_mut().enumerate() {
                            *d = src[start + k * p.stride[1]];
                        }
                    }
                }
            }
        }
    }
}

/// The inverse scatter of `im2col`: adds `cols` back onto the sample's `[C, H, W]` gradient,
/// dropping what falls on the padding.
fn col2im(cols: &[f32], c0: usize, g: &Geom, dx: &mut [f32]) {
    let [_, _, h, w] = g.xs;
    let [_, cg, kh, kw] = g.ws;
    let [_, _, oh, ow] = g.ys;
    let p = &g.p;
    let l = oh * ow;
    for ci in 0..cg {
        let plane = &mut dx[(c0 + ci) * h * w..][..h * w];
        for u in 0..kh {
            let roff = (u * p.dilation[0]) as isize - p.padding[0] as isize;
            let rows = valid(roff, p.stride[0], h, oh);
            for v in 0..kw {
                let coff = (v * p.dilation[1]) as isize - p.padding[1] as isize;
                let cs = valid(coff, p.stride[1], w, ow);
                if cs.is_empty() {
                    continue;
                }
                let src = &cols[((ci * kh + u) * kw + v) * l..][..l];
                for i in rows.clone() {
                    let xr = ((i * p.stride[0]) as isize + roff) as usize;
                    let drow = &mut plane[xr * w..][..w];
                    let srow = &src[i * ow..][..ow];
                    let start = ((cs.start * p.stride[1]) as isize + coff) as usize;
                    for (k, &s) in srow[cs.clone()].iter().enumerate() {
                        drow[start + k * p.stride[1]] += s;
                    }
                }
            }
        }
    }
}

/// `sum a[i] b[i]` in f32 with 8 independent partial sums (so the compiler can keep them in
/// vector registers).
#[inline]
fn dot8(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ac.zip(bc) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// The whole conv2d backward at once, through per-sample patch matrices (im2col): `dx` from
/// `dcols = W^T gy` scattered back (col2im), `dweight += gy cols^T`, `dbias = sum gy`. Same
/// results as `ops::conv::conv2d_backward_input` (the scalar reference) and
/// `conv2d_backward_weight` up to f32 summation order; several times faster on the small maps
/// of the digits convnet. Returns `(dx, dweight, dbias)`.
pub fn conv2d_backward(
    x: View<'_>,
    w: View<'_>,
    gy: &[f32],
    p: &Conv2dParams,
) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    let xs = x.shape();
    let ws = w.shape();
    let ys = conv2d_out_shape(xs, ws, p)?;
    check_len("output gradient", gy.len(), &ys)?;
    let g = Geom { xs, ws, ys, p: *p };
    let (x, wd) = (x.data(), w.data());
    let [n, c, h, wi] = xs;
    let [o, cg, kh, kw] = ws;
    let [_, _, oh, ow] = ys;
    let (l, k) = (oh * ow, cg * kh * kw);
    let og = o / p.groups;
    let mut cols = vec![0.0f32; k * l];
    let mut dcols = vec![0.0f32; k * l];
    let mut dx = vec![0.0f32; n * c * h * wi];
    let mut gw = vec![0.0f32; o * k];
    let mut gb = vec![0.0f64; o];
    for ni in 0..n {
        let xn = &x[ni * c * h * wi..][..c * h * wi];
        let dxn = &mut dx[ni * c * h * wi..][..c * h * wi];
        for gi in 0..p.groups {
            im2col(xn, gi * cg, &g, &mut cols);
            dcols.fill(0.0);
            for ol in 0..og {
                let oi = gi * og + ol;
                let gyr = &gy[(ni * o + oi) * l..][..l];
                gb[oi] += gyr.iter().map(|&v| v as f64).sum::<f64>();
                let wr = &wd[oi * k..][..k];
                let gwr = &mut gw[oi * k..][..k];
                for r in 0..k {
                    let colr = &cols[r * l..][..l];
                    gwr[r] += dot8(gyr, colr);
                    let a = wr[r];
                    for (d, &gv) in dcols[r * l..][..l].iter_mut().zip(gyr) {
                        *d += a * gv;
                    }
                }
            }
            col2im(&dcols, gi * cg, &g, dxn);
        }
    }
    Ok((dx, gw, gb.into_iter().map(|v| v as f32).collect()))
}
