//! Exports for the convolution and receptive-field lab (`www/labs/conv.js`) and the conv bench:
//! conv2d into a reused output, the layer-stack plan (shapes, receptive field, cost), the exact
//! support and effective receptive field of one output cell, and image <-> tensor helpers.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::handles::{RgbaImage, Tensor};
use super::opts::{self, ConvOpts};
use super::{to_js, JsResult};
use crate::ops::conv::{self, Conv2dParams};
use crate::stack::{self, Layer, PoolKind};
use crate::tensor::{numel, View};
use crate::Error;

/// A conv kernel writing into a preallocated output (`conv::conv2d_into` and its reference).
type IntoKernel = for<'a> fn(
    View<'a>,
    View<'a>,
    Option<&'a [f32]>,
    &Conv2dParams,
    &mut [f32],
) -> crate::Result<()>;

/// The one path of `conv2dInto` and `conv2dReferenceInto`: the options, the output's shape, then
/// `kernel` (which checks shapes, parameters and that weight and bias are finite) into `out`.
fn conv_into(
    what: &str,
    kernel: IntoKernel,
    x: &Tensor,
    weight: &Tensor,
    bias: Option<Vec<f32>>,
    out: &mut Tensor,
    options: JsValue,
) -> JsResult<()> {
    let p = opts::read::<ConvOpts>(what, options)?.params();
    let (xv, wv) = (x.view("input")?, weight.view("weight")?);
    let ys = conv::conv2d_out_shape(xv.shape(), wv.shape(), &p)?;
    if out.inner.shape != ys {
        return Err(Error::Shape(format!(
            "out has shape {:?} but this conv2d produces {ys:?}: make it with Tensor.zeros({ys:?})",
            out.inner.shape
        ))
        .into());
    }
    kernel(xv, wv, bias.as_deref(), &p, &mut out.inner.data)?;
    Ok(())
}

/// `F.conv2d` writing into `out`, a Tensor of the output shape made once and reused (no
/// allocation per call: the bench times the op, the lab redraws feature maps on every edit).
#[wasm_bindgen(js_name = conv2dInto)]
pub fn conv2d_into(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<Vec<f32>>,
    out: &mut Tensor,
    options: JsValue,
) -> JsResult<()> {
    let kernel: IntoKernel = conv::conv2d_into;
    conv_into("conv2dInto", kernel, x, weight, bias, out, options)
}

/// The same conv2d through the scalar reference kernel (the bench shows what SIMD buys).
#[wasm_bindgen(js_name = conv2dReferenceInto)]
pub fn conv2d_reference_into(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<Vec<f32>>,
    out: &mut Tensor,
    options: JsValue,
) -> JsResult<()> {
    let kernel: IntoKernel = conv::conv2d_reference_into;
    conv_into("conv2dReferenceInto", kernel, x, weight, bias, out, options)
}

/// Which conv implementation this build runs: "wasm simd128" or "portable [f32; 4]".
#[wasm_bindgen(js_name = simdKind)]
pub fn simd_kind() -> String {
    crate::ops::lanes::KIND.to_string()
}

/// One layer as the lab writes it: `{type: "conv", k, s, p, d, out, groups}` or
/// `{type: "maxpool" | "avgpool", k, s, p}` (missing s/d/groups = 1, p = 0).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerIn {
    #[serde(rename = "type")]
    kind: String,
    k: usize,
    s: Option<usize>,
    p: Option<usize>,
    d: Option<usize>,
    out: Option<usize>,
    groups: Option<usize>,
}

