//! The two-weight model of the L1-vs-L2 view: linear regression `y ~ w1 x1 + w2 x2` (centered
//! data, no intercept) with loss `L(w) = 1/(2n) ||y - Xw||^2 = 1/2 (yy - 2 w.z + w'Gw)`, where
//! `G = X'X/n`, `z = X'y/n`, `yy = y'y/n`, and the penalties of scikit-learn's `Lasso` (L1:
//! `lambda |w|_1`), `Ridge`-like L2 (`lambda/2 |w|^2`) and `ElasticNet` (`lambda (a |w|_1 +
//! (1-a)/2 |w|^2)`). The solver is exact coordinate descent (soft thresholding, as
//! scikit-learn's `Lasso`), so an L1 weight becomes exactly 0.0: for an orthogonal design
//! (`G = I`) the solution is `w_j = sign(z_j) max(|z_j| - lambda, 0)`, zero from
//! `lambda = |z_j|` on. Also: the path over a grid of lambdas, the lambda at which each L1 weight
//! first reaches zero (bisection on the solver), and the loss on a grid of weight space.
//!
//! With `logistic`, the same two weights fit logistic regression (labels 0/1 drawn from
//! `sigmoid(w_true . x)`, no intercept) with the mean log-loss. Its solver is coordinate descent on
//! the quadratic majorizer (curvature bound `G_jj / 4`) with soft thresholding: each step is a
//! proximal step, so an L1 weight lands on exactly 0.0 whenever `|dL/dw_j| <= lambda` there, and
//! the fixed point satisfies the lasso's KKT conditions. Both weights are zero exactly when
//! `lambda >= max_j |dL/dw_j (0)|`.

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::{arg_err, Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RegConfig {
    pub seed: u32,
    /// Samples.
    pub n: usize,
    /// Correlation of x1 and x2 (ignored when `orthogonal`).
    pub rho: f64,
    /// Make the columns exactly orthonormal (`X'X/n = I`): the lasso's closed form applies.
    pub orthogonal: bool,
    /// The weights the data is made from, and the noise's standard deviation.
    pub w_true: [f64; 2],
    pub noise: f64,
    /// The lambda of the drawn optimum.
    pub lambda: f64,
    /// Largest lambda of the path and its number of steps.
    pub lambda_max: f64,
    pub steps: usize,
    /// L1 share of the elastic net, in [0, 1].
    pub l1_ratio: f64,
    /// Cells per side of the loss grid.
    pub grid: usize,
    /// Logistic regression (labels 0/1, log-loss) instead of linear regression.
    pub logistic: bool,
}

impl Default for RegConfig {
    fn default() -> Self {
        RegConfig {
            seed: 1,
            n: 60,
            rho: 0.0,
            orthogonal: true,
            w_true: [1.5, 0.5],
            noise: 0.5,
            lambda: 0.3,
            lambda_max: 2.0,
            steps: 100,
            l1_ratio: 0.5,
            grid: 60,
            logistic: false,
        }
    }
}

/// The data's sufficient statistics (linear); for logistic regression `z = -dL/dw (0)` and the
/// samples themselves are kept (the loss has no sufficient statistics).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Design {
    pub g: [[f64; 2]; 2],
    pub z: [f64; 2],
    pub yy: f64,
    #[serde(skip)]
    logit: Option<Vec<[f64; 3]>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Penalty {
    L1,
    L2,
    /// L1 share `a` in [0, 1].
    Elastic(f64),
}

impl Penalty {
    fn split(self, lambda: f64) -> (f64, f64) {
        match self {
            Penalty::L1 => (lambda, 0.0),
            Penalty::L2 => (0.0, lambda),
            Penalty::Elastic(a) => (lambda * a, lambda * (1.0 - a)),
        }
    }
}

fn sigmoid(m: f64) -> f64 {
    if m >= 0.0 {
        1.0 / (1.0 + (-m).exp())
    } else {
        let e = m.exp();
        e / (1.0 + e)
    }
}

fn soft(v: f64, t: f64) -> f64 {
    if v > t {
        v - t
    } else if v < -t {
        v + t
    } else {
        0.0
    }
}

impl Design {
    /// Seeded data: x1, x2 standard normal with correlation `rho` (or made orthonormal), centered;
    /// `y = w_true . x + noise`, centered.
    pub fn generate(cfg: &RegConfig) -> Result<Design> {
        Ok(Design::generate_with_samples(cfg)?.0)
    }

    /// `generate`, also returning the samples `[x1, x2, y]` (so a test can recompute G and z).
    pub fn generate_with_samples(cfg: &RegConfig) -> Result<(Design, Vec<[f64; 3]>)> {
        if !(4..=10_000).contains(&cfg.n) {
            return Err(Error::out_of_range("n", 4.0, 10_000.0, cfg.n));
        }
        if !(-0.95..=0.95).contains(&cfg.rho) {
            return Err(Error::out_of_range("rho", -0.95, 0.95, cfg.rho));
        }
        if !(0.0..=10.0).contains(&cfg.noise) || cfg.w_true.iter().any(|w| w.abs() > 100.0) {
            return arg_err!("noise must be in 0..=10 and each wTrue in -100..=100");
        }
        let n = cfg.n;
        let mut r = Rng::new(cfg.seed as u64 ^ 0x7e9a_11a2);
        let s = (1.0 - cfg.rho * cfg.rho).sqrt();
        let mut x1: Vec<f64> = Vec::with_capacity(n);
        let mut x2: Vec<f64> = Vec::with_capacity(n);
        for _ in 0..n {
            let a = r.normal();
            x1.push(a);
            x2.push(cfg.rho * a + s * r.normal());
        }
        let center = |v: &mut Vec<f64>| {
            let m = v.iter().sum::<f64>() / n as f64;
            v.iter_mut().for_each(|x| *x -= m);
        };
        center(&mut x1);
        center(&mut x2);
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
        if cfg.orthogonal {
            // Gram-Schmidt, then each column to norm sqrt(n): X'X/n = I
            let c = dot(&x1, &x2) / dot(&x1, &x1);
            for (b, a) in x2.iter_mut().zip(&x1) {
                *b -= c * a;
            }
            for v in [&mut x1, &mut x2] {
                let k = (n as f64 / dot(v, v)).sqrt();
                v.iter_mut().for_each(|x| *x *= k);
            }
        }
        let mut y: Vec<f64> = if cfg.logistic {
            (0..n)
                .map(|i| {
                    let p = sigmoid(cfg.w_true[0] * x1[i] + cfg.w_true[1] * x2[i]);
                    if r.uniform() < p {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        } else {
            (0..n)
                .map(|i| cfg.w_true[0] * x1[i] + cfg.w_true[1] * x2[i] + cfg.noise * r.normal())
                .collect()
        };
        if !cfg.logistic {
            center(&mut y);
        }
        let nf = n as f64;
        let (g11, g22) = (dot(&x1, &x1) / nf, dot(&x2, &x2) / nf);
        let g12 = if cfg.orthogonal {
            0.0 // exactly, by construction (the rounding residue of Gram-Schmidt is ~1e-17)
        } else {
            dot(&x1, &x2) / nf
        };
        let samples: Vec<[f64; 3]> = (0..n).map(|i| [x1[i], x2[i], y[i]]).collect();
        let d = if cfg.logistic {
            let yc: Vec<f64> = y.iter().map(|v| v - 0.5).collect();
            Design {
                g: [[g11, g12], [g12, g22]],
                z: [dot(&x1, &yc) / nf, dot(&x2, &yc) / nf],
                yy: 0.0,
                logit: Some(samples.clone()),
            }
        } else {
            Design {
                g: [[g11, g12], [g12, g22]],
                z: [dot(&x1, &y) / nf, dot(&x2, &y) / nf],
                yy: dot(&y, &y) / nf,
                logit: None,
            }
        };
        Ok((d, samples))
    }

    pub fn is_logistic(&self) -> bool {
        self.logit.is_some()
    }

    /// The gradient of the unpenalized loss at `w`.
    pub fn grad(&self, w: [f64; 2]) -> [f64; 2] {
        match &self.logit {
            Some(s) => {
                let mut gr = [0.0; 2];
                for v in s {
                    let e = sigmoid(w[0] * v[0] + w[1] * v[1]) - v[2];
                    gr[0] += e * v[0];
                    gr[1] += e * v[1];
                }
                let n = s.len().max(1) as f64;
                [gr[0] / n, gr[1] / n]
            }
            None => {
                let g = &self.g;
                [
                    g[0][0] * w[0] + g[0][1] * w[1] - self.z[0],
                    g[1][0] * w[0] + g[1][1] * w[1] - self.z[1],
                ]
            }
        }
    }

    /// The unpenalized loss at `w`.
    pub fn loss(&self, w: [f64; 2]) -> f64 {
        if let Some(s) = &self.logit {
            // mean log-loss, log(1 + e^m) - y m written stably
            let n = s.len().max(1) as f64;
            return s
                .iter()
                .map(|v| {
                    let m = w[0] * v[0] + w[1] * v[1];
                    m.max(0.0) + (-m.abs()).exp().ln_1p() - v[2] * m
                })
                .sum::<f64>()
                / n;
        }
        let g = &self.g;
        let wgw =
            w[0] * (g[0][0] * w[0] + g[0][1] * w[1]) + w[1] * (g[1][0] * w[0] + g[1][1] * w[1]);
        0.5 * (self.yy - 2.0 * (w[0] * self.z[0] + w[1] * self.z[1]) + wgw)
    }

    /// The penalized optimum by coordinate descent (exact zeros under L1).
    pub fn solve(&self, pen: Penalty, lambda: f64) -> Result<[f64; 2]> {
        if !(lambda >= 0.0 && lambda.is_finite()) {
            return Err(Error::out_of_range("lambda", 0.0, f64::MAX, lambda));
        }
        let (l1, l2) = pen.split(lambda);
        if let Some(s) = &self.logit {
            return Ok(self.solve_logistic(s, l1, l2));
        }
        let mut w = [0.0f64; 2];
        for _ in 0..10_000 {
            let old = w;
            for j in 0..2 {
                let k = 1 - j;
                let d = self.g[j][j] + l2;
                w[j] = if d > 0.0 {
                    soft(self.z[j] - self.g[j][k] * w[k], l1) / d
                } else {
                    0.0
                };
            }
            if (w[0] - old[0]).abs().max((w[1] - old[1]).abs()) <= 1e-15 {
                break;
            }
        }
        Ok(w)
    }

    /// Coordinate descent on the majorizer `L(w) <= L(w0) + g_j d + (G_jj/4)/2 d^2` (the log-loss's
    /// curvature along `x_j` is at most `G_jj / 4`), each step a soft threshold: monotone, and a
    /// weight is exactly 0.0 whenever `|h w_j - g_j| <= l1`.
    fn solve_logistic(&self, s: &[[f64; 3]], l1: f64, l2: f64) -> [f64; 2] {
        let n = s.len().max(1) as f64;
        let mut w = [0.0f64; 2];
        let mut m = vec![0.0f64; s.len()];
        for _ in 0..100_000 {
            let mut change = 0.0f64;
            for j in 0..2 {
                let h = self.g[j][j] / 4.0;
                let gj = s
                    .iter()
                    .zip(&m)
                    .map(|(v, &mi)| (sigmoid(mi) - v[2]) * v[j])
                    .sum::<f64>()
                    / n;
                let d = h + l2;
                let new = if d > 0.0 {
                    soft(h * w[j] - gj, l1) / d
                } else {
                    0.0
                };
                let delta = new - w[j];
                if delta != 0.0 {
                    for (mi, v) in m.iter_mut().zip(s) {
                        *mi += delta * v[j];
                    }
                }
                w[j] = new;
                change = change.max(delta.abs());
            }
            if !w.iter().all(|v| v.is_finite()) {
                return [0.0; 2];
            }
            if change <= 1e-13 * (1.0 + w[0].abs().max(w[1].abs())) {
                break;
            }
        }
        w
    }

    /// The smallest lambda at which the L1 weight `j` is exactly zero (it stays zero above, for
    /// two weights), by bisection on the solver: None when it is not zero at `hi`.
    pub fn l1_zero_at(&self, j: usize, hi: f64) -> Result<Option<f64>> {
        if self.solve(Penalty::L1, hi)?[j] != 0.0 {
            return Ok(None);
        }
        let (mut lo, mut hi) = (0.0f64, hi);
        if self.solve(Penalty::L1, lo)?[j] == 0.0 {
            return Ok(Some(0.0));
        }
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.solve(Penalty::L1, mid)?[j] == 0.0 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(Some(hi))
    }
}

/// Everything the view draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegPath {
    pub design: Design,
    /// The data, `[x1, x2, y]` per sample (centered).
    pub samples: Vec<[f64; 3]>,
    pub lambda: f64,
    pub ols: [f64; 2],
    pub l1: [f64; 2],
    pub l2: [f64; 2],
    pub elastic: [f64; 2],
    pub lambdas: Vec<f64>,
    pub path_l1: Vec<[f64; 2]>,
    pub path_l2: Vec<[f64; 2]>,
    pub path_elastic: Vec<[f64; 2]>,
    /// Lambda from which each L1 weight is exactly zero (null if not within the path).
    pub l1_zero_at: [Option<f64>; 2],
    /// Loss on `grid x grid` cells over `[-range, range]^2`, row by row from w2 = -range.
    pub grid: usize,
    pub range: f64,
    pub loss: Vec<f32>,
}

pub fn reg_path(cfg: &RegConfig) -> Result<RegPath> {
    if !(cfg.lambda >= 0.0 && cfg.lambda <= 1e3) {
        return Err(Error::out_of_range("lambda", 0.0, 1000.0, cfg.lambda));
    }
    if !(cfg.lambda_max > 0.0 && cfg.lambda_max <= 1e3) {
        return Err(Error::out_of_range(
            "lambdaMax",
            1e-6,
            1000.0,
            cfg.lambda_max,
        ));
    }
    if !(2..=400).contains(&cfg.steps) {
        return Err(Error::out_of_range("steps", 2.0, 400.0, cfg.steps));
    }
    if !(2..=200).contains(&cfg.grid) {
        return Err(Error::out_of_range("grid", 2.0, 200.0, cfg.grid));
    }
    if !(0.0..=1.0).contains(&cfg.l1_ratio) {
        return Err(Error::out_of_range("l1Ratio", 0.0, 1.0, cfg.l1_ratio));
    }
    let (d, samples) = Design::generate_with_samples(cfg)?;
    let lambdas: Vec<f64> = (0..cfg.steps)
        .map(|i| cfg.lambda_max * i as f64 / (cfg.steps - 1) as f64)
        .collect();
    let path = |p: Penalty| {
        lambdas
            .iter()
            .map(|&l| d.solve(p, l))
            .collect::<Result<Vec<_>>>()
    };
    let ela = Penalty::Elastic(cfg.l1_ratio);
    let ols = d.solve(Penalty::L2, 0.0)?;
    let range = 1.3 * ols[0].abs().max(ols[1].abs()).max(0.5);
    let range = if range.is_finite() {
        range.min(50.0)
    } else {
        5.0
    };
    let g = cfg.grid;
    let mut loss = Vec::with_capacity(g * g);
    for r in 0..g {
        let w2 = -range + 2.0 * range * (r as f64 + 0.5) / g as f64;
        for c in 0..g {
            let w1 = -range + 2.0 * range * (c as f64 + 0.5) / g as f64;
            loss.push(d.loss([w1, w2]) as f32);
        }
    }
    Ok(RegPath {
        lambda: cfg.lambda,
        ols,
        l1: d.solve(Penalty::L1, cfg.lambda)?,
        l2: d.solve(Penalty::L2, cfg.lambda)?,
        elastic: d.solve(ela, cfg.lambda)?,
        path_l1: path(Penalty::L1)?,
        path_l2: path(Penalty::L2)?,
        path_elastic: path(ela)?,
        l1_zero_at: [
            d.l1_zero_at(0, cfg.lambda_max)?,
            d.l1_zero_at(1, cfg.lambda_max)?,
        ],
        lambdas,
        grid: g,
        range,
        loss,
        design: d,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Orthogonal design: the lasso is soft thresholding of z, so weight j is exactly zero from
    /// lambda = |z_j| on and not below; L2 only shrinks (w = z / (1 + lambda), never zero).
    #[test]
    fn l1_path_hits_zero_where_the_closed_form_says() {
        for seed in 1..6 {
            let cfg = RegConfig {
                seed,
                ..RegConfig::default()
            };
            let d = Design::generate(&cfg).unwrap();
            assert!((d.g[0][0] - 1.0).abs() < 1e-12 && (d.g[1][1] - 1.0).abs() < 1e-12);
            for j in 0..2 {
                let zj = d.z[j].abs();
                let at = d.solve(Penalty::L1, zj).unwrap();
                assert_eq!(at[j], 0.0, "seed {seed}: w{j} at lambda = |z| = {zj}");
                let below = d.solve(Penalty::L1, zj * (1.0 - 1e-6)).unwrap();
                assert!(below[j] != 0.0);
                let want = d.z[j].signum() * (zj - 0.5 * zj);
                assert!((d.solve(Penalty::L1, 0.5 * zj).unwrap()[j] - want).abs() < 1e-12);
                let found = d.l1_zero_at(j, 10.0).unwrap().unwrap();
                assert!((found - zj).abs() < 1e-9, "{found} vs {zj}");
                let l2 = d.solve(Penalty::L2, 5.0).unwrap();
                assert!((l2[j] - d.z[j] / 6.0).abs() < 1e-12 && l2[j] != 0.0);
            }
        }
    }

    #[test]
    fn correlated_design_path_and_bad_input() {
        let cfg = RegConfig {
            orthogonal: false,
            rho: 0.8,
            lambda: 0.2,
            ..RegConfig::default()
        };
        let p = reg_path(&cfg).unwrap();
        // the OLS point minimizes the loss; penalized points have a larger loss and smaller norms
        let d = p.design;
        assert!(d.loss(p.ols) <= d.loss(p.l1) && d.loss(p.ols) <= d.loss(p.l2));
        assert!(p.l1[0].abs() + p.l1[1].abs() <= p.ols[0].abs() + p.ols[1].abs());
        assert_eq!(
            p.path_l1.last().unwrap(),
            &[0.0, 0.0],
            "lambda_max 2 zeroes both"
        );
        assert!(p.path_l2.last().unwrap().iter().all(|&w| w != 0.0));
        assert_eq!(p.loss.len(), 60 * 60);
        assert!(p.l1_zero_at[1].is_some());
        for bad in [
            RegConfig {
                lambda: -1.0,
                ..RegConfig::default()
            },
            RegConfig {
                rho: 1.0,
                ..RegConfig::default()
            },
            RegConfig {
                grid: 0,
                ..RegConfig::default()
            },
        ] {
            assert!(reg_path(&bad).is_err());
        }
        assert!(d.solve(Penalty::L1, f64::NAN).is_err());
    }

    /// KKT conditions of the penalized problem at `w`: `dL/dw_j + l1 sign(w_j) + l2 w_j = 0` for a
    /// nonzero weight, `|dL/dw_j| <= l1` for a zero one. Returns the largest violation.
    fn kkt_violation(d: &Design, pen: Penalty, lambda: f64, w: [f64; 2]) -> f64 {
        let (l1, l2) = pen.split(lambda);
        let g = d.grad(w);
        (0..2)
            .map(|j| {
                if w[j] == 0.0 {
                    (g[j].abs() - l1).max(0.0)
                } else {
                    (g[j] + l1 * w[j].signum() + l2 * w[j]).abs()
                }
            })
            .fold(0.0, f64::max)
    }

    /// Logistic regression: L1 sets a weight to exactly 0.0 at some lambda (and both from
    /// `max |dL/dw (0)|` on, not below); the solutions along the path satisfy the KKT conditions.
    #[test]
    fn logistic_l1_reaches_exact_zero_and_kkt_holds() {
        for (seed, orthogonal) in [(1, true), (2, false), (3, true), (7, false)] {
            let cfg = RegConfig {
                seed,
                orthogonal,
                rho: 0.5,
                logistic: true,
                lambda: 0.05,
                lambda_max: 0.6,
                steps: 31,
                grid: 20,
                ..RegConfig::default()
            };
            let p = reg_path(&cfg).unwrap();
            let d = &p.design;
            assert!(d.is_logistic());
            // gradient at 0 is -z, so both weights are zero exactly from ||z||_inf on
            let g0 = d.grad([0.0, 0.0]);
            assert!((g0[0] + d.z[0]).abs() < 1e-15 && (g0[1] + d.z[1]).abs() < 1e-15);
            let zmax = d.z[0].abs().max(d.z[1].abs());
            assert_eq!(
                d.solve(Penalty::L1, zmax).unwrap(),
                [0.0, 0.0],
                "seed {seed}"
            );
            let below = d.solve(Penalty::L1, zmax * (1.0 - 1e-3)).unwrap();
            assert!(below.iter().any(|&w| w != 0.0), "seed {seed}: {below:?}");
            // some lambda on the path has exactly one weight exactly zero
            let one_zero = p.path_l1.iter().any(|w| (w[0] == 0.0) != (w[1] == 0.0));
            assert!(one_zero, "seed {seed}: {:?}", p.path_l1);
            let j = usize::from(d.z[1].abs() < d.z[0].abs());
            let at = p.l1_zero_at[j].expect("the weaker weight reaches zero");
            assert!(
                at > 0.0 && at <= zmax + 1e-12,
                "seed {seed}: {at} vs {zmax}"
            );
            // KKT at every solution of the three paths
            for (pen, path) in [
                (Penalty::L1, &p.path_l1),
                (Penalty::L2, &p.path_l2),
                (Penalty::Elastic(cfg.l1_ratio), &p.path_elastic),
            ] {
                for (&lam, &w) in p.lambdas.iter().zip(path.iter()) {
                    let v = kkt_violation(d, pen, lam, w);
                    assert!(v < 1e-9, "seed {seed} {pen:?} lambda {lam}: KKT off by {v}");
                }
            }
            // the unpenalized fit has a zero gradient and the lowest loss
            assert!(kkt_violation(d, Penalty::L2, 0.0, p.ols) < 1e-9);
            assert!(d.loss(p.ols) <= d.loss(p.l1) && d.loss(p.ols) <= d.loss(p.l2));
            assert!(p.path_l2.last().unwrap().iter().all(|&w| w != 0.0));
            assert!(p.loss.iter().all(|v| v.is_finite()));
        }
    }

    /// The linear solver satisfies the same KKT conditions (a check of kkt_violation itself).
    #[test]
    fn linear_kkt_holds() {
        let cfg = RegConfig {
            orthogonal: false,
            rho: 0.7,
            ..RegConfig::default()
        };
        let p = reg_path(&cfg).unwrap();
        for (&lam, &w) in p.lambdas.iter().zip(p.path_l1.iter()) {
            assert!(kkt_violation(&p.design, Penalty::L1, lam, w) < 1e-9);
        }
        // and it flags a wrong point
        assert!(kkt_violation(&p.design, Penalty::L1, 0.1, [0.3, 0.3]) > 1e-3);
    }
}
