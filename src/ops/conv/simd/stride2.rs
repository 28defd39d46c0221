//! Winograd for the 3x3 stride-2 conv (dilation 1, any padding): 4x4 output tiles from 9x9
//! input patches, 81 products per tile and input channel where the direct sum needs 144.
//!
//! Per axis the conv is polyphase: output `y_i = g0 d_2i + g1 d_2i+1 + g2 d_2i+2`, so the even
//! taps (g0, g2) run on the even samples `e_k = d_2k` as a 2-tap correlation, and the odd tap g1
//! on the odd samples. Four outputs of the 2-tap correlation cost 5 products with Winograd
//! F(4, 2) (Toom-Cook on the points 0, 1, -1, 2, ∞), the odd tap 4: 9 products per 4 outputs,
//! and 9x9 = 81 per 4x4 tile in 2-D (the F(2, 2) form, 5x5 per 2x2 tile, needs 100 per 16
//! outputs). Per axis, with `e` the 5 even and `o` the 4 odd samples of a 9-sample patch:
//!
//! ```text
//! weights  G [g0, g2] = [g0/2, (g0+g2)/2, (g0-g2)/6, (g0+2g2)/6, g2],   then g1 four times
//! input    Bᵀ e = [2e0-e1-2e2+e3, 2e1+e2-e3, -2e1+3e2-e3, e3-e1, 2e1-e2-2e3+e4], then o0..o3
//! output   y = Aᵀ m_even + m_odd,  Aᵀ = [[1,1,1,1,0], [0,1,-1,2,0], [0,1,1,4,0], [0,1,-1,8,1]]
//! ```
//!
//! The 81 products summed over input channels are 81 GEMMs (`winograd::gemm_chunk`). Four
//! consecutive tiles are the four lanes of a vector: a patch row of four tiles is 33 input
//! columns, read with eight loads and split into its 8 column phases in registers (`deint8`; the
//! ninth column is phase 0 shifted by one tile).
//!
//! V and M keep each quad's 81 vectors side by side (`ChunkLayout::interleaved`): the transforms
//! then write and read one run of 81 vectors per channel and quad, where the planar layout of
//! the stride-1 kernel spread them over 81 rows (12% of the call; the stride-1 kernel, with 16
//! products and a phased copy, is faster planar).
//!
//! Numbers: worse than F(2x2, 3x3)'s, as F(4, 2)'s coefficients (up to 8 per axis in Aᵀ) scale
//! up the rounding of the f32 sums over input channels, which is most of the error: 1.1e-5
//! relative to `1 + |y|` against the exact sum on the bench shape, where the direct kernel has
//! 3.3e-6 (`conv::tests` states 2e-5; the golden tolerance is 1e-4). Of the point sets tried for
//! F(4, 2) (0, ±1 and one of ±2, ±½, 3/2; 0, ±½, 1) in a float32 model of the 2-D kernel, this
//! one had the smallest error.

use super::winograd::{gemm_chunk, grow_chunk_buffers, weight_2d, ChunkLayout};
use super::{deint4, deint8, Operands, Scratch, BW, NOC};
use crate::ops::conv::params::Geom;
use crate::ops::lanes::F4;
use crate::Result;

/// Patch side (input samples per axis of a tile) and products per tile.
const P: usize = 9;
const XI: usize = P * P;
/// Outputs per tile side.
const T: usize = 4;

/// `[G (g0, g2), g1 x 4]`: one axis of the weight transform.
fn weight_1d([g0, g1, g2]: [f64; 3]) -> [f64; P] {
    [
        g0 / 2.0,
        (g0 + g2) / 2.0,
        (g0 - g2) / 6.0,
        (g0 + 2.0 * g2) / 6.0,
        g2,
        g1,
        g1,
        g1,
        g1,
    ]
}

/// `U = T g Tᵀ` (row-major 9x9) for one 3x3 kernel, in f64, rounded once.
fn weight(g: &[f32]) -> [f32; XI] {
    weight_2d(g, weight_1d)
}

