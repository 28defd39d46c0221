//! Random conv2d shapes that exercise every kernel of `simd` (dense, depthwise, pointwise,
//! Winograd) with
//! groups, per-axis stride, padding and dilation, batch 1 or 2 and widths around the vector
//! block sizes. The native tests (`conv/tests.rs`) and the browser tests (`tests/simd.rs`) draw
//! their cases here, so both check the fast paths against the reference on the same ground.

use super::params::Conv2dParams;
use crate::rng::Rng;

/// One candidate `(x shape, weight shape, params)` aimed at `family` (0: depthwise, possibly with
/// a channel multiplier of 2; 1: pointwise, possibly grouped, sometimes strided or padded, which
/// sends it to the dense kernel; 3: Winograd, 3x3 with 8 to 20 channels in and out, stride 1
/// with any padding and dilation or stride 2; else dense). The window may not fit the input: check it with
/// `conv2d_out_shape` and draw again.
pub fn random_case(r: &mut Rng, family: usize) -> ([usize; 4], [usize; 4], Conv2dParams) {
    let (g, c, o, kh, kw);
    match family {
        0 => {
            c = 1 + r.below(12);
            g = c;
            o = c * [1, 1, 2][r.below(3)];
            kh = [1, 3, 5][r.below(3)];
            kw = [3, 1, 2][r.below(3)];
        }
        1 => {
            g = [1, 2, 4][r.below(3)];
            c = g * (1 + r.below(6));
            o = g * (1 + r.below(9));
            kh = 1;
            kw = 1;
        }
        3 => {
            let p = if r.below(3) == 0 {
                Conv2dParams {
                    stride: [2, 2],
                    padding: [r.below(3), r.below(3)],
                    ..Default::default()
                }
            } else {
                Conv2dParams {
                    padding: [r.below(4), r.below(4)],
                    dilation: [1 + r.below(3), 1 + r.below(3)],
                    ..Default::default()
                }
            };
            let (c, o) = (8 + r.below(13), 8 + r.below(13));
            let xs = [1 + r.below(2), c, 3 + r.below(22), 1 + r.below(45)];
            return (xs, [o, c, 3, 3], p);
        }
        _ => {
            g = [1, 1, 2, 3][r.below(4)];
            c = g * (1 + r.below(5));
            o = g * (1 + r.below(10));
            kh = [1, 3, 5, 2][r.below(4)];
            kw = [3, 1, 3, 4][r.below(4)];
        }
    }
    let p = if family == 1 && r.below(3) > 0 {
        Conv2dParams {
            groups: g,
            ..Default::default()
        }
    } else {
        Conv2dParams {
            stride: [1 + r.below(3), 1 + r.below(3)],
            padding: [r.below(3), r.below(4)],
            dilation: [1 + r.below(4), 1 + r.below(4)],
            groups: g,
        }
    };
    let xs = [1 + r.below(2), c, 3 + r.below(22), 1 + r.below(45)];
    (xs, [o, c / g, kh, kw], p)
}

/// How far the fast kernels may be from `conv2d_reference` on these cases, as `|y - ref|` over
/// `1 + |ref|`: 1e-5, and 3e-5 for the stride-2 Winograd kernel, whose F(4, 2) transforms
/// (coefficients up to 8 per axis) scale the rounding of its f32 sums up (worst measured over
/// the native and browser random cases: see `conv::tests`).
pub fn fast_tolerance(ws: [usize; 4], p: &Conv2dParams) -> f32 {
    if p.stride == [2, 2] && super::simd::kernel_for(ws, p) == super::simd::Kernel::Winograd {
        3e-5
    } else {
        1e-5
    }
}
