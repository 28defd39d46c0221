//! Metrics of a classifier's probabilities, for the outputs-and-losses lab:
//! * `reliability`: equal-width confidence bins (confidence = the largest probability of a row,
//!   correct = its argmax is the label) and the expected calibration error
//!   `ECE = sum_b (n_b / N) |acc_b - conf_b|` (Guo et al. 2017, "On Calibration of Modern Neural
//!   Networks"; a confidence of exactly 1 goes in the last bin, bin `b` holds `(b/B, (b+1)/B]`);
//! * `pr_curve`: precision and recall of a binary score at every distinct threshold (highest
//!   first, as scikit-learn's `precision_recall_curve` read backwards) and the average precision
//!   `AP = sum_i (R_i - R_{i-1}) P_i` (scikit-learn's `average_precision_score`);
//! * `per_class_recall`: the share of each class's examples predicted as that class.

use crate::{Error, Result};

/// One confidence bin.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// Mean confidence and accuracy of the bin's rows (0 when empty).
    pub confidence: f64,
    pub accuracy: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reliability {
    pub bins: Vec<Bin>,
    pub ece: f64,
    /// Largest `|acc_b - conf_b|` over non-empty bins.
    pub mce: f64,
    pub accuracy: f64,
    pub mean_confidence: f64,
}

fn check_rows(probs: &[f32], k: usize, labels: &[u8]) -> Result<usize> {
    let n = labels.len();
    if k == 0 || n == 0 || probs.len() != n * k {
        return Err(Error::Shape(format!(
            "{} probabilities for {n} examples of {k} classes",
            probs.len()
        )));
    }
    if let Some(&l) = labels.iter().find(|&&l| l as usize >= k) {
        return Err(Error::out_of_range("label", 0.0, (k - 1) as f64, l));
    }
    if let Some(v) = probs
        .iter()
        .find(|v| !(v.is_finite() && (0.0..=1.0).contains(*v)))
    {
        return Err(Error::InvalidArg(format!(
            "probabilities must be in [0, 1], got {v}"
        )));
    }
    Ok(n)
}

/// Reliability diagram and ECE of probabilities `[n, k]` with `bins` equal-width bins.
pub fn reliability(probs: &[f32], k: usize, labels: &[u8], bins: usize) -> Result<Reliability> {
    let n = check_rows(probs, k, labels)?;
    if !(1..=100).contains(&bins) {
        return Err(Error::out_of_range("bins", 1.0, 100.0, bins));
    }
    let mut cnt = vec![0usize; bins];
    let mut conf = vec![0.0f64; bins];
    let mut hit = vec![0.0f64; bins];
    let (mut all_hit, mut all_conf) = (0.0, 0.0);
    for (row, &y) in probs.chunks_exact(k).zip(labels) {
        let (mut best, mut c) = (0usize, row[0]);
        for (j, &v) in row.iter().enumerate() {
            if v > c {
                best = j;
                c = v;
            }
        }
        let c = c as f64;
        // (b/B, (b+1)/B]: ceil(c B) - 1, with 0 in the first bin.
        let b = ((c * bins as f64).ceil() as usize).clamp(1, bins) - 1;
        let ok = if best == y as usize { 1.0 } else { 0.0 };
        cnt[b] += 1;
        conf[b] += c;
        hit[b] += ok;
        all_hit += ok;
        all_conf += c;
    }
    let (mut ece, mut mce) = (0.0f64, 0.0f64);
    let out = (0..bins)
        .map(|b| {
            let m = cnt[b];
            let (cf, ac) = if m > 0 {
                (conf[b] / m as f64, hit[b] / m as f64)
            } else {
                (0.0, 0.0)
            };
            if m > 0 {
                ece += m as f64 / n as f64 * (ac - cf).abs();
                mce = mce.max((ac - cf).abs());
            }
            Bin {
                lo: b as f64 / bins as f64,
                hi: (b + 1) as f64 / bins as f64,
                count: m,
                confidence: cf,
                accuracy: ac,
            }
        })
        .collect();
    Ok(Reliability {
        bins: out,
        ece,
        mce,
        accuracy: all_hit / n as f64,
        mean_confidence: all_conf / n as f64,
    })
}

/// A precision-recall curve: points from the highest threshold down (recall rising).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrCurve {
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
    pub thresholds: Vec<f32>,
    pub average_precision: f64,
}

