//! Winograd F(2x2, 3x3) for the dense 3x3 stride-1 conv, any padding and dilation (Lavin & Gray,
//! "Fast Algorithms for Convolutional Neural Networks", 2016).
//!
//! Each 2x2 block of outputs (rows `r, r+dh`, columns `c, c+dw`) is `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`
//! for its 4x4 input patch `d` (rows and columns `dh`/`dw` apart): 16 products per input channel
//! where the direct sum needs 36, so the multiply-adds, the whole cost of a dense 3x3 conv, drop
//! 2.25 times; the transforms are additions only and cost a few percent for 8 or more channels.
//! The 16 products summed over input channels are 16 small GEMMs `M_ξ[oc, tile] = Σ_ci
//! U_ξ[oc, ci] V_ξ[ci, tile]`, run with the same 4-channel x 8-column register block as the
//! pointwise kernel, four tiles per vector.
//!
//! Tiles and lanes: the padded input is copied column-phased with `2·dw` phases (`Phased`), so the
//! four columns `c + k·dw` of tile `m` of column class `s = c mod dw` are phases `s`, `s + dw` at
//! `m` and `m + 1`: four consecutive tiles are one contiguous vector load per patch element.
//!
//! Stride 2 (dilation 1) uses the same machinery on its polyphase form: per axis the taps split
//! into the even ones (g0, g2 on the even input samples, a 2-tap correlation done as Winograd
//! F(2, 2): 3 products for 2 outputs) and the odd one (g1 on the odd samples: 2 products), so a
//! 2x2 output tile costs 5x5 = 25 products per input channel instead of 36, from a 5x5 patch: its
//! rows are read straight from the input and split into their 4 column phases in registers
//! (`split5`), without the phased copy (writing and re-reading that copy of the whole input took a
//! fifth of the call).
//!
//! Numbers: not bit-equal to the direct kernels (another summation order and the transforms'
//! roundings), but as close to the exact sum: 3.7e-6 to 4.4e-6 relative to `1 + |y|` on the bench
//! shape where the direct kernel has 3.2e-6 to 5.3e-6 (the tests state a 1e-5 bound; the golden
//! tolerance is 1e-4). The input must be finite and below
//! 2^62 in magnitude (`tame`): an Inf in a patch would turn into NaN through the transforms'
//! differences where the direct sum gives ±Inf, so such inputs take the direct kernel.

use super::{block_start, block_step, checked_size, deint4, Operands, Phased, Scratch, BW, NOC};
use crate::ops::conv::params::{Conv2dParams, Geom};
use crate::ops::lanes::{I32x4, F4};
use crate::tensor::try_grow;
use crate::Result;

/// Fewest input and output channels for which the transforms pay for themselves.
const MIN_CHANNELS: usize = 8;
/// Most products per tile (the stride-2 scheme's 5x5).
const MAX_XI: usize = 25;

/// Whether a conv shape takes a Winograd kernel (given a `tame` input): 3x3, one group, 8 or
/// more channels in and out, and stride 1 (any dilation) or stride 2 (no dilation).
pub fn applies(ws: [usize; 4], p: &Conv2dParams) -> bool {
    let [o, cg, kh, kw] = ws;
    kh == 3
        && kw == 3
        && p.groups == 1
        && cg >= MIN_CHANNELS
        && o >= MIN_CHANNELS
        && (p.stride == [1, 1] || (p.stride == [2, 2] && p.dilation == [1, 1]))
}

