//! The types every conv kernel shares: `Conv2dParams` (stride, padding, dilation per axis, groups)
//! and `Geom`, the checked geometry of one call (`x [N,C,H,W]`, `w [O,C/G,kH,kW]`,
//! `y [N,O,OH,OW]`). Only `conv/mod.rs` builds a `Geom`, after every check, so the kernels that
//! take one (`reference`, `simd`, `window`) can index without re-checking.

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

/// The shapes of a conv2d call whose constraints hold (groups divide the channels, the dilated
/// kernel fits the padded input, the output is not too large).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geom {
    pub xs: [usize; 4],
    pub ws: [usize; 4],
    pub ys: [usize; 4],
    pub p: Conv2dParams,
}
