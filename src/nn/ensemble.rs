//! Dropout as an ensemble (the evaluation lab, topic 6): a net trained with dropout in the
//! training engine, read as the family of its thinned sub-networks. A sub-network is a fixed
//! mask per hidden layer (unit kept with probability 1 - p, kept units scaled by 1/(1-p), as
//! inverted dropout does in training); `Mlp::forward_masked` runs one on a batch. The full net at
//! eval is the same forward without masks (inverted dropout needs no rescaling at eval: the
//! "weight scaling" of the original paper happened in training).
//!
//! `ensemble` samples K masks (seeded) and measures, over a grid of the input plane: each shown
//! sub-network's P(class 1), the K-average as the normalized geometric mean (sigmoid of the mean
//! logit) and as the arithmetic mean of probabilities, the MC-dropout spread (standard deviation
//! of the K probabilities), and the gap `mean |p_avg - p_full|` as K doubles. With one hidden
//! layer the logit is linear in the masked units, so the mean logit converges to the full net's
//! (the geometric gap falls like 1/sqrt(K)); the arithmetic mean converges to E[sigmoid], which
//! differs slightly.

use serde::Serialize;

use super::net::Mlp;
use super::train::Trainer;
use super::visual::grid_points;
use crate::rng::Rng;
use crate::{arg_err, Error, Result};

/// Most masks of one measurement (the gap curve runs to this K).
pub const MAX_K: usize = 256;

impl Mlp {
    /// Eval-mode forward `x: [n, n_in] -> logits [n, n_out]` through the sub-network given by
    /// `masks` (one `Vec<bool>` per hidden layer, one flag per unit; kept units are scaled by
    /// 1/(1-p) of that layer's dropout), or the full net when `masks` is None. Batch norm uses its
    /// running statistics. Leaves the training caches alone.
    pub fn forward_masked(
        &self,
        x: &[f32],
        n: usize,
        masks: Option<&[Vec<bool>]>,
    ) -> Result<Vec<f32>> {
        if x.len() != n * self.n_in {
            return Err(Error::Shape(format!(
                "the network takes {} inputs per example; got {} values for {n} examples",
                self.n_in,
                x.len()
            )));
        }
        if let Some(m) = masks {
            if m.len() != self.hidden.len()
                || m.iter()
                    .zip(&self.hidden)
                    .any(|(v, h)| v.len() != h.dense.n_out)
            {
                return Err(Error::Shape(format!(
                    "one mask per hidden layer with one flag per unit is needed: the layers have {:?} units",
                    self.hidden.iter().map(|h| h.dense.n_out).collect::<Vec<_>>()
                )));
            }
        }
        let mut cur = x.to_vec();
        let mut z = Vec::new();
        for (l, h) in self.hidden.iter().enumerate() {
            h.dense.forward(&cur, n, &mut z);
            let u = h.dense.n_out;
            if let Some(bn) = &h.bn {
                for row in z.chunks_exact_mut(u) {
                    for (j, v) in row.iter_mut().enumerate() {
                        let sd = (bn.running_var[j] as f64 + bn.eps).sqrt() as f32;
                        *v = (*v - bn.running_mean[j]) / sd * bn.gamma[j] + bn.beta[j];
                    }
                }
            }
            let mut a = vec![0.0f32; z.len()];
            self.act.forward(&z, &mut a);
            if let (Some(m), Some(d)) = (masks, &h.dropout) {
                let scale = 1.0 / (1.0 - d.p);
                for row in a.chunks_exact_mut(u) {
                    for (v, &keep) in row.iter_mut().zip(&m[l]) {
                        *v = if keep { *v * scale } else { 0.0 };
                    }
                }
            }
            cur = a;
        }
        let mut out = Vec::new();
        self.out.forward(&cur, n, &mut out);
        Ok(out)
    }

