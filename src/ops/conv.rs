//! 2-D convolution (cross-correlation, as `torch.nn.functional.conv2d`), NCHW, with per-axis
//! stride, zero padding and dilation, groups (1, depthwise, any divisor) and optional bias;
//! plus the gradient with respect to the input (used for receptive-field maps and training).
//!
//! `y[n,o,i,j] = b[o] + sum_{c in group(o)} sum_{u,v} w[o,c',u,v] * xpad[n,c, i*sh + u*dh, j*sw + v*dw]`
//! `OH = floor((H + 2ph - dh(kH-1) - 1)/sh) + 1`.

use crate::tensor::{check_len, numel};
use crate::{arg_err, shape_err, Result};

/// Hyper-parameters of a conv2d; `[rows, cols]` per axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2dParams {
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

impl Default for Conv2dParams {
    fn default() -> Self {
        Conv2dParams {
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
            groups: 1,
        }
    }
}

/// Output length of one axis, or an error naming the axis when the window does not fit.
pub fn conv_out_len(axis: &str, n: usize, k: usize, s: usize, p: usize, d: usize) -> Result<usize> {
    if k == 0 {
        return arg_err!("kernel {axis} must be >= 1, got 0");
    }
    if s == 0 {
        return arg_err!("stride {axis} must be >= 1, got 0");
    }
    if d == 0 {
        return arg_err!("dilation {axis} must be >= 1, got 0");
    }
    let span = d * (k - 1) + 1;
    let padded = n + 2 * p;
    if span > padded {
        return shape_err!(
            "the dilated kernel spans {span} {axis} (kernel {k}, dilation {d}) but the padded input has only {padded} ({n} + 2x{p} padding)"
        );
    }
    Ok((padded - span) / s + 1)
}

/// Output shape `[N, C_out, OH, OW]` of a conv2d, checking every constraint.
pub fn conv2d_out_shape(xs: [usize; 4], ws: [usize; 4], p: &Conv2dParams) -> Result<[usize; 4]> {
    let [n, c, h, w] = xs;
    let [o, cg, kh, kw] = ws;
    let g = p.groups;
    if g == 0 {
        return arg_err!("groups must be >= 1, got 0");
    }
    if c % g != 0 {
        return arg_err!("groups={g} must divide the input channels {c}");
    }
    if o % g != 0 {
        return arg_err!("groups={g} must divide the output channels {o}");
    }
    if cg * g != c {
        return shape_err!(
            "weight is [{o}, {cg}, {kh}, {kw}] but input has {c} channels: with groups={g} the weight's second dimension must be {}",
            c / g
        );
    }
    let oh = conv_out_len("rows", h, kh, p.stride[0], p.padding[0], p.dilation[0])?;
    let ow = conv_out_len("cols", w, kw, p.stride[1], p.padding[1], p.dilation[1])?;
    numel(&[n, o, oh, ow])?;
    Ok([n, o, oh, ow])
}

/// Range of output columns `j` whose input column `j*s + off` lies in `[0, w)`, capped at `ow`.
#[inline]
fn valid_range(off: isize, s: usize, w: usize, ow: usize) -> (usize, usize) {
    let s = s as isize;
    let lo = if off >= 0 { 0 } else { ((-off) + s - 1) / s };
    let hi_excl = if (w as isize) > off {
        ((w as isize) - off + s - 1) / s
    } else {
        0
    };
    let lo = (lo as usize).min(ow);
    let hi = (hi_excl.max(0) as usize).min(ow);
    (lo, hi.max(lo))
}

/// conv2d into a fresh buffer; returns `(y, [N, C_out, OH, OW])`.
pub fn conv2d(
    x: &[f32],
    xs: [usize; 4],
    w: &[f32],
    ws: [usize; 4],
    bias: Option<&[f32]>,
    p: &Conv2dParams,
) -> Result<(Vec<f32>, [usize; 4])> {
    let ys = conv2d_out_shape(xs, ws, p)?;
    let mut y = vec![0.0; numel(&ys)?];
    conv2d_into(x, xs, w, ws, bias, p, &mut y)?;
    Ok((y, ys))
}

