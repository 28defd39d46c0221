//! Max and average pooling over NCHW, as `F.max_pool2d` / `F.avg_pool2d`.
//!
//! Output size `o = floor|ceil((H + 2p - d(k-1) - 1)/s) + 1`; with ceil_mode a window may not
//! start inside the right padding (`(o-1)s >= H + p` drops the last one). Max pooling pads with
//! -inf; average pooling divides by the window clipped to the padded extent
//! (`count_include_pad=true`) or by the number of real inputs it covers.

use std::ops::Range;

use crate::ops::conv::check_geometry;
use crate::tensor::{
    check_len, check_work, expect_rank, numel, prod_u64, try_filled, try_zeros, ViewD,
};
use crate::{arg_err, shape_err, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolParams {
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
    pub ceil_mode: bool,
    pub count_include_pad: bool,
}

impl PoolParams {
    /// Kernel `k` with stride = kernel (torch's default when no stride is given).
    pub fn new(kernel: [usize; 2]) -> Self {
        PoolParams {
            kernel,
            stride: kernel,
            padding: [0, 0],
            dilation: [1, 1],
            ceil_mode: false,
            count_include_pad: true,
        }
    }
}

/// Output length of one pooled axis.
pub fn pool_out_len(
    axis: &str,
    n: usize,
    k: usize,
    s: usize,
    p: usize,
    d: usize,
    ceil: bool,
) -> Result<usize> {
    if k == 0 || s == 0 || d == 0 {
        return arg_err!(
            "pool kernel, stride and dilation ({axis}) must be >= 1, got {k}, {s}, {d}"
        );
    }
    // Bounded (and then checked) before any sum or product: they come from JS, and on wasm32
    // `2 * p` with p = 2^31 wraps to 0.
    check_geometry(&format!("pool kernel {axis}"), k, 1)?;
    check_geometry(&format!("pool stride {axis}"), s, 1)?;
    check_geometry(&format!("pool padding {axis}"), p, 0)?;
    check_geometry(&format!("pool dilation {axis}"), d, 1)?;
    check_geometry(&format!("input {axis}"), n, 0)?;
    let eff = (k as u64 - 1) * d as u64 + 1;
    if 2 * p as u64 > eff {
        return arg_err!(
            "pool padding ({axis}) must be at most half the (dilated) kernel {eff}, got {p}"
        );
    }
    // p <= eff / 2 and n, p <= 2^28: from here every value is below 2^30.
    let padded = n + 2 * p;
    if (padded as u64) < eff {
        return shape_err!(
            "the pool window spans {eff} ({axis}) but the padded input has only {padded}"
        );
    }
    let num = padded - eff as usize;
    let mut o = if ceil { num.div_ceil(s) } else { num / s } + 1;
    if ceil && (o - 1) * s >= n + p {
        o -= 1;
    }
    Ok(o)
}

/// Output shape of a pool over `[N,C,H,W]`.
pub fn pool_out_shape(xs: &[usize], p: &PoolParams) -> Result<[usize; 4]> {
    let [n, c, h, w] = expect_rank::<4>("input", xs)?;
    let oh = pool_out_len(
        "rows",
        h,
        p.kernel[0],
        p.stride[0],
        p.padding[0],
        p.dilation[0],
        p.ceil_mode,
    )?;
    let ow = pool_out_len(
        "cols",
        w,
        p.kernel[1],
        p.stride[1],
        p.padding[1],
        p.dilation[1],
        p.ceil_mode,
    )?;
    numel(&[n, c, oh, ow])?;
    let work = prod_u64(&[n, c, oh, ow, p.kernel[0], p.kernel[1]]);
    check_work("pooling", work, || {
        format!(
            "input {:?}, kernel {:?}, stride {:?}, padding {:?}, dilation {:?}",
            xs, p.kernel, p.stride, p.padding, p.dilation
        )
    })?;
    Ok([n, c, oh, ow])
}

/// Max pooling; returns `(y, shape, argmax)` where argmax is the flat index in the input plane
/// (used by backward passes and by the lab to show which pixel won).
pub fn max_pool2d(x: ViewD<'_>, p: &PoolParams) -> Result<(Vec<f32>, [usize; 4], Vec<u32>)> {
    let (x, xs) = (x.data(), x.shape());
    let ys = pool_out_shape(xs, p)?;
    let [n, c, h, w] = [xs[0], xs[1], xs[2], xs[3]];
    let [_, _, oh, ow] = ys;
    let mut y = try_filled("the output of max_pool2d", numel(&ys)?, f32::NEG_INFINITY)?;
    let mut arg = try_filled("the argmax of max_pool2d", y.len(), 0u32)?;
    for pl in 0..n * c {
        let xp = &x[pl * h * w..][..h * w];
        for i in 0..oh {
            for j in 0..ow {
                let o = (pl * oh + i) * ow + j;
                for u in 0..p.kernel[0] {
                    let r = (i * p.stride[0] + u * p.dilation[0]) as isize - p.padding[0] as isize;
                    if r < 0 || r as usize >= h {
                        continue;
                    }
                    for v in 0..p.kernel[1] {
                        let q =
                            (j * p.stride[1] + v * p.dilation[1]) as isize - p.padding[1] as isize;
                        if q < 0 || q as usize >= w {
                            continue;
                        }
                        let idx = r as usize * w + q as usize;
                        // NaN propagates, as in torch.
                        if xp[idx] > y[o] || xp[idx].is_nan() {
                            y[o] = xp[idx];
                            arg[o] = idx as u32;
                        }
                    }
                }
            }
        }
    }
    Ok((y, ys, arg))
}

/// One output of an average pool: its index in the output plane, the input rows and columns
/// it covers (clipped to the input) and its divisor (the window clipped to the padded extent with
/// `count_include_pad`, else the number of real inputs).
struct AvgWindow {
    out: usize,
    rows: Range<usize>,
    cols: Range<usize>,
    div: isize,
}

/// Calls `f` for every output of an `oh x ow` plane pooled from an `h x w` one, row-major.
fn avg_windows(hw: [usize; 2], ohw: [usize; 2], p: &PoolParams, mut f: impl FnMut(AvgWindow)) {
    let ([h, w], [oh, ow]) = (hw, ohw);
    for i in 0..oh {
        let hs = (i * p.stride[0]) as isize - p.padding[0] as isize;
        let he = (hs + p.kernel[0] as isize).min((h + p.padding[0]) as isize);
        for j in 0..ow {
            let ws = (j * p.stride[1]) as isize - p.padding[1] as isize;
            let we = (ws + p.kernel[1] as isize).min((w + p.padding[1]) as isize);
            let pool_size = (he - hs) * (we - ws);
            let (h0, h1) = (hs.max(0) as usize, he.min(h as isize) as usize);
            let (w0, w1) = (ws.max(0) as usize, we.min(w as isize) as usize);
            let div = if p.count_include_pad {
                pool_size
            } else {
                ((h1 - h0) * (w1 - w0)) as isize
            };
            f(AvgWindow {
                out: i * ow + j,
                rows: h0..h1,
                cols: w0..w1,
                div: div.max(1),
            });
        }
    }
}

/// Checks an average pool's parameters and returns its output shape.
fn avg_out_shape(xs: &[usize], p: &PoolParams) -> Result<[usize; 4]> {
    if p.dilation != [1, 1] {
        return arg_err!("avg_pool2d has no dilation (got {:?})", p.dilation);
    }
    pool_out_shape(xs, p)
}

/// Average pooling (dilation must be 1, as in torch).
pub fn avg_pool2d(x: ViewD<'_>, p: &PoolParams) -> Result<(Vec<f32>, [usize; 4])> {
    let (x, xs) = (x.data(), x.shape());
    let ys = avg_out_shape(xs, p)?;
    let [n, c, h, w] = [xs[0], xs[1], xs[2], xs[3]];
    let [_, _, oh, ow] = ys;
    let mut y = try_zeros("the output of avg_pool2d", numel(&ys)?)?;
    for pl in 0..n * c {
        let xp = &x[pl * h * w..][..h * w];
        let yp = &mut y[pl * oh * ow..][..oh * ow];
        avg_windows([h, w], [oh, ow], p, |win| {
            let mut s = 0.0f64;
            for r in win.rows {
                s += xp[r * w..][win.cols.clone()]
                    .iter()
                    .map(|&v| v as f64)
                    .sum::<f64>();
            }
            yp[win.out] = (s / win.div as f64) as f32;
        });
    }
    Ok((y, ys))
}

/// Gradient of `max_pool2d` with respect to its input: each output's gradient goes to the input
/// that won its window (`argmax`, a flat index into the input plane, as `max_pool2d` returns it),
/// accumulating where windows overlap and share a winner (torch's rule).
pub fn max_pool2d_backward(
    gy: &[f32],
    argmax: &[u32],
    xs: &[usize],
    p: &PoolParams,
) -> Result<Vec<f32>> {
    let ys = pool_out_shape(xs, p)?;
    check_len("output gradient", gy.len(), &ys)?;
    check_len("argmax", argmax.len(), &ys)?;
    let [n, c, h, w] = [xs[0], xs[1], xs[2], xs[3]];
    let per = ys[2] * ys[3];
    let mut gx = try_zeros("the input gradient of pooling", numel(xs)?)?;
    for pl in 0..n * c {
        let gp = &mut gx[pl * h * w..][..h * w];
        for (&g, &a) in gy[pl * per..][..per].iter().zip(&argmax[pl * per..][..per]) {
            let Some(slot) = gp.get_mut(a as usize) else {
                return shape_err!(
                    "argmax {a} is outside the {h}x{w} input plane (was it made for another input?)"
                );
            };
            *slot += g;
        }
    }
    Ok(gx)
}

/// Gradient of `avg_pool2d` with respect to its input: each output's gradient, divided by the
/// same divisor as the forward pass, is added to every input of its window.
pub fn avg_pool2d_backward(gy: &[f32], xs: &[usize], p: &PoolParams) -> Result<Vec<f32>> {
    let ys = avg_out_shape(xs, p)?;
    check_len("output gradient", gy.len(), &ys)?;
    let [n, c, h, w] = [xs[0], xs[1], xs[2], xs[3]];
    let [_, _, oh, ow] = ys;
    let mut gx = try_zeros("the input gradient of pooling", numel(xs)?)?;
    for pl in 0..n * c {
        let gp = &mut gx[pl * h * w..][..h * w];
        let gyp = &gy[pl * oh * ow..][..oh * ow];
        avg_windows([h, w], [oh, ow], p, |win| {
            let g = gyp[win.out] / win.div as f32;
            for r in win.rows {
                for v in &mut gp[r * w..][win.cols.clone()] {
                    *v += g;
                }
            }
        });
    }
    Ok(gx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::testkit::{dot, grad_check, uniform};

    fn view<'a>(x: &'a [f32], shape: &'a [usize]) -> ViewD<'a> {
        ViewD::new("input", x, shape).unwrap()
    }

    #[test]
    fn ceil_mode_drops_window_starting_in_padding() {
        // H=4, k=2, s=2, p=1, ceil: (4+2-2)/2 = 2 -> ceil 2 +1 = 3; (3-1)*2=4 >= 4+1? no -> 3
        assert_eq!(pool_out_len("rows", 4, 2, 2, 1, 1, true).unwrap(), 3);
        // H=5, k=2, s=2, p=1: num=5, ceil=3 -> o=4, (4-1)*2=6 >= 6 -> 3
        assert_eq!(pool_out_len("rows", 5, 2, 2, 1, 1, true).unwrap(), 3);
        assert_eq!(pool_out_len("rows", 5, 2, 2, 0, 1, false).unwrap(), 2);
    }

    #[test]
    fn max_pool_picks_max_and_reports_where() {
        let x = [1.0, 5.0, 3.0, 2.0];
        let (y, s, a) = max_pool2d(view(&x, &[1, 1, 2, 2]), &PoolParams::new([2, 2])).unwrap();
        assert_eq!((y, s, a), (vec![5.0], [1, 1, 1, 1], vec![1]));
        let mut p = PoolParams::new([2, 2]);
        p.padding = [2, 0];
        assert!(max_pool2d(view(&x, &[1, 1, 2, 2]), &p).is_err());
    }

    /// `d/dx sum(gy * pool(x))` by finite differences against the analytic backward, for max
    /// and average pooling with padding, stride != kernel and (for avg) both divisor rules.
    #[test]
    fn pool_backward_matches_finite_differences() {
        let xs = [1usize, 2, 7, 6];
        // Distinct values spaced well apart, so no window has a near-tie for the max.
        let mut x: Vec<f32> = (0..84).map(|i| i as f32 * 0.37).collect();
        let mut r = Rng::new(5);
        for i in (1..x.len()).rev() {
            x.swap(i, r.below(i + 1));
        }
        for (kind, pad, include) in [
            ("max", 1, true),
            ("avg", 1, true),
            ("avg", 1, false),
            ("avg", 0, true),
        ] {
            let mut p = PoolParams::new([3, 2]);
            p.stride = [2, 1];
            p.padding = [pad, pad.min(1)];
            p.count_include_pad = include;
            let fwd = |xv: &[f32]| -> Vec<f32> {
                if kind == "max" {
                    max_pool2d(view(xv, &xs), &p).unwrap().0
                } else {
                    avg_pool2d(view(xv, &xs), &p).unwrap().0
                }
            };
            let gy = uniform(fwd(&x).len(), 6 + pad as u64, -1.0, 1.0);
            let gx = if kind == "max" {
                let (_, _, arg) = max_pool2d(view(&x, &xs), &p).unwrap();
                max_pool2d_backward(&gy, &arg, &xs, &p).unwrap()
            } else {
                avg_pool2d_backward(&gy, &xs, &p).unwrap()
            };
            // Both pools are linear between changes of the winner, and the values are 0.37 apart:
            // a step of 0.1 changes no winner, so the differences are exact up to f32 rounding
            // and the bound can be 20 times stricter than the old absolute 2e-3.
            let what = format!("{kind} pad {pad} include {include}: dL/dx");
            grad_check(&what, &x, &gx, 0.1, 1e-4, &mut |xv| dot(&fwd(xv), &gy));
            // Every output's gradient lands somewhere: the totals agree for max pooling.
            if kind == "max" {
                let (a, b): (f32, f32) = (gx.iter().sum(), gy.iter().sum());
                assert!((a - b).abs() < 1e-4, "{a} vs {b}");
            }
        }
        let p = PoolParams::new([2, 2]);
        let e = max_pool2d_backward(&[1.0], &[99], &[1, 1, 2, 2], &p).unwrap_err();
        assert!(e.to_string().contains("outside the 2x2 input plane"), "{e}");
    }

    #[test]
    fn avg_pool_divisors() {
        let x = [4.0f32; 4];
        let mut p = PoolParams::new([2, 2]);
        p.padding = [1, 1];
        let (y, _) = avg_pool2d(view(&x, &[1, 1, 2, 2]), &p).unwrap();
        assert_eq!(y[0], 1.0); // one real value of 4 over a 2x2 window incl. padding
        p.count_include_pad = false;
        let (y, _) = avg_pool2d(view(&x, &[1, 1, 2, 2]), &p).unwrap();
        assert_eq!(y[0], 4.0);
        p.dilation = [2, 1];
        let e = avg_pool2d(view(&x, &[1, 1, 2, 2]), &p).unwrap_err();
        assert!(e.to_string().contains("avg_pool2d has no dilation"), "{e}");
    }
}
