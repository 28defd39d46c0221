//! conv2d on NCHW with 4-lane vectors: no im2col, the output row is the vector axis.
//!
//! Four kernels on a checked `Geom` (`x [N,C,H,W]`, `w [O,C/G,kH,kW]`, `y [N,O,OH,OW]`), chosen
//! by shape. The three direct ones give the same answer as `reference::forward`, summing in the
//! same order (bias, then input channel, kernel row, kernel column); Winograd sums differently
//! (its module states its error bound):
//! * **winograd** (3x3, one group, 8+ channels in and out, stride 1 with any dilation or stride
//!   2): `simd/winograd.rs` and `simd/stride2.rs`, 2.25x (stride 1) or 1.78x (stride 2) fewer
//!   multiply-adds; the packed transformed weights are kept for the next call with the same
//!   weights.
//! * **dense** (any kernel, stride, padding, dilation, groups): the input is copied, a band of
//!   rows just ahead of use, into a zero-padded buffer split into `stride_w` column phases (`xq[c][row][phase][m] =
//!   xpad[row][m*sw + phase]`), so every tap of every output column block is a contiguous,
//!   unaligned vector load even with stride 2 and dilation 4. A register block of `NOC` output
//!   channels x `NX` vectors of output columns accumulates over `(ci, u, v)`; weights are packed
//!   `[group][oc block][ci][u][v][NOC]` so the block walks them linearly and each is one
//!   `load32_splat`. A tail block of output channels gets zero weights and is not stored.
//! * **depthwise** (`groups == C_in == C_out`): one channel at a time through a small padded,
//!   phased buffer that stays in cache; the 3x3 weights live in registers.
//! * **pointwise** (1x1, stride 1, no padding): a GEMM `Y[O, HW] = W[O, C] X[C, HW]` per group,
//!   tiled over HW so the X tile stays in cache while every output-channel block passes over it.

use std::cell::RefCell;

mod stride2;
mod winograd;

use super::params::{Conv2dParams, Geom};
use crate::ops::lanes::F4;
use crate::tensor::{try_grow, MAX_ELEMENTS};
use crate::{Error, Result};

/// Output channels per register block.
const NOC: usize = 4;
/// Vectors (of 4 output columns) per register block in the dense and pointwise kernels: 4x2
/// accumulators + 2 inputs + 1 weight = 11 of the 15 vector registers V8 lets wasm use on x64
/// (4x3, 6x2, 3x4 and 8x1 blocks all measured slower).
const NX: usize = 2;
const BW: usize = NX * 4;
/// Vectors per block in the depthwise kernel (4 accumulators + 9 weights + 1 input).
const DW_NX: usize = 4;
const DW_BW: usize = DW_NX * 4;
/// Floats in one pointwise GEMM tile (32 KiB: 32 input channels x 256 columns).
const PW_TILE_FLOATS: usize = 8192;

thread_local! {
    /// Reused scratch (padded input, packed weights): the labs and the bench call conv2d in a
    /// loop, and reallocating megabytes each time would cost more than the padding copy itself.
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch {
            buf: Vec::new(),
            wpk: Vec::new(),
            v: Vec::new(),
            m: Vec::new(),
            packed: winograd::PackedU::new(),
        })
    };
}

/// The checked operands of one call (`forward`'s arguments).
#[derive(Clone, Copy)]
struct Operands<'a> {
    g: &'a Geom,
    x: &'a [f32],
    w: &'a [f32],
    bias: Option<&'a [f32]>,
}

/// The padded (or tiled) input copy, the packed weights, and Winograd's transformed input and
/// products.
struct Scratch {
    buf: Vec<f32>,
    wpk: Vec<f32>,
    v: Vec<f32>,
    m: Vec<f32>,
    /// Winograd's packed weights, kept for the next call with the same weights.
    packed: winograd::PackedU,
}

