//! Float resizes with `torch.nn.functional.interpolate` semantics: the per-axis weights
//! (nearest, bilinear with half-pixel centres or `align_corners=True`, and antialiased bilinear =
//! Pillow's triangle filter widened by the scale) and the separable passes over NCHW planes
//! (`[planes, H, W] -> [planes, H', W']`, horizontal pass then vertical). Sizes are checked by
//! `interp` before anything here runs.

use super::torch_simd;
use super::types::{AxisFilter, Path};
use crate::tensor::try_zeros;
use crate::Result;

/// The weight function of one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// `src = floor(dst * scale)`.
    Nearest,
    /// Two taps around `src = (dst + 0.5) * scale - 0.5` (clamped at 0), or `dst * (in-1)/(out-1)`
    /// with `align_corners`.
    Linear { align_corners: bool },
    /// Triangle of half-width `max(scale, 1)` around `(dst + 0.5) * scale`, normalised (torch's
    /// `antialias=True`).
    Triangle,
}

/// Weights of one axis, `in_len, out_len >= 1`. `sf` is the user's scale factor when given (torch
/// then uses `1/sf`, not `in/out`, as the coordinate scale).
pub fn axis_filter(in_len: usize, out_len: usize, sf: Option<f64>, k: Kernel) -> AxisFilter {
    // torch copies an axis whose size does not change, even when sf != 1.
    if in_len == out_len {
        let pairs: Vec<Vec<(usize, f64)>> = (0..out_len).map(|i| vec![(i, 1.0)]).collect();
        return AxisFilter::from_pairs(in_len, &pairs);
    }
    let scale = match sf {
        Some(f) => 1.0 / f,
        None => in_len as f64 / out_len as f64,
    };
    let pairs: Vec<Vec<(usize, f64)>> = match k {
        Kernel::Nearest => (0..out_len)
            .map(|i| vec![(((i as f64 * scale).floor() as usize).min(in_len - 1), 1.0)])
            .collect(),
        Kernel::Triangle => {
            let support = scale.max(1.0);
            (0..out_len)
                .map(|i| {
                    let center = scale * (i as f64 + 0.5);
                    let xmin = ((center - support + 0.5).trunc().max(0.0)) as usize;
                    let xmax = ((center + support + 0.5).trunc() as usize).min(in_len);
                    let mut v: Vec<(usize, f64)> = (xmin..xmax)
                        .map(|j| {
                            (
                                j,
                                (1.0 - ((j as f64 - center + 0.5) / support).abs()).max(0.0),
                            )
                        })
                        .collect();
                    let s: f64 = v.iter().map(|p| p.1).sum();
                    if s != 0.0 {
                        v.iter_mut().for_each(|p| p.1 /= s);
                    }
                    if v.is_empty() {
                        v.push((xmin.min(in_len - 1), 0.0));
                    }
                    v
                })
                .collect()
        }
        Kernel::Linear { align_corners } => {
            let scale = if align_corners {
                if out_len > 1 {
                    (in_len - 1) as f64 / (out_len - 1) as f64
                } else {
                    0.0
                }
            } else {
                scale
            };
            (0..out_len)
                .map(|i| {
                    let src = if align_corners {
                        i as f64 * scale
                    } else {
                        ((i as f64 + 0.5) * scale - 0.5).max(0.0)
                    };
                    let i0 = (src.floor() as usize).min(in_len - 1);
                    let i1 = (i0 + 1).min(in_len - 1);
                    let l = src - i0 as f64;
                    vec![(i0, 1.0 - l), (i1, l)]
                })
                .collect()
        }
    };
    AxisFilter::from_pairs(in_len, &pairs)
}

/// Applies separable filters to `[planes, h, w]` (`x`) into `[planes, fy.out_len(), fx.out_len()]`
/// (`y`): horizontal pass into a scratch plane, then vertical. Two-tap filters (plain bilinear,
/// the common case) take the lane fast path when `path` says so; every path computes
/// `w0*x0 + w1*x1` in that order, so the paths agree exactly.
pub fn resize_planes(
    x: &[f32],
    [planes, h, w]: [usize; 3],
    fy: &AxisFilter,
    fx: &AxisFilter,
    y: &mut [f32],
    path: Path,
) -> Result<()> {
    let mut tmp = try_zeros("the scratch plane of interpolate", h * fx.out_len())?;
    // One copy of the loops per path, so the lane path's hot loops carry no runtime branch.
    match path {
        Path::Simd => passes::<true>(x, [planes, h, w], fy, fx, y, &mut tmp),
        Path::Scalar => passes::<false>(x, [planes, h, w], fy, fx, y, &mut tmp),
    }
    Ok(())
}

