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
//! Stride 2 (dilation 1) has its own tiles, 4x4 from 9x9 patches (`stride2.rs`); it shares
//! `tame`, the packed weights (`PackedU`) and the GEMM (`gemm_chunk`).
//!
//! Numbers: not bit-equal to the direct kernels (another summation order and the transforms'
//! roundings), but as close to the exact sum: 3.8e-6 to 4.4e-6 relative to `1 + |y|` on the bench
//! shape where the direct kernel has 3.2e-6 to 5.3e-6 (the tests state a 1e-5 bound; the golden
//! tolerance is 1e-4). The input must be finite and below
//! 2^62 in magnitude (`tame`): an Inf in a patch would turn into NaN through the transforms'
//! differences where the direct sum gives ±Inf, so such inputs take the direct kernel.

use super::{block_start, block_step, checked_size, Operands, Phased, Scratch, BW, NOC};
use crate::ops::conv::params::{Conv2dParams, Geom};
use crate::ops::lanes::{I32x4, F4};
use crate::tensor::try_grow;
use crate::Result;

/// Fewest input and output channels for which the transforms pay for themselves.
const MIN_CHANNELS: usize = 8;
/// Patch side and products per tile.
const P: usize = 4;
const XI: usize = P * P;

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

/// `U = T g Tᵀ` (row-major `P x P` in `N = P²` values) for a 3x3 kernel `g` and a 1-D weight
/// transform `t` (3 taps to `P` values): on the columns, then on the rows, in f64, rounded once.
pub(super) fn weight_2d<const P: usize, const N: usize>(
    g: &[f32],
    t: impl Fn([f64; 3]) -> [f64; P],
) -> [f32; N] {
    assert_eq!(N, P * P);
    let g: [f64; 9] = std::array::from_fn(|k| g[k] as f64);
    let cols: [[f64; P]; 3] = std::array::from_fn(|j| t([g[j], g[3 + j], g[6 + j]]));
    let mut u = [0.0f32; N];
    for i in 0..P {
        let row = t([cols[0][i], cols[1][i], cols[2][i]]);
        for j in 0..P {
            u[P * i + j] = row[j] as f32;
        }
    }
    u
}

/// F(2x2, 3x3)'s `U = G g Gᵀ`, `G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]]`.
fn weight(g: &[f32]) -> [f32; XI] {
    weight_2d(g, |[g0, g1, g2]: [f64; 3]| {
        [g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2]
    })
}

/// `Bᵀ d B` for four tiles (`d[k][l]`: patch row `k`, column `l`), `Bᵀ = [[1, 0, -1, 0],
/// [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]`: on the columns, then on the rows.
#[inline(always)]
fn input(d: &[[F4; P]; P]) -> [F4; XI] {
    let t = |a: [F4; P]| [a[0] - a[2], a[1] + a[2], a[2] - a[1], a[1] - a[3]];
    let cols: [[F4; P]; P] = std::array::from_fn(|l| t(std::array::from_fn(|k| d[k][l])));
    let mut v = [F4::splat(0.0); XI];
    for i in 0..P {
        let row = t(std::array::from_fn(|l| cols[l][i]));
        v[P * i..P * i + P].copy_from_slice(&row);
    }
    v
}

/// `Aᵀ M A` for four tiles, `Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]`: `[y00, y01, y10, y11]`.
#[inline(always)]
fn output(m: &[F4; XI]) -> [F4; 4] {
    let s0: [F4; 4] = std::array::from_fn(|j| m[j] + m[4 + j] + m[8 + j]);
    let s1: [F4; 4] = std::array::from_fn(|j| m[4 + j] - m[8 + j] - m[12 + j]);
    [
        s0[0] + s0[1] + s0[2],
        s0[1] - s0[2] - s0[3],
        s1[0] + s1[1] + s1[2],
        s1[1] - s1[2] - s1[3],
    ]
}

/// `(phase, shift)` of patch column `k` of a tile of column class `cls` in the copy phased
/// `2·dw` ways: column `c + k·dw` with `c = cls + 2·dw·m` is phase `cls` (+ `dw` for odd `k`),
/// shift `k / 2`.
fn col_tap(k: usize, cls: usize, dw: usize) -> (usize, usize) {
    (cls + (k % 2) * dw, k / 2)
}

