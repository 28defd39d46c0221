//! One-layer recurrent nets as `torch.nn.RNN` (tanh or relu), `LSTM` and `GRU` (biases,
//! `batch_first=False`, one direction): the forward over a sequence and backpropagation through
//! time. Weights use torch's layout (`weight_ih_l0` `[G*H, I]`, `weight_hh_l0` `[G*H, H]`, two
//! bias vectors `[G*H]`), with the gate blocks in torch's order: LSTM i, f, g, o; GRU r, z, n.
//!
//! ```text
//! RNN:  h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)
//! LSTM: [a_i|a_f|a_g|a_o] = x W_ih^T + b_ih + h W_hh^T + b_hh; c' = f c + i g; h' = o tanh(c')
//! GRU:  r = s(gi_r + gh_r), z = s(gi_z + gh_z), n = tanh(gi_n + r gh_n) (b_hn inside r(...)),
//!       h' = (1 - z) n + z h
//! ```
//!
//! Everything is computed in f64 from the f32 inputs; results are rounded once.

use crate::tensor::{check_len, expect_rank, numel};
use crate::{arg_err, Result};

/// Which recurrent cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    RnnTanh,
    RnnRelu,
    Lstm,
    Gru,
}

impl Cell {
    /// Gate blocks per step: 1, 4 (i, f, g, o) or 3 (r, z, n).
    pub fn gates(self) -> usize {
        match self {
            Cell::RnnTanh | Cell::RnnRelu => 1,
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }
}

/// The four weight tensors of a layer (torch's `*_l0` parameters).
#[derive(Debug, Clone, Copy)]
pub struct Weights<'a> {
    pub w_ih: &'a [f32],
    pub w_hh: &'a [f32],
    pub b_ih: &'a [f32],
    pub b_hh: &'a [f32],
}

/// A forward run: the outputs and what backpropagation needs (all f64, per step and sample).
#[derive(Debug, Clone)]
pub struct Run {
    pub cell: Cell,
    /// `[T, N, I, H]`
    pub dims: [usize; 4],
    /// h of every step `[T, N, H]` (the output), and h0 / c0.
    pub hs: Vec<f64>,
    pub h0: Vec<f64>,
    pub cs: Vec<f64>,
    pub c0: Vec<f64>,
    /// Gate activations `[T, N, G*H]` (after their nonlinearity).
    pub gates: Vec<f64>,
    /// GRU only: `h W_hn^T + b_hn` per step `[T, N, H]`.
    pub gh_n: Vec<f64>,
}

