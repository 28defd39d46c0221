//! A multilayer perceptron: each hidden layer is `Dense -> [BatchNorm1d] -> activation ->
//! [Dropout]`, then a linear output `Dense` producing logits `[N, K]`; forward (train or eval
//! mode), backward, parameter visits for the optimizers, and state save/load. Its loss head is in
//! `nn::head`.

use super::init::Init;
use super::layers::{BatchNorm1d, Dense, Dropout};
use crate::ops::activation::Activation;
use crate::rng::Rng;
use crate::{arg_err, Error, Result};

/// What a parameter tensor is, for regularization (penalties and decay touch weights only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Weight,
    Bias,
    BnGamma,
    BnBeta,
}

#[derive(Debug, Clone)]
pub struct Hidden {
    pub dense: Dense,
    pub bn: Option<BatchNorm1d>,
    pub dropout: Option<Dropout>,
    // forward caches, [n, units] each
    z: Vec<f32>,
    zn: Vec<f32>,
    a: Vec<f32>,
    out: Vec<f32>,
}

#[derive(Debug, Clone)]
pub struct Mlp {
    pub n_in: usize,
    pub act: Activation,
    pub hidden: Vec<Hidden>,
    pub out: Dense,
    x: Vec<f32>,
    logits: Vec<f32>,
    n: usize,
    // backward scratch (kept between calls: no allocation per batch)
    grad: Vec<f32>,
    dtmp: Vec<f32>,
}

/// Architecture of an `Mlp`.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpSpec {
    pub n_in: usize,
    pub hidden: Vec<usize>,
    pub n_out: usize,
    pub act: Activation,
    pub batch_norm: bool,
    pub dropout: f32,
    pub init: Init,
}

impl Hidden {
    /// What the next layer reads: the dropout output, or the activation's without dropout.
    fn output(&self) -> &[f32] {
        if self.dropout.is_some() {
            &self.out
        } else {
            &self.a
        }
    }
}

impl Mlp {
    pub fn new(spec: &MlpSpec, rng: &mut Rng) -> Result<Mlp> {
        if spec.n_in == 0 || spec.n_out == 0 || spec.hidden.contains(&0) {
            return arg_err!("every layer needs at least one unit, got {spec:?}");
        }
        let mut hidden = Vec::with_capacity(spec.hidden.len());
        let mut prev = spec.n_in;
        for &units in &spec.hidden {
            let mut dense = Dense::new(prev, units);
            spec.init.fill(&mut dense.w, prev, units, rng);
            hidden.push(Hidden {
                dense,
                bn: spec.batch_norm.then(|| BatchNorm1d::new(units)),
                dropout: if spec.dropout > 0.0 {
                    Some(Dropout::new(spec.dropout)?)
                } else {
                    None
                },
                z: Vec::new(),
                zn: Vec::new(),
                a: Vec::new(),
                out: Vec::new(),
            });
            prev = units;
        }
        let mut out = Dense::new(prev, spec.n_out);
        spec.init.fill(&mut out.w, prev, spec.n_out, rng);
        Ok(Mlp {
            n_in: spec.n_in,
            act: spec.act,
            hidden,
            out,
            x: Vec::new(),
            logits: Vec::new(),
            n: 0,
            grad: Vec::new(),
            dtmp: Vec::new(),
        })
    }

    pub fn n_out(&self) -> usize {
        self.out.n_out
    }