/// `[Bᵀ e, o]` for the 9 samples `d` of one patch axis (four tiles per vector).
#[inline(always)]
fn input_1d(d: [F4; P]) -> [F4; P] {
    let [e0, e1, e2, e3, e4] = [d[0], d[2], d[4], d[6], d[8]];
    let t = e3 - e1;
    let u = e2 - e1;
    [
        (e0 - e2) + (e0 - e2) + t,
        (e1 + e2) - t,
        (u + u) + (e2 - e3),
        t,
        (e4 - e2) - (t + t),
        d[1],
        d[3],
        d[5],
        d[7],
    ]
}

/// `Aᵀ m_even + m_odd`: the 4 outputs of one axis from its 9 products.
#[inline(always)]
fn output_1d(m: [F4; P]) -> [F4; T] {
    let a = m[1] + m[2];
    let b = m[1] - m[2];
    let m3x2 = m[3] + m[3];
    let m3x4 = m3x2 + m3x2;
    [
        (m[0] + m[3]) + (a + m[5]),
        (b + m3x2) + m[6],
        (a + m3x4) + m[7],
        (b + (m3x4 + m3x4)) + (m[4] + m[8]),
    ]
}

/// Tiles per chunk, a multiple of BW from 8 to 32: 32 on the bench shape, where the chunk's
/// transformed input (81 x C x tiles), its products (81 x O x tiles) and the packed weights
/// (81 x C x O) take about 1.2 MB (256, 512 or 768 in place of 1024 below, 8 to 24 tiles there,
/// measured the same).
fn chunk_tiles(c: usize, o: usize) -> usize {
    (1024 / c.max(o)).clamp(BW, 32) / BW * BW
}

/// The conv of a checked stride-2, dilation-1, 3x3 `Geom` with 8+ channels, on a `tame` input
/// (see `winograd::tame`), into `y`.
pub fn forward(op: Operands<'_>, y: &mut [f32], s: &mut Scratch) -> Result<()> {
    let Geom { xs, ws, ys, p } = op.g;
    let [n, c, h, w] = *xs;
    let o = ws[0];
    let [_, _, oh, ow] = *ys;
    debug_assert!(p.stride == [2, 2] && p.dilation == [1, 1] && ws[2..] == [3, 3]);
    let nob = o.div_ceil(NOC);
    let ocp = nob * NOC;
    let tcw = chunk_tiles(c, o);
    let vs = tcw + 8; // row stride of the chunk buffers (not a power of two: L1 sets)
    let Scratch { v, m, packed, .. } = s;
    grow_chunk_buffers([v, m], [XI, c, ocp, vs])?;
    let wpk = packed.get(2, op.w, [c, o], weight)?;
    let geo = Geo {
        c,
        h,
        w,
        pad: p.padding,
        o,
        oh,
        ow,
    };
    let ms = ow.div_ceil(T);
    // V and M with each tile quad's 81 vectors side by side: the transforms write and read them
    // as one run where the planar layout spread them over 81 rows.
    let lay = ChunkLayout::interleaved(XI, vs);
    for ni in 0..n {
        let xn = &op.x[ni * c * h * w..][..c * h * w];
        let yn = &mut y[ni * o * oh * ow..][..o * oh * ow];
        for r in 0..oh.div_ceil(T) {
            let mut t0 = 0;
            while t0 < ms {
                let tn = (ms - t0).min(tcw).div_ceil(BW) * BW;
                input_chunk(xn, geo, r, t0, tn, v, vs);
                gemm_chunk((v, lay), wpk, (m, lay), [XI, c, nob], tn);
                output_chunk(m, vs, op.bias, yn, geo, [r, t0, tn, ms]);
                t0 += tcw;
            }
        }
    }
    Ok(())
}

/// The sizes one chunk needs: input `c x h x w` with padding `pad`, output `o x oh x ow`.
#[derive(Clone, Copy)]
struct Geo {
    c: usize,
    h: usize,
    w: usize,
    pad: [usize; 2],
    o: usize,
    oh: usize,
    ow: usize,
}