/// Precision-recall of `scores` (higher = more positive) against `positive[i]`: the lab's view
/// of `metrics::pr_curve` (scikit-learn's `precision_recall_curve` and
/// `average_precision_score`, the one implementation the golden cases check), its points turned
/// to run from the highest threshold down (recall rising) and without its closing point
/// (recall 0, precision 1), which has no threshold.
pub fn pr_curve(positive: &[bool], scores: &[f32]) -> Result<PrCurve> {
    let labels: Vec<u8> = positive.iter().map(|&p| u8::from(p)).collect();
    let m = crate::ops::metrics::pr_curve(&labels, scores)?;
    let n = m.thresholds.len();
    Ok(PrCurve {
        precision: m.precision[..n].iter().rev().copied().collect(),
        recall: m.recall[..n].iter().rev().copied().collect(),
        // the thresholds are the f32 scores themselves (widened to f64 by metrics)
        thresholds: m.thresholds.iter().rev().map(|&t| t as f32).collect(),
        average_precision: m.average_precision,
    })
}

/// Recall of each class: correct predictions of class `c` over the examples of class `c` (NaN
/// for a class with no examples).
pub fn per_class_recall(logits: &[f32], k: usize, labels: &[u8]) -> Result<Vec<f64>> {
    let n = labels.len();
    if k == 0 || logits.len() != n * k {
        return Err(Error::Shape(format!(
            "{} logits for {n} examples of {k} classes",
            logits.len()
        )));
    }
    let (mut hit, mut cnt) = (vec![0usize; k], vec![0usize; k]);
    for (row, &y) in logits.chunks_exact(k).zip(labels) {
        let y = y as usize;
        if y >= k {
            return Err(Error::out_of_range("label", 0.0, (k - 1) as f64, y));
        }
        cnt[y] += 1;
        if crate::nn::cnn::fit::argmax(row) == y {
            hit[y] += 1;
        }
    }
    Ok((0..k)
        .map(|c| {
            if cnt[c] == 0 {
                f64::NAN
            } else {
                hit[c] as f64 / cnt[c] as f64
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_by_hand() {
        // Three rows: conf 0.9 right, 0.9 wrong, 0.55 right; 10 bins.
        let probs = [0.9f32, 0.1, 0.1, 0.9, 0.55, 0.45];
        let r = reliability(&probs, 2, &[0, 0, 0], 10).unwrap();
        // bin (0.8, 0.9]: conf 0.9 acc 0.5; bin (0.5, 0.6]: conf 0.55 acc 1.
        let want = 2.0 / 3.0 * 0.4 + 1.0 / 3.0 * 0.45;
        assert!((r.ece - want).abs() < 1e-6, "{} vs {want}", r.ece);
        assert_eq!(r.bins[8].count, 2);
        assert_eq!(r.bins[5].count, 1);
        assert!((r.mce - 0.45).abs() < 1e-6);
        assert!((r.accuracy - 2.0 / 3.0).abs() < 1e-12);
        // Confidence 1 falls in the last bin.
        let r = reliability(&[1.0, 0.0], 2, &[0], 4).unwrap();
        assert_eq!(r.bins[3].count, 1);
        assert_eq!(r.ece, 0.0);
    }

    #[test]
    fn perfectly_calibrated_bins_have_zero_ece() {
        // 10 rows at confidence 0.7 in one bin, 7 right.
        let mut probs = Vec::new();
        let mut labels = Vec::new();
        for i in 0..10 {
            probs.extend([0.7f32, 0.3]);
            labels.push(if i < 7 { 0 } else { 1 });
        }
        let r = reliability(&probs, 2, &labels, 10).unwrap();
        assert!(r.ece < 1e-6, "{}", r.ece);
        assert!(reliability(&probs, 2, &labels, 0).is_err());
        assert!(reliability(&[f32::NAN, 0.5], 2, &[0], 10).is_err());
    }

    #[test]
    fn pr_curve_matches_sklearn() {
        // sklearn: average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.8333...
        let c = pr_curve(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8]).unwrap();
        assert!((c.average_precision - 0.833_333_333).abs() < 1e-6);
        assert_eq!(c.recall, vec![0.5, 0.5, 1.0, 1.0]);
        assert_eq!(c.precision, vec![1.0, 0.5, 2.0 / 3.0, 0.5]);
        // Ties move together.
        let c = pr_curve(&[true, false], &[0.5, 0.5]).unwrap();
        assert_eq!(c.precision, vec![0.5]);
        assert!(pr_curve(&[false], &[0.5]).is_err());
        assert!(pr_curve(&[true, false], &[f32::NAN, 0.5]).is_err());
        assert!(pr_curve(&[true, false], &[0.5]).is_err());
    }

    #[test]
    fn recall_per_class() {
        let z = [2.0f32, 0.0, 0.0, 1.0, 3.0, 0.0];
        let r = per_class_recall(&z, 2, &[0, 1, 1]).unwrap();
        assert_eq!(r[0], 1.0);
        assert_eq!(r[1], 0.5);
        assert!(per_class_recall(&z, 2, &[0, 1, 2]).is_err());
    }
}