fn parse_stack(layers: JsValue) -> crate::Result<Vec<Layer>> {
    if !js_sys::Array::is_array(&layers) {
        return Err(Error::InvalidArg(
            "layers must be an array like [{type: \"conv\", k: 3, s: 1, p: 1, d: 1, out: 16}]"
                .into(),
        ));
    }
    let keys = opts::field_names::<LayerIn>();
    let arr: js_sys::Array = layers.unchecked_into();
    arr.iter()
        .enumerate()
        .map(|(i, v)| {
            let at = format!("layer {}", i + 1);
            if let Some(key) = opts::unknown_key(&v, keys) {
                return Err(Error::unknown_layer_key(i + 1, &key, keys));
            }
            let l: LayerIn = serde_wasm_bindgen::from_value(v).map_err(|e| {
                Error::InvalidArg(format!(
                    "{at}: {e} (expected {{type, k, s, p, d, out, groups}})"
                ))
            })?;
            let (s, p) = (l.s.unwrap_or(1), l.p.unwrap_or(0));
            let pool = |kind| {
                if l.d.is_some_and(|d| d != 1) || l.out.is_some() || l.groups.is_some() {
                    Err(Error::InvalidArg(format!(
                        "{at}: a pool layer takes only k, s and p"
                    )))
                } else {
                    Ok(Layer::Pool { kind, k: l.k, s, p })
                }
            };
            match l.kind.as_str() {
                "conv" => Ok(Layer::Conv {
                    k: l.k,
                    s,
                    p,
                    d: l.d.unwrap_or(1),
                    out: l.out.ok_or_else(|| {
                        Error::InvalidArg(format!(
                            "{at}: a conv layer needs out (its output channels)"
                        ))
                    })?,
                    groups: l.groups.unwrap_or(1),
                }),
                "maxpool" => pool(PoolKind::Max),
                "avgpool" => pool(PoolKind::Avg),
                other => Err(Error::bad_choice(
                    &format!("{at}: type"),
                    &["conv", "maxpool", "avgpool"],
                    other,
                )),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct RowOut {
    c: usize,
    h: usize,
    w: usize,
    r: u64,
    jump: u64,
    start: i64,
    params: u64,
    macs: u64,
}

#[derive(Serialize)]
struct ErrOut {
    layer: usize,
    message: String,
}

#[derive(Serialize)]
struct PlanOut {
    rows: Vec<RowOut>,
    error: Option<ErrOut>,
}

/// The per-layer table of a stack on a `channels x height x width` input:
/// `{rows: [{c, h, w, r, jump, start, params, macs}], error: {layer, message} | null}`. A stack
/// that cannot run is not an exception: `rows` holds the layers before the one that breaks and
/// `error` says why (layer is 1-based). Malformed layer objects do throw.
#[wasm_bindgen(js_name = convStackPlan)]
pub fn conv_stack_plan(
    layers: JsValue,
    channels: u32,
    height: u32,
    width: u32,
) -> JsResult<JsValue> {
    let ls = parse_stack(layers)?;
    let p = stack::plan(&ls, channels as usize, height as usize, width as usize);
    to_js(&PlanOut {
        rows: p
            .rows
            .iter()
            .map(|r| RowOut {
                c: r.c,
                h: r.h,
                w: r.w,
                r: r.rf.r,
                jump: r.rf.jump,
                start: r.rf.start,
                params: r.params,
                macs: r.macs,
            })
            .collect(),
        error: p.error.map(|e| ErrOut {
            layer: e.layer,
            message: e.message,
        }),
    })
}

#[derive(Serialize)]
struct PartOut {
    name: String,
    params: u64,
    macs: u64,
}

#[derive(Serialize)]
struct CostOut {
    name: &'static str,
    params: u64,
    macs: u64,
    parts: Vec<PartOut>,
}

/// A `k x k` conv `c_in -> c_out` with output `out_h x out_w`, next to its depthwise-separable
/// and 1x1-bottleneck versions: `[{name, params, macs, parts: [{name, params, macs}]}]`.
#[wasm_bindgen(js_name = convAlternatives)]
pub fn conv_alternatives(
    c_in: u32,
    c_out: u32,
    k: u32,
    out_h: u32,
    out_w: u32,
) -> JsResult<JsValue> {
    if c_in == 0 || c_out == 0 || k == 0 {
        return Err(Error::InvalidArg(format!(
            "channels and kernel must be >= 1, got c_in={c_in}, c_out={c_out}, k={k}"
        ))
        .into());
    }
    // Plausibility bounds of the cheat-sheet; the counts themselves are checked u64 (at most
    // 2^53, exact in JS) by `stack::alternatives`: at these bounds a product reaches 2^92.
    if c_in > 1 << 16 || c_out > 1 << 16 || k > 1 << 10 || out_h > 1 << 20 || out_w > 1 << 20 {
        return Err(Error::TooLarge(format!(
            "c_in={c_in}, c_out={c_out}, k={k}, output {out_h}x{out_w}: the limits are 65536 channels, kernel 1024 and 1048576 per side"
        )).into());
    }
    let alts = stack::alternatives(
        c_in as usize,
        c_out as usize,
        k as usize,
        [out_h as usize, out_w as usize],
    )?;
    to_js(
        &alts
            .into_iter()
            .map(|c| CostOut {
                name: c.name,
                params: c.params,
                macs: c.macs,
                parts: c
                    .parts
                    .into_iter()
                    .map(|(name, params, macs)| PartOut { name, params, macs })
                    .collect(),
            })
            .collect::<Vec<_>>(),
    )
}

/// `[C, H, W]` (or `[1, C, H, W]`) of an image tensor.
fn chw(t: &Tensor, name: &str) -> crate::Result<[usize; 3]> {
    match t.inner.shape.as_slice() {
        &[c, h, w] | &[1, c, h, w] => Ok([c, h, w]),
        s => Err(Error::Shape(format!(
            "{name} must be [C, H, W] or [1, C, H, W], got {s:?}"
        ))),
    }
}

/// What cell `(row, col)` of the stack's last feature map sees in `image` (`[1, C, H, W]`):
/// `{win: {r0, r1, c0, c1}, support: Uint8Array, erf: Float32Array, macs}` over the input
/// window `win` (its receptive field clipped to the image): `support` is 1 where a pixel can
/// change the cell (gradient through the stack's weights in absolute value), `erf` the mean
/// |gradient| over `draws` random weight draws (Luo et al. 2016), scaled to max 1.
#[wasm_bindgen(js_name = convCellMaps)]
pub fn conv_cell_maps(
    layers: JsValue,
    image: &Tensor,
    row: u32,
    col: u32,
    seed: u32,
    draws: u32,
) -> JsResult<JsValue> {
    let ls = parse_stack(layers)?;
    let [c, h, w] = chw(image, "image")?;
    let m = stack::cell_maps(
        &ls,
        &image.inner.data,
        [c, h, w],
        (row as usize, col as usize),
        seed as u64,
        draws as usize,
    )?;
    let o = js_sys::Object::new();
    let win = js_sys::Object::new();
    for (k, v) in [
        ("r0", m.win.r0),
        ("r1", m.win.r1),
        ("c0", m.win.c0),
        ("c1", m.win.c1),
    ] {
        js_sys::Reflect::set(&win, &k.into(), &(v as f64).into()).ok();
    }
    js_sys::Reflect::set(&o, &"win".into(), &win).ok();
    js_sys::Reflect::set(
        &o,
        &"support".into(),
        &js_sys::Uint8Array::from(m.support.as_slice()),
    )
    .ok();
    js_sys::Reflect::set(
        &o,
        &"erf".into(),
        &js_sys::Float32Array::from(m.erf.as_slice()),
    )
    .ok();
    js_sys::Reflect::set(&o, &"macs".into(), &(m.macs as f64).into()).ok();
    Ok(o.into())
}

/// An RGBA image as a `[1, 3, H, W]` tensor in [0, 1], or `[1, 1, H, W]` luma
/// (`0.299 R + 0.587 G + 0.114 B`, ITU-R BT.601) when `gray`. Alpha is ignored.
#[wasm_bindgen(js_name = imageToTensor)]
pub fn image_to_tensor(img: &RgbaImage, gray: bool) -> JsResult<Tensor> {
    let (h, w) = (img.height, img.width);
    let n = h * w;
    let data: Vec<f32> = if gray {
        img.data
            .chunks_exact(4)
            .map(|p| (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) / 255.0)
            .collect()
    } else {
        let mut d = crate::tensor::try_zeros("an image tensor", 3 * n)?;
        for (i, p) in img.data.chunks_exact(4).enumerate() {
            for ch in 0..3 {
                d[ch * n + i] = p[ch] as f32 / 255.0;
            }
        }
        d
    };
    numel(&[data.len()])?;
    Ok(Tensor::from_parts(
        data,
        vec![1, if gray { 1 } else { 3 }, h, w],
    ))
}

/// Channel `channel` of sample 0 of `t` (`[N, C, H, W]`) as an RGBA image for a canvas.
/// `mode`: "signed" (blue for negative, white for 0, red for positive, scaled by max |v|),
/// "magnitude" (|v| / max |v| as gray) or "range" (min..max as black..white). Returns
/// `{image, lo, hi}`: the values that map to the ends of the scale.
#[wasm_bindgen(js_name = tensorToRgba)]
pub fn tensor_to_rgba(t: &Tensor, channel: u32, mode: &str) -> JsResult<JsValue> {
    let [n, c, h, w] = t.view("tensor")?.shape();
    if n == 0 {
        return Err(Error::Shape(format!(
            "tensorToRgba draws sample 0, but the tensor {:?} has no samples",
            t.inner.shape
        ))
        .into());
    }
    let ch = channel as usize;
    if ch >= c {
        return Err(
            Error::InvalidArg(format!("channel {ch} does not exist (the tensor has {c})")).into(),
        );
    }
    let plane = &t.inner.data[ch * h * w..][..h * w];
    let finite = plane.iter().copied().filter(|v| v.is_finite());
    let (mn, mx) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (mn, mx) = if mn <= mx { (mn, mx) } else { (0.0, 0.0) };
    let amax = mn.abs().max(mx.abs());
    let mut out = RgbaImage::new(w as u32, h as u32)?;
    let (lo, hi) = match mode {
        "signed" => (-amax, amax),
        "magnitude" => (0.0, amax),
        "range" => (mn, mx),
        other => {
            let modes = ["signed", "magnitude", "range"];
            return Err(Error::bad_choice("mode", &modes, other).into());
        }
    };
    for (px, &v) in out.data.chunks_exact_mut(4).zip(plane) {
        let rgb = match mode {
            "signed" => {
                let t = if amax > 0.0 {
                    (v / amax).clamp(-1.0, 1.0)
                } else {
                    0.0
                };
                let fade = |t: f32| (255.0 * (1.0 - t)).round() as u8;
                if t >= 0.0 {
                    [255, fade(t * 0.85), fade(t)]
                } else {
                    [fade(-t), fade(-t * 0.6), 255]
                }
            }
            "magnitude" => {
                let g = if amax > 0.0 {
                    (v.abs() / amax * 255.0).round() as u8
                } else {
                    0
                };
                [g, g, g]
            }
            _ => {
                let g = if mx > mn {
                    ((v - mn) / (mx - mn) * 255.0).round() as u8
                } else {
                    128
                };
                [g, g, g]
            }
        };
        px.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
    }
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"image".into(), &JsValue::from(out)).ok();
    js_sys::Reflect::set(&o, &"lo".into(), &lo.into()).ok();
    js_sys::Reflect::set(&o, &"hi".into(), &hi.into()).ok();
    Ok(o.into())
}

/// `t` (`[N, C, H, W]`) moved `dy` rows down and `dx` columns right, zeros where nothing
/// moved in (the weight-sharing demo: conv of a shifted input = shifted conv, away from edges).
#[wasm_bindgen(js_name = shiftTensor)]
pub fn shift_tensor(t: &Tensor, dy: i32, dx: i32) -> JsResult<Tensor> {
    let [n, c, h, w] = t.view("tensor")?.shape();
    let mut out = crate::tensor::try_zeros("the shifted tensor", t.inner.data.len())?;
    for pl in 0..n * c {
        let src = &t.inner.data[pl * h * w..][..h * w];
        let dst = &mut out[pl * h * w..][..h * w];
        for r in 0..h as i64 {
            let sr = r - dy as i64;
            if sr < 0 || sr >= h as i64 {
                continue;
            }
            for q in 0..w as i64 {
                let sq = q - dx as i64;
                if sq >= 0 && sq < w as i64 {
                    dst[(r * w as i64 + q) as usize] = src[(sr * w as i64 + sq) as usize];
                }
            }
        }
    }
    Ok(Tensor::from_parts(out, t.inner.shape.clone()))
}
