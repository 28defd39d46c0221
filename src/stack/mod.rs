//! A stack of conv and pool layers over an image, as the convolution lab uses it.
//!
//! * `plan`: every feature map's shape, the receptive field after each layer (size r, jump,
//!   start: `rf::receptive_field`, the code the golden cases check), parameters and
//!   multiply-adds; a stack that cannot run stops at the layer that breaks, with the reason.
//! * `alternatives`: a standard conv next to its depthwise-separable and 1x1-bottleneck versions
//!   at the same output shape (all through `conv::conv2d_cost`).
//! * `cell_maps`: for one cell of the last feature map, (b) the exact set of input pixels that
//!   can change it, found by pushing a gradient back through the stack's own weights in absolute
//!   value (no two paths can cancel; a max pool may route through any pixel of its window), and
//!   (c) the effective receptive field (Luo et al., NeurIPS 2016): the mean over a few random
//!   weight draws of |d cell / d input|, through max pools along the winners of a forward pass
//!   over the real image. Both run on the crop that can reach the cell (its receptive field), so
//!   a click costs the same on a 512x512 photo as on a 32x32 one.
//!
//! Files: `layer` (the layer type and the lab's limits), `plan`, `cost` (`alternatives`), `cell`
//! (`cell_maps`, `random_weights`) and their tests.

mod cell;
mod cost;
mod layer;
mod plan;
#[cfg(test)]
mod tests;

pub use cell::{cell_maps, random_weights, CellMaps, Win};
pub use cost::{alternatives, Cost};
pub use layer::{
    Layer, PoolKind, MAX_CELL_MACS, MAX_CHANNELS, MAX_DILATION, MAX_KERNEL, MAX_LAYERS,
    MAX_PADDING, MAX_STRIDE,
};
pub use plan::{plan, Plan, Row, StackError};