/// `V[ξ][ci][t]` for tiles `t0..t0 + tn` of tile row `r` (output rows `4r..4r + 4`), straight
/// from the input `x` (one image).
fn input_chunk(x: &[f32], g: Geo, r: usize, t0: usize, tn: usize, v: &mut [f32], vs: usize) {
    let Geo { c, h, w, pad, .. } = g;
    assert!(x.len() >= c * h * w && v.len() >= XI * c * vs && tn <= vs && tn % 4 == 0);
    let vp = v.as_mut_ptr();
    let lay = ChunkLayout::interleaved(XI, vs);
    // Patch rows 8r .. 8r + 8 of the padded input, columns 8m .. 8m + 8 for tile m.
    let r0 = 2 * T * r;
    for ci in 0..c {
        let plane = &x[ci * h * w..][..h * w];
        let rows: [Option<&[f32]>; P] = std::array::from_fn(|k| {
            (r0 + k)
                .checked_sub(pad[0])
                .filter(|&sr| sr < h)
                .map(|sr| &plane[sr * w..][..w])
        });
        let mut t = 0;
        while t < tn {
            let j0 = 2 * T * (t0 + t);
            // The transform along each patch row, then along each column of the result.
            let rt: [[F4; P]; P] = std::array::from_fn(|k| {
                rows[k].map_or([F4::splat(0.0); P], |row| input_1d(split9(row, j0, pad[1])))
            });
            let cols = (0..P).map(|b| input_1d(std::array::from_fn(|k| rt[k][b])));
            for (b, col) in cols.enumerate() {
                for (a, val) in col.iter().enumerate() {
                    // SAFETY: at(ξ, ci, t) + 4 <= XI·c·vs (the assert; t + 4 <= tn <= vs).
                    unsafe { val.store(vp.add(lay.at(P * a + b, ci, t))) };
                }
            }
            t += 4;
        }
    }
}

/// Columns `j0 + l + 8q` (`l < 9`, lanes `q < 4`) of a row padded with `pw` zeros before it and
/// zeros after: the 33 padded columns `Q[k] = j0 + k` through eight loads, `deint8`, and `Q[32]`
/// shifted in; read straight from the row inside it, from a zero-filled copy at its ends.
#[inline(always)]
fn split9(row: &[f32], j0: usize, pw: usize) -> [F4; P] {
    // SAFETY (of `from`'s callers): `p` points at 33 readable floats.
    let from = |p: *const f32| unsafe {
        let q = deint8(std::array::from_fn(|k| F4::load(p.add(4 * k))));
        let last = F4::shift_in(q[0], F4::load_splat(p.add(32)));
        [q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], last]
    };
    match j0.checked_sub(pw) {
        Some(s) if s + 33 <= row.len() => from(row[s..s + 33].as_ptr()),
        _ => {
            // Q[k] = row[j0 + k - pw] for k in a..b, 0 elsewhere
            let a = pw.saturating_sub(j0).min(33);
            let b = (row.len() + pw).saturating_sub(j0).min(33);
            let mut edge = [0.0f32; 33];
            for k in a..b {
                edge[k] = row[j0 + k - pw];
            }
            from(edge.as_ptr())
        }
    }
}