/// True when every value is finite and at most 2^62 in magnitude (the transforms add up to 16
/// of them, and their sums times the weights must not overflow where the direct sum does not).
pub fn tame(x: &[f32]) -> bool {
    const LIM: f32 = 4.611_686e18;
    // |v| < the float after LIM is |v| <= LIM, and false for NaN; four lanes at a time, the
    // masks and-ed together (a scalar loop took 6% of a stride-2 call).
    let lim = F4::splat(f32::from_bits(LIM.to_bits() + 1));
    let mut ok = [I32x4::splat(-1); 4];
    let mut chunks = x.chunks_exact(16);
    for ch in &mut chunks {
        for (k, o) in ok.iter_mut().enumerate() {
            // SAFETY: `ch` holds 16 floats.
            let v = unsafe { F4::load(ch.as_ptr().add(4 * k)) };
            *o = o.and(v.abs().lt(lim));
        }
    }
    let all = ok[0].and(ok[1]).and(ok[2].and(ok[3]));
    all.to_array().iter().all(|&b| b != 0) && chunks.remainder().iter().all(|v| v.abs() <= LIM)
}

/// One Winograd scheme: the patch side `P` (`XI = P²` products per tile), the three transforms,
/// and where patch column `k` lies in the column-phased input.
trait Scheme {
    const P: usize;
    const XI: usize;
    /// Input rows between the tiles' first output rows (the conv's stride).
    const STRIDE: usize;
    /// `U = G g Gᵀ` (row-major `P x P`) for one 3x3 kernel, in f64, rounded once.
    fn weight(g: &[f32]) -> [f32; MAX_XI];
    /// `Bᵀ d B` for four tiles: `d[k][l]` is patch row `k`, column `l` (only `P x P` used).
    fn input(d: &[[F4; 5]; 5]) -> [F4; MAX_XI];
    /// `Aᵀ M A` for four tiles: `[y00, y01, y10, y11]`.
    fn output(m: &[F4; MAX_XI]) -> [F4; 4];
    /// Column phases of the padded copy, for column dilation `dw`.
    fn phases(dw: usize) -> usize;
    /// `(phase, shift)` of patch column `k` of a tile of column class `cls`.
    fn col_tap(k: usize, cls: usize, dw: usize) -> (usize, usize);
}

/// `U = T g Tᵀ` (row-major `P x P`) for a 3x3 kernel `g` and a scheme's 1-D weight transform `t`
/// (3 taps to `P` values): on the columns, then on the rows, in f64, rounded once.
fn weight_2d<const P: usize>(g: &[f32], t: impl Fn([f64; 3]) -> [f64; P]) -> [f32; MAX_XI] {
    let g: [f64; 9] = std::array::from_fn(|k| g[k] as f64);
    let cols: [[f64; P]; 3] = std::array::from_fn(|j| t([g[j], g[3 + j], g[6 + j]]));
    let mut u = [0.0f32; MAX_XI];
    for i in 0..P {
        let row = t([cols[0][i], cols[1][i], cols[2][i]]);
        for j in 0..P {
            u[P * i + j] = row[j] as f32;
        }
    }
    u
}

/// `V = T d Tᵀ` (row-major `P x P`) for the top-left `P x P` of the patch `d` and a scheme's 1-D
/// input transform `t`: on the columns, then on the rows.
#[inline(always)]
fn input_2d<const P: usize>(d: &[[F4; 5]; 5], t: impl Fn([F4; P]) -> [F4; P]) -> [F4; MAX_XI] {
    let cols: [[F4; P]; P] = std::array::from_fn(|l| t(std::array::from_fn(|k| d[k][l])));
    let mut v = [F4::splat(0.0); MAX_XI];
    for i in 0..P {
        let row = t(std::array::from_fn(|l| cols[l][i]));
        v[P * i..P * i + P].copy_from_slice(&row);
    }
    v
}

/// F(2x2, 3x3), stride 1: tiles of rows `r, r + dh` and columns `c, c + dw`.
struct F23;

impl Scheme for F23 {
    const P: usize = 4;
    const XI: usize = 16;
    const STRIDE: usize = 1;

    fn weight(g: &[f32]) -> [f32; MAX_XI] {
        // G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]].
        weight_2d(g, |[g0, g1, g2]: [f64; 3]| {
            [g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2]
        })
    }

