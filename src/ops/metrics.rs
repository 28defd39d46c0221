//! ROC curve and AUC with scikit-learn's semantics (`roc_curve`, `roc_auc_score`).
//!
//! Thresholds are the distinct scores, highest first, preceded by +inf; a sample is predicted
//! positive iff `score >= threshold`. Ties move tps and fps together (a diagonal segment).
//! `drop_intermediate` removes collinear points. AUC is the trapezoidal area, which equals the
//! Mann-Whitney probability `P(s+ > s-) + P(s+ = s-)/2`.

use crate::{arg_err, shape_err, Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
    /// `thresholds[0]` is +inf, as in scikit-learn >= 1.3.
    pub thresholds: Vec<f64>,
    pub auc: f64,
}

/// `labels` are 0/1 (1 = positive); `scores` any finite numbers.
pub fn roc_curve(labels: &[u8], scores: &[f32], drop_intermediate: bool) -> Result<RocCurve> {
    if labels.len() != scores.len() {
        return shape_err!("{} labels but {} scores", labels.len(), scores.len());
    }
    if let Some(i) = labels.iter().position(|&l| l > 1) {
        return arg_err!("label {} at index {i} is not 0 or 1", labels[i]);
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::NonFinite(format!("score[{i}] is {}", scores[i])));
    }
    let npos = labels.iter().filter(|&&l| l == 1).count();
    if npos == 0 || npos == labels.len() {
        return arg_err!(
            "ROC needs both classes: got {npos} positives among {} samples (AUC is undefined)",
            labels.len()
        );
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tps, mut fps, mut thr) = (Vec::new(), Vec::new(), Vec::new());
    let (mut tp, mut fp) = (0.0f64, 0.0f64);
    for (k, &i) in order.iter().enumerate() {
        if labels[i] == 1 {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let last_of_value = k + 1 == order.len() || scores[order[k + 1]] != scores[i];
        if last_of_value {
            tps.push(tp);
            fps.push(fp);
            thr.push(scores[i] as f64);
        }
    }
    if drop_intermediate && fps.len() > 2 {
        let mut keep = vec![0usize];
        for k in 1..fps.len() - 1 {
            let d2f = fps[k + 1] - 2.0 * fps[k] + fps[k - 1];
            let d2t = tps[k + 1] - 2.0 * tps[k] + tps[k - 1];
            if d2f != 0.0 || d2t != 0.0 {
                keep.push(k);
            }
        }
        keep.push(fps.len() - 1);
        tps = keep.iter().map(|&k| tps[k]).collect();
        fps = keep.iter().map(|&k| fps[k]).collect();
        thr = keep.iter().map(|&k| thr[k]).collect();
    }
    let (tmax, fmax) = (*tps.last().unwrap_or(&1.0), *fps.last().unwrap_or(&1.0));
    let fpr: Vec<f64> = std::iter::once(0.0)
        .chain(fps.iter().map(|f| f / fmax))
        .collect();
    let tpr: Vec<f64> = std::iter::once(0.0)
        .chain(tps.iter().map(|t| t / tmax))
        .collect();
    let thresholds: Vec<f64> = std::iter::once(f64::INFINITY).chain(thr).collect();
    let auc = fpr
        .windows(2)
        .zip(tpr.windows(2))
        .map(|(f, t)| (f[1] - f[0]) * (t[1] + t[0]) / 2.0)
        .sum();
    Ok(RocCurve {
        fpr,
        tpr,
        thresholds,
        auc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mann_whitney(labels: &[u8], s: &[f32]) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for (i, &a) in labels.iter().enumerate() {
            for (j, &b) in labels.iter().enumerate() {
                if a == 1 && b == 0 {
                    den += 1.0;
                    num += if s[i] > s[j] {
                        1.0
                    } else if s[i] == s[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        num / den
    }

    #[test]
    fn auc_equals_mann_whitney_with_ties() {
        let mut r = crate::rng::Rng::new(3);
        for _ in 0..50 {
            let n = 40;
            let mut l: Vec<u8> = (0..n).map(|_| r.below(2) as u8).collect();
            // Five score levels: many ties.
            let s: Vec<f32> = (0..n).map(|_| r.below(5) as f32 / 4.0).collect();
            l[0] = 0;
            l[1] = 1;
            for drop in [false, true] {
                let r = roc_curve(&l, &s, drop).unwrap();
                assert!((r.auc - mann_whitney(&l, &s)).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn one_class_is_an_error() {
        let e = roc_curve(&[1, 1], &[0.1, 0.2], true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("both classes"), "{e}");
    }
}
