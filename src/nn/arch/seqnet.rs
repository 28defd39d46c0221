//! A sequence regressor trained on the tasks of `seq`: a one-layer RNN (tanh), LSTM or GRU
//! (`nn::rnn`, torch's layout and gate order), or a TCN (a stack of causal dilated conv1d layers
//! with ReLU, `cnn::conv1d`), followed by a linear head on the last time step:
//! `pred = w · h_T + b`, MSE loss.
//!
//! Controls of the lab: truncated BPTT (`bptt = K > 0`: the first `T - K` steps run without
//! gradient and hand their state on, so the gradient reaches back at most K steps), gradient
//! clipping (`clip`: `clip_grad_norm_` on all parameters), Adam. Every step also reports the
//! gradient of the loss with respect to the input at each time step (`‖∂L/∂x_t‖`, mean over the
//! batch): the vanishing gradient made visible.

use super::seq::{batch, Batch, Task};
use crate::nn::cnn::conv1d::{conv1d, conv1d_backward, Conv1dParams};
use crate::nn::optim::{step as optim_step, OptimConfig, OptimState};
use crate::nn::rnn::{self, Cell, Weights};
use crate::nn::schedule::clip_grad_norm;
use crate::rng::Rng;
use crate::{arg_err, Error, Result};

/// The largest hidden size / channel count, kernel, TCN depth and dilation.
pub const MAX_HIDDEN: usize = 128;
pub const MAX_KERNEL: usize = 9;
pub const MAX_LAYERS: usize = 10;
pub const MAX_DILATION: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rnn,
    Lstm,
    Gru,
    Tcn,
}

impl Kind {
    pub fn parse(s: &str) -> Result<Kind> {
        match s {
            "rnn" => Ok(Kind::Rnn),
            "lstm" => Ok(Kind::Lstm),
            "gru" => Ok(Kind::Gru),
            "tcn" => Ok(Kind::Tcn),
            _ => Err(Error::bad_choice(
                "model",
                &["rnn", "lstm", "gru", "tcn"],
                s,
            )),
        }
    }
    fn cell(self) -> Option<Cell> {
        match self {
            Kind::Rnn => Some(Cell::RnnTanh),
            Kind::Lstm => Some(Cell::Lstm),
            Kind::Gru => Some(Cell::Gru),
            Kind::Tcn => None,
        }
    }
}

/// Everything that defines a run.
#[derive(Debug, Clone, PartialEq)]
pub struct SeqConfig {
    pub kind: Kind,
    pub task: Task,
    pub t: usize,
    pub batch: usize,
    /// Hidden size (RNN) or channels (TCN).
    pub hidden: usize,
    pub kernel: usize,
    pub dilations: Vec<usize>,
    pub lr: f64,
    /// Max global gradient norm; 0 = no clipping.
    pub clip: f64,
    /// Truncated BPTT length; 0 = the whole sequence.
    pub bptt: usize,
    pub seed: u64,
}

impl SeqConfig {
    pub fn check(&self) -> Result<()> {
        self.task.check(self.t)?;
        if !(1..=MAX_HIDDEN).contains(&self.hidden) {
            return Err(Error::out_of_range(
                "hidden size",
                1.0,
                MAX_HIDDEN as f64,
                self.hidden,
            ));
        }
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 1.0) {
            return Err(Error::out_of_range("learning rate", 0.0, 1.0, self.lr));
        }
        if !(self.clip.is_finite() && self.clip >= 0.0) {
            return arg_err!("clip must be a number >= 0 (0 = off), got {}", self.clip);
        }
        if self.kind == Kind::Tcn {
            check_tcn(self.kernel, &self.dilations)?;
        }
        Ok(())
    }
}

/// Checks a TCN's kernel and dilations.
pub fn check_tcn(kernel: usize, dilations: &[usize]) -> Result<()> {
    if !(1..=MAX_KERNEL).contains(&kernel) {
        return Err(Error::out_of_range(
            "kernel size",
            1.0,
            MAX_KERNEL as f64,
            kernel,
        ));
    }
    if dilations.is_empty() || dilations.len() > MAX_LAYERS {
        return Err(Error::out_of_range(
            "number of TCN layers",
            1.0,
            MAX_LAYERS as f64,
            dilations.len(),
        ));
    }
    for (l, &d) in dilations.iter().enumerate() {
        if !(1..=MAX_DILATION).contains(&d) {
            return Err(Error::out_of_range(
                &format!("dilation of layer {}", l + 1),
                1.0,
                MAX_DILATION as f64,
                d,
            ));
        }
    }
    Ok(())
}