    #[inline(always)]
    fn input(d: &[[F4; 5]; 5]) -> [F4; MAX_XI] {
        // Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]].
        input_2d(d, |a: [F4; 4]| {
            [a[0] - a[2], a[1] + a[2], a[2] - a[1], a[1] - a[3]]
        })
    }

    #[inline(always)]
    fn output(m: &[F4; MAX_XI]) -> [F4; 4] {
        // Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]].
        let s0: [F4; 4] = std::array::from_fn(|j| m[j] + m[4 + j] + m[8 + j]);
        let s1: [F4; 4] = std::array::from_fn(|j| m[4 + j] - m[8 + j] - m[12 + j]);
        [
            s0[0] + s0[1] + s0[2],
            s0[1] - s0[2] - s0[3],
            s1[0] + s1[1] + s1[2],
            s1[1] - s1[2] - s1[3],
        ]
    }

    fn phases(dw: usize) -> usize {
        2 * dw
    }

    fn col_tap(k: usize, cls: usize, dw: usize) -> (usize, usize) {
        // Column c + k·dw with c = cls + 2·dw·m: phase cls (+ dw for odd k), shift k / 2.
        (cls + (k % 2) * dw, k / 2)
    }
}

/// Stride 2, polyphase: per axis the even taps (g0, g2) on the even samples as F(2, 2) and the
/// odd tap g1 on the odd samples; tiles of rows `r, r + 1` and columns `c, c + 1`.
struct S2;

impl Scheme for S2 {
    const P: usize = 5;
    const XI: usize = 25;
    const STRIDE: usize = 2;

    fn weight(g: &[f32]) -> [f32; MAX_XI] {
        // [g0, g0 + g2, g2] (F(2, 2)'s G on the even taps), then g1 twice (the odd tap).
        weight_2d(g, |[g0, g1, g2]: [f64; 3]| [g0, g0 + g2, g2, g1, g1])
    }

    #[inline(always)]
    fn input(d: &[[F4; 5]; 5]) -> [F4; MAX_XI] {
        // [d0 - d2, d2, d4 - d2, d1, d3]: F(2, 2) on the even samples, the odd ones as they are.
        input_2d(d, |a: [F4; 5]| [a[0] - a[2], a[2], a[4] - a[2], a[1], a[3]])
    }

    #[inline(always)]
    fn output(m: &[F4; MAX_XI]) -> [F4; 4] {
        // y0 = m0 + m1 + m3, y1 = m1 + m2 + m4, per axis.
        let s0: [F4; 5] = std::array::from_fn(|j| m[j] + m[5 + j] + m[15 + j]);
        let s1: [F4; 5] = std::array::from_fn(|j| m[5 + j] + m[10 + j] + m[20 + j]);
        [
            s0[0] + s0[1] + s0[3],
            s0[1] + s0[2] + s0[4],
            s1[0] + s1[1] + s1[3],
            s1[1] + s1[2] + s1[4],
        ]
    }

    fn phases(_dw: usize) -> usize {
        4
    }

    fn col_tap(k: usize, _cls: usize, _dw: usize) -> (usize, usize) {
        // Column 4m + k: phase k mod 4, shift k / 4.
        (k % 4, k / 4)
    }
}

/// Tiles per chunk (a multiple of BW): the chunk's transformed input (XI x C x tiles) and
/// products (XI x O x tiles) stay in L2.
fn chunk_tiles(c: usize, o: usize) -> usize {
    (2048 / c.max(o)).clamp(BW, 32) / BW * BW
}

/// The conv of a checked `Geom` that `applies`, on a `tame` input, into `y`.
pub fn forward(op: Operands<'_>, y: &mut [f32], s: &mut Scratch) -> Result<()> {
    if op.g.p.stride == [1, 1] {
        run::<F23>(op, y, s)
    } else {
        run::<S2>(op, y, s)
    }
}