    /// Units per layer: inputs, each hidden layer, outputs.
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.n_in)
            .chain(self.hidden.iter().map(|h| h.dense.n_out))
            .chain(std::iter::once(self.out.n_out))
            .collect()
    }

    /// `x: [n, n_in]` -> logits `[n, n_out]`. Training mode uses batch statistics and dropout.
    pub fn forward(
        &mut self,
        x: &[f32],
        n: usize,
        training: bool,
        rng: &mut Rng,
    ) -> Result<&[f32]> {
        if x.len() != n * self.n_in {
            return Err(Error::Shape(format!(
                "the network takes {} inputs per example; got {} values for {n} examples",
                self.n_in,
                x.len()
            )));
        }
        self.x.clear();
        self.x.extend_from_slice(x);
        self.n = n;
        let act = self.act;
        let mut input: &[f32] = &self.x;
        for h in &mut self.hidden {
            h.dense.forward(input, n, &mut h.z);
            if let Some(bn) = &mut h.bn {
                h.zn = bn.forward(&h.z, n, training)?;
            }
            let pre: &[f32] = if h.bn.is_some() { &h.zn } else { &h.z };
            h.a.resize(pre.len(), 0.0);
            act.forward(pre, &mut h.a);
            if let Some(d) = &mut h.dropout {
                h.out = d.forward(&h.a, training, rng)?;
            }
            input = h.output();
        }
        self.out.forward(input, n, &mut self.logits);
        Ok(&self.logits)
    }

    /// Backward from `dlogits: [n, n_out]` of the last forward; fills every parameter gradient.
    pub fn backward(&mut self, dlogits: &[f32]) -> Result<()> {
        let n = self.n;
        if dlogits.len() != n * self.out.n_out {
            return Err(Error::Shape(format!(
                "logit gradient has {} values, the last forward produced {}",
                dlogits.len(),
                n * self.out.n_out
            )));
        }
        let act = self.act;
        let last_in: &[f32] = self.hidden.last().map_or(&self.x, |h| h.output());
        let mut grad = std::mem::take(&mut self.grad);
        let mut dtmp = std::mem::take(&mut self.dtmp);
        self.out.backward(
            last_in,
            dlogits,
            n,
            (!self.hidden.is_empty()).then_some(&mut grad),
        );
        for l in (0..self.hidden.len()).rev() {
            let (before, rest) = self.hidden.split_at_mut(l);
            let h = &mut rest[0];
            let input: &[f32] = before.last().map_or(&self.x, |p| p.output());
            // through dropout: grad is d out -> d a
            if let Some(d) = &h.dropout {
                dtmp.resize(grad.len(), 0.0);
                d.backward(&grad, &mut dtmp);
                std::mem::swap(&mut grad, &mut dtmp);
            }
            // through the activation: d a -> d pre
            let pre: &[f32] = if h.bn.is_some() { &h.zn } else { &h.z };
            dtmp.resize(grad.len(), 0.0);
            act.backward(pre, &h.a, &grad, &mut dtmp);
            std::mem::swap(&mut grad, &mut dtmp);
            if let Some(bn) = &mut h.bn {
                grad = bn.backward(&h.z, &grad, n)?;
            }
            let want_dx = l > 0;
            h.dense
                .backward(input, &grad, n, want_dx.then_some(&mut dtmp));
            if want_dx {
                std::mem::swap(&mut grad, &mut dtmp);
            }
        }
        self.grad = grad;
        self.dtmp = dtmp;
        Ok(())
    }

    /// Output of hidden layer `l` after its activation (before dropout) from the last forward.
    pub fn activations(&self, l: usize) -> &[f32] {
        &self.hidden[l].a
    }

    /// Calls `f(kind, param, grad)` for every parameter tensor in a fixed order (the optimizer's
    /// slot order): per hidden layer W, b, [gamma, beta]; then the output W, b.
    pub fn for_each_param(&mut self, mut f: impl FnMut(ParamKind, &mut [f32], &mut [f32])) {
        for h in &mut self.hidden {
            f(ParamKind::Weight, &mut h.dense.w, &mut h.dense.gw);
            f(ParamKind::Bias, &mut h.dense.b, &mut h.dense.gb);
            if let Some(bn) = &mut h.bn {
                f(ParamKind::BnGamma, &mut bn.gamma, &mut bn.ggamma);
                f(ParamKind::BnBeta, &mut bn.beta, &mut bn.gbeta);
            }
        }
        f(ParamKind::Weight, &mut self.out.w, &mut self.out.gw);
        f(ParamKind::Bias, &mut self.out.b, &mut self.out.gb);
    }

    /// Dense weights of every layer (hidden then output), `[out, in]` each.
    pub fn weights(&self) -> Vec<&[f32]> {
        self.hidden
            .iter()
            .map(|h| &h.dense.w[..])
            .chain(std::iter::once(&self.out.w[..]))
            .collect()
    }

    /// Weight gradients of every layer from the last backward.
    pub fn weight_grads(&self) -> Vec<&[f32]> {
        self.hidden
            .iter()
            .map(|h| &h.dense.gw[..])
            .chain(std::iter::once(&self.out.gw[..]))
            .collect()
    }

    /// Every parameter and running statistic by name, in torch's `state_dict` style:
    /// `layers.{i}.weight` `[out, in]`, `layers.{i}.bias` `[out]`, with batch norm
    /// `layers.{i}.bn.weight|bias|running_mean|running_var` `[units]`, then `out.weight` and
    /// `out.bias`; each with its shape.
    pub fn named_params(&self) -> Vec<(String, Vec<usize>, &[f32])> {
        type Named<'a> = Vec<(String, Vec<usize>, &'a [f32])>;
        fn dense<'a>(v: &mut Named<'a>, pre: String, d: &'a Dense) {
            v.push((format!("{pre}.weight"), vec![d.n_out, d.n_in], &d.w[..]));
            v.push((format!("{pre}.bias"), vec![d.n_out], &d.b[..]));
        }
        let mut v: Named<'_> = Vec::new();
        for (i, h) in self.hidden.iter().enumerate() {
            dense(&mut v, format!("layers.{i}"), &h.dense);
            if let Some(bn) = &h.bn {
                for (name, t) in [
                    ("weight", &bn.gamma),
                    ("bias", &bn.beta),
                    ("running_mean", &bn.running_mean),
                    ("running_var", &bn.running_var),
                ] {
                    v.push((format!("layers.{i}.bn.{name}"), vec![t.len()], &t[..]));
                }
            }
        }
        dense(&mut v, "out".into(), &self.out);
        v
    }

    /// Replaces the parameter `name` (see `named_params`) with `values` (its length, finite;
    /// a running variance also >= 0).
    pub fn set_param(&mut self, name: &str, values: &[f32]) -> Result<()> {
        let names: Vec<String> = self.named_params().into_iter().map(|p| p.0).collect();
        let dst: Option<&mut Vec<f32>> = if let Some(rest) = name.strip_prefix("layers.") {
            let (i, field) = rest.split_once('.').unwrap_or((rest, ""));
            let h = i.parse::<usize>().ok().and_then(|i| self.hidden.get_mut(i));
            match (h, field) {
                (Some(h), "weight") => Some(&mut h.dense.w),
                (Some(h), "bias") => Some(&mut h.dense.b),
                (Some(h), f) => match (&mut h.bn, f) {
                    (Some(bn), "bn.weight") => Some(&mut bn.gamma),
                    (Some(bn), "bn.bias") => Some(&mut bn.beta),
                    (Some(bn), "bn.running_mean") => Some(&mut bn.running_mean),
                    (Some(bn), "bn.running_var") => Some(&mut bn.running_var),
                    _ => None,
                },
                _ => None,
            }
        } else {
            match name {
                "out.weight" => Some(&mut self.out.w),
                "out.bias" => Some(&mut self.out.b),
                _ => None,
            }
        };
        let Some(dst) = dst else {
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            return Err(Error::bad_choice("parameter", &refs, name));
        };
        if dst.len() != values.len() {
            return Err(Error::Shape(format!(
                "parameter {name} has {} values, got {}",
                dst.len(),
                values.len()
            )));
        }
        crate::tensor::check_finite(name, values)?;
        if name.ends_with("running_var") && values.iter().any(|&v| v < 0.0) {
            return arg_err!("{name} must be >= 0 everywhere");
        }
        dst.copy_from_slice(values);
        Ok(())
    }

    /// Appends every parameter and running statistic to `out` (cleared first): a snapshot that
    /// `load_state` puts back (used to keep the last finite weights when a run diverges).
    pub fn save_state(&self, out: &mut Vec<f32>) {
        out.clear();
        for h in &self.hidden {
            out.extend_from_slice(&h.dense.w);
            out.extend_from_slice(&h.dense.b);
            if let Some(bn) = &h.bn {
                for v in [&bn.gamma, &bn.beta, &bn.running_mean, &bn.running_var] {
                    out.extend_from_slice(v);
                }
            }
        }
        out.extend_from_slice(&self.out.w);
        out.extend_from_slice(&self.out.b);
    }

    /// Restores a snapshot taken by `save_state` on a network of the same architecture.
    pub fn load_state(&mut self, src: &[f32]) {
        let mut at = 0;
        let mut take = |dst: &mut Vec<f32>| {
            let n = dst.len();
            dst.copy_from_slice(&src[at..at + n]);
            at += n;
        };
        for h in &mut self.hidden {
            take(&mut h.dense.w);
            take(&mut h.dense.b);
            if let Some(bn) = &mut h.bn {
                take(&mut bn.gamma);
                take(&mut bn.beta);
                take(&mut bn.running_mean);
                take(&mut bn.running_var);
            }
        }
        take(&mut self.out.w);
        take(&mut self.out.b);
    }

    /// True when every parameter (and running statistic) is finite.
    pub fn is_finite(&self) -> bool {
        let fin = |v: &[f32]| v.iter().all(|x| x.is_finite());
        self.hidden.iter().all(|h| {
            fin(&h.dense.w)
                && fin(&h.dense.b)
                && h.bn.iter().all(|b| {
                    fin(&b.gamma) && fin(&b.beta) && fin(&b.running_mean) && fin(&b.running_var)
                })
        }) && fin(&self.out.w)
            && fin(&self.out.b)
    }
}

