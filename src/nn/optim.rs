//! Optimizers with torch.optim's update rules (`foreach=False`), applied to one parameter
//! tensor and its gradient at a time; the per-tensor state lives in `OptimState`.
//!
//! * SGD: `g += wd p`; `buf = g` on the first step, then `mu buf + (1-dampening) g`;
//!   nesterov uses `g + mu buf`; `p -= lr upd`.
//! * Adam: coupled L2 (`g += wd p`), `denom = sqrt(v)/sqrt(1-b2^t) + eps`, `p -= lr/(1-b1^t) m/denom`,
//!   amsgrad keeps the max of raw v. AdamW: `p *= 1 - lr wd` first, then Adam without L2.
//! * RMSprop: eps outside the sqrt; centered subtracts the squared mean gradient; momentum buffer
//!   starts at 0 and accumulates `g/avg`.
//! * Adagrad: `sum += g^2`, `p -= clr g/(sqrt(sum)+eps)`, `clr = lr/(1+(t-1) lr_decay)`.

use crate::{arg_err, shape_err, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptimConfig {
    Sgd {
        lr: f64,
        momentum: f64,
        dampening: f64,
        nesterov: bool,
        weight_decay: f64,
    },
    Adam {
        lr: f64,
        betas: (f64, f64),
        eps: f64,
        weight_decay: f64,
        amsgrad: bool,
        decoupled: bool,
    },
    RmsProp {
        lr: f64,
        alpha: f64,
        eps: f64,
        weight_decay: f64,
        momentum: f64,
        centered: bool,
    },
    Adagrad {
        lr: f64,
        lr_decay: f64,
        weight_decay: f64,
        eps: f64,
    },
}

impl OptimConfig {
    /// `torch.optim.Adam(params, lr)` with every other argument at torch's default: betas
    /// (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad.
    pub fn adam(lr: f64) -> OptimConfig {
        OptimConfig::Adam {
            lr,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
            decoupled: false,
        }
    }

    pub fn lr(&self) -> f64 {
        match *self {
            OptimConfig::Sgd { lr, .. }
            | OptimConfig::Adam { lr, .. }
            | OptimConfig::RmsProp { lr, .. }
            | OptimConfig::Adagrad { lr, .. } => lr,
        }
    }

    pub fn set_lr(&mut self, v: f64) {
        match self {
            OptimConfig::Sgd { lr, .. }
            | OptimConfig::Adam { lr, .. }
            | OptimConfig::RmsProp { lr, .. }
            | OptimConfig::Adagrad { lr, .. } => *lr = v,
        }
    }

    /// Every real hyper-parameter by its torch name, but the learning rate (checked on its own,
    /// with its own message), for the finiteness check.
    fn numbers(&self) -> Vec<(&'static str, f64)> {
        match *self {
            OptimConfig::Sgd {
                momentum,
                dampening,
                weight_decay,
                ..
            } => vec![
                ("momentum", momentum),
                ("dampening", dampening),
                ("weight_decay", weight_decay),
            ],
            OptimConfig::Adam {
                betas: (b1, b2),
                eps,
                weight_decay,
                ..
            } => vec![
                ("betas[0]", b1),
                ("betas[1]", b2),
                ("eps", eps),
                ("weight_decay", weight_decay),
            ],
            OptimConfig::RmsProp {
                alpha,
                eps,
                weight_decay,
                momentum,
                ..
            } => vec![
                ("alpha", alpha),
                ("eps", eps),
                ("weight_decay", weight_decay),
                ("momentum", momentum),
            ],
            OptimConfig::Adagrad {
                lr_decay,
                weight_decay,
                eps,
                ..
            } => vec![
                ("lr_decay", lr_decay),
                ("weight_decay", weight_decay),
                ("eps", eps),
            ],
        }
    }

    /// Checks the hyper-parameters the way torch.optim's constructors do.
    pub fn validate(&self) -> Result<()> {
        // Every hyper-parameter is finite first: a comparison such as `eps < 0.0` lets NaN
        // through, and no option is defined for NaN or infinity.
        if let Some((name, v)) = self.numbers().into_iter().find(|(_, v)| !v.is_finite()) {
            return Err(crate::Error::option_not_finite(name, v));
        }
        let lr = self.lr();
        if !(lr.is_finite() && lr >= 0.0) {
            return arg_err!("learning rate must be a finite number >= 0, got {lr}");
        }
        match *self {
            OptimConfig::Sgd {
                momentum,
                dampening,
                nesterov,
                weight_decay,
                ..
            } => {
                if momentum < 0.0 || weight_decay < 0.0 {
                    return arg_err!("momentum and weight_decay must be >= 0");
                }
                if nesterov && (momentum <= 0.0 || dampening != 0.0) {
                    return arg_err!(
                        "nesterov momentum requires a momentum > 0 and zero dampening"
                    );
                }
            }
            OptimConfig::Adam {
                betas: (b1, b2),
                eps,
                weight_decay,
                ..
            } => {
                if !(0.0..1.0).contains(&b1) || !(0.0..1.0).contains(&b2) {
                    return arg_err!("betas must be in [0, 1), got ({b1}, {b2})");
                }
                if eps < 0.0 || weight_decay < 0.0 {
                    return arg_err!("eps and weight_decay must be >= 0");
                }
            }
            OptimConfig::RmsProp {
                alpha,
                eps,
                weight_decay,
                momentum,
                ..
            } => {
                if !(0.0..=1.0).contains(&alpha)
                    || eps < 0.0
                    || weight_decay < 0.0
                    || momentum < 0.0
                {
                    return arg_err!(
                        "RMSprop needs alpha in [0, 1] and eps, weight_decay, momentum >= 0"
                    );
                }
            }
            OptimConfig::Adagrad {
                lr_decay,
                weight_decay,
                eps,
                ..
            } => {
                if lr_decay < 0.0 || weight_decay < 0.0 || eps < 0.0 {
                    return arg_err!("Adagrad needs lr_decay, weight_decay and eps >= 0");
                }
            }
        }
        Ok(())
    }
}

/// Per-tensor optimizer state; the names follow torch's `optimizer.state[p]` keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptimState {
    pub step: f64,
    pub momentum_buffer: Option<Vec<f32>>,
    pub exp_avg: Option<Vec<f32>>,
    pub exp_avg_sq: Option<Vec<f32>>,
    pub max_exp_avg_sq: Option<Vec<f32>>,
    pub square_avg: Option<Vec<f32>>,
    pub grad_avg: Option<Vec<f32>>,
    pub sum: Option<Vec<f32>>,
}