/// The geometry one chunk needs: the phased input, and the tiles' spacing in the output.
#[derive(Clone, Copy)]
struct Layout {
    plane: usize,
    row: usize,
    /// Input rows between patch rows.
    dh: usize,
    /// Output rows and columns between a tile's two rows / columns (the dilation at stride 1).
    oh_step: usize,
    ow_step: usize,
}

fn run<S: Scheme>(op: Operands<'_>, y: &mut [f32], s: &mut Scratch) -> Result<()> {
    let Geom { xs, ws, ys, p } = op.g;
    let [n, c, h, wd] = *xs;
    let o = ws[0];
    let [_, _, oh, ow] = *ys;
    let [dh, dw] = p.dilation;
    let [pad_h, pad_w] = p.padding;
    let sw = S::phases(dw);
    // Output steps inside a tile: the dilation at stride 1, 1 at stride 2 (dilation 1 there).
    let (oh_step, ow_step) = (dh, dw);
    let nob = o.div_ceil(NOC);
    let ocp = nob * NOC;
    // Tiles of column class 0 (the most of any class), rounded to whole register blocks; a
    // patch reads one shift past its tile.
    let m0r = ow.div_ceil(2 * ow_step).div_ceil(BW) * BW;
    let wq = checked_size(&[wd + 2 * pad_w])?.div_ceil(sw).max(m0r + 1);
    // Rows down to the last tile's last patch row (its second output row may be past the end).
    let hp = checked_size(&[h + 2 * pad_h])?.max((oh - 1) * S::STRIDE + (S::P - 1) * dh + 1);
    checked_size(&[hp, sw, wq])?;
    let ph = Phased {
        h,
        w: wd,
        ph: pad_h,
        pw: pad_w,
        hp,
        sw,
        wq,
    };
    let lay = Layout {
        plane: ph.plane(),
        row: ph.row(),
        dh,
        oh_step,
        ow_step,
    };
    let tcw = chunk_tiles(c, o);
    let vs = tcw + 8; // row stride of the chunk buffers (not a power of two: L1 sets)
    let Scratch { buf, wpk, v, m } = s;
    // Stride 2 reads the input itself (`input_chunk_s2`); the others a phased copy.
    let direct = S::STRIDE == 2;
    if !direct {
        try_grow(
            "the padded copy of the input",
            buf,
            checked_size(&[c, lay.plane])?,
            0.0,
        )?;
    }
    // Every size checked (channel counts come from JS; the products below then fit usize).
    try_grow(
        "the transformed input",
        v,
        checked_size(&[S::XI, c, vs])?,
        0.0,
    )?;
    try_grow(
        "the transformed products",
        m,
        checked_size(&[S::XI, ocp, vs])?,
        0.0,
    )?;
    // U packed [ξ][oc block][ci][NOC], zero for tail channels; one copy per weight, read with
    // `load_splat` (measured 10% faster here than the dense kernel's four ready-made copies:
    // all 16 or 25 products' weights stay in L1 with a quarter of the bytes).
    let per_block = c * NOC;
    wpk.clear();
    try_grow(
        "the packed weights",
        wpk,
        checked_size(&[S::XI, nob, per_block])?,
        0.0,
    )?;
    for oc in 0..o {
        let (ob, q) = (oc / NOC, oc % NOC);
        for ci in 0..c {
            let u = S::weight(&op.w[(oc * c + ci) * 9..][..9]);
            for (xi, &uv) in u.iter().take(S::XI).enumerate() {
                wpk[(xi * nob + ob) * per_block + ci * NOC + q] = uv;
            }
        }
    }
    for ni in 0..n {
        let xn = &op.x[ni * c * h * wd..][..c * h * wd];
        let mut filled = 0;
        for r in (0..oh).filter(|r| (r / oh_step) % 2 == 0) {
            // Copy the input rows this tile row reads (and a band more) while they are hot.
            if !direct {
                let need = r * S::STRIDE + (S::P - 1) * dh + 1;
                ph.fill_band(&mut buf[..c * lay.plane], xn, need, &mut filled);
            }
            for cls in 0..ow_step.min(ow) {
                let ms = (ow - cls).div_ceil(2 * ow_step);
                let mut t0 = 0;
                while t0 < ms {
                    let tn = (ms - t0).min(tcw).div_ceil(BW) * BW;
                    let chunk = Chunk { r, cls, t0, tn, ms };
                    if direct {
                        input_chunk_s2(xn, &ph, chunk, v, vs, c);
                    } else {
                        input_chunk::<S>(&ph, buf, lay, chunk, v, vs, c);
                    }
                    gemm_chunk(v, wpk, m, [S::XI, c, nob, vs, per_block], tn);
                    output_chunk::<S>(m, vs, op.bias, y, [ni, o, oh, ow], lay, chunk);
                    t0 += tcw;
                }
            }
        }
    }
    Ok(())
}