/// Tiles per chunk (a multiple of BW): the chunk's transformed input (XI x C x tiles) and
/// products (XI x O x tiles) stay in L2.
fn chunk_tiles(c: usize, o: usize) -> usize {
    (2048 / c.max(o)).clamp(BW, 32) / BW * BW
}

/// Winograd's packed weights `U` (`[ξ][oc block][ci][NOC]`, zero for tail channels: one copy
/// per weight, read with `load_splat`, measured 10% faster than the dense kernel's four
/// ready-made copies) and what they were packed from: a call with the same weights (bit for
/// bit), transform and shape as the last one reuses them, as TF.js keeps its XNNPACK operator,
/// packed weights included, per filter tensor. (The stride-2 transform of 32x32 kernels took
/// an eighth of a call.)
pub(super) struct PackedU {
    u: Vec<f32>,
    /// `[tag, c, o]` and the weights' bits of `u`; `bits` empty when `u` holds nothing.
    head: [usize; 3],
    bits: Vec<u32>,
}

impl PackedU {
    pub(super) const fn new() -> PackedU {
        PackedU {
            u: Vec::new(),
            head: [0; 3],
            bits: Vec::new(),
        }
    }

    /// `U` for the `o x c x 3 x 3` weights `w` under the transform `weight` (`N` products per
    /// tile), `tag` naming the transform.
    pub(super) fn get<const N: usize>(
        &mut self,
        tag: usize,
        w: &[f32],
        [c, o]: [usize; 2],
        weight: impl Fn(&[f32]) -> [f32; N],
    ) -> Result<&[f32]> {
        assert_eq!(w.len(), o * c * 9);
        let head = [tag, c, o];
        let same = !self.bits.is_empty()
            && self.head == head
            && self.bits.len() == w.len()
            && self.bits.iter().zip(w).all(|(k, v)| *k == v.to_bits());
        if !same {
            self.bits.clear();
            let nob = o.div_ceil(NOC);
            let per_block = c * NOC;
            self.u.clear();
            try_grow(
                "the packed weights",
                &mut self.u,
                checked_size(&[N, nob, per_block])?,
                0.0,
            )?;
            for oc in 0..o {
                let (ob, q) = (oc / NOC, oc % NOC);
                for ci in 0..c {
                    let u = weight(&w[(oc * c + ci) * 9..][..9]);
                    for (xi, &uv) in u.iter().enumerate() {
                        self.u[(xi * nob + ob) * per_block + ci * NOC + q] = uv;
                    }
                }
            }
            self.head = head;
            self.bits.extend(w.iter().map(|v| v.to_bits()));
        }
        Ok(&self.u)
    }
}

/// Grows a chunk's transformed input `V` (`xis x c x vs` floats) and products `M`
/// (`xis x ocp x vs`), every size checked (channel counts come from JS; the products of the
/// kernels' index arithmetic then fit usize).
pub(super) fn grow_chunk_buffers(
    [v, m]: [&mut Vec<f32>; 2],
    [xis, c, ocp, vs]: [usize; 4],
) -> Result<()> {
    try_grow(
        "the transformed input",
        v,
        checked_size(&[xis, c, vs])?,
        0.0,
    )?;
    try_grow(
        "the transformed products",
        m,
        checked_size(&[xis, ocp, vs])?,
        0.0,
    )
}