/// What one training step measured.
#[derive(Debug, Clone, PartialEq)]
pub struct StepStats {
    pub loss: f64,
    /// Global gradient norm before clipping.
    pub grad_norm: f64,
    pub clipped: bool,
    /// `‖∂L/∂x_t‖` per time step (mean over the batch of each sequence's norm).
    pub input_grad: Vec<f64>,
}

/// The gradient of the MSE loss and the input gradient of one batch.
#[derive(Debug, Clone)]
pub struct Pass {
    pub loss: f64,
    pub pred: Vec<f32>,
    pub grads: Vec<Vec<f32>>,
    /// `[T, N, I]`
    pub dx: Vec<f32>,
}

/// The model: parameters in a fixed order (RNN: w_ih, w_hh, b_ih, b_hh; TCN: w_l, b_l per
/// layer), then the head's w and b.
#[derive(Debug, Clone)]
pub struct SeqNet {
    pub cfg: SeqConfig,
    pub inputs: usize,
    pub params: Vec<Vec<f32>>,
    states: Vec<OptimState>,
    rng: Rng,
    pub steps: usize,
}

fn uniform(n: usize, bound: f64, rng: &mut Rng) -> Vec<f32> {
    (0..n)
        .map(|_| ((rng.uniform() * 2.0 - 1.0) * bound) as f32)
        .collect()
}

impl SeqNet {
    pub fn new(cfg: SeqConfig) -> Result<SeqNet> {
        cfg.check()?;
        let mut rng = Rng::new(cfg.seed);
        let i = cfg.task.inputs();
        let h = cfg.hidden;
        let mut params = Vec::new();
        match cfg.kind.cell() {
            Some(cell) => {
                // torch's default: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias.
                let g = cell.gates() * h;
                let b = 1.0 / (h as f64).sqrt();
                params.push(uniform(g * i, b, &mut rng));
                params.push(uniform(g * h, b, &mut rng));
                params.push(uniform(g, b, &mut rng));
                params.push(uniform(g, b, &mut rng));
            }
            None => {
                let mut cin = i;
                for _ in &cfg.dilations {
                    // He-uniform for the ReLU stack, bias U(-1/sqrt(fan_in), ..) as torch.
                    let fan = (cin * cfg.kernel) as f64;
                    params.push(uniform(h * cin * cfg.kernel, (6.0 / fan).sqrt(), &mut rng));
                    params.push(uniform(h, 1.0 / fan.sqrt(), &mut rng));
                    cin = h;
                }
            }
        }
        let b = 1.0 / (h as f64).sqrt();
        params.push(uniform(h, b, &mut rng));
        params.push(uniform(1, b, &mut rng));
        let states = vec![OptimState::default(); params.len()];
        Ok(SeqNet {
            cfg,
            inputs: i,
            params,
            states,
            rng,
            steps: 0,
        })
    }

    /// Number of trainable values.
    pub fn param_count(&self) -> usize {
        self.params.iter().map(|p| p.len()).sum()
    }

    fn head(&self) -> (&[f32], f32) {
        let n = self.params.len();
        (&self.params[n - 2], self.params[n - 1][0])
    }

    /// A fresh batch from the model's own stream.
    pub fn draw(&mut self) -> Result<Batch> {
        batch(self.cfg.task, self.cfg.t, self.cfg.batch, &mut self.rng)
    }

    /// Loss, predictions, parameter gradients and input gradient on `b`.
    pub fn pass(&self, b: &Batch) -> Result<Pass> {
        match self.cfg.kind.cell() {
            Some(cell) => self.pass_rnn(cell, b),
            None => self.pass_tcn(b),
        }
    }

    /// The MSE loss and its gradient with respect to the predictions.
    fn mse(pred: &[f32], y: &[f32]) -> (f64, Vec<f64>) {
        let n = y.len() as f64;
        let loss = pred
            .iter()
            .zip(y)
            .map(|(&p, &t)| (p as f64 - t as f64).powi(2))
            .sum::<f64>()
            / n;
        let d = pred
            .iter()
            .zip(y)
            .map(|(&p, &t)| 2.0 * (p as f64 - t as f64) / n)
            .collect();
        (loss, d)
    }

