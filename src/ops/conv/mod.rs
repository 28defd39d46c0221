//! 2-D convolution (cross-correlation, as `torch.nn.functional.conv2d`), NCHW, with per-axis
//! stride, zero padding and dilation, groups (1, depthwise, any divisor) and optional bias;
//! plus the gradient with respect to the input (used for receptive-field maps and training).
//!
//! `y[n,o,i,j] = b[o] + sum_{c in group(o)} sum_{u,v} w[o,c',u,v] * xpad[n,c, i*sh + u*dh, j*sw + v*dw]`
//! `OH = floor((H + 2ph - dh(kH-1) - 1)/sh) + 1`.
//!
//! This file owns the parameters, the output-shape rules, every check (lengths through
//! `tensor::View`, finite weight and bias, shapes and parameters) and the dispatch; every entry
//! point goes through `checked`, so the kernels get a `Geom` they can trust:
//! * `reference`: the scalar kernel every fast path is tested against, and the input gradient;
//! * `simd`: the vectorized direct kernels on `ops::lanes::F4` (`conv2d`, `conv2d_into`);
//! * `window`: the patch-and-dot kernels for the lab's crop-sized maps (`conv2d_window*`).
//!
//! `params` holds the types the kernels share (`Conv2dParams`, `Geom`); `cases` the random shapes
//! the fast-path tests (native and in the browser) draw.

mod cases;
mod params;
mod reference;
mod simd;
#[cfg(test)]
mod tests;
mod window;

#[doc(hidden)]
pub use cases::random_case;
pub use params::Conv2dParams;
use params::Geom;
pub use simd::{kernel_for, Kernel};

use crate::tensor::{check_finite, check_len, numel, View};
use crate::{arg_err, shape_err, Error, Result};

/// Output length of one axis, or an error naming the axis when the window does not fit.
pub fn conv_out_len(axis: &str, n: usize, k: usize, s: usize, p: usize, d: usize) -> Result<usize> {
    if k == 0 {
        return Err(Error::at_least(&format!("kernel {axis}"), 1, 0));
    }
    if s == 0 {
        return Err(Error::at_least(&format!("stride {axis}"), 1, 0));
    }
    if d == 0 {
        return Err(Error::at_least(&format!("dilation {axis}"), 1, 0));
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
        return Err(Error::at_least("groups", 1, 0));
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

/// The one checked path of every entry point: finite weight and bias (the input may hold NaN
/// or infinities, which propagate as in torch), the shape rules, and the bias length.
fn checked(xs: [usize; 4], w: View<'_>, bias: Option<&[f32]>, p: &Conv2dParams) -> Result<Geom> {
    check_finite("weight", w.data())?;
    if let Some(b) = bias {
        check_finite("bias", b)?;
    }
    let ws = w.shape();
    let ys = conv2d_out_shape(xs, ws, p)?;
    numel(&xs)?;
    if let Some(b) = bias {
        check_len("bias", b.len(), &[ws[0]])?;
    }
    Ok(Geom { xs, ws, ys, p: *p })
}

/// conv2d into a fresh buffer; returns `(y, [N, C_out, OH, OW])`.
pub fn conv2d(
    x: View<'_>,
    w: View<'_>,
    bias: Option<&[f32]>,
    p: &Conv2dParams,
) -> Result<(Vec<f32>, [usize; 4])> {
    let g = checked(x.shape(), w, bias, p)?;
    let mut y = vec![0.0; numel(&g.ys)?];
    simd::forward(&g, x.data(), w.data(), bias, &mut y)?;
    Ok((y, g.ys))
}

/// The kernels that write a conv2d into a caller's buffer.
#[derive(Clone, Copy)]
enum Path {
    Simd,
    Reference,
}

/// Checks a conv2d into `y` and runs it through `kernel`.
fn run_into(
    kernel: Path,
    (x, w): (View<'_>, View<'_>),
    bias: Option<&[f32]>,
    p: &Conv2dParams,
    y: &mut [f32],
) -> Result<()> {
    let g = checked(x.shape(), w, bias, p)?;
    check_len("output buffer", y.len(), &g.ys)?;
    match kernel {
        Path::Simd => simd::forward(&g, x.data(), w.data(), bias, y),
        Path::Reference => {
            reference::forward(&g, x.data(), w.data(), bias, y);
            Ok(())
        }
    }
}

/// conv2d writing into `y` (reused across calls by the labs). `[N,C,H,W] * [O,C/G,kH,kW] -> [N,O,OH,OW]`.
/// Runs the vectorized direct kernels of `simd` (wasm SIMD128 in the browser, a portable 4-lane
/// version natively); `conv2d_reference_into` is the plain loop they are tested against.
pub fn conv2d_into(
    x: View<'_>,
    w: View<'_>,
    bias: Option<&[f32]>,
    p: &Conv2dParams,
    y: &mut [f32],
) -> Result<()> {
    run_into(Path::Simd, (x, w), bias, p, y)
}

/// The reference conv2d (`reference::forward`): one scalar multiply-add per tap, row by row.
/// Every fast path is checked against it.
pub fn conv2d_reference_into(
    x: View<'_>,
    w: View<'_>,
    bias: Option<&[f32]>,
    p: &Conv2dParams,
    y: &mut [f32],
) -> Result<()> {
    run_into(Path::Reference, (x, w), bias, p, y)
}

/// Gradient of a conv2d with respect to its input `[N,C,H,W]` (`xs`): `dL/dx` from `dL/dy`
/// (`gy`, shape of y). It is the transposed convolution of `gy` with the same weights.
pub fn conv2d_backward_input(
    gy: &[f32],
    xs: [usize; 4],
    w: View<'_>,
    p: &Conv2dParams,
) -> Result<Vec<f32>> {
    let g = checked(xs, w, None, p)?;
    check_len("output gradient", gy.len(), &g.ys)?;
    Ok(reference::backward_input(&g, gy, w.data()))
}

/// The window kernels take one crop that carries its own padding.
fn checked_window(xs: [usize; 4], w: View<'_>, p: &Conv2dParams) -> Result<Geom> {
    if xs[0] != 1 || p.padding != [0, 0] {
        return arg_err!(
            "the window conv takes one unpadded crop (batch 1, padding 0), got batch {} and padding {:?}",
            xs[0],
            p.padding
        );
    }
    checked(xs, w, None, p)
}

/// conv2d without bias or padding on one small crop `[1,C,H,W]` (`window::forward`), for the
/// lab's cell maps: faster than the row kernels when the map is a few pixels wide.
pub fn conv2d_window(x: View<'_>, w: View<'_>, p: &Conv2dParams) -> Result<Vec<f32>> {
    let g = checked_window(x.shape(), w, p)?;
    Ok(window::forward(&g, x.data(), w.data()))
}

/// The input gradient of `conv2d_window` (`window::backward_input`).
pub fn conv2d_window_backward_input(
    gy: &[f32],
    xs: [usize; 4],
    w: View<'_>,
    p: &Conv2dParams,
) -> Result<Vec<f32>> {
    let g = checked_window(xs, w, p)?;
    check_len("output gradient", gy.len(), &g.ys)?;
    Ok(window::backward_input(&g, gy, w.data()))
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