/// The conv of a checked `Geom` that `applies`, on a `tame` input, into `y`.
pub fn forward(op: Operands<'_>, y: &mut [f32], s: &mut Scratch) -> Result<()> {
    if op.g.p.stride == [1, 1] {
        run(op, y, s)
    } else {
        super::stride2::forward(op, y, s)
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

/// F(2x2, 3x3) at stride 1.
fn run(op: Operands<'_>, y: &mut [f32], s: &mut Scratch) -> Result<()> {
    let Geom { xs, ws, ys, p } = op.g;
    let [n, c, h, wd] = *xs;
    let o = ws[0];
    let [_, _, oh, ow] = *ys;
    let [dh, dw] = p.dilation;
    let [pad_h, pad_w] = p.padding;
    let sw = 2 * dw;
    // Output steps inside a tile: the dilation.
    let (oh_step, ow_step) = (dh, dw);
    let nob = o.div_ceil(NOC);
    let ocp = nob * NOC;
    // Tiles of column class 0 (the most of any class), rounded to whole register blocks; a
    // patch reads one shift past its tile.
    let m0r = ow.div_ceil(2 * ow_step).div_ceil(BW) * BW;
    let wq = checked_size(&[wd + 2 * pad_w])?.div_ceil(sw).max(m0r + 1);
    // Rows down to the last tile's last patch row (its second output row may be past the end).
    let hp = checked_size(&[h + 2 * pad_h])?.max(oh - 1 + (P - 1) * dh + 1);
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
    let Scratch {
        buf, v, m, packed, ..
    } = s;
    try_grow(
        "the padded copy of the input",
        buf,
        checked_size(&[c, lay.plane])?,
        0.0,
    )?;
    grow_chunk_buffers([v, m], [XI, c, ocp, vs])?;
    let wpk = packed.get(1, op.w, [c, o], weight)?;
    for ni in 0..n {
        let xn = &op.x[ni * c * h * wd..][..c * h * wd];
        let mut filled = 0;
        for r in (0..oh).filter(|r| (r / oh_step) % 2 == 0) {
            // Copy the input rows this tile row reads (and a band more) while they are hot.
            let need = r + (P - 1) * dh + 1;
            ph.fill_band(&mut buf[..c * lay.plane], xn, need, &mut filled);
            for cls in 0..ow_step.min(ow) {
                let ms = (ow - cls).div_ceil(2 * ow_step);
                let mut t0 = 0;
                while t0 < ms {
                    let tn = (ms - t0).min(tcw).div_ceil(BW) * BW;
                    let chunk = Chunk { r, cls, t0, tn, ms };
                    input_chunk(&ph, buf, lay, chunk, v, vs, c);
                    gemm_chunk(
                        (v, ChunkLayout::planar(c, vs)),
                        wpk,
                        (m, ChunkLayout::planar(ocp, vs)),
                        [XI, c, nob],
                        tn,
                    );
                    output_chunk(m, vs, op.bias, y, [ni, o, oh, ow], lay, chunk);
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
fn input_chunk(
    ph: &Phased,
    buf: &[f32],
    lay: Layout,
    Chunk { r, cls, t0, tn, .. }: Chunk,
    v: &mut [f32],
    vs: usize,
    c: usize,
) {
    let (wq, row, dh) = (ph.wq, lay.row, lay.dh);
    let cols: [usize; P] = std::array::from_fn(|k| {
        let (phase, shift) = col_tap(k, cls, lay.ow_step);
        phase * wq + shift
    });
    let r0 = r;
    // The furthest read: channel c-1, row r0 + (P-1)dh < hp, column (sw-1)·wq + 1 + t0 + tn - 1
    // < sw·wq (t0 + tn <= m0r < wq); the writes: at(ξ, ci, t) + 4 <= XI·c·vs.
    assert!(r0 + (P - 1) * dh < ph.hp && t0 + tn < wq && tn <= vs);
    assert!(v.len() >= XI * c * vs && buf.len() >= c * lay.plane);
    assert!(cols.iter().all(|&k| k < ph.sw * wq - wq + 2));
    let vp = v.as_mut_ptr();
    let cl = ChunkLayout::planar(c, vs);
    for ci in 0..c {
        let base = buf[ci * lay.plane + r0 * row..].as_ptr();
        let mut t = 0;
        while t < tn {
            // SAFETY: by the asserts above every load is inside `buf` and every store inside `v`.
            unsafe {
                let d: [[F4; P]; P] = std::array::from_fn(|k| {
                    let rp = base.add(k * dh * row + t0 + t);
                    std::array::from_fn(|l| F4::load(rp.add(cols[l])))
                });
                for (xi, val) in input(&d).iter().enumerate() {
                    val.store(vp.add(cl.at(xi, ci, t)));
                }
            }
            t += 4;
        }
    }
}

/// Where element `(ξ, row, t)` of a chunk buffer (`V[ξ][ci][t]` or `M[ξ][oc][t]`) lies, for `t`
/// a multiple of 4 (four tiles, one vector): `ξ·xi + row·row + (t/4)·quad`.
#[derive(Clone, Copy)]
pub(super) struct ChunkLayout {
    pub xi: usize,
    pub row: usize,
    pub quad: usize,
}

impl ChunkLayout {
    /// `[ξ][row][t]`: each ξ a matrix of `rows x vs` floats.
    pub(super) fn planar(rows: usize, vs: usize) -> ChunkLayout {
        ChunkLayout {
            xi: rows * vs,
            row: vs,
            quad: 4,
        }
    }

    /// `[row][t / 4][ξ][t % 4]`: a tile quad's `xis` vectors side by side (written and read
    /// as one run by the transforms), `vs` tiles per row.
    pub(super) fn interleaved(xis: usize, vs: usize) -> ChunkLayout {
        ChunkLayout {
            xi: 4,
            row: vs * xis,
            quad: 4 * xis,
        }
    }

    #[inline(always)]
    pub(super) fn at(self, xi: usize, row: usize, t: usize) -> usize {
        xi * self.xi + row * self.row + t / 4 * self.quad
    }
}

/// `M[ξ][oc][t] = Σ_ci U[ξ][oc][ci] V[ξ][ci][t]` for every ξ and output-channel block, for
/// tiles `t < tn` (a multiple of BW); `V` and `M` laid out as `vl` and `ml` say.
pub(super) fn gemm_chunk(
    (v, vl): (&[f32], ChunkLayout),
    wpk: &[f32],
    (m, ml): (&mut [f32], ChunkLayout),
    [xis, c, nob]: [usize; 3],
    tn: usize,
) {
    let per_block = c * NOC;
    // The furthest element read and written (`at` grows with each argument).
    assert!(xis > 0 && c > 0 && nob > 0 && tn >= BW && tn % BW == 0);
    assert!(v.len() >= vl.at(xis - 1, c - 1, tn - 4) + 4 && wpk.len() >= xis * nob * per_block);
    assert!(m.len() >= ml.at(xis - 1, nob * NOC - 1, tn - 4) + 4);
    let mp = m.as_mut_ptr();
    for xi in 0..xis {
        for ob in 0..nob {
            let wblk = wpk[(xi * nob + ob) * per_block..].as_ptr();
            let mut jb = 0;
            while jb < tn {
                let mut acc = block_start([F4::splat(0.0); NOC]);
                // SAFETY: every (ξ, ci, t) read and (ξ, oc, t) written is at most the furthest
                // one asserted above; the block's weights are c·NOC floats.
                unsafe {
                    let mut xp = v.as_ptr().add(vl.at(xi, 0, jb));
                    let mut wp = wblk;
                    for _ in 0..c {
                        let xv = [F4::load(xp), F4::load(xp.add(vl.quad))];
                        block_step(&mut acc, &xv, || {
                            let wv = F4::load_splat(wp);
                            wp = wp.add(1);
                            wv
                        });
                        xp = xp.add(vl.row);
                    }
                    for (q, a) in acc.iter().enumerate() {
                        let dst = mp.add(ml.at(xi, ob * NOC + q, jb));
                        a[0].store(dst);
                        a[1].store(dst.add(ml.quad));
                    }
                }
                jb += BW;
            }
        }
    }
}

/// `y = Aᵀ M A + bias` for the chunk's tiles, stored where they fall in the output.
fn output_chunk(
    m: &[f32],
    vs: usize,
    bias: Option<&[f32]>,
    y: &mut [f32],
    [ni, o, oh, ow]: [usize; 4],
    lay: Layout,
    Chunk { r, cls, t0, tn, ms }: Chunk,
) {
    let ocp = o.div_ceil(NOC) * NOC;
    assert!(m.len() >= XI * ocp * vs && tn <= vs);
    let cl = ChunkLayout::planar(ocp, vs);
    let dw = lay.ow_step;
    let sw = 2 * dw;
    let r1 = r + lay.oh_step;
    for oc in 0..o {
        let b = F4::splat(bias.map_or(0.0, |b| b[oc]));
        let plane = &mut y[(ni * o + oc) * oh * ow..][..oh * ow];
        let mut t = 0;
        while t < tn && t0 + t < ms {
            let mut mv = [F4::splat(0.0); XI];
            for (xi, slot) in mv.iter_mut().enumerate() {
                // SAFETY: at(ξ, oc, t) + 4 <= XI·ocp·vs (assert above; t + 4 <= tn <= vs).
                *slot = unsafe { F4::load(m.as_ptr().add(cl.at(xi, oc, t))) };
            }
            let [y00, y01, y10, y11] = output(&mv);
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