    fn pass_rnn(&self, cell: Cell, b: &Batch) -> Result<Pass> {
        let (t, n, i, h) = (b.t, b.n, b.i, self.cfg.hidden);
        let wt = Weights {
            w_ih: &self.params[0],
            w_hh: &self.params[1],
            b_ih: &self.params[2],
            b_hh: &self.params[3],
        };
        let lstm = cell == Cell::Lstm;
        let start = if self.cfg.bptt > 0 && self.cfg.bptt < t {
            t - self.cfg.bptt
        } else {
            0
        };
        let (mut h0, mut c0) = (vec![0.0f32; n * h], vec![0.0f32; n * h]);
        if start > 0 {
            // The steps before the window: forward only, their state is handed on (detached).
            let pre = rnn::forward(
                cell,
                &b.x[..start * n * i],
                &[start, n, i],
                &h0,
                lstm.then_some(&c0[..]),
                h,
                &wt,
            )?;
            h0 = pre.h_n();
            if lstm {
                c0 = pre.c_n();
            }
        }
        let tw = t - start;
        let xw = &b.x[start * n * i..];
        let run = rnn::forward(cell, xw, &[tw, n, i], &h0, lstm.then_some(&c0[..]), h, &wt)?;
        let hl = run.h_n();
        let (wh, bh) = self.head();
        let pred: Vec<f32> = (0..n)
            .map(|s| {
                bh + hl[s * h..][..h]
                    .iter()
                    .zip(wh)
                    .map(|(a, w)| a * w)
                    .sum::<f32>()
            })
            .collect();
        let (loss, dp) = Self::mse(&pred, &b.y);
        let mut gy = vec![0.0f32; tw * n * h];
        let mut gwh = vec![0.0f64; h];
        for s in 0..n {
            for k in 0..h {
                gy[((tw - 1) * n + s) * h + k] = (dp[s] * wh[k] as f64) as f32;
                gwh[k] += dp[s] * hl[s * h + k] as f64;
            }
        }
        let gr = rnn::backward(&run, xw, &wt, &gy, None, None)?;
        let mut dx = vec![0.0f32; t * n * i];
        dx[start * n * i..].copy_from_slice(&gr.x);
        let grads = vec![
            gr.w_ih,
            gr.w_hh,
            gr.b_ih,
            gr.b_hh,
            gwh.iter().map(|&v| v as f32).collect(),
            vec![dp.iter().sum::<f64>() as f32],
        ];
        Ok(Pass {
            loss,
            pred,
            grads,
            dx,
        })
    }

    fn pass_tcn(&self, b: &Batch) -> Result<Pass> {
        let (t, n, i, c) = (b.t, b.n, b.i, self.cfg.hidden);
        let k = self.cfg.kernel;
        // [T, N, I] -> [N, I, T]
        let mut cur = vec![0.0f32; n * i * t];
        for ti in 0..t {
            for s in 0..n {
                for ch in 0..i {
                    cur[(s * i + ch) * t + ti] = b.x[(ti * n + s) * i + ch];
                }
            }
        }
        let mut ins: Vec<(Vec<f32>, usize)> = Vec::new();
        let mut zs: Vec<Vec<f32>> = Vec::new();
        let mut cin = i;
        for (l, &d) in self.cfg.dilations.iter().enumerate() {
            let p = Conv1dParams {
                stride: 1,
                padding: 0,
                dilation: d,
                groups: 1,
                causal: true,
            };
            let (z, _) = conv1d(
                &cur,
                &[n, cin, t],
                &self.params[2 * l],
                &[c, cin, k],
                Some(&self.params[2 * l + 1]),
                &p,
            )?;
            let a: Vec<f32> = z.iter().map(|&v| v.max(0.0)).collect();
            ins.push((std::mem::replace(&mut cur, a), cin));
            zs.push(z);
            cin = c;
        }
        let (wh, bh) = self.head();
        let last = |s: usize, ch: usize| cur[(s * c + ch) * t + t - 1];
        let pred: Vec<f32> = (0..n)
            .map(|s| bh + (0..c).map(|ch| last(s, ch) * wh[ch]).sum::<f32>())
            .collect();
        let (loss, dp) = Self::mse(&pred, &b.y);
        let mut gwh = vec![0.0f64; c];
        let mut da = vec![0.0f32; n * c * t];
        for s in 0..n {
            for ch in 0..c {
                gwh[ch] += dp[s] * last(s, ch) as f64;
                da[(s * c + ch) * t + t - 1] = (dp[s] * wh[ch] as f64) as f32;
            }
        }
        let nl = self.cfg.dilations.len();
        let mut grads = vec![Vec::new(); 2 * nl];
        for l in (0..nl).rev() {
            let (x_in, cin) = &ins[l];
            let dz: Vec<f32> = da
                .iter()
                .zip(&zs[l])
                .map(|(&g, &z)| if z > 0.0 { g } else { 0.0 })
                .collect();
            let p = Conv1dParams {
                stride: 1,
                padding: 0,
                dilation: self.cfg.dilations[l],
                groups: 1,
                causal: true,
            };
            let (gx, gw, gb) = conv1d_backward(
                x_in,
                &[n, *cin, t],
                &self.params[2 * l],
                &[c, *cin, k],
                &dz,
                &p,
            )?;
            grads[2 * l] = gw;
            grads[2 * l + 1] = gb;
            da = gx;
        }
        grads.push(gwh.iter().map(|&v| v as f32).collect());
        grads.push(vec![dp.iter().sum::<f64>() as f32]);
        // [N, I, T] -> [T, N, I]
        let mut dx = vec![0.0f32; t * n * i];
        for ti in 0..t {
            for s in 0..n {
                for ch in 0..i {
                    dx[(ti * n + s) * i + ch] = da[(s * i + ch) * t + ti];
                }
            }
        }
        Ok(Pass {
            loss,
            pred,
            grads,
            dx,
        })
    }