/// Which kernel `conv2d` uses for a shape (for the bench's notes and the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Dense,
    Depthwise,
    Pointwise,
    /// Winograd: 3x3, one group, 8 or more channels in and out, stride 1 (F(2x2, 3x3), any
    /// dilation) or stride 2 (dilation 1; polyphase F(4, 2)) (a non-finite or huge input falls
    /// back to `Dense`).
    Winograd,
}

pub fn kernel_for(ws: [usize; 4], p: &Conv2dParams) -> Kernel {
    let [o, cg, kh, kw] = ws;
    let og = o / p.groups.max(1);
    if kh == 1 && kw == 1 && p.stride == [1, 1] && p.padding == [0, 0] {
        Kernel::Pointwise
    } else if winograd::applies(ws, p) {
        Kernel::Winograd
    } else if cg == 1 && og == 1 {
        Kernel::Depthwise
    } else {
        Kernel::Dense
    }
}

/// conv2d into `y`; `g` and the lengths must already be checked (`conv::conv2d_into` does).
pub fn forward(g: &Geom, x: &[f32], w: &[f32], bias: Option<&[f32]>, y: &mut [f32]) -> Result<()> {
    debug_assert_eq!(x.len(), g.xs.iter().product::<usize>());
    debug_assert_eq!(w.len(), g.ws.iter().product::<usize>());
    debug_assert_eq!(y.len(), g.ys.iter().product::<usize>());
    SCRATCH.with(|s| {
        let s = &mut *s.borrow_mut();
        let op = Operands { g, x, w, bias };
        match kernel_for(g.ws, &g.p) {
            // The GEMM reads the output grid as the input grid: true for a 1x1 stride-1 conv,
            // but not when the geometry set a stride to 1 because its axis has one output
            // (a 1x1 conv with stride 3 on 2 columns: 1 output column, 2 input columns).
            Kernel::Pointwise if g.xs[2..] == g.ys[2..] => pointwise(op, y, s),
            Kernel::Pointwise => dense(op, y, s),
            Kernel::Depthwise => depthwise(op, y, &mut s.buf),
            Kernel::Winograd if winograd::tame(x) => winograd::forward(op, y, s),
            Kernel::Winograd | Kernel::Dense => dense(op, y, s),
        }
    })
}

/// `a * b * ...` or a TooLarge error (scratch sizes are products of user-chosen numbers).
fn checked_size(dims: &[usize]) -> Result<usize> {
    dims.iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS)
        .ok_or_else(|| {
            Error::TooLarge(format!(
                "the padded copy of the input would need {dims:?} floats, more than {MAX_ELEMENTS}"
            ))
        })
}

/// Geometry of the padded, column-phased copy of one channel.
#[derive(Clone, Copy)]
struct Phased {
    h: usize,
    w: usize,
    ph: usize,
    pw: usize,
    /// Padded rows.
    hp: usize,
    /// Column stride = number of phases.
    sw: usize,
    /// Floats per phase row (with slack so whole vector blocks never read past the row).
    wq: usize,
}

