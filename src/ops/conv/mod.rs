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
pub use cases::{fast_tolerance, random_case};
pub use params::Conv2dParams;
use params::Geom;
pub use simd::{kernel_for, Kernel};

use crate::tensor::{check_finite, check_len, check_work, numel, prod_u64, try_zeros, View};
use crate::{arg_err, shape_err, Error, Result};

/// The largest stride, padding or dilation an axis accepts (conv and pooling): 2^28, the element
/// limit of a tensor, so that every index a kernel forms (`i*s + u*d`, `n + 2p`) stays below
/// 2^31 and fits wasm32's `isize`; larger values could only ever pad or skip beyond any tensor.
pub const MAX_GEOMETRY: usize = crate::tensor::MAX_ELEMENTS;

/// Checks that `name` (e.g. "stride cols") lies in `min..=MAX_GEOMETRY`.
pub fn check_geometry(name: &str, v: usize, min: usize) -> Result<()> {
    if v < min || v > MAX_GEOMETRY {
        return Err(Error::out_of_range(
            name,
            min as f64,
            MAX_GEOMETRY as f64,
            v,
        ));
    }
    Ok(())
}

/// Output length of one axis, or an error naming the axis when the window does not fit. Every
/// sum and product is checked (the values come from JS), so a message never shows wrapped
/// arithmetic.
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
    check_geometry(&format!("stride {axis}"), s, 1)?;
    check_geometry(&format!("padding {axis}"), p, 0)?;
    check_geometry(&format!("dilation {axis}"), d, 1)?;
    check_geometry(&format!("input {axis}"), n, 0)?;
    // n, p <= 2^28: the padded length fits 2^30 on every target.
    let padded = n + 2 * p;
    let span = (k as u64 - 1) * d as u64 + 1;
    if span > padded as u64 {
        return shape_err!(
            "the dilated kernel spans {span} {axis} (kernel {k}, dilation {d}) but the padded input has only {padded} ({n} + 2x{p} padding)"
        );
    }
    Ok((padded - span as usize) / s + 1)
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
    check_work("conv2d", conv_work(xs, ws, ys, p), || {
        format!(
            "input {xs:?}, weight {ws:?}, output {ys:?}, stride {:?}, padding {:?}, dilation {:?}, groups {}",
            p.stride, p.padding, p.dilation, p.groups
        )
    })?;
    // An axis with one output never moves its window: its stride plays no part, and a stride of
    // 1 keeps the SIMD kernels' phased copy of the input small (stride 2^28 would ask for 2^28
    // phases).
    let mut p = *p;
    for a in 0..2 {
        if ys[2 + a] == 1 {
            p.stride[a] = 1;
        }
    }
    Ok(Geom { xs, ws, ys, p })
}

/// The estimated steps of one conv2d (or its input gradient): the multiply-adds
/// `N*O*OH*OW*(C/G)*kH*kW`, plus the padded copy of the input the fast kernels make
/// (`N*C*(H+2ph)*(W+2pw)`). None on overflow.
fn conv_work(xs: [usize; 4], ws: [usize; 4], ys: [usize; 4], p: &Conv2dParams) -> Option<u64> {
    let macs = prod_u64(&[ys[0], ys[1], ys[2], ys[3], ws[1], ws[2], ws[3]])?;
    let copy = prod_u64(&[
        xs[0],
        xs[1],
        xs[2] + 2 * p.padding[0],
        xs[3] + 2 * p.padding[1],
    ])?;
    macs.checked_add(copy)
}

/// conv2d into a fresh buffer; returns `(y, [N, C_out, OH, OW])`.
pub fn conv2d(
    x: View<'_>,
    w: View<'_>,
    bias: Option<&[f32]>,
    p: &Conv2dParams,
) -> Result<(Vec<f32>, [usize; 4])> {
    let g = checked(x.shape(), w, bias, p)?;
    let mut y = try_zeros("the output of conv2d", numel(&g.ys)?)?;
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
    let mut gx = try_zeros("the input gradient of conv2d", numel(&xs)?)?;
    reference::backward_input(&g, gy, w.data(), &mut gx);
    Ok(gx)
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

/// The largest parameter or multiply-add count the cost functions return: 2^53, the largest
/// integer up to which a JS number (f64) counts exactly.
pub const MAX_COUNT: u64 = 1 << 53;

/// Parameters and multiply-adds of a conv layer: `(params, macs)` for output size `oh x ow`, in
/// checked u64 arithmetic; a count above `MAX_COUNT` is an `Error::count_limit` naming the layer
/// (u64 wrapped silently before: 65536 -> 65536 channels, 1024x1024, at 1048576x1048576 gave 0).
pub fn conv2d_cost(
    c_in: usize,
    c_out: usize,
    k: [usize; 2],
    groups: usize,
    bias: bool,
    out_hw: [usize; 2],
) -> Result<(u64, u64)> {
    let per_out = prod_u64(&[c_in / groups.max(1), k[0], k[1]]);
    let params = per_out
        .and_then(|p| p.checked_mul(c_out as u64))
        .and_then(|p| p.checked_add(if bias { c_out as u64 } else { 0 }))
        .filter(|&p| p <= MAX_COUNT);
    let macs = per_out
        .and_then(|p| p.checked_mul(prod_u64(&[c_out, out_hw[0], out_hw[1]])?))
        .filter(|&m| m <= MAX_COUNT);
    match (params, macs) {
        (Some(p), Some(m)) => Ok((p, m)),
        _ => Err(Error::count_limit(
            "parameters and mult-adds",
            &format!(
                "a {}x{} conv {c_in}->{c_out} (groups {groups}) with a {}x{} output",
                k[0], k[1], out_hw[0], out_hw[1]
            ),
            MAX_COUNT,
        )),
    }
}