    /// One Adam step on a fresh batch (clipped when `clip > 0`). A loss or gradient that is not
    /// finite leaves the parameters as they were and is an error saying what to change.
    pub fn train_step(&mut self) -> Result<StepStats> {
        let b = self.draw()?;
        let mut pass = self.pass(&b)?;
        let (t, n, i) = (b.t, b.n, b.i);
        let mut refs: Vec<&mut [f32]> = pass.grads.iter_mut().map(|g| &mut g[..]).collect();
        let norm = if self.cfg.clip > 0.0 {
            clip_grad_norm(&mut refs, self.cfg.clip)
        } else {
            crate::nn::schedule::global_norm(pass.grads.iter().map(|g| &g[..]))
        };
        if !pass.loss.is_finite() || !norm.is_finite() {
            return arg_err!(
                "training diverged at step {} (loss {}, gradient norm {norm}): lower the learning rate or turn on gradient clipping",
                self.steps + 1,
                pass.loss
            );
        }
        let opt = OptimConfig::adam(self.cfg.lr);
        for ((p, g), st) in self
            .params
            .iter_mut()
            .zip(&pass.grads)
            .zip(&mut self.states)
        {
            optim_step(&opt, st, p, g)?;
        }
        self.steps += 1;
        let input_grad = (0..t)
            .map(|ti| {
                (0..n)
                    .map(|s| {
                        pass.dx[(ti * n + s) * i..][..i]
                            .iter()
                            .map(|&v| v as f64 * v as f64)
                            .sum::<f64>()
                            .sqrt()
                    })
                    .sum::<f64>()
                    / n as f64
            })
            .collect();
        Ok(StepStats {
            loss: pass.loss,
            grad_norm: norm,
            clipped: self.cfg.clip > 0.0 && norm > self.cfg.clip,
            input_grad,
        })
    }

    /// Mean loss on `batches` fresh batches from a separate seeded stream (the same for every
    /// model with the same seed, so runs compare on identical data).
    pub fn eval(&self, batches: usize) -> Result<f64> {
        let mut r = Rng::new(self.cfg.seed ^ 0x005E_ED0F_E7A1);
        let mut s = 0.0;
        for _ in 0..batches.max(1) {
            let b = batch(self.cfg.task, self.cfg.t, self.cfg.batch, &mut r)?;
            s += self.pass(&b)?.loss;
        }
        Ok(s / batches.max(1) as f64)
    }

    /// One sequence through the recurrent cell: its input `[T, I]`, gates `[T, G*H]` (after
    /// their nonlinearity, torch's order), h `[T, H]`, c `[T, H]` (LSTM) and the prediction.
    pub fn probe(&self) -> Result<Probe> {
        let Some(cell) = self.cfg.kind.cell() else {
            return arg_err!("gate values exist for the RNN, LSTM and GRU, not for the TCN");
        };
        let mut r = Rng::new(self.cfg.seed ^ 0xA11CE);
        let b = batch(self.cfg.task, self.cfg.t, 1, &mut r)?;
        let h = self.cfg.hidden;
        let wt = Weights {
            w_ih: &self.params[0],
            w_hh: &self.params[1],
            b_ih: &self.params[2],
            b_hh: &self.params[3],
        };
        let z = vec![0.0f32; h];
        let run = rnn::forward(
            cell,
            &b.x,
            &[b.t, 1, b.i],
            &z,
            (cell == Cell::Lstm).then_some(&z[..]),
            h,
            &wt,
        )?;
        let f = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
        let (wh, bh) = self.head();
        let hl = run.h_n();
        Ok(Probe {
            x: b.x,
            target: b.y[0],
            pred: bh + hl.iter().zip(wh).map(|(a, w)| a * w).sum::<f32>(),
            gates: f(&run.gates),
            h: f(&run.hs),
            c: f(&run.cs),
        })
    }
}