    /// A random mask per hidden layer with dropout (units kept with probability 1 - p; a layer
    /// without dropout keeps every unit).
    pub fn sample_masks(&self, rng: &mut Rng) -> Vec<Vec<bool>> {
        self.hidden
            .iter()
            .map(|h| {
                let p = h.dropout.as_ref().map_or(0.0, |d| d.p) as f64;
                (0..h.dense.n_out).map(|_| rng.uniform() >= p).collect()
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ensemble {
    pub grid: usize,
    pub domain: f32,
    pub k: usize,
    pub p: f32,
    /// P(class 1) per cell (row 0 at the top), each `grid^2`.
    pub full: Vec<f32>,
    pub avg_geo: Vec<f32>,
    pub avg_arith: Vec<f32>,
    pub std: Vec<f32>,
    /// The first `shown` sub-networks' maps and their kept units (of `units`).
    pub subnets: Vec<Vec<f32>>,
    pub kept: Vec<usize>,
    pub units: usize,
    /// K = 1, 2, 4, ..., MAX_K and the gaps of both averages at each.
    pub ks: Vec<usize>,
    pub gap_geo: Vec<f64>,
    pub gap_arith: Vec<f64>,
    /// The gaps at `k` itself.
    pub gap_geo_k: f64,
    pub gap_arith_k: f64,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Samples `MAX_K` masks of `t`'s network (seeded) and measures the ensemble over a
/// `grid x grid` grid of the input plane; the maps average the first `k`.
pub fn ensemble(t: &Trainer, k: usize, grid: usize, shown: usize, seed: u64) -> Result<Ensemble> {
    if !(1..=MAX_K).contains(&k) {
        return Err(Error::out_of_range(
            "K (sub-networks)",
            1.0,
            MAX_K as f64,
            k,
        ));
    }
    if !(2..=80).contains(&grid) {
        return Err(Error::out_of_range("grid", 2.0, 80.0, grid));
    }
    if shown > 12 {
        return Err(Error::out_of_range("shown", 0.0, 12.0, shown));
    }
    let net = &t.net;
    let p = match net.hidden.iter().find_map(|h| h.dropout.as_ref()) {
        Some(d) => d.p,
        None => {
            return arg_err!(
                "the net has no dropout layer: train it with dropout > 0 to see its sub-networks"
            )
        }
    };
    if net.n_out() != 1 {
        return arg_err!(
            "the ensemble view needs a two-class net with one logit (bce); this one has {} outputs",
            net.n_out()
        );
    }
    let pts = grid_points(t.domain, grid);
    let n = pts.len();
    let mut x = Vec::with_capacity(n * t.plan.features.len());
    super::features::featurize(&t.plan.features, &pts, t.norm.as_deref(), &mut x);
    let full: Vec<f64> = net
        .forward_masked(&x, n, None)?
        .iter()
        .map(|&z| sigmoid(z as f64))
        .collect();
    let mut rng = Rng::new(seed);
    let (mut sum_z, mut sum_p, mut sum_p2) = (vec![0.0f64; n], vec![0.0f64; n], vec![0.0f64; n]);
    let units: usize = net.hidden.iter().map(|h| h.dense.n_out).sum();
    let (mut subnets, mut kept) = (Vec::new(), Vec::new());
    let (mut ks, mut gap_geo, mut gap_arith) = (Vec::new(), Vec::new(), Vec::new());
    let mut maps = None;
    let gaps = |sz: &[f64], sp: &[f64], kk: f64| {
        let g = sz
            .iter()
            .zip(&full)
            .map(|(z, f)| (sigmoid(z / kk) - f).abs())
            .sum::<f64>()
            / n as f64;
        let a = sp
            .iter()
            .zip(&full)
            .map(|(s, f)| (s / kk - f).abs())
            .sum::<f64>()
            / n as f64;
        (g, a)
    };
    for i in 1..=MAX_K {
        let masks = net.sample_masks(&mut rng);
        let z = net.forward_masked(&x, n, Some(&masks))?;
        let probs: Vec<f64> = z.iter().map(|&v| sigmoid(v as f64)).collect();
        for c in 0..n {
            sum_z[c] += z[c] as f64;
            sum_p[c] += probs[c];
            sum_p2[c] += probs[c] * probs[c];
        }
        if subnets.len() < shown {
            subnets.push(probs.iter().map(|&v| v as f32).collect());
            kept.push(masks.iter().flatten().filter(|&&b| b).count());
        }
        if i.is_power_of_two() {
            let (g, a) = gaps(&sum_z, &sum_p, i as f64);
            ks.push(i);
            gap_geo.push(g);
            gap_arith.push(a);
        }
        if i == k {
            let kk = k as f64;
            let (g, a) = gaps(&sum_z, &sum_p, kk);
            maps = Some((
                sum_z
                    .iter()
                    .map(|z| sigmoid(z / kk) as f32)
                    .collect::<Vec<_>>(),
                sum_p.iter().map(|s| (s / kk) as f32).collect::<Vec<_>>(),
                sum_p
                    .iter()
                    .zip(&sum_p2)
                    .map(|(s, s2)| ((s2 / kk - (s / kk).powi(2)).max(0.0)).sqrt() as f32)
                    .collect::<Vec<_>>(),
                g,
                a,
            ));
        }
    }
    let (avg_geo, avg_arith, std, gap_geo_k, gap_arith_k) =
        maps.ok_or_else(|| Error::InvalidArg("K was not reached".into()))?;
    Ok(Ensemble {
        grid,
        domain: t.domain,
        k,
        p,
        full: full.iter().map(|&v| v as f32).collect(),
        avg_geo,
        avg_arith,
        std,
        subnets,
        kept,
        units,
        ks,
        gap_geo,
        gap_arith,
        gap_geo_k,
        gap_arith_k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::config::TrainConfig;

    fn trained(dropout: f32) -> Trainer {
        let mut t = Trainer::new(TrainConfig {
            dataset: "moons".into(),
            hidden: vec![16],
            dropout,
            optimizer: "adam".into(),
            lr: 0.01,
            ..TrainConfig::default()
        })
        .unwrap();
        t.step(100).unwrap();
        t
    }

    /// On a fixed seed, the K-average of the thinned sub-networks approaches the full net as K
    /// grows: the mean-logit gap falls roughly like 1/sqrt(K); the probability average's too.
    #[test]
    fn k_average_approaches_the_scaled_net() {
        let t = trained(0.5);
        let e = ensemble(&t, 64, 24, 6, 11).unwrap();
        assert_eq!(e.ks, vec![1, 2, 4, 8, 16, 32, 64, 128, 256]);
        let (g1, g256) = (e.gap_geo[0], *e.gap_geo.last().unwrap());
        assert!(
            g256 < g1 / 6.0,
            "geometric gap {g1} at K=1, {g256} at K=256"
        );
        assert!(g256 < 0.02, "{g256}");
        assert!(
            *e.gap_arith.last().unwrap() < e.gap_arith[0] / 3.0,
            "{:?}",
            e.gap_arith
        );
        assert_eq!(e.gap_geo_k, e.gap_geo[6]);
        assert_eq!((e.subnets.len(), e.kept.len(), e.units), (6, 6, 16));
        assert!(
            e.kept.iter().all(|&k| k < 16),
            "p = 0.5 drops some units: {:?}",
            e.kept
        );
        assert!(e.std.iter().all(|v| v.is_finite() && *v >= 0.0));
        // a mask that keeps every unit scales the hidden layer by 1/(1-p) = 2: the logit minus
        // the output bias doubles
        let net = t.network();
        let x = [0.3f32, -0.2, 1.0, 2.0];
        let all = vec![vec![true; 16]];
        let full = net.forward_masked(&x, 2, None).unwrap();
        let kept = net.forward_masked(&x, 2, Some(&all)).unwrap();
        let b = net.out.b[0];
        for (f, k) in full.iter().zip(&kept) {
            assert!(((k - b) - 2.0 * (f - b)).abs() < 1e-5, "{f} {k}");
        }
        assert!(ensemble(&t, 0, 24, 6, 1).is_err(), "K = 0");
        assert!(ensemble(&t, 257, 24, 6, 1).is_err());
        assert!(ensemble(&trained(0.0), 8, 24, 6, 1).is_err(), "no dropout");
    }

    /// forward_masked without masks equals the engine's own eval forward.
    #[test]
    fn unmasked_forward_is_the_eval_forward() {
        let mut t = trained(0.3);
        let x = [0.3f32, -0.2, 1.0, 2.0, -1.5, 0.7];
        let a = t.network().forward_masked(&x, 3, None).unwrap();
        let b = t
            .net
            .forward(&x, 3, false, &mut Rng::new(1))
            .unwrap()
            .to_vec();
        assert_eq!(a, b);
        assert!(t.network().forward_masked(&x, 2, None).is_err());
        assert!(t
            .network()
            .forward_masked(&x, 3, Some(&[vec![true; 3]]))
            .is_err());
    }
}