impl Run {
    /// The output `[T, N, H]`.
    pub fn output(&self) -> Vec<f32> {
        self.hs.iter().map(|&v| v as f32).collect()
    }
    /// The last h `[1, N, H]`.
    pub fn h_n(&self) -> Vec<f32> {
        let [t, n, _, h] = self.dims;
        self.hs[(t - 1) * n * h..]
            .iter()
            .map(|&v| v as f32)
            .collect()
    }
    /// The last c `[1, N, H]` (LSTM).
    pub fn c_n(&self) -> Vec<f32> {
        let [t, n, _, h] = self.dims;
        self.cs[(t - 1) * n * h..]
            .iter()
            .map(|&v| v as f32)
            .collect()
    }
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// `out[r] = b[r] + sum_c w[r, c] v[c]`.
fn affine(w: &[f32], b: &[f32], v: &[f64], out: &mut [f64]) {
    let cols = v.len();
    for (r, o) in out.iter_mut().enumerate() {
        *o = b[r] as f64
            + w[r * cols..][..cols]
                .iter()
                .zip(v)
                .map(|(&a, &x)| a as f64 * x)
                .sum::<f64>();
    }
}

/// Checks `x [T, N, I]`, the states and the weights; returns `[T, N, I, H]`.
fn check(cell: Cell, xs: &[usize], h: usize, wt: &Weights) -> Result<[usize; 4]> {
    let [t, n, i] = expect_rank::<3>("x", xs)?;
    if t == 0 || n == 0 || i == 0 || h == 0 {
        return arg_err!("a recurrent net needs T, N, input and hidden sizes >= 1, got x {xs:?} and hidden size {h}");
    }
    let gh = cell.gates() * h;
    check_len("weight_ih", wt.w_ih.len(), &[gh, i])?;
    check_len("weight_hh", wt.w_hh.len(), &[gh, h])?;
    check_len("bias_ih", wt.b_ih.len(), &[gh])?;
    check_len("bias_hh", wt.b_hh.len(), &[gh])?;
    numel(&[t, n, gh])?;
    Ok([t, n, i, h])
}

/// Runs the net over `x [T, N, I]` from `h0 [1, N, H]` (and `c0` for the LSTM).
pub fn forward(
    cell: Cell,
    x: &[f32],
    xs: &[usize],
    h0: &[f32],
    c0: Option<&[f32]>,
    hidden: usize,
    wt: &Weights,
) -> Result<Run> {
    let dims = check(cell, xs, hidden, wt)?;
    let [t, n, i, h] = dims;
    check_len("x", x.len(), xs)?;
    check_len("h0", h0.len(), &[1, n, h])?;
    let c0: Vec<f64> = match (cell, c0) {
        (Cell::Lstm, Some(c)) => {
            check_len("c0", c.len(), &[1, n, h])?;
            c.iter().map(|&v| v as f64).collect()
        }
        (Cell::Lstm, None) => vec![0.0; n * h],
        _ => Vec::new(),
    };
    let g = cell.gates() * h;
    let mut run = Run {
        cell,
        dims,
        hs: vec![0.0; t * n * h],
        h0: h0.iter().map(|&v| v as f64).collect(),
        cs: if cell == Cell::Lstm {
            vec![0.0; t * n * h]
        } else {
            Vec::new()
        },
        c0,
        gates: vec![0.0; t * n * g],
        gh_n: if cell == Cell::Gru {
            vec![0.0; t * n * h]
        } else {
            Vec::new()
        },
    };
    let (mut gi, mut gh) = (vec![0.0f64; g], vec![0.0f64; g]);
    for ti in 0..t {
        for b in 0..n {
            let xv: Vec<f64> = x[(ti * n + b) * i..][..i]
                .iter()
                .map(|&v| v as f64)
                .collect();
            let hp: Vec<f64> = if ti == 0 {
                run.h0[b * h..][..h].to_vec()
            } else {
                run.hs[((ti - 1) * n + b) * h..][..h].to_vec()
            };
            affine(wt.w_ih, wt.b_ih, &xv, &mut gi);
            affine(wt.w_hh, wt.b_hh, &hp, &mut gh);
            let at = (ti * n + b) * h;
            let gates = &mut run.gates[(ti * n + b) * g..][..g];
            match cell {
                Cell::RnnTanh | Cell::RnnRelu => {
                    for k in 0..h {
                        let a = gi[k] + gh[k];
                        let v = if cell == Cell::RnnTanh {
                            a.tanh()
                        } else {
                            a.max(0.0)
                        };
                        gates[k] = v;
                        run.hs[at + k] = v;
                    }
                }
                Cell::Lstm => {
                    for k in 0..h {
                        let a = |blk: usize| gi[blk * h + k] + gh[blk * h + k];
                        let (ig, fg, gg, og) =
                            (sigmoid(a(0)), sigmoid(a(1)), a(2).tanh(), sigmoid(a(3)));
                        let cp = if ti == 0 {
                            run.c0[b * h + k]
                        } else {
                            run.cs[((ti - 1) * n + b) * h + k]
                        };
                        let c = fg * cp + ig * gg;
                        gates[k] = ig;
                        gates[h + k] = fg;
                        gates[2 * h + k] = gg;
                        gates[3 * h + k] = og;
                        run.cs[at + k] = c;
                        run.hs[at + k] = og * c.tanh();
                    }
                }
                Cell::Gru => {
                    for k in 0..h {
                        let r = sigmoid(gi[k] + gh[k]);
                        let z = sigmoid(gi[h + k] + gh[h + k]);
                        let nn = (gi[2 * h + k] + r * gh[2 * h + k]).tanh();
                        gates[k] = r;
                        gates[h + k] = z;
                        gates[2 * h + k] = nn;
                        run.gh_n[at + k] = gh[2 * h + k];
                        run.hs[at + k] = (1.0 - z) * nn + z * hp[k];
                    }
                }
            }
        }
    }
    Ok(run)
}

/// Gradients of a run: `(dx [T, N, I], dh0, dc0 (LSTM), dw_ih, dw_hh, db_ih, db_hh)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grads {
    pub x: Vec<f32>,
    pub h0: Vec<f32>,
    pub c0: Vec<f32>,
    pub w_ih: Vec<f32>,
    pub w_hh: Vec<f32>,
    pub b_ih: Vec<f32>,
    pub b_hh: Vec<f32>,
}

