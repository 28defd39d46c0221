//! 1-D convolution over `[N, C, L]` (`F.conv1d`), causal or symmetric, with its backward: conv2d
//! on a `[N, C, 1, L]` view (the `ops::conv` forward and `grads::conv2d_backward`).
//!
//! * causal: `(k-1) d` zeros on the left only, then an unpadded conv, so with stride 1 `y[t]`
//!   depends on `x[0..=t]` (the pad stays `(k-1) d` with any stride);
//! * otherwise `padding` zeros on both ends.
//!
//! `Lout = floor((L + P - d(k-1) - 1)/s) + 1` with `P = (k-1) d` (causal) or `2 padding`. The
//! gradient that lands on the causal pad is dropped, so `dx` has length L.

use super::grads::conv2d_backward;
use crate::ops::conv::{conv2d, Conv2dParams};
use crate::tensor::{check_len, expect_rank, numel, View};
use crate::{Error, Result};

/// Parameters of a conv1d.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv1dParams {
    pub stride: usize,
    pub padding: usize,
    pub dilation: usize,
    pub groups: usize,
    pub causal: bool,
}

/// The conv2d geometry of a conv1d on `x [N, C, L]` with weight `[O, C/G, k]`: the (causally
/// padded) input as `[N, C, 1, L']`, the weight as `[O, C/G, 1, k]`, the 2-D params and the
/// left pad.
fn geometry(
    xs: &[usize],
    ws: &[usize],
    p: &Conv1dParams,
) -> Result<([usize; 4], [usize; 4], Conv2dParams, usize)> {
    let [n, c, l] = expect_rank::<3>("input", xs)?;
    let [o, cg, k] = expect_rank::<3>("weight", ws)?;
    if k == 0 {
        return Err(Error::at_least("kernel size", 1, 0));
    }
    if p.dilation == 0 {
        return Err(Error::at_least("dilation", 1, 0));
    }
    let left = if p.causal { (k - 1) * p.dilation } else { 0 };
    let p2 = Conv2dParams {
        stride: [1, p.stride],
        padding: [0, if p.causal { 0 } else { p.padding }],
        dilation: [1, p.dilation],
        groups: p.groups,
    };
    let lp = l
        .checked_add(left)
        .ok_or_else(|| Error::element_limit(xs, crate::tensor::MAX_ELEMENTS))?;
    numel(&[n, c, 1, lp])?;
    Ok(([n, c, 1, lp], [o, cg, 1, k], p2, left))
}

/// `x` with `left` zeros before each row of length `l`.
fn pad_left(x: &[f32], rows: usize, l: usize, left: usize) -> Vec<f32> {
    if left == 0 {
        return x.to_vec();
    }
    let mut out = vec![0.0f32; rows * (l + left)];
    for (o, i) in out.chunks_exact_mut(l + left).zip(x.chunks_exact(l)) {
        o[left..].copy_from_slice(i);
    }
    out
}

/// conv1d: `(y, [N, O, Lout])`.
pub fn conv1d(
    x: &[f32],
    xs: &[usize],
    w: &[f32],
    ws: &[usize],
    bias: Option<&[f32]>,
    p: &Conv1dParams,
) -> Result<(Vec<f32>, [usize; 3])> {
    let (xs4, ws4, p2, left) = geometry(xs, ws, p)?;
    check_len("input", x.len(), xs)?;
    let xp = pad_left(x, xs[0] * xs[1], xs[2], left);
    let (y, [n, o, _, lo]) = conv2d(
        View::new("input", &xp, xs4)?,
        View::new("weight", w, ws4)?,
        bias,
        &p2,
    )?;
    Ok((y, [n, o, lo]))
}

/// Gradients of conv1d: `(dx [N, C, L], dweight [O, C/G, k], dbias [O])` from `gy [N, O, Lout]`.
pub fn conv1d_backward(
    x: &[f32],
    xs: &[usize],
    w: &[f32],
    ws: &[usize],
    gy: &[f32],
    p: &Conv1dParams,
) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    let (xs4, ws4, p2, left) = geometry(xs, ws, p)?;
    check_len("input", x.len(), xs)?;
    let xp = pad_left(x, xs[0] * xs[1], xs[2], left);
    let wv = View::new("weight", w, ws4)?;
    let (gxp, gw, gb) = conv2d_backward(View::new("input", &xp, xs4)?, wv, gy, &p2)?;
    let l = xs[2];
    let gx = if left == 0 {
        gxp
    } else {
        gxp.chunks_exact(l + left)
            .flat_map(|r| r[left..].iter().copied())
            .collect()
    };
    Ok((gx, gw, gb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{dot, grad_check, randn};

    #[test]
    fn causal_output_never_sees_the_future_and_backward_matches_finite_differences() {
        for (causal, stride, padding, dilation, groups) in
            [(true, 1, 0, 2, 1), (true, 2, 0, 1, 2), (false, 2, 2, 2, 2)]
        {
            let p = Conv1dParams {
                stride,
                padding,
                dilation,
                groups,
                causal,
            };
            let (xs, ws) = ([2usize, 4, 11], [6usize, 4 / groups, 3]);
            let x = randn(88, 1, 1.0);
            let w = randn(ws.iter().product(), 2, 0.5);
            let b = randn(6, 3, 0.5);
            let (y, ys) = conv1d(&x, &xs, &w, &ws, Some(&b), &p).unwrap();
            if causal && stride == 1 {
                assert_eq!(ys, [2, 6, 11]);
                // changing x[t] leaves y[..t] alone
                let mut x2 = x.clone();
                x2[5] += 1.0;
                let (y2, _) = conv1d(&x2, &xs, &w, &ws, Some(&b), &p).unwrap();
                assert_eq!(y[..5], y2[..5]);
                assert_ne!(y[5], y2[5]);
            }
            let gy = randn(y.len(), 4, 1.0);
            let (gx, gw, gb) = conv1d_backward(&x, &xs, &w, &ws, &gy, &p).unwrap();
            let f = |x: &[f32], w: &[f32], b: &[f32]| {
                dot(&conv1d(x, &xs, w, &ws, Some(b), &p).unwrap().0, &gy)
            };
            let what = format!("conv1d causal={causal} s={stride}");
            grad_check(&format!("{what} dx"), &x, &gx, 8e-3, 3e-3, &mut |v| {
                f(v, &w, &b)
            });
            grad_check(&format!("{what} dw"), &w, &gw, 8e-3, 3e-3, &mut |v| {
                f(&x, v, &b)
            });
            grad_check(&format!("{what} db"), &b, &gb, 8e-3, 3e-3, &mut |v| {
                f(&x, &w, v)
            });
        }
    }
}
