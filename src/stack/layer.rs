//! One layer of the convolution lab's stack (`Layer`: a square conv or pool with the same stride,
//! padding and dilation on both axes), its receptive-field form (`rf::RfLayer`), its description
//! for messages, and the limits that keep one click within the page's time budget.

use crate::ops::conv::Conv2dParams;
use crate::ops::pool::PoolParams;
use crate::rf::{LayerKind, RfLayer};

/// Limits that keep one click within the page's time budget; beyond them the plan says so.
pub const MAX_LAYERS: usize = 16;
pub const MAX_CHANNELS: usize = 512;
pub const MAX_KERNEL: usize = 31;
pub const MAX_STRIDE: usize = 16;
pub const MAX_DILATION: usize = 64;
pub const MAX_PADDING: usize = 128;
/// Multiply-adds one `cell_maps` call may spend (forward + backward over all draws).
pub const MAX_CELL_MACS: u64 = 600_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    Max,
    Avg,
}

/// One layer; square kernels, the same stride/padding/dilation on both axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Conv {
        k: usize,
        s: usize,
        p: usize,
        d: usize,
        out: usize,
        groups: usize,
    },
    Pool {
        kind: PoolKind,
        k: usize,
        s: usize,
        p: usize,
    },
}

impl Layer {
    pub fn rf(&self) -> RfLayer {
        match *self {
            Layer::Conv { k, s, p, d, .. } => RfLayer {
                kind: LayerKind::Conv,
                k,
                s,
                d,
                p,
            },
            Layer::Pool { k, s, p, .. } => RfLayer {
                kind: LayerKind::Pool,
                k,
                s,
                d: 1,
                p,
            },
        }
    }

    /// "conv 3x3 stride 1 pad 1 dilation 2 -> 16" style, for messages.
    pub fn describe(&self) -> String {
        match *self {
            Layer::Conv {
                k,
                s,
                p,
                d,
                out,
                groups,
            } => {
                let g = if groups > 1 {
                    format!(", groups {groups}")
                } else {
                    String::new()
                };
                format!("conv {k}x{k}, stride {s}, padding {p}, dilation {d}, {out} channels{g}")
            }
            Layer::Pool { kind, k, s, p } => format!(
                "{} pool {k}x{k}, stride {s}, padding {p}",
                if kind == PoolKind::Max { "max" } else { "avg" }
            ),
        }
    }

    /// What the layer runs on a crop of `c_in` channels (no padding: the crops carry their own).
    pub(crate) fn on_crop(&self, c_in: usize) -> CropOp {
        match *self {
            Layer::Conv {
                k,
                s,
                d,
                out,
                groups,
                ..
            } => CropOp::Conv {
                p: Conv2dParams {
                    stride: [s, s],
                    padding: [0, 0],
                    dilation: [d, d],
                    groups,
                },
                ws: [out, c_in / groups.max(1), k, k],
            },
            Layer::Pool { kind, k, s, .. } => {
                let mut p = PoolParams::new([k, k]);
                p.stride = [s, s];
                CropOp::Pool { kind, p }
            }
        }
    }
}

/// A layer's kernel call on a crop: a conv with its weight shape, or a pool.
pub(crate) enum CropOp {
    Conv { p: Conv2dParams, ws: [usize; 4] },
    Pool { kind: PoolKind, p: PoolParams },
}
