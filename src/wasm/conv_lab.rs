//! Exports for the convolution and receptive-field lab (`www/labs/conv.js`) and the conv bench:
//! conv2d into a reused output, the layer-stack plan (shapes, receptive field, cost), the exact
//! support and effective receptive field of one output cell, and image <-> tensor helpers.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::handles::Tensor;
use super::{err, opts};
use crate::ops::conv::{self, Conv2dParams};
use crate::tensor::check_finite;
use crate::Error;

/// A number for both axes, or `[rows, cols]`.
#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
enum Pair {
    One(usize),
    Two([usize; 2]),
}

fn pair(p: Option<Pair>, default: usize) -> [usize; 2] {
    match p {
        None => [default; 2],
        Some(Pair::One(v)) => [v, v],
        Some(Pair::Two(v)) => v,
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConvOpts {
    stride: Option<Pair>,
    padding: Option<Pair>,
    dilation: Option<Pair>,
    groups: Option<usize>,
}

impl ConvOpts {
    fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: pair(self.stride, 1),
            padding: pair(self.padding, 0),
            dilation: pair(self.dilation, 1),
            groups: self.groups.unwrap_or(1),
        }
    }
}

/// `F.conv2d` writing into `out`, a Tensor of the output shape made once and reused (no
/// allocation per call: the bench times the op, the lab redraws feature maps on every edit).
#[wasm_bindgen]
pub fn conv2d_into(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<Vec<f32>>,
    out: &mut Tensor,
    options: JsValue,
) -> Result<(), JsError> {
    let o: ConvOpts = opts("conv2d_into", options)?;
    check_finite("weight", &weight.inner.data).map_err(err)?;
    if let Some(b) = &bias {
        check_finite("bias", b).map_err(err)?;
    }
    let p = o.params();
    let xs = x.shape4("input")?;
    let ws = weight.shape4("weight")?;
    let ys = conv::conv2d_out_shape(xs, ws, &p).map_err(err)?;
    if out.inner.shape != ys {
        return Err(err(Error::Shape(format!(
            "out has shape {:?} but this conv2d produces {ys:?}: make it with Tensor.zeros({ys:?})",
            out.inner.shape
        ))));
    }
    conv::conv2d_into(
        &x.inner.data,
        xs,
        &weight.inner.data,
        ws,
        bias.as_deref(),
        &p,
        &mut out.inner.data,
    )
    .map_err(err)
}

/// The same conv2d through the scalar reference kernel (the bench shows what SIMD buys).
#[wasm_bindgen]
pub fn conv2d_reference_into(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<Vec<f32>>,
    out: &mut Tensor,
    options: JsValue,
) -> Result<(), JsError> {
    let o: ConvOpts = opts("conv2d_reference_into", options)?;
    check_finite("weight", &weight.inner.data).map_err(err)?;
    let p = o.params();
    conv::conv2d_reference_into(
        &x.inner.data,
        x.shape4("input")?,
        &weight.inner.data,
        weight.shape4("weight")?,
        bias.as_deref(),
        &p,
        &mut out.inner.data,
    )
    .map_err(err)
}

/// Which conv implementation this build runs: "wasm simd128" or "portable [f32; 4]".
#[wasm_bindgen]
pub fn simd_kind() -> String {
    crate::ops::simd::KIND.to_string()
}
