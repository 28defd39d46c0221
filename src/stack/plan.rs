//! The plan of a stack on a `C x H x W` input: every feature map's shape, the receptive field
//! after each layer (size r, jump, start: `rf::receptive_field`, the code the golden cases
//! check), parameters and multiply-adds; a stack that cannot run stops at the layer that breaks,
//! with the reason.

use super::layer::{
    Layer, MAX_CHANNELS, MAX_DILATION, MAX_KERNEL, MAX_LAYERS, MAX_PADDING, MAX_STRIDE,
};
use crate::ops::conv::{conv2d_cost, conv_out_len};
use crate::ops::pool::pool_out_len;
use crate::rf::{self, RfInfo, RfLayer};
use crate::{Error, Result};

/// One row of the per-layer table: the feature map after the layer and what it cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub rf: RfInfo,
    pub params: u64,
    pub macs: u64,
}

/// Why a stack cannot run: `layer` is 1-based (the row to mark in the table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackError {
    pub layer: usize,
    pub message: String,
}

/// The rows of every layer that can run, and the error of the first one that cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub rows: Vec<Row>,
    pub error: Option<StackError>,
}

fn limit(
    layer: usize,
    what: &str,
    v: usize,
    lo: usize,
    hi: usize,
) -> std::result::Result<(), StackError> {
    if v < lo || v > hi {
        let why = if v < lo {
            format!("{what} must be >= {lo}, got {v}")
        } else {
            format!("{what} is {v}; the lab allows at most {hi}")
        };
        return Err(StackError {
            layer,
            message: why,
        });
    }
    Ok(())
}

/// Checks one layer's own numbers (not yet the map it runs on).
fn check_layer(i: usize, l: &Layer, c_in: usize) -> std::result::Result<(), StackError> {
    let n = i + 1;
    match *l {
        Layer::Conv {
            k,
            s,
            p,
            d,
            out,
            groups,
        } => {
            limit(n, "kernel", k, 1, MAX_KERNEL)?;
            limit(n, "stride", s, 1, MAX_STRIDE)?;
            limit(n, "dilation", d, 1, MAX_DILATION)?;
            limit(n, "padding", p, 0, MAX_PADDING)?;
            limit(n, "output channels", out, 1, MAX_CHANNELS)?;
            limit(n, "groups", groups, 1, MAX_CHANNELS)?;
            if c_in % groups != 0 || out % groups != 0 {
                return Err(StackError {
                    layer: n,
                    message: format!(
                        "groups={groups} must divide both the input channels ({c_in}) and the output channels ({out})"
                    ),
                });
            }
        }
        Layer::Pool { k, s, p, .. } => {
            limit(n, "kernel", k, 1, MAX_KERNEL)?;
            limit(n, "stride", s, 1, MAX_STRIDE)?;
            limit(n, "padding", p, 0, MAX_PADDING)?;
            if 2 * p > k {
                return Err(StackError {
                    layer: n,
                    message: format!(
                        "pool padding must be at most half the kernel ({k}), got {p} (PyTorch's rule: a window may not lie entirely in the padding)"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Output length of layer `l` on a map of length `len`, with the message of the kernel code.
fn out_len(l: &Layer, axis: &str, len: usize) -> Result<usize> {
    match *l {
        Layer::Conv { k, s, p, d, .. } => conv_out_len(axis, len, k, s, p, d),
        Layer::Pool { k, s, p, .. } => pool_out_len(axis, len, k, s, p, 1, false),
    }
}

/// Shapes, receptive fields and costs of `layers` on a `c x h x w` input.
pub fn plan(layers: &[Layer], c: usize, h: usize, w: usize) -> Plan {
    let mut rows = Vec::with_capacity(layers.len());
    if layers.len() > MAX_LAYERS {
        return Plan {
            rows,
            error: Some(StackError {
                layer: MAX_LAYERS + 1,
                message: format!(
                    "the stack has {} layers; the lab allows at most {MAX_LAYERS}",
                    layers.len()
                ),
            }),
        };
    }
    let (mut cc, mut hh, mut ww) = (c, h, w);
    for (i, l) in layers.iter().enumerate() {
        if let Err(e) = check_layer(i, l, cc) {
            return Plan {
                rows,
                error: Some(e),
            };
        }
        let sizes = out_len(l, "rows", hh).and_then(|oh| Ok((oh, out_len(l, "cols", ww)?)));
        let (oh, ow) = match sizes {
            Ok(v) => v,
            Err(e) => {
                let m = match e {
                    Error::Shape(m) | Error::InvalidArg(m) => m,
                    other => other.to_string(),
                };
                return Plan {
                    rows,
                    error: Some(StackError {
                        layer: i + 1,
                        message: format!("cannot run on the {hh}x{ww} map it receives: {m}"),
                    }),
                };
            }
        };
        // The receptive field of the prefix, by the same function the golden cases check.
        let rfl: Vec<RfLayer> = layers[..=i].iter().map(Layer::rf).collect();
        let info = match rf::receptive_field(&rfl) {
            Ok(v) => v[i],
            Err(e) => {
                return Plan {
                    rows,
                    error: Some(StackError {
                        layer: i + 1,
                        message: e.to_string(),
                    }),
                }
            }
        };
        let (oc, params, macs) = match *l {
            Layer::Conv { k, out, groups, .. } => {
                match conv2d_cost(cc, out, [k, k], groups, false, [oh, ow]) {
                    Ok((p, m)) => (out, p, m),
                    Err(e) => {
                        return Plan {
                            rows,
                            error: Some(StackError {
                                layer: i + 1,
                                message: e.detail().to_string(),
                            }),
                        }
                    }
                }
            }
            Layer::Pool { .. } => (cc, 0, 0),
        };
        rows.push(Row {
            c: oc,
            h: oh,
            w: ow,
            rf: info,
            params,
            macs,
        });
        (cc, hh, ww) = (oc, oh, ow);
    }
    Plan { rows, error: None }
}