impl Phased {
    /// The geometry, or a TooLarge error when the padded, phased plane (`hp x sw*wq` floats)
    /// would be over the element limit (every product checked: the sizes come from JS).
    fn new(xs: [usize; 4], p: &Conv2dParams, kw: usize, ow: usize, block: usize) -> Result<Phased> {
        let [_, _, h, w] = xs;
        let [ph, pw] = p.padding;
        let sw = p.stride[1];
        let too_large = || {
            Error::TooLarge(format!(
                "the padded copy of a {h}x{w} input (padding {ph}, {pw}, stride {sw}) is more than {MAX_ELEMENTS} floats"
            ))
        };
        let wp = pw
            .checked_mul(2)
            .and_then(|v| v.checked_add(w))
            .ok_or_else(too_large)?;
        let max_off = (kw - 1).checked_mul(p.dilation[1]).ok_or_else(too_large)? / sw;
        let blocks = ow
            .div_ceil(block)
            .checked_mul(block)
            .and_then(|v| v.checked_add(max_off));
        let wq = wp.div_ceil(sw).max(blocks.ok_or_else(too_large)?);
        let hp = ph
            .checked_mul(2)
            .and_then(|v| v.checked_add(h))
            .ok_or_else(too_large)?;
        checked_size(&[hp, sw, wq])?;
        Ok(Phased {
            h,
            w,
            ph,
            pw,
            hp,
            sw,
            wq,
        })
    }
    /// Floats per padded row (all phases).
    fn row(&self) -> usize {
        self.sw * self.wq
    }
    fn plane(&self) -> usize {
        self.hp * self.row()
    }
    /// Offset of kernel column `v` inside a padded row: its phase and its shift in that phase.
    fn tap(&self, v: usize, dw: usize) -> usize {
        let c = v * dw;
        (c % self.sw) * self.wq + c / self.sw
    }
    /// Writes every float of one channel's padded, phased plane (`dst.len() == plane()`).
    fn fill(&self, dst: &mut [f32], src: &[f32]) {
        self.fill_rows(dst, src, 0..self.hp);
    }

    /// Writes padded rows `rows` of one channel's phased plane (`dst` is the whole plane). The
    /// kernels fill a band of rows just before using it, so the copy is still in cache when
    /// the sums read it.
    fn fill_rows(&self, dst: &mut [f32], src: &[f32], rows: std::ops::Range<usize>) {
        let row = self.row();
        let first = rows.start;
        for (k, drow) in dst[rows.start * row..rows.end * row]
            .chunks_exact_mut(row)
            .enumerate()
        {
            let r = first + k;
            if r < self.ph || r >= self.ph + self.h {
                drow.fill(0.0);
                continue;
            }
            let srow = &src[(r - self.ph) * self.w..][..self.w];
            if self.sw == 1 {
                drow[..self.pw].fill(0.0);
                drow[self.pw..self.pw + self.w].copy_from_slice(srow);
                drow[self.pw + self.w..].fill(0.0);
            } else {
                self.split_phases(drow, srow);
            }
        }
    }

    /// Fills, in every channel plane of `buf` (`c` planes of `plane()` floats, from `x`'s `c`
    /// channels of `h x w`), the rows from `*filled` up to at least `need` (a band of `BAND`
    /// more, within `hp`), and advances `*filled`.
    fn fill_band(&self, buf: &mut [f32], x: &[f32], need: usize, filled: &mut usize) {
        const BAND: usize = 8;
        if need <= *filled {
            return;
        }
        let upto = (need + BAND).min(self.hp);
        let (plane, hw) = (self.plane(), self.h * self.w);
        // Indexed, not chunked: an empty input (h or w = 0, all padding) has hw = 0.
        let c = buf.len().checked_div(plane).unwrap_or(0);
        for ci in 0..c {
            let src = &x[ci * hw..][..hw];
            self.fill_rows(&mut buf[ci * plane..][..plane], src, *filled..upto);
        }
        *filled = upto;
    }