/// One chunk of tiles: first output row `r`, column class `cls`, tiles `t0..t0 + tn` of the
/// class's `ms` (the ones past `ms` are computed on zeros or unused input and not stored).
#[derive(Clone, Copy)]
struct Chunk {
    r: usize,
    cls: usize,
    t0: usize,
    tn: usize,
    ms: usize,
}

/// `V[ξ][ci][t]` for the chunk's tiles.
fn input_chunk<S: Scheme>(
    ph: &Phased,
    buf: &[f32],
    lay: Layout,
    Chunk { r, cls, t0, tn, .. }: Chunk,
    v: &mut [f32],
    vs: usize,
    c: usize,
) {
    let (wq, row, dh) = (ph.wq, lay.row, lay.dh);
    let cols: [usize; 5] = std::array::from_fn(|k| {
        let (phase, shift) = S::col_tap(k.min(S::P - 1), cls, lay.ow_step);
        phase * wq + shift
    });
    let r0 = r * S::STRIDE;
    // The furthest read: channel c-1, row r0 + (P-1)dh < hp, column (sw-1)·wq + 1 + t0 + tn - 1
    // < sw·wq (t0 + tn <= m0r < wq); the writes: (ξ·c + ci)·vs + t + 4 <= XI·c·vs.
    assert!(r0 + (S::P - 1) * dh < ph.hp && t0 + tn < wq && tn <= vs);
    assert!(v.len() >= S::XI * c * vs && buf.len() >= c * lay.plane);
    assert!(cols.iter().all(|&k| k < ph.sw * wq - wq + 2));
    let vp = v.as_mut_ptr();
    for ci in 0..c {
        let base = buf[ci * lay.plane + r0 * row..].as_ptr();
        let mut t = 0;
        while t < tn {
            // SAFETY: by the asserts above every load is inside `buf` and every store inside `v`.
            unsafe {
                let d: [[F4; 5]; 5] = std::array::from_fn(|k| {
                    let rp = base.add(k.min(S::P - 1) * dh * row + t0 + t);
                    std::array::from_fn(|l| F4::load(rp.add(cols[l])))
                });
                let out = S::input(&d);
                for (xi, val) in out.iter().take(S::XI).enumerate() {
                    val.store(vp.add((xi * c + ci) * vs + t));
                }
            }
            t += 4;
        }
    }
}