/// Checks every shape and length of a conv2d call; returns the output shape.
fn check_call(
    x: &[f32],
    xs: [usize; 4],
    w: &[f32],
    ws: [usize; 4],
    bias: Option<&[f32]>,
    p: &Conv2dParams,
    y: &[f32],
) -> Result<[usize; 4]> {
    let ys = conv2d_out_shape(xs, ws, p)?;
    check_len("input", x.len(), &xs)?;
    check_len("weight", w.len(), &ws)?;
    check_len("output buffer", y.len(), &ys)?;
    if let Some(b) = bias {
        check_len("bias", b.len(), &[ws[0]])?;
    }
    Ok(ys)
}

/// conv2d writing into `y` (reused across calls by the labs). `[N,C,H,W] * [O,C/G,kH,kW] -> [N,O,OH,OW]`.
/// Runs the vectorized direct kernels of `ops::simd::conv` (wasm SIMD128 in the browser, a
/// portable 4-lane version natively); `conv2d_reference_into` is the plain loop they are tested
/// against.
pub fn conv2d_into(
    x: &[f32],
    xs: [usize; 4],
    w: &[f32],
    ws: [usize; 4],
    bias: Option<&[f32]>,
    p: &Conv2dParams,
    y: &mut [f32],
) -> Result<()> {
    let ys = check_call(x, xs, w, ws, bias, p, y)?;
    crate::ops::simd::conv::conv2d(x, xs, w, ws, bias, p, ys, y)
}