#[cfg(test)]
mod tests {
    use super::super::head::{Head, LossKind};
    use super::*;
    use crate::testkit::{grad_check, randn};

    fn fd_check(what: &str, x: &[f32], an: &[f32], obj: &mut dyn FnMut(&[f32]) -> f64) {
        grad_check(what, x, an, 8e-3, 3e-3, obj);
    }

    fn spec(act: Activation, bn: bool, dropout: f32, n_out: usize) -> MlpSpec {
        MlpSpec {
            n_in: 3,
            hidden: vec![5, 4],
            n_out,
            act,
            batch_norm: bn,
            dropout,
            init: Init::XavierNormal,
        }
    }

    /// Gradient of every parameter of a whole network (with BN and dropout) against central
    /// differences of the head's loss, for each loss and task.
    #[test]
    fn whole_network_gradients_match_finite_differences() {
        let n = 6;
        let x = randn(n * 3, 21, 1.0);
        let cases: Vec<(Head, Vec<f32>)> = vec![
            (Head::new(0, LossKind::Mse, 0.0).unwrap(), randn(n, 22, 1.0)),
            (
                Head::new(2, LossKind::Bce, 0.1).unwrap(),
                vec![0., 1., 1., 0., 1., 0.],
            ),
            (
                Head::new(3, LossKind::CrossEntropy, 0.2).unwrap(),
                vec![0., 2., 1., 1., 0., 2.],
            ),
            (
                Head::new(
                    3,
                    LossKind::Focal {
                        alpha: 0.25,
                        gamma: 2.0,
                    },
                    0.0,
                )
                .unwrap(),
                vec![0., 2., 1., 1., 0., 2.],
            ),
            (
                Head::new(2, LossKind::Mse, 0.0).unwrap(),
                vec![0., 1., 1., 0., 1., 0.],
            ),
            (
                Head::new(3, LossKind::Mse, 0.1).unwrap(),
                vec![0., 2., 1., 1., 0., 2.],
            ),
        ];
        for (hi, (head, y)) in cases.iter().enumerate() {
            for (act, bn, drop) in [
                (Activation::Tanh, false, 0.0),
                (Activation::Gelu, true, 0.0),
                (Activation::Silu, true, 0.3),
                (Activation::Elu(1.0), false, 0.2),
            ] {
                let mut net =
                    Mlp::new(&spec(act, bn, drop, head.n_out()), &mut Rng::new(5)).unwrap();
                let start = net.clone();
                let z = net
                    .forward(&x, n, true, &mut Rng::new(77))
                    .unwrap()
                    .to_vec();
                let mut g = Vec::new();
                head.loss(&z, y, Some(&mut g)).unwrap();
                net.backward(&g).unwrap();
                let mut grads = Vec::new();
                net.for_each_param(|_, _, g| grads.push(g.to_vec()));
                let mut slot = 0;
                let mut params = Vec::new();
                net.clone()
                    .for_each_param(|_, p, _| params.push(p.to_vec()));
                for (pi, p) in params.iter().enumerate() {
                    let mut obj = |v: &[f32]| {
                        let mut m = start.clone();
                        let mut k = 0;
                        m.for_each_param(|_, q, _| {
                            if k == pi {
                                q.copy_from_slice(v);
                            }
                            k += 1;
                        });
                        let z = m.forward(&x, n, true, &mut Rng::new(77)).unwrap().to_vec();
                        head.loss(&z, y, None).unwrap() as f64
                    };
                    fd_check(
                        &format!("head {hi} {act:?} bn={bn} drop={drop} param {pi}"),
                        p,
                        &grads[pi],
                        &mut obj,
                    );
                    slot += 1;
                }
                assert_eq!(slot, if bn { 10 } else { 6 });
            }
        }
    }

    #[test]
    fn sizes_and_input_checks() {
        let mut net = Mlp::new(&spec(Activation::Relu, false, 0.0, 1), &mut Rng::new(1)).unwrap();
        assert!(net.forward(&[0.0; 5], 2, false, &mut Rng::new(1)).is_err());
        assert_eq!(net.sizes(), vec![3, 5, 4, 1]);
    }
}