    /// `drow[phase][m] = padded[m·sw + phase]`, where `padded` is the source row `srow` with
    /// `pw` zeros before it and zeros after, without building it (one copy of every row fewer).
    /// For 2, 4 or 8 phases four columns of every phase at a time: `4·sw` padded
    /// columns inside the source row are `sw` vector loads and log2(sw) rounds of `unzip`; the
    /// few blocks at the row's two ends go through a zero-filled copy of their `4·sw` floats.
    fn split_phases(&self, drow: &mut [f32], srow: &[f32]) {
        let (sw, wq, pw, w) = (self.sw, self.wq, self.pw, self.w);
        assert!(drow.len() == sw * wq && srow.len() == w);
        let at = |j: usize| {
            if j >= pw && j - pw < w {
                srow[j - pw]
            } else {
                0.0
            }
        };
        let vec_m = if matches!(sw, 2 | 4 | 8) {
            wq / 4 * 4
        } else {
            0
        };
        let blk = 4 * sw;
        let mut edge = [0.0f32; 32];
        let mut m = 0;
        while m < vec_m {
            let j0 = m * sw;
            let src = if j0 >= pw && j0 - pw + blk <= w {
                srow[j0 - pw..][..blk].as_ptr()
            } else {
                for (k, e) in edge[..blk].iter_mut().enumerate() {
                    *e = at(j0 + k);
                }
                edge.as_ptr()
            };
            // SAFETY: `src` points at `blk = 4·sw` readable floats (a slice of that length
            // above); m + 4 <= wq, so the stores end at phase·wq + m + 4 <= sw·wq = drow.len().
            unsafe {
                let ld = |k: usize| F4::load(src.add(4 * k));
                let mut out = [F4::splat(0.0); 8];
                match sw {
                    2 => out[..2].copy_from_slice(&deint2([ld(0), ld(1)])),
                    4 => out[..4].copy_from_slice(&deint4([ld(0), ld(1), ld(2), ld(3)])),
                    _ => out = deint8(std::array::from_fn(ld)),
                }
                for (phase, v) in out.iter().take(sw).enumerate() {
                    v.store(drow.as_mut_ptr().add(phase * wq + m));
                }
            }
            m += 4;
        }
        for (phase, dq) in drow.chunks_exact_mut(wq).enumerate() {
            for (mm, d) in dq.iter_mut().enumerate().skip(vec_m) {
                *d = at(mm * sw + phase);
            }
        }
    }
}

/// Phases of 8 consecutive floats: `[evens, odds]`.
#[inline(always)]
fn deint2([a, b]: [F4; 2]) -> [F4; 2] {
    let (e, o) = F4::unzip(a, b);
    [e, o]
}

/// Phases mod 4 of 16 consecutive floats: split even/odd, then each half again.
#[inline(always)]
pub(super) fn deint4(v: [F4; 4]) -> [F4; 4] {
    let (e0, o0) = F4::unzip(v[0], v[1]);
    let (e1, o1) = F4::unzip(v[2], v[3]);
    let [p0, p2] = deint2([e0, e1]);
    let [p1, p3] = deint2([o0, o1]);
    [p0, p1, p2, p3]
}

/// Phases mod 8 of 32 consecutive floats.
#[inline(always)]
pub(super) fn deint8(v: [F4; 8]) -> [F4; 8] {
    let pairs: [(F4, F4); 4] = std::array::from_fn(|i| F4::unzip(v[2 * i], v[2 * i + 1]));
    let e = deint4(std::array::from_fn(|i| pairs[i].0));
    let o = deint4(std::array::from_fn(|i| pairs[i].1));
    std::array::from_fn(|p| if p % 2 == 0 { e[p / 2] } else { o[p / 2] })
}

/// Stores the first `n` of the `N*4` lanes of `acc` at `dst`.
///
/// # Safety
/// `dst..dst+n` must be writable.
#[inline(always)]
unsafe fn store_block<const N: usize>(acc: &[F4; N], dst: *mut f32, n: usize) {
    if n >= N * 4 {
        for (k, a) in acc.iter().enumerate() {
            a.store(dst.add(4 * k));
        }
    } else {
        for (k, a) in acc.iter().enumerate() {
            for (l, v) in a.to_array().into_iter().enumerate() {
                if 4 * k + l < n {
                    *dst.add(4 * k + l) = v;
                }
            }
        }
    }
}