/// One sequence's trace through a recurrent cell (see `SeqNet::probe`).
#[derive(Debug, Clone)]
pub struct Probe {
    pub x: Vec<f32>,
    pub target: f32,
    pub pred: f32,
    pub gates: Vec<f32>,
    pub h: Vec<f32>,
    pub c: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::grad_check;

    fn cfg(kind: Kind, task: Task) -> SeqConfig {
        SeqConfig {
            kind,
            task,
            t: 6,
            batch: 3,
            hidden: 3,
            kernel: 2,
            dilations: vec![1, 2],
            lr: 0.01,
            clip: 0.0,
            bptt: 0,
            seed: 7,
        }
    }

    /// Every parameter gradient and the input gradient of every model against central
    /// differences of the loss.
    #[test]
    fn gradients_match_finite_differences_for_every_model() {
        for kind in [Kind::Rnn, Kind::Lstm, Kind::Gru, Kind::Tcn] {
            let mut net = SeqNet::new(cfg(kind, Task::Adding)).unwrap();
            let b = net.draw().unwrap();
            let pass = net.pass(&b).unwrap();
            for k in 0..net.params.len() {
                let p0 = net.params[k].clone();
                let mut probe = net.clone();
                grad_check(
                    &format!("{kind:?} param {k}"),
                    &p0,
                    &pass.grads[k],
                    8e-3,
                    3e-3,
                    &mut |v| {
                        probe.params[k] = v.to_vec();
                        probe.pass(&b).unwrap().loss
                    },
                );
            }
            let mut b2 = b.clone();
            grad_check(
                &format!("{kind:?} dx"),
                &b.x,
                &pass.dx,
                8e-3,
                3e-3,
                &mut |v| {
                    b2.x = v.to_vec();
                    net.pass(&b2).unwrap().loss
                },
            );
            net.train_step().unwrap();
        }
    }

    #[test]
    fn truncated_bptt_cuts_the_input_gradient_before_the_window() {
        let mut c = cfg(Kind::Lstm, Task::Adding);
        c.t = 12;
        c.bptt = 4;
        let net = SeqNet::new(c).unwrap();
        let mut net2 = net.clone();
        let b = net2.draw().unwrap();
        let p = net.pass(&b).unwrap();
        let i = 2 * 3;
        assert!(p.dx[..8 * i].iter().all(|&v| v == 0.0));
        assert!(p.dx[8 * i..].iter().any(|&v| v != 0.0));
    }

    #[test]
    fn tcn_input_gradient_is_zero_outside_its_receptive_field() {
        // k=2, dilations 1,2 -> receptive field 1 + 1 + 2 = 4 steps back from the last.
        let mut c = cfg(Kind::Tcn, Task::Recall { lag: 1 });
        c.t = 10;
        let mut net = SeqNet::new(c).unwrap();
        let b = net.draw().unwrap();
        let p = net.pass(&b).unwrap();
        let n = 3;
        for ti in 0..6 {
            assert!(p.dx[ti * n..][..n].iter().all(|&v| v == 0.0), "step {ti}");
        }
    }

    #[test]
    fn lstm_beats_the_constant_baseline_on_the_adding_problem() {
        let c = SeqConfig {
            kind: Kind::Lstm,
            task: Task::Adding,
            t: 20,
            batch: 32,
            hidden: 16,
            kernel: 2,
            dilations: vec![1],
            lr: 0.02,
            clip: 1.0,
            bptt: 0,
            seed: 1,
        };
        let mut net = SeqNet::new(c).unwrap();
        for _ in 0..400 {
            net.train_step().unwrap();
        }
        let l = net.eval(4).unwrap();
        assert!(l < 0.3 * Task::Adding.baseline_mse(), "LSTM loss {l}");
    }

    #[test]
    fn bad_configs_are_refused_with_a_reason() {
        let mut c = cfg(Kind::Tcn, Task::Recall { lag: 9 });
        assert!(SeqNet::new(c.clone())
            .unwrap_err()
            .to_string()
            .contains("lag"));
        c.task = Task::Adding;
        c.dilations = vec![];
        assert!(SeqNet::new(c.clone()).is_err());
        c.dilations = vec![1, 0];
        assert!(SeqNet::new(c).unwrap_err().to_string().contains("layer 2"));
    }
}