/// The reference conv2d: one scalar multiply-add per tap, row by row (`y[j] += w * x[j*s + off]`,
/// auto-vectorized for stride 1). Every fast path is checked against it.
pub fn conv2d_reference_into(
    x: &[f32],
    xs: [usize; 4],
    w: &[f32],
    ws: [usize; 4],
    bias: Option<&[f32]>,
    p: &Conv2dParams,
    y: &mut [f32],
) -> Result<()> {
    let ys = check_call(x, xs, w, ws, bias, p, y)?;
    let [n, c, h, wd] = xs;
    let [o, cg, kh, kw] = ws;
    let [_, _, oh, ow] = ys;
    let og = o / p.groups;
    let [sh, sw] = p.stride;
    let [ph, pw] = p.padding;
    let [dh, dw] = p.dilation;
    for ni in 0..n {
        for oi in 0..o {
            let g = oi / og;
            let yplane = &mut y[(ni * o + oi) * oh * ow..][..oh * ow];
            yplane.fill(bias.map_or(0.0, |b| b[oi]));
            for ci in 0..cg {
                let cin = g * cg + ci;
                let xplane = &x[(ni * c + cin) * h * wd..][..h * wd];
                let wk = &w[(oi * cg + ci) * kh * kw..][..kh * kw];
                for u in 0..kh {
                    let roff = (u * dh) as isize - ph as isize;
                    let (i_lo, i_hi) = valid_range(roff, sh, h, oh);
                    for v in 0..kw {
                        let wv = wk[u * kw + v];
                        let coff = (v * dw) as isize - pw as isize;
                        let (j_lo, j_hi) = valid_range(coff, sw, wd, ow);
                        if j_lo >= j_hi {
                            continue;
                        }
                        for i in i_lo..i_hi {
                            let ir = (i * sh) as isize + roff;
                            let xrow = &xplane[ir as usize * wd..][..wd];
                            let yrow = &mut yplane[i * ow..][..ow];
                            axpy_strided(
                                &mut yrow[j_lo..j_hi],
                                wv,
                                xrow,
                                (j_lo * sw) as isize + coff,
                                sw,
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// `y[j] += a * x[start + j*s]` for every j of `y`.
#[inline]
fn axpy_strided(y: &mut [f32], a: f32, x: &[f32], start: isize, s: usize) {
    let start = start as usize;
    if s == 1 {
        let xs = &x[start..start + y.len()];
        for (yv, &xv) in y.iter_mut().zip(xs) {
            *yv += a * xv;
        }
    } else {
        for (j, yv) in y.iter_mut().enumerate() {
            *yv += a * x[start + j * s];
        }
    }
}

/// Gradient of a conv2d with respect to its input: `dL/dx` from `dL/dy` (`gy`, shape of y).
/// It is the transposed convolution of `gy` with the same weights.
pub fn conv2d_backward_input(
    gy: &[f32],
    xs: [usize; 4],
    w: &[f32],
    ws: [usize; 4],
    p: &Conv2dParams,
) -> Result<Vec<f32>> {
    let ys = conv2d_out_shape(xs, ws, p)?;
    check_len("output gradient", gy.len(), &ys)?;
    check_len("weight", w.len(), &ws)?;
    let [n, c, h, wd] = xs;
    let [o, cg, kh, kw] = ws;
    let [_, _, oh, ow] = ys;
    let og = o / p.groups;
    let [sh, sw] = p.stride;
    let [ph, pw] = p.padding;
    let [dh, dw] = p.dilation;
    let mut gx = vec![0.0f32; numel(&xs)?];
    for ni in 0..n {
        for oi in 0..o {
            let g = oi / og;
            let gplane = &gy[(ni * o + oi) * oh * ow..][..oh * ow];
            for ci in 0..cg {
                let cin = g * cg + ci;
                let xplane = &mut gx[(ni * c + cin) * h * wd..][..h * wd];
                let wk = &w[(oi * cg + ci) * kh * kw..][..kh * kw];
                for u in 0..kh {
                    let roff = (u * dh) as isize - ph as isize;
                    let (i_lo, i_hi) = valid_range(roff, sh, h, oh);
                    for v in 0..kw {
                        let wv = wk[u * kw + v];
                        let coff = (v * dw) as isize - pw as isize;
                        let (j_lo, j_hi) = valid_range(coff, sw, wd, ow);
                        for i in i_lo..i_hi {
                            let ir = ((i * sh) as isize + roff) as usize;
                            let grow = &gplane[i * ow..][..ow];
                            let xrow = &mut xplane[ir * wd..][..wd];
                            for j in j_lo..j_hi {
                                xrow[((j * sw) as isize + coff) as usize] += wv * grow[j];
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(gx)
}

/// Parameters and multiply-adds of a conv layer: `(params, macs)` for output size `oh x ow`.
pub fn conv2d_cost(
    c_in: usize,
    c_out: usize,
    k: [usize; 2],
    groups: usize,
    bias: bool,
    out_hw: [usize; 2],
) -> (u64, u64) {
    let per_out = (c_in / groups.max(1)) as u64 * k[0] as u64 * k[1] as u64;
    let params = c_out as u64 * per_out + if bias { c_out as u64 } else { 0 };
    let macs = c_out as u64 * per_out * out_hw[0] as u64 * out_hw[1] as u64;
    (params, macs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(
        x: &[f32],
        xs: [usize; 4],
        w: &[f32],
        ws: [usize; 4],
        b: Option<&[f32]>,
        p: &Conv2dParams,
    ) -> Vec<f32> {
        let ys = conv2d_out_shape(xs, ws, p).unwrap();
        let [n, c, h, wd] = xs;
        let [o, cg, kh, kw] = ws;
        let og = o / p.groups;
        let mut y = vec![0.0f64; ys.iter().product()];
        for ni in 0..n {
            for oi in 0..o {
                for i in 0..ys[2] {
                    for j in 0..ys[3] {
                        let mut acc = b.map_or(0.0, |b| b[oi] as f64);
                        for ci in 0..cg {
                            let cin = (oi / og) * cg + ci;
                            for u in 0..kh {
                                for v in 0..kw {
                                    let r = (i * p.stride[0] + u * p.dilation[0]) as isize
                                        - p.padding[0] as isize;
                                    let q = (j * p.stride[1] + v * p.dilation[1]) as isize
                                        - p.padding[1] as isize;
                                    if r >= 0 && q >= 0 && (r as usize) < h && (q as usize) < wd {
                                        acc += w[((oi * cg + ci) * kh + u) * kw + v] as f64
                                            * x[((ni * c + cin) * h + r as usize) * wd + q as usize]
                                                as f64;
                                    }
                                }
                            }
                        }
                        y[((ni * o + oi) * ys[2] + i) * ys[3] + j] = acc;
                    }
                }
            }
        }
        y.into_iter().map(|v| v as f32).collect()
    }

    fn lcg(seed: &mut u64) -> f32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    #[test]
    fn matches_naive_on_random_shapes() {
        let mut s = 7u64;
        for case in 0..200 {
            let g = [1, 2, 3][case % 3];
            let c = g * (1 + case % 3);
            let o = g * (1 + (case / 3) % 3);
            let kh = [1, 3, 5][case % 3];
            let kw = [3, 1, 2][(case / 2) % 3];
            let p = Conv2dParams {
                stride: [1 + case % 2, 1 + (case / 4) % 3],
                padding: [case % 3, (case / 3) % 2],
                dilation: [1 + (case / 5) % 3, 1 + (case / 7) % 2],
                groups: g,
            };
            let xs = [1 + case % 2, c, 6 + case % 9, 5 + case % 11];
            let ws = [o, c / g, kh, kw];
            if conv2d_out_shape(xs, ws, &p).is_err() {
                continue;
            }
            let x: Vec<f32> = (0..xs.iter().product()).map(|_| lcg(&mut s)).collect();
            let w: Vec<f32> = (0..ws.iter().product()).map(|_| lcg(&mut s)).collect();
            let b: Vec<f32> = (0..o).map(|_| lcg(&mut s)).collect();
            let (y, _) = conv2d(&x, xs, &w, ws, Some(&b), &p).unwrap();
            let r = naive(&x, xs, &w, ws, Some(&b), &p);
            for (a, e) in y.iter().zip(&r) {
                assert!(
                    (a - e).abs() <= 1e-4 * (1.0 + e.abs()),
                    "case {case}: {a} vs {e}"
                );
            }
        }
    }

    #[test]
    fn backward_input_matches_finite_differences() {
        let mut s = 11u64;
        let p = Conv2dParams {
            stride: [2, 1],
            padding: [1, 2],
            dilation: [2, 1],
            groups: 2,
        };
        let xs = [1, 4, 7, 6];
        let ws = [2, 2, 3, 3];
        let x: Vec<f64> = (0..xs.iter().product())
            .map(|_| lcg(&mut s) as f64)
            .collect();
        let w: Vec<f32> = (0..ws.iter().product()).map(|_| lcg(&mut s)).collect();
        let ys = conv2d_out_shape(xs, ws, &p).unwrap();
        let gy: Vec<f32> = (0..ys.iter().product()).map(|_| lcg(&mut s)).collect();
        // L = sum(gy * conv(x)); dL/dx by central differences in f64 through the f32 kernel.
        let loss = |xv: &[f64]| -> f64 {
            let xf: Vec<f32> = xv.iter().map(|&v| v as f32).collect();
            let (y, _) = conv2d(&xf, xs, &w, ws, None, &p).unwrap();
            y.iter().zip(&gy).map(|(&a, &b)| a as f64 * b as f64).sum()
        };
        let gx = conv2d_backward_input(&gy, xs, &w, ws, &p).unwrap();
        let h = 1e-2;
        for i in 0..x.len() {
            let mut xp = x.clone();
            xp[i] += h;
            let mut xm = x.clone();
            xm[i] -= h;
            let fd = (loss(&xp) - loss(&xm)) / (2.0 * h);
            assert!(
                (fd - gx[i] as f64).abs() < 1e-3,
                "x[{i}]: fd {fd} vs analytic {}",
                gx[i]
            );
        }
    }

    #[test]
    fn bad_parameters_say_why() {
        let p = Conv2dParams {
            dilation: [0, 1],
            ..Default::default()
        };
        let e = conv2d_out_shape([1, 1, 5, 5], [1, 1, 3, 3], &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("dilation rows must be >= 1, got 0"), "{e}");
        let p = Conv2dParams {
            groups: 2,
            ..Default::default()
        };
        let e = conv2d_out_shape([1, 3, 5, 5], [2, 1, 3, 3], &p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("groups=2 must divide the input channels 3"),
            "{e}"
        );
        let e = conv2d_out_shape([1, 1, 2, 5], [1, 1, 3, 3], &Default::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("padded input has only 2"), "{e}");
        let e = conv2d(
            &[0.0; 3],
            [1, 1, 2, 2],
            &[0.0; 1],
            [1, 1, 1, 1],
            None,
            &Default::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("input has 3 values"), "{e}");
    }

    #[test]
    fn cheat_sheet_parameter_counts() {
        // 4 filters of 3x3 on 3 channels: 108 weights; depthwise 3x3 (27) + pointwise 1x1 (12) = 39.
        assert_eq!(conv2d_cost(3, 4, [3, 3], 1, false, [1, 1]).0, 108);
        assert_eq!(conv2d_cost(3, 3, [3, 3], 3, false, [1, 1]).0, 27);
        assert_eq!(conv2d_cost(3, 4, [1, 1], 1, false, [1, 1]).0, 12);
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use crate::ops::simd::conv::{kernel_for, Kernel};

    fn lcg(seed: &mut u64) -> f32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    fn pick(seed: &mut u64, n: usize) -> usize {
        ((lcg(seed) + 1.0) * 0.5 * n as f32) as usize % n
    }

    /// The fast kernels against the reference on random shapes: every kernel family, groups,
    /// per-axis stride/padding/dilation, widths around the vector block sizes, batch 2.
    #[test]
    fn fast_matches_reference_on_random_shapes() {
        let mut s = 99u64;
        let mut seen = [0usize; 3];
        let mut run = 0;
        while run < 400 {
            let kind = run % 3;
            let g;
            let (c, o, kh, kw);
            match kind {
                0 => {
                    // depthwise
                    c = 1 + pick(&mut s, 9);
                    g = c;
                    o = c;
                    kh = [1, 3, 5][pick(&mut s, 3)];
                    kw = [1, 3, 2][pick(&mut s, 3)];
                }
                1 => {
                    // pointwise (maybe grouped)
                    g = [1, 2, 3][pick(&mut s, 3)];
                    c = g * (1 + pick(&mut s, 5));
                    o = g * (1 + pick(&mut s, 7));
                    kh = 1;
                    kw = 1;
                }
                _ => {
                    g = [1, 1, 2, 3][pick(&mut s, 4)];
                    c = g * (1 + pick(&mut s, 4));
                    o = g * (1 + pick(&mut s, 9));
                    kh = [1, 3, 5, 2][pick(&mut s, 4)];
                    kw = [3, 1, 3, 4][pick(&mut s, 4)];
                }
            }
            let p = if kind == 1 && pick(&mut s, 3) > 0 {
                Conv2dParams {
                    groups: g,
                    ..Default::default()
                }
            } else {
                Conv2dParams {
                    stride: [1 + pick(&mut s, 3), 1 + pick(&mut s, 3)],
                    padding: [pick(&mut s, 3), pick(&mut s, 4)],
                    dilation: [1 + pick(&mut s, 4), 1 + pick(&mut s, 4)],
                    groups: g,
                }
            };
            let xs = [
                1 + pick(&mut s, 2),
                c,
                3 + pick(&mut s, 20),
                1 + pick(&mut s, 40),
            ];
            let ws = [o, c / g, kh, kw];
            let Ok(ys) = conv2d_out_shape(xs, ws, &p) else {
                continue;
            };
            run += 1;
            seen[kernel_for(ws, &p) as usize] += 1;
            let x: Vec<f32> = (0..xs.iter().product()).map(|_| lcg(&mut s)).collect();
            let w: Vec<f32> = (0..ws.iter().product()).map(|_| lcg(&mut s)).collect();
            let b: Vec<f32> = (0..o).map(|_| lcg(&mut s)).collect();
            let bias = (run % 2 == 0).then_some(b.as_slice());
            let n: usize = ys.iter().product();
            let mut fast = vec![f32::NAN; n];
            let mut reference = vec![f32::NAN; n];
            conv2d_into(&x, xs, &w, ws, bias, &p, &mut fast).unwrap();
            conv2d_reference_into(&x, xs, &w, ws, bias, &p, &mut reference).unwrap();
            for (i, (a, e)) in fast.iter().zip(&reference).enumerate() {
                assert!(
                    (a - e).abs() <= 1e-5 * (1.0 + e.abs()),
                    "x {xs:?} w {ws:?} {p:?} ({:?}): y[{i}] fast {a} vs reference {e}",
                    kernel_for(ws, &p)
                );
            }
        }
        assert!(
            seen.iter().all(|&k| k > 50),
            "each kernel must be exercised: {seen:?} (dense, depthwise, pointwise)"
        );
        assert_eq!(Kernel::Dense as usize, 0);
    }
}