fn dense(op: Operands<'_>, y: &mut [f32], Scratch { buf, wpk, .. }: &mut Scratch) -> Result<()> {
    let (x, w, bias) = (op.x, op.w, op.bias);
    let Geom { xs, ws, ys, p } = op.g;
    let [n, c, h, wd] = *xs;
    let [o, cg, kh, kw] = *ws;
    let [_, _, oh, ow] = *ys;
    let g = p.groups;
    let og = o / g;
    let nob = og.div_ceil(NOC);
    let [sh, _] = p.stride;
    let [dh, dw] = p.dilation;
    let ph = Phased::new(*xs, p, kw, ow, BW)?;
    let plane = ph.plane();
    let need = checked_size(&[c, plane])?;
    try_grow("the padded copy of the input", buf, need, 0.0)?;
    // Pack weights [g][ob][ci][u][v][NOC], each stored 4 times (a ready-made splat: one plain
    // vector load whose offset wasm can encode, where `load32_splat` costs an extra address add
    // per weight); zero for the missing channels of a tail block.
    let per_block = pack_weights(wpk, w, [g, og, cg * kh * kw], 4);
    let taps: Vec<usize> = (0..kw).map(|v| ph.tap(v, dw)).collect();
    let row = ph.row();
    let walk = Walk {
        plane,
        urow: dh * row,
        cg,
        kh,
    };
    // The furthest float any block reads must be inside the buffer (the SAFETY argument below).
    debug_assert!(
        (c - 1) * plane
            + ((oh - 1) * sh + (kh - 1) * dh) * row
            + taps.iter().max().unwrap_or(&0)
            + ow.div_ceil(BW) * BW
            <= c * plane
    );
    for ni in 0..n {
        let xn = &x[ni * c * h * wd..][..c * h * wd];
        // Rows are copied in bands just ahead of the output rows that read them (every group
        // reads its own channels, so with several groups the whole input is copied first).
        let mut filled = 0;
        if g > 1 {
            ph.fill_band(&mut buf[..c * plane], xn, ph.hp, &mut filled);
        }
        for gi in 0..g {
            for i in 0..oh {
                ph.fill_band(
                    &mut buf[..c * plane],
                    xn,
                    i * sh + (kh - 1) * dh + 1,
                    &mut filled,
                );
                let chan0 = buf[(gi * cg * plane) + i * sh * row..].as_ptr();
                // Column block outer, channel block inner: the input columns of one block
                // (cg rows x kh x a few cache lines) stay in L1 while every output-channel
                // block uses them; measured faster than sweeping a whole row per channel block.
                let mut jb = 0;
                while jb < ow {
                    let nvalid = (ow - jb).min(BW);
                    for ob in 0..nob {
                        let valid_oc = NOC.min(og - ob * NOC);
                        let oc0 = gi * og + ob * NOC;
                        let init = bias_lanes(bias, oc0, valid_oc);
                        let wblk = wpk[(gi * nob + ob) * per_block..].as_ptr();
                        // SAFETY: rows i*sh + u*dh < hp (the shape check guarantees the window
                        // fits the padded input) and columns jb + tap + BW <= wq by construction
                        // of `Phased`, so every load stays inside `buf` (see the debug_assert);
                        // `wblk` holds cg*kh*kw*NOC*4 floats.
                        let acc = unsafe { dense_block(chan0.add(jb), walk, &taps, wblk, init) };
                        let ybase = (ni * o + oc0) * oh * ow + i * ow + jb;
                        for (q, a) in acc.iter().enumerate().take(valid_oc) {
                            let dst = &mut y[ybase + q * oh * ow..][..nvalid];
                            // SAFETY: dst has nvalid floats.
                            unsafe { store_block(a, dst.as_mut_ptr(), nvalid) };
                        }
                    }
                    jb += BW;
                }
            }
        }
    }
    Ok(())
}