/// `y = Aᵀ M A + bias` for tiles `t0..t0 + tn` of tile row `r` (those below `ms`, the tiles of a
/// row, and rows below `oh`), stored where they fall in the output `y` (one image).
fn output_chunk(
    m: &[f32],
    vs: usize,
    bias: Option<&[f32]>,
    y: &mut [f32],
    g: Geo,
    [r, t0, tn, ms]: [usize; 4],
) {
    let Geo { o, oh, ow, .. } = g;
    let ocp = o.div_ceil(NOC) * NOC;
    assert!(m.len() >= XI * ocp * vs && tn <= vs && y.len() >= o * oh * ow);
    let rows = (oh - T * r).min(T);
    let lay = ChunkLayout::interleaved(XI, vs);
    for oc in 0..o {
        let b = F4::splat(bias.map_or(0.0, |b| b[oc]));
        let plane = &mut y[oc * oh * ow..][..oh * ow];
        let mut t = 0;
        while t < tn && t0 + t < ms {
            // SAFETY: at(ξ, oc, t) + 4 <= XI·ocp·vs (the assert; t + 4 <= tn <= vs).
            let ld = |xi: usize| unsafe { F4::load(m.as_ptr().add(lay.at(xi, oc, t))) };
            // Along each row of the 9x9 products, then along the columns of the 9x4 result.
            let z: [[F4; T]; P] =
                std::array::from_fn(|a| output_1d(std::array::from_fn(|b| ld(P * a + b))));
            let yc: [[F4; T]; T] =
                std::array::from_fn(|j| output_1d(std::array::from_fn(|a| z[a][j])));
            // yc[j][i] lane q: row 4r + i, column 4(t0 + t + q) + j.
            let col0 = T * (t0 + t);
            for i in 0..rows {
                let yrow = &mut plane[(T * r + i) * ow..][..ow];
                // Lane q of tile vector q: its four columns in order.
                let tiles = deint4(std::array::from_fn(|j| yc[j][i] + b));
                if col0 + 16 <= ow {
                    let dst = &mut yrow[col0..col0 + 16];
                    for (q, tv) in tiles.iter().enumerate() {
                        // SAFETY: dst has 16 floats.
                        unsafe { tv.store(dst.as_mut_ptr().add(4 * q)) };
                    }
                } else {
                    for (q, tv) in tiles.iter().enumerate() {
                        let vals = tv.to_array();
                        for (j, &val) in vals.iter().enumerate() {
                            if let Some(d) = yrow.get_mut(col0 + 4 * q + j) {
                                *d = val;
                            }
                        }
                    }
                }
            }
            t += 4;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::conv::{
        conv2d_into, conv2d_out_shape, conv2d_reference_into, fast_tolerance, kernel_for,
        Conv2dParams, Kernel,
    };
    use crate::tensor::View;
    use crate::testkit::uniform;

    /// Every way a row's ends meet the tile quads (`split9`'s loads inside the row and its
    /// zero-filled copy at either end): padding 0 to 4 on rows shorter than, as long as and
    /// longer than one quad's 33 columns, against the reference.
    #[test]
    fn row_edges_match_the_reference() {
        for pad in 0..=4 {
            for w in [9, 31, 32, 33, 40, 71] {
                let (xs, ws) = ([1, 8, 11, w], [8, 8, 3, 3]);
                let p = Conv2dParams {
                    stride: [2, 2],
                    padding: [pad, pad],
                    ..Default::default()
                };
                assert_eq!(kernel_for(ws, &p), Kernel::Winograd);
                let ys = conv2d_out_shape(xs, ws, &p).unwrap();
                let x = uniform(xs.iter().product(), w as u64, -1.0, 1.0);
                let wt = uniform(ws.iter().product(), 3, -1.0, 1.0);
                let (xv, wv) = (
                    View::new("x", &x, xs).unwrap(),
                    View::new("w", &wt, ws).unwrap(),
                );
                let n: usize = ys.iter().product();
                let (mut got, mut want) = (vec![f32::NAN; n], vec![0.0; n]);
                conv2d_into(xv, wv, None, &p, &mut got).unwrap();
                conv2d_reference_into(xv, wv, None, &p, &mut want).unwrap();
                let tol = fast_tolerance(ws, &p);
                for (k, (a, e)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        (a - e).abs() <= tol * (1.0 + e.abs()),
                        "pad {pad} w {w} [{k}]: {a} vs {e}"
                    );
                }
            }
        }
    }

    /// The 1-D transforms give the polyphase correlation exactly on small integers.
    #[test]
    fn one_axis_is_the_stride_2_correlation() {
        let mut state = 7u32;
        let mut next = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            ((state >> 16) % 9) as f64 - 4.0
        };
        for _ in 0..200 {
            let g = [next(), next(), next()];
            let d: [f64; P] = std::array::from_fn(|_| next());
            let u = weight_1d(g);
            let v = input_1d(std::array::from_fn(|k| F4::splat(d[k] as f32)));
            let prod: [F4; P] = std::array::from_fn(|k| v[k] * F4::splat(u[k] as f32));
            let y = output_1d(prod);
            for (i, yi) in y.iter().enumerate() {
                let want = g[0] * d[2 * i] + g[1] * d[2 * i + 1] + g[2] * d[2 * i + 2];
                // u holds sixths: f32 rounding of those, so a tolerance, not equality.
                assert!(
                    (yi.to_array()[0] as f64 - want).abs() < 1e-4,
                    "{g:?} {d:?} {i}"
                );
            }
        }
    }
}