fn buf(b: &mut Option<Vec<f32>>, n: usize) -> &mut Vec<f32> {
    b.get_or_insert_with(|| vec![0.0; n])
}

/// One optimizer step on `p` with gradient `g`.
pub fn step(cfg: &OptimConfig, st: &mut OptimState, p: &mut [f32], g: &[f32]) -> Result<()> {
    if p.len() != g.len() {
        return shape_err!(
            "parameter has {} values but its gradient has {}",
            p.len(),
            g.len()
        );
    }
    for b in [
        &st.momentum_buffer,
        &st.exp_avg,
        &st.exp_avg_sq,
        &st.max_exp_avg_sq,
        &st.square_avg,
        &st.grad_avg,
        &st.sum,
    ]
    .into_iter()
    .flatten()
    {
        if b.len() != p.len() {
            return shape_err!(
                "optimizer state has {} values but the parameter has {}",
                b.len(),
                p.len()
            );
        }
    }
    let n = p.len();
    st.step += 1.0;
    match *cfg {
        OptimConfig::Sgd {
            lr,
            momentum,
            dampening,
            nesterov,
            weight_decay,
        } => {
            let (lr, mu, wd, damp) = (
                lr as f32,
                momentum as f32,
                weight_decay as f32,
                dampening as f32,
            );
            let first = st.momentum_buffer.is_none();
            for i in 0..n {
                let mut gi = g[i];
                if wd != 0.0 {
                    gi += wd * p[i];
                }
                if mu != 0.0 {
                    let b = buf(&mut st.momentum_buffer, n);
                    b[i] = if first {
                        gi
                    } else {
                        mu * b[i] + (1.0 - damp) * gi
                    };
                    gi = if nesterov { gi + mu * b[i] } else { b[i] };
                }
                p[i] -= lr * gi;
            }
        }
        OptimConfig::Adam {
            lr,
            betas: (b1, b2),
            eps,
            weight_decay,
            amsgrad,
            decoupled,
        } => {
            let t = st.step;
            let bc1 = 1.0 - b1.powf(t);
            let bc2_sqrt = (1.0 - b2.powf(t)).sqrt();
            let step_size = (lr / bc1) as f32;
            let (b1f, b2f, wd, eps) = (b1 as f32, b2 as f32, weight_decay as f32, eps as f32);
            let bc2s = bc2_sqrt as f32;
            let decay = (1.0 - lr * weight_decay) as f32;
            buf(&mut st.exp_avg, n);
            buf(&mut st.exp_avg_sq, n);
            if amsgrad {
                buf(&mut st.max_exp_avg_sq, n);
            }
            let (m, v) = (
                st.exp_avg.as_mut().unwrap(),
                st.exp_avg_sq.as_mut().unwrap(),
            );
            for i in 0..n {
                let mut gi = g[i];
                if decoupled {
                    p[i] *= decay;
                } else if wd != 0.0 {
                    gi += wd * p[i];
                }
                m[i] = b1f * m[i] + (1.0 - b1f) * gi;
                v[i] = b2f * v[i] + (1.0 - b2f) * gi * gi;
                let vv = if amsgrad {
                    let mx = st.max_exp_avg_sq.as_mut().unwrap();
                    mx[i] = mx[i].max(v[i]);
                    mx[i]
                } else {
                    v[i]
                };
                let denom = vv.sqrt() / bc2s + eps;
                p[i] -= step_size * m[i] / denom;
            }
        }
        OptimConfig::RmsProp {
            lr,
            alpha,
            eps,
            weight_decay,
            momentum,
            centered,
        } => {
            let (lr, a, eps, wd, mu) = (
                lr as f32,
                alpha as f32,
                eps as f32,
                weight_decay as f32,
                momentum as f32,
            );
            buf(&mut st.square_avg, n);
            if centered {
                buf(&mut st.grad_avg, n);
            }
            if mu > 0.0 {
                buf(&mut st.momentum_buffer, n);
            }
            for i in 0..n {
                let mut gi = g[i];
                if wd != 0.0 {
                    gi += wd * p[i];
                }
                let sq = st.square_avg.as_mut().unwrap();
                sq[i] = a * sq[i] + (1.0 - a) * gi * gi;
                let avg = if centered {
                    let ga = st.grad_avg.as_mut().unwrap();
                    ga[i] = a * ga[i] + (1.0 - a) * gi;
                    (sq[i] - ga[i] * ga[i]).sqrt() + eps
                } else {
                    sq[i].sqrt() + eps
                };
                if mu > 0.0 {
                    let b = st.momentum_buffer.as_mut().unwrap();
                    b[i] = mu * b[i] + gi / avg;
                    p[i] -= lr * b[i];
                } else {
                    p[i] -= lr * gi / avg;
                }
            }
        }
        OptimConfig::Adagrad {
            lr,
            lr_decay,
            weight_decay,
            eps,
        } => {
            let clr = (lr / (1.0 + (st.step - 1.0) * lr_decay)) as f32;
            let (wd, eps) = (weight_decay as f32, eps as f32);
            let s = buf(&mut st.sum, n);
            for i in 0..n {
                let mut gi = g[i];
                if wd != 0.0 {
                    gi += wd * p[i];
                }
                s[i] += gi * gi;
                p[i] -= clr * gi / (s[i].sqrt() + eps);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::assert_close;

    #[test]
    fn first_adam_step_moves_by_lr() {
        // With bias correction, step 1 moves every coordinate by lr * g/|g| (eps negligible).
        let cfg = OptimConfig::Adam {
            lr: 0.1,
            betas: (0.9, 0.999),
            eps: 1e-12,
            weight_decay: 0.0,
            amsgrad: false,
            decoupled: false,
        };
        let mut st = OptimState::default();
        let mut p = vec![1.0f32, 1.0];
        step(&cfg, &mut st, &mut p, &[3.0, -0.001]).unwrap();
        assert_close("adam step 1", &p, &[0.9, 1.1], 1e-6, 0.0);
    }

    #[test]
    fn sgd_momentum_buffer_starts_at_the_gradient() {
        let cfg = OptimConfig::Sgd {
            lr: 1.0,
            momentum: 0.9,
            dampening: 0.5,
            nesterov: false,
            weight_decay: 0.0,
        };
        let mut st = OptimState::default();
        let mut p = vec![0.0f32];
        step(&cfg, &mut st, &mut p, &[1.0]).unwrap();
        assert_eq!(p, vec![-1.0]); // no dampening on the first step
        step(&cfg, &mut st, &mut p, &[1.0]).unwrap();
        assert_close("sgd step 2", &p, &[-1.0 - 1.4], 1e-6, 0.0); // 0.9*1 + 0.5*1
    }

    #[test]
    fn validation_messages() {
        let cfg = OptimConfig::Sgd {
            lr: 0.1,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: true,
            weight_decay: 0.0,
        };
        assert!(cfg.validate().unwrap_err().to_string().contains("nesterov"));
        let mut st = OptimState::default();
        assert!(step(&cfg, &mut st, &mut [0.0; 2], &[0.0]).is_err());
    }
}