/// `V[ξ][ci][t]` for a stride-2 chunk straight from the input `x` (one image: `c` planes of
/// `h x w`). Each patch row of four tiles is split into its four column phases in registers
/// (`split5`), where the other schemes read a phased copy of the input: writing that copy and
/// reading it back took a fifth of the call.
fn input_chunk_s2(
    x: &[f32],
    ph: &Phased,
    Chunk { r, t0, tn, .. }: Chunk,
    v: &mut [f32],
    vs: usize,
    c: usize,
) {
    let (h, w) = (ph.h, ph.w);
    assert!(x.len() >= c * h * w && v.len() >= S2::XI * c * vs && tn <= vs && tn % 4 == 0);
    let vp = v.as_mut_ptr();
    // Patch rows 2r .. 2r + 4 of the padded input, columns 4m .. 4m + 4 for tile m.
    let r0 = r * S2::STRIDE;
    for ci in 0..c {
        let plane = &x[ci * h * w..][..h * w];
        // The five patch rows in the input (None: padding).
        let rows: [Option<&[f32]>; 5] = std::array::from_fn(|k| {
            (r0 + k)
                .checked_sub(ph.ph)
                .filter(|&sr| sr < h)
                .map(|sr| &plane[sr * w..][..w])
        });
        let mut t = 0;
        while t < tn {
            let j0 = 4 * (t0 + t);
            let d: [[F4; 5]; 5] = std::array::from_fn(|k| {
                rows[k].map_or([F4::splat(0.0); 5], |row| split5(row, j0, ph.pw))
            });
            let out = S2::input(&d);
            for (xi, val) in out.iter().take(S2::XI).enumerate() {
                // SAFETY: (ξ·c + ci)·vs + t + 4 <= XI·c·vs (the assert above; t + 4 <= tn).
                unsafe { val.store(vp.add((xi * c + ci) * vs + t)) };
            }
            t += 4;
        }
    }
}

/// Columns `j0 + l + 4q` (`l < 5`, lanes `q < 4`) of a row padded with `pw` zeros before it
/// and zeros after: the 17 padded columns `P[k] = j0 + k` through four loads, `deint4`, and
/// `P[16]` shifted in; read straight from the row inside it, from a zero-filled copy at its
/// ends.
#[inline(always)]
fn split5(row: &[f32], j0: usize, pw: usize) -> [F4; 5] {
    // SAFETY (of `from`'s callers): `p` points at 17 readable floats.
    let from = |p: *const f32| unsafe {
        let ld = |k: usize| F4::load(p.add(4 * k));
        let [p0, p1, p2, p3] = deint4([ld(0), ld(1), ld(2), ld(3)]);
        [p0, p1, p2, p3, F4::shift_in(p0, F4::load_splat(p.add(16)))]
    };
    match j0.checked_sub(pw) {
        Some(s) if s + 17 <= row.len() => from(row[s..s + 17].as_ptr()),
        _ => {
            // P[k] = row[j0 + k - pw] for k in a..b, 0 elsewhere
            let a = pw.saturating_sub(j0).min(17);
            let b = (row.len() + pw).saturating_sub(j0).min(17);
            let mut edge = [0.0f32; 17];
            for k in a..b {
                edge[k] = row[j0 + k - pw];
            }
            from(edge.as_ptr())
        }
    }
}

/// `M[ξ][oc][t] = Σ_ci U[ξ][oc][ci] V[ξ][ci][t]` for every ξ and output-channel block.
fn gemm_chunk(
    v: &[f32],
    wpk: &[f32],
    m: &mut [f32],
    [xis, c, nob, vs, per_block]: [usize; 5],
    tn: usize,
) {
    assert!(v.len() >= xis * c * vs && wpk.len() >= xis * nob * per_block);
    assert!(m.len() >= xis * nob * NOC * vs && tn <= vs && per_block == c * NOC);
    let mp = m.as_mut_ptr();
    for xi in 0..xis {
        let vx = v[xi * c * vs..].as_ptr();
        for ob in 0..nob {
            let wblk = wpk[(xi * nob + ob) * per_block..].as_ptr();
            let mut jb = 0;
            while jb < tn {
                let mut acc = block_start([F4::splat(0.0); NOC]);
                // SAFETY: rows ci < c of V[ξ] hold vs >= jb + 8 floats; the block's weights are
                // c·NOC floats (the asserts above).
                unsafe {
                    let mut xp = vx.add(jb);
                    let mut wp = wblk;
                    for _ in 0..c {
                        let xv = [F4::load(xp), F4::load(xp.add(4))];
                        block_step(&mut acc, &xv, || {
                            let wv = F4::load_splat(wp);
                            wp = wp.add(1);
                            wv
                        });
                        xp = xp.add(vs);
                    }
                    for (q, a) in acc.iter().enumerate() {
                        let dst = mp.add((xi * nob * NOC + ob * NOC + q) * vs + jb);
                        a[0].store(dst);
                        a[1].store(dst.add(4));
                    }
                }
                jb += BW;
            }
        }
    }
}