/// Packs `w` (`[groups * og, taps]`) as `[group][oc block][tap][NOC][copies]` so a register
/// block walks its weights linearly, `copies` times each (4: a ready-made splat); zero for the
/// missing channels of a tail block. Returns the floats per output-channel block.
fn pack_weights(
    wpk: &mut Vec<f32>,
    w: &[f32],
    [groups, og, taps]: [usize; 3],
    copies: usize,
) -> usize {
    let nob = og.div_ceil(NOC);
    let per_block = taps * NOC * copies;
    wpk.clear();
    wpk.resize(groups * nob * per_block, 0.0);
    for gi in 0..groups {
        for ob in 0..nob {
            let dst = &mut wpk[(gi * nob + ob) * per_block..][..per_block];
            for q in 0..NOC.min(og - ob * NOC) {
                let oc = gi * og + ob * NOC + q;
                for (t, &wv) in w[oc * taps..][..taps].iter().enumerate() {
                    dst[(t * NOC + q) * copies..][..copies].fill(wv);
                }
            }
        }
    }
    per_block
}

/// The biases of output channels `oc0..oc0 + valid` (zero without bias, and for the missing
/// channels of a tail block), one per lane vector.
#[inline(always)]
fn bias_lanes(bias: Option<&[f32]>, oc0: usize, valid: usize) -> [F4; NOC] {
    let mut init = [F4::splat(0.0); NOC];
    if let Some(b) = bias {
        for q in 0..valid {
            init[q] = F4::splat(b[oc0 + q]);
        }
    }
    init
}

/// The accumulators of one register block, each output channel's starting at its bias.
#[inline(always)]
fn block_start(init: [F4; NOC]) -> [[F4; NX]; NOC] {
    let mut acc = [[F4::splat(0.0); NX]; NOC];
    for q in 0..NOC {
        acc[q] = [init[q]; NX];
    }
    acc
}

/// `acc[q][k] += w_q * xv[k]` for the NOC weights `next_weight` yields in turn (one weight load
/// between the multiply-adds of consecutive channels: this order keeps 11 vectors live).
#[inline(always)]
fn block_step(acc: &mut [[F4; NX]; NOC], xv: &[F4; NX], mut next_weight: impl FnMut() -> F4) {
    for accq in acc.iter_mut() {
        let wv = next_weight();
        for k in 0..NX {
            accq[k] = accq[k].mul_add(wv, xv[k]);
        }
    }
}

/// How `dense_block` walks the phased buffer: floats per channel plane and per dilated kernel
/// row, and how many channels and kernel rows it sums.
#[derive(Clone, Copy)]
struct Walk {
    plane: usize,
    urow: usize,
    cg: usize,
    kh: usize,
}

/// One register block: NOC output channels x BW output columns, summed over (ci, u, v).
///
/// The tap loop is deliberately not unrolled: unrolled, LLVM groups the work accumulator by
/// accumulator and keeps ~17 vectors live, more than the 15 registers V8 gives wasm on x64, and
/// the spills made it 10-20% slower than this loop.
///
/// # Safety
/// See the caller: all reads must stay inside the phased buffer and the packed weights.
#[inline(always)]
unsafe fn dense_block(
    x0: *const f32,
    Walk {
        plane,
        urow,
        cg,
        kh,
    }: Walk,
    taps: &[usize],
    mut wp: *const f32,
    init: [F4; NOC],
) -> [[F4; NX]; NOC] {
    let mut acc = block_start(init);
    for ci in 0..cg {
        let mut r = x0.add(ci * plane);
        for _ in 0..kh {
            for &t in taps {
                let xp = r.add(t);
                let xv: [F4; NX] = std::array::from_fn(|k| F4::load(xp.add(4 * k)));
                block_step(&mut acc, &xv, || {
                    let wv = F4::load(wp);
                    wp = wp.add(4);
                    wv
                });
            }
            r = r.add(urow);
        }
    }
    acc
}