fn passes<const LANES: bool>(
    x: &[f32],
    [planes, h, w]: [usize; 3],
    fy: &AxisFilter,
    fx: &AxisFilter,
    y: &mut [f32],
    tmp: &mut [f32],
) {
    let (oh, ow) = (fy.out_len(), fx.out_len());
    for pl in 0..planes {
        let src = &x[pl * h * w..][..h * w];
        for r in 0..h {
            hpass::<LANES>(&src[r * w..][..w], fx, &mut tmp[r * ow..][..ow]);
        }
        let dst = &mut y[pl * oh * ow..][..oh * ow];
        for i in 0..oh {
            let out = &mut dst[i * ow..][..ow];
            let s = fy.starts[i];
            let wts = &fy.weights[i * fy.taps..][..fy.taps];
            if fy.taps == 2 {
                let (r0, r1) = (&tmp[s * ow..][..ow], &tmp[(s + 1) * ow..][..ow]);
                let done = if LANES {
                    torch_simd::blend2(r0, r1, wts[0], wts[1], out)
                } else {
                    0
                };
                blend2_scalar(&r0[done..], &r1[done..], wts[0], wts[1], &mut out[done..]);
            } else {
                out.fill(0.0);
                for (t, &wgt) in wts.iter().enumerate() {
                    for (o, &v) in out.iter_mut().zip(&tmp[(s + t) * ow..][..ow]) {
                        *o += wgt * v;
                    }
                }
            }
        }
    }
}

/// One row through a horizontal filter.
fn hpass<const LANES: bool>(row: &[f32], f: &AxisFilter, out: &mut [f32]) {
    if f.taps == 2 {
        let done = if LANES {
            torch_simd::h2(row, &f.starts, &f.weights, out)
        } else {
            0
        };
        h2_scalar(
            row,
            &f.starts[done..],
            &f.weights[2 * done..],
            &mut out[done..],
        );
        return;
    }
    for (j, o) in out.iter_mut().enumerate() {
        let s = f.starts[j];
        let ws = &f.weights[j * f.taps..][..f.taps];
        *o = ws.iter().zip(&row[s..s + f.taps]).map(|(a, b)| a * b).sum();
    }
}

fn h2_scalar(row: &[f32], starts: &[usize], wts: &[f32], out: &mut [f32]) {
    for ((o, &s), w) in out.iter_mut().zip(starts).zip(wts.chunks_exact(2)) {
        *o = w[0] * row[s] + w[1] * row[s + 1];
    }
}

/// `out = w0 * r0 + w1 * r1`, element-wise.
fn blend2_scalar(r0: &[f32], r1: &[f32], w0: f32, w1: f32, out: &mut [f32]) {
    for ((o, &a), &b) in out.iter_mut().zip(r0).zip(r1) {
        *o = w0 * a + w1 * b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsample_2x_half_pixel_weights() {
        // in 2 -> out 4, half-pixel: src = max(0,(i+.5)/2-.5) = 0, .25, .75, 1.25
        let f = axis_filter(
            2,
            4,
            None,
            Kernel::Linear {
                align_corners: false,
            },
        );
        assert_eq!(f.weights, vec![1.0, 0.0, 0.75, 0.25, 0.25, 0.75, 0.0, 1.0]);
    }

    #[test]
    fn align_corners_single_output_samples_first() {
        let f = axis_filter(
            5,
            1,
            None,
            Kernel::Linear {
                align_corners: true,
            },
        );
        assert_eq!(f.starts[0], 0);
        assert_eq!(f.weights[0], 1.0);
    }

    #[test]
    fn antialias_downscale_averages() {
        // 4 -> 1 with antialias: a triangle of half-width 4 centred at 2 over pixel centres
        // 0.5..3.5 gives 0.625, 0.875, 0.875, 0.625, normalised to 5/24, 7/24, 7/24, 5/24.
        let f = axis_filter(4, 1, None, Kernel::Triangle);
        let e = [5.0 / 24.0, 7.0 / 24.0, 7.0 / 24.0, 5.0 / 24.0];
        assert!(
            f.weights.iter().zip(e).all(|(a, b)| (a - b).abs() < 1e-7),
            "{:?}",
            f.weights
        );
        // Without antialias a 4x downscale reads only two taps (pixels 1 and 2).
        let f = axis_filter(
            4,
            1,
            None,
            Kernel::Linear {
                align_corners: false,
            },
        );
        assert_eq!((f.starts[0], f.weights.clone()), (1, vec![0.5, 0.5]));
    }
}