/// `y = Aᵀ M A + bias` for the chunk's tiles, stored where they fall in the output.
fn output_chunk<S: Scheme>(
    m: &[f32],
    vs: usize,
    bias: Option<&[f32]>,
    y: &mut [f32],
    [ni, o, oh, ow]: [usize; 4],
    lay: Layout,
    Chunk { r, cls, t0, tn, ms }: Chunk,
) {
    let ocp = o.div_ceil(NOC) * NOC;
    assert!(m.len() >= S::XI * ocp * vs && tn <= vs);
    let dw = lay.ow_step;
    let sw = 2 * dw;
    let r1 = r + lay.oh_step;
    for oc in 0..o {
        let b = F4::splat(bias.map_or(0.0, |b| b[oc]));
        let plane = &mut y[(ni * o + oc) * oh * ow..][..oh * ow];
        let mut t = 0;
        while t < tn && t0 + t < ms {
            let mut mv = [F4::splat(0.0); MAX_XI];
            for (xi, slot) in mv.iter_mut().take(S::XI).enumerate() {
                // SAFETY: (ξ·ocp + oc)·vs + t + 4 <= XI·ocp·vs (assert above).
                *slot = unsafe { F4::load(m.as_ptr().add((xi * ocp + oc) * vs + t)) };
            }
            let [y00, y01, y10, y11] = S::output(&mv);
            let first = t0 + t; // tile index of lane 0
            for (rr, a, bb) in [(r, y00 + b, y01 + b), (r1, y10 + b, y11 + b)] {
                if rr >= oh {
                    continue;
                }
                let yrow = &mut plane[rr * ow..][..ow];
                let col0 = cls + sw * first;
                if dw == 1 && col0 + 8 <= ow {
                    // Columns 2m, 2m + 1 of four tiles: eight consecutive floats.
                    let (lo, hi) = F4::zip(a, bb);
                    let dst = &mut yrow[col0..col0 + 8];
                    // SAFETY: dst has 8 floats.
                    unsafe {
                        lo.store(dst.as_mut_ptr());
                        hi.store(dst.as_mut_ptr().add(4));
                    }
                } else {
                    let (a, bb) = (a.to_array(), bb.to_array());
                    for l in 0..4 {
                        if first + l >= ms {
                            break;
                        }
                        let c0 = cls + sw * (first + l);
                        yrow[c0] = a[l];
                        if c0 + dw < ow {
                            yrow[c0 + dw] = bb[l];
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
    /// `tame` at every position of buffers with and without a vector part and a tail: exactly
    /// 2^62 passes; the next float, infinities and NaN fail.
    #[test]
    fn tame_checks_every_position() {
        let lim = 2f32.powi(62);
        let next = f32::from_bits(lim.to_bits() + 1);
        let cases = [
            (lim, true),
            (-lim, true),
            (next, false),
            (-next, false),
            (f32::INFINITY, false),
            (f32::NEG_INFINITY, false),
            (f32::NAN, false),
        ];
        for n in [1, 15, 16, 17, 37, 64] {
            for at in 0..n {
                let mut x = vec![-1.5f32; n];
                for (v, want) in cases {
                    x[at] = v;
                    assert_eq!(super::tame(&x), want, "{v} at {at} of {n}");
                }
            }
        }
        assert!(super::tame(&[]));
    }
}