fn depthwise(op: Operands<'_>, y: &mut [f32], buf: &mut Vec<f32>) -> Result<()> {
    let (x, w, bias, p) = (op.x, op.w, op.bias, &op.g.p);
    let ([n, c, h, wd], [_, _, kh, kw], [_, _, oh, ow]) = (op.g.xs, op.g.ws, op.g.ys);
    let xs = &op.g.xs;
    let [sh, _] = p.stride;
    let [dh, dw] = p.dilation;
    let ph = Phased::new(*xs, p, kw, ow, DW_BW)?;
    let plane = checked_size(&[ph.hp, ph.row()])?;
    try_grow("the padded copy of the input", buf, plane, 0.0)?;
    let taps: Vec<usize> = (0..kw).map(|v| ph.tap(v, dw)).collect();
    let row = ph.row();
    debug_assert!(
        ((oh - 1) * sh + (kh - 1) * dh) * row
            + taps.iter().max().unwrap_or(&0)
            + ow.div_ceil(DW_BW) * DW_BW
            <= plane
    );
    let rows = DwRows { oh, ow, sh, row };
    for ni in 0..n {
        for ci in 0..c {
            ph.fill(&mut buf[..plane], &x[(ni * c + ci) * h * wd..][..h * wd]);
            let wk = &w[ci * kh * kw..][..kh * kw];
            let b = bias.map_or(0.0, |b| b[ci]);
            let yplane = &mut y[(ni * c + ci) * oh * ow..][..oh * ow];
            // SAFETY (both blocks): as in `dense`, rows i*sh + u*dh < hp and columns
            // jb + tap + DW_BW <= wq, so every load stays inside the phased plane (debug_assert).
            if kh == 3 && kw == 3 {
                let wv: [F4; 9] = std::array::from_fn(|t| F4::splat(wk[t]));
                let taps = [taps[0], taps[1], taps[2]];
                depthwise_rows(rows, buf, yplane, |r0, jb| unsafe {
                    let mut acc = [F4::splat(b); DW_NX];
                    for u in 0..3 {
                        let r = r0.add(u * dh * row + jb);
                        for v in 0..3 {
                            let xp = r.add(taps[v]);
                            for (k, a) in acc.iter_mut().enumerate() {
                                *a = a.mul_add(wv[u * 3 + v], F4::load(xp.add(4 * k)));
                            }
                        }
                    }
                    acc
                });
            } else {
                depthwise_rows(rows, buf, yplane, |r0, jb| unsafe {
                    let mut acc = [F4::splat(b); DW_NX];
                    for u in 0..kh {
                        let r = r0.add(u * dh * row + jb);
                        for (v, &t) in taps.iter().enumerate() {
                            let wv = F4::splat(wk[u * kw + v]);
                            let xp = r.add(t);
                            for (k, a) in acc.iter_mut().enumerate() {
                                *a = a.mul_add(wv, F4::load(xp.add(4 * k)));
                            }
                        }
                    }
                    acc
                });
            }
        }
    }
    Ok(())
}

/// The output rows of one depthwise plane: `oh x ow`, input rows `sh` padded rows of `row`
/// floats apart.
#[derive(Clone, Copy)]
struct DwRows {
    oh: usize,
    ow: usize,
    sh: usize,
    row: usize,
}

/// Every block of DW_BW output columns of every row of one depthwise plane: `block(r0, jb)` sums
/// the block at column `jb` from the padded rows starting at `r0` (row `i*sh`); the valid lanes
/// are stored in `yplane`.
#[inline(always)]
fn depthwise_rows(
    DwRows { oh, ow, sh, row }: DwRows,
    buf: &[f32],
    yplane: &mut [f32],
    mut block: impl FnMut(*const f32, usize) -> [F4; DW_NX],
) {
    for i in 0..oh {
        let r0 = buf[i * sh * row..].as_ptr();
        let yrow = &mut yplane[i * ow..][..ow];
        let mut jb = 0;
        while jb < ow {
            let acc = block(r0, jb);
            let nv = (ow - jb).min(DW_BW);
            // SAFETY: yrow[jb..] has at least nv floats.
            unsafe { store_block(&acc, yrow[jb..].as_mut_ptr(), nv) };
            jb += DW_BW;
        }
    }
}