/// Backpropagation through time of `L = sum gy * output + sum gh_n * h_n (+ sum gc_n * c_n)`.
pub fn backward(
    run: &Run,
    x: &[f32],
    wt: &Weights,
    grad_output: &[f32],
    grad_h_n: Option<&[f32]>,
    grad_c_n: Option<&[f32]>,
) -> Result<Grads> {
    let cell = run.cell;
    let [t, n, i, h] = run.dims;
    check_len("x", x.len(), &[t, n, i])?;
    check_len("output gradient", grad_output.len(), &[t, n, h])?;
    let g = cell.gates() * h;
    let start = |v: Option<&[f32]>, name: &str| -> Result<Vec<f64>> {
        match v {
            Some(v) => {
                check_len(name, v.len(), &[1, n, h])?;
                Ok(v.iter().map(|&a| a as f64).collect())
            }
            None => Ok(vec![0.0; n * h]),
        }
    };
    let mut dh = start(grad_h_n, "h_n gradient")?;
    let mut dc = start(grad_c_n, "c_n gradient")?;
    let mut gx = vec![0.0f64; t * n * i];
    let mut gw_ih = vec![0.0f64; g * i];
    let mut gw_hh = vec![0.0f64; g * h];
    let mut gb_ih = vec![0.0f64; g];
    let mut gb_hh = vec![0.0f64; g];
    let (mut dgi, mut dgh, mut direct) = (vec![0.0f64; g], vec![0.0f64; g], vec![0.0f64; h]);
    for ti in (0..t).rev() {
        for b in 0..n {
            let at = (ti * n + b) * h;
            let hp: &[f64] = if ti == 0 {
                &run.h0[b * h..][..h]
            } else {
                &run.hs[((ti - 1) * n + b) * h..][..h]
            };
            let gates = &run.gates[(ti * n + b) * g..][..g];
            let dhb = &mut dh[b * h..][..h];
            for (d, &go) in dhb.iter_mut().zip(&grad_output[at..at + h]) {
                *d += go as f64;
            }
            direct.fill(0.0);
            match cell {
                Cell::RnnTanh | Cell::RnnRelu => {
                    for k in 0..h {
                        let y = run.hs[at + k];
                        let da = if cell == Cell::RnnTanh {
                            dhb[k] * (1.0 - y * y)
                        } else if y > 0.0 {
                            dhb[k]
                        } else {
                            0.0
                        };
                        dgi[k] = da;
                        dgh[k] = da;
                    }
                }
                Cell::Lstm => {
                    let dcb = &mut dc[b * h..][..h];
                    for k in 0..h {
                        let (ig, fg, gg, og) =
                            (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k]);
                        let c = run.cs[at + k];
                        let cp = if ti == 0 {
                            run.c0[b * h + k]
                        } else {
                            run.cs[((ti - 1) * n + b) * h + k]
                        };
                        let tc = c.tanh();
                        let dct = dcb[k] + dhb[k] * og * (1.0 - tc * tc);
                        let da = [
                            dct * gg * ig * (1.0 - ig),
                            dct * cp * fg * (1.0 - fg),
                            dct * ig * (1.0 - gg * gg),
                            dhb[k] * tc * og * (1.0 - og),
                        ];
                        for (blk, &v) in da.iter().enumerate() {
                            dgi[blk * h + k] = v;
                            dgh[blk * h + k] = v;
                        }
                        dcb[k] = dct * fg;
                    }
                }
                Cell::Gru => {
                    for k in 0..h {
                        let (r, z, nn) = (gates[k], gates[h + k], gates[2 * h + k]);
                        let dan = dhb[k] * (1.0 - z) * (1.0 - nn * nn);
                        let dar = dan * run.gh_n[at + k] * r * (1.0 - r);
                        let daz = dhb[k] * (hp[k] - nn) * z * (1.0 - z);
                        dgi[k] = dar;
                        dgi[h + k] = daz;
                        dgi[2 * h + k] = dan;
                        dgh[k] = dar;
                        dgh[h + k] = daz;
                        dgh[2 * h + k] = dan * r;
                        direct[k] = dhb[k] * z;
                    }
                }
            }
            let xv = &x[(ti * n + b) * i..][..i];
            let gxb = &mut gx[(ti * n + b) * i..][..i];
            for r in 0..g {
                gb_ih[r] += dgi[r];
                gb_hh[r] += dgh[r];
                for (c, &xc) in xv.iter().enumerate() {
                    gw_ih[r * i + c] += dgi[r] * xc as f64;
                    gxb[c] += dgi[r] * wt.w_ih[r * i + c] as f64;
                }
                for (c, &hc) in hp.iter().enumerate() {
                    gw_hh[r * h + c] += dgh[r] * hc;
                }
            }
            for (k, d) in dhb.iter_mut().enumerate() {
                *d = direct[k]
                    + (0..g)
                        .map(|r| dgh[r] * wt.w_hh[r * h + k] as f64)
                        .sum::<f64>();
            }
        }
    }
    let f = |v: Vec<f64>| v.into_iter().map(|a| a as f32).collect::<Vec<f32>>();
    Ok(Grads {
        x: f(gx),
        h0: f(dh),
        c0: if cell == Cell::Lstm {
            f(dc)
        } else {
            Vec::new()
        },
        w_ih: f(gw_ih),
        w_hh: f(gw_hh),
        b_ih: f(gb_ih),
        b_hh: f(gb_hh),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{dot, grad_check, randn};

    /// Every gradient of every cell against central differences of
    /// `sum gy * output + sum gh * h_n (+ sum gc * c_n)`.
    #[test]
    fn bptt_matches_finite_differences_for_every_cell() {
        let (t, n, i, h) = (4usize, 2usize, 3usize, 3usize);
        for cell in [Cell::RnnTanh, Cell::RnnRelu, Cell::Lstm, Cell::Gru] {
            let g = cell.gates() * h;
            let x = randn(t * n * i, 1, 1.0);
            let h0 = randn(n * h, 2, 0.5);
            let c0 = randn(n * h, 3, 0.5);
            let w_ih = randn(g * i, 4, 0.5);
            let w_hh = randn(g * h, 5, 0.5);
            let b_ih = randn(g, 6, 0.3);
            let b_hh = randn(g, 7, 0.3);
            let gy = randn(t * n * h, 8, 1.0);
            let ghn = randn(n * h, 9, 1.0);
            let gcn = randn(n * h, 10, 1.0);
            let lstm = cell == Cell::Lstm;
            let obj = |x: &[f32], h0: &[f32], c0: &[f32], ws: [&[f32]; 4]| -> f64 {
                let wt = Weights {
                    w_ih: ws[0],
                    w_hh: ws[1],
                    b_ih: ws[2],
                    b_hh: ws[3],
                };
                let r = forward(cell, x, &[t, n, i], h0, lstm.then_some(c0), h, &wt).unwrap();
                dot(&r.output(), &gy)
                    + dot(&r.h_n(), &ghn)
                    + if lstm { dot(&r.c_n(), &gcn) } else { 0.0 }
            };
            let wt = Weights {
                w_ih: &w_ih,
                w_hh: &w_hh,
                b_ih: &b_ih,
                b_hh: &b_hh,
            };
            let run = forward(cell, &x, &[t, n, i], &h0, lstm.then_some(&c0[..]), h, &wt).unwrap();
            let gr = backward(&run, &x, &wt, &gy, Some(&ghn), lstm.then_some(&gcn[..])).unwrap();
            let what = |s: &str| format!("{cell:?} {s}");
            let ws = [&w_ih[..], &w_hh, &b_ih, &b_hh];
            grad_check(&what("dx"), &x, &gr.x, 8e-3, 3e-3, &mut |v| {
                obj(v, &h0, &c0, ws)
            });
            grad_check(&what("dh0"), &h0, &gr.h0, 8e-3, 3e-3, &mut |v| {
                obj(&x, v, &c0, ws)
            });
            if lstm {
                grad_check(&what("dc0"), &c0, &gr.c0, 8e-3, 3e-3, &mut |v| {
                    obj(&x, &h0, v, ws)
                });
            }
            let grads = [&gr.w_ih, &gr.w_hh, &gr.b_ih, &gr.b_hh];
            for k in 0..4 {
                grad_check(
                    &what(&format!("weight {k}")),
                    ws[k],
                    grads[k],
                    8e-3,
                    3e-3,
                    &mut |v| {
                        let mut w2 = ws;
                        w2[k] = v;
                        obj(&x, &h0, &c0, w2)
                    },
                );
            }
        }
    }

    #[test]
    fn shapes_are_checked() {
        let w = [0.0f32; 12];
        let wt = Weights {
            w_ih: &w[..4],
            w_hh: &w[..4],
            b_ih: &w[..4],
            b_hh: &w[..4],
        };
        assert!(forward(Cell::Lstm, &[0.0; 2], &[1, 1, 2], &[0.0], None, 1, &wt).is_err());
        assert!(forward(Cell::Lstm, &[0.0; 1], &[1, 1, 1], &[0.0], None, 1, &wt).is_ok());
        assert!(forward(Cell::Gru, &[0.0; 1], &[1, 1, 1], &[0.0], None, 1, &wt).is_err());
    }
}