fn pointwise(
    op: Operands<'_>,
    y: &mut [f32],
    Scratch { buf, wpk, .. }: &mut Scratch,
) -> Result<()> {
    let (x, w, bias) = (op.x, op.w, op.bias);
    let ([n, c, h, wd], [o, cg, _, _]) = (op.g.xs, op.g.ws);
    let groups = op.g.p.groups;
    let og = o / groups;
    let nob = og.div_ceil(NOC);
    let hw = h * wd;
    let full = hw / BW * BW;
    let tile = (PW_TILE_FLOATS / cg / BW * BW).max(BW);
    // Packed [g][ob][ci][NOC] (4 bytes per weight: here the weights of every channel block are
    // re-read for every tile, and pre-splatted copies measured slower).
    let per_block = pack_weights(wpk, w, [groups, og, cg], 1);
    for ni in 0..n {
        for gi in 0..groups {
            let xg = &x[(ni * c + gi * cg) * hw..][..cg * hw];
            let mut t0 = 0;
            while t0 < full {
                let t1 = (t0 + tile).min(full);
                // Copy the tile to [ci][tile]: channel planes are often a power-of-two
                // number of bytes apart (128x128 floats = 64 KiB), which puts every channel's
                // row in the same L1 sets; packed, the tile is one contiguous 32 KiB block.
                let tw = t1 - t0;
                // Rows one cache line longer than the tile, so consecutive channels start in
                // different L1 sets (a 1 KiB row stride would stack 8 rows per set).
                let rs = tw + 16;
                if buf.len() < cg * rs {
                    buf.resize(cg * rs, 0.0);
                }
                for (ci, dst) in buf[..cg * rs].chunks_exact_mut(rs).enumerate() {
                    dst[..tw].copy_from_slice(&xg[ci * hw + t0..ci * hw + t1]);
                }
                for ob in 0..nob {
                    let valid_oc = NOC.min(og - ob * NOC);
                    let oc0 = gi * og + ob * NOC;
                    let wblk = wpk[(gi * nob + ob) * per_block..][..per_block].as_ptr();
                    let init = bias_lanes(bias, oc0, valid_oc);
                    let mut jb = t0;
                    while jb < t1 {
                        let jt = jb - t0;
                        let mut acc = block_start(init);
                        // SAFETY: jt + BW <= tw <= rs, so every load is inside row ci of the
                        // packed tile (cg * rs floats); wblk has cg*NOC floats.
                        unsafe {
                            let mut xp = buf.as_ptr().add(jt);
                            let mut wp = wblk;
                            for _ in 0..cg {
                                let xv = [F4::load(xp), F4::load(xp.add(4))];
                                block_step(&mut acc, &xv, || {
                                    let wv = F4::load_splat(wp);
                                    wp = wp.add(1);
                                    wv
                                });
                                xp = xp.add(rs);
                            }
                        }
                        for (q, a) in acc.iter().enumerate().take(valid_oc) {
                            let dst = &mut y[((ni * o + oc0 + q) * hw) + jb..][..BW];
                            // SAFETY: dst has BW floats.
                            unsafe { store_block(a, dst.as_mut_ptr(), BW) };
                        }
                        jb += BW;
                    }
                }
                t0 = t1;
            }
            // The last hw % BW columns, one at a time, in the same summation order.
            for oc in gi * og..(gi + 1) * og {
                let wrow = &w[oc * cg..][..cg];
                let b = bias.map_or(0.0, |b| b[oc]);
                for j in full..hw {
                    let mut s = b;
                    for (ci, &wv) in wrow.iter().enumerate() {
                        s += wv * xg[ci * hw + j];
                    }
                    y[(ni * o + oc) * hw + j] = s;
                }
            }
        }
    }
    Ok(())
}
