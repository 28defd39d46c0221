//! ROC curve and AUC with scikit-learn's semantics (`roc_curve`, `roc_auc_score`).
//!
//! Thresholds are the distinct scores, highest first, preceded by +inf; a sample is predicted
//! positive iff `score >= threshold`. Ties move tps and fps together (a diagonal segment).
//! `drop_intermediate` removes collinear points. AUC is the trapezoidal area, which equals the
//! Mann-Whitney probability `P(s+ > s-) + P(s+ = s-)/2`.
//!
//! Beside it, for the evaluation lab: the precision-recall curve and average precision
//! (`precision_recall_curve`, `average_precision_score`: AP = sum_k (R_k - R_{k-1}) P_k over the
//! thresholds, highest first, no interpolation), the Mann-Whitney U statistic from mid-ranks
//! (`scipy.stats.mannwhitneyu`'s U of the positives: AUC = U / (n+ n-)), the pair count over every
//! (positive, negative) pair, a seeded sample of such pairs to draw, and the confusion matrix at
//! a threshold (predicted positive iff `score >= threshold`, as `roc_curve` counts).

use crate::rng::Rng;
use crate::{arg_err, shape_err, Error, Result};

/// Labels and scores checked as `roc_curve` checks them; returns the number of positives.
fn check_binary(labels: &[u8], scores: &[f32]) -> Result<usize> {
    if labels.len() != scores.len() {
        return shape_err!("{} labels but {} scores", labels.len(), scores.len());
    }
    if let Some(i) = labels.iter().position(|&l| l > 1) {
        return arg_err!("label {} at index {i} is not 0 or 1", labels[i]);
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::NonFinite(format!("score[{i}] is {}", scores[i])));
    }
    Ok(labels.iter().filter(|&&l| l == 1).count())
}

/// The same check plus: both classes present (else the named metric is undefined).
fn check_both(labels: &[u8], scores: &[f32], what: &str) -> Result<(usize, usize)> {
    let npos = check_binary(labels, scores)?;
    let nneg = labels.len() - npos;
    if npos == 0 || nneg == 0 {
        return arg_err!(
            "{what} needs both classes: got {npos} positives and {nneg} negatives among {} samples ({what} is undefined)",
            labels.len()
        );
    }
    Ok((npos, nneg))
}

/// Cumulative (tps, fps, threshold) at the last index of each distinct score, highest first
/// (scikit-learn's `_binary_clf_curve`).
fn binary_clf_curve(labels: &[u8], scores: &[f32]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
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
        if k + 1 == order.len() || scores[order[k + 1]] != scores[i] {
            tps.push(tp);
            fps.push(fp);
            thr.push(scores[i] as f64);
        }
    }
    (tps, fps, thr)
}

/// scikit-learn's `precision_recall_curve` (`drop_intermediate=False`: every distinct score,
/// increasing; the last point is precision 1, recall 0 with no threshold) and
/// `average_precision_score`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrCurve {
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
    /// One fewer than the points: `thresholds[i]` gives `(precision[i], recall[i])`.
    pub thresholds: Vec<f64>,
    pub average_precision: f64,
    /// Share of positives: the precision of a random ranking (AP's floor).
    pub prevalence: f64,
}

/// Precision-recall curve and average precision; labels 0/1 (1 = positive). Needs at least one
/// positive (recall is undefined without one) and, like ROC here, at least one negative.
pub fn pr_curve(labels: &[u8], scores: &[f32]) -> Result<PrCurve> {
    let (npos, _) = check_both(labels, scores, "average precision")?;
    let (tps, fps, thr) = binary_clf_curve(labels, scores);
    let tmax = npos as f64;
    // every distinct score is a threshold (scikit-learn >= 1.1 keeps the points past full
    // recall too; `drop_intermediate` is off by default)
    let last = tps.len() - 1;
    let mut precision = Vec::with_capacity(last + 2);
    let mut recall = Vec::with_capacity(last + 2);
    let mut thresholds = Vec::with_capacity(last + 1);
    for k in (0..=last).rev() {
        precision.push(tps[k] / (tps[k] + fps[k]));
        recall.push(tps[k] / tmax);
        thresholds.push(thr[k]);
    }
    precision.push(1.0);
    recall.push(0.0);
    // AP = -sum(diff(recall) * precision[:-1])
    let average_precision = -(0..recall.len() - 1)
        .map(|i| (recall[i + 1] - recall[i]) * precision[i])
        .sum::<f64>();
    Ok(PrCurve {
        precision,
        recall,
        thresholds,
        average_precision,
        prevalence: tmax / labels.len() as f64,
    })
}

/// The Mann-Whitney U statistic of the positives' scores against the negatives'.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MannWhitney {
    /// `U = R+ - n+(n+ + 1)/2`, `R+` the sum of the positives' mid-ranks (ascending scores).
    pub u: f64,
    pub rank_sum: f64,
    pub n_pos: usize,
    pub n_neg: usize,
    /// `U / (n+ n-)`: equals the ROC AUC.
    pub auc: f64,
}

pub fn mann_whitney_u(labels: &[u8], scores: &[f32]) -> Result<MannWhitney> {
    let (npos, nneg) = check_both(labels, scores, "AUC")?;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum = 0.0f64;
    let mut k = 0;
    while k < order.len() {
        let mut e = k + 1;
        while e < order.len() && scores[order[e]] == scores[order[k]] {
            e += 1;
        }
        // ranks k+1 ..= e share the mid-rank
        let mid = (k + 1 + e) as f64 / 2.0;
        rank_sum += mid * order[k..e].iter().filter(|&&i| labels[i] == 1).count() as f64;
        k = e;
    }
    let np = npos as f64;
    let u = rank_sum - np * (np + 1.0) / 2.0;
    Ok(MannWhitney {
        u,
        rank_sum,
        n_pos: npos,
        n_neg: nneg,
        auc: u / (np * nneg as f64),
    })
}

/// Counts over every (positive, negative) pair.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PairCount {
    pub pairs: u64,
    /// The positive scores higher.
    pub wins: u64,
    pub ties: u64,
    /// `(wins + ties / 2) / pairs`: the probability that a random positive outscores a random
    /// negative (a tie counts half); equals the ROC AUC.
    pub auc: f64,
}

/// Pairs counted at most (the page's sets have ~10^5).
pub const MAX_PAIRS: u64 = 50_000_000;

pub fn pair_count(labels: &[u8], scores: &[f32]) -> Result<PairCount> {
    let (npos, nneg) = check_both(labels, scores, "AUC")?;
    let pairs = npos as u64 * nneg as u64;
    if pairs > MAX_PAIRS {
        return Err(Error::count_limit(
            "positive-negative pairs",
            &format!("{npos} x {nneg} = {pairs}"),
            MAX_PAIRS,
        ));
    }
    let pos: Vec<f32> = (0..labels.len())
        .filter(|&i| labels[i] == 1)
        .map(|i| scores[i])
        .collect();
    let (mut wins, mut ties) = (0u64, 0u64);
    for (i, &s) in scores.iter().enumerate() {
        if labels[i] == 0 {
            for &p in &pos {
                if p > s {
                    wins += 1;
                } else if p == s {
                    ties += 1;
                }
            }
        }
    }
    Ok(PairCount {
        pairs,
        wins,
        ties,
        auc: (wins as f64 + ties as f64 / 2.0) / pairs as f64,
    })
}

/// `count` (positive index, negative index) pairs drawn uniformly with replacement, seeded:
/// `[i+, i-, i+, i-, ...]`.
pub fn sample_pairs(labels: &[u8], scores: &[f32], count: usize, seed: u64) -> Result<Vec<u32>> {
    check_both(labels, scores, "a pair sample")?;
    if count == 0 || count > 100_000 {
        return Err(Error::out_of_range("pairs", 1.0, 100_000.0, count));
    }
    let pos: Vec<u32> = (0..labels.len() as u32)
        .filter(|&i| labels[i as usize] == 1)
        .collect();
    let neg: Vec<u32> = (0..labels.len() as u32)
        .filter(|&i| labels[i as usize] == 0)
        .collect();
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(2 * count);
    for _ in 0..count {
        out.push(pos[rng.below(pos.len())]);
        out.push(neg[rng.below(neg.len())]);
    }
    Ok(out)
}

/// The confusion matrix at a threshold and the rates it gives (NaN where a denominator is 0).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Confusion {
    pub threshold: f64,
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub tpr: f64,
    pub fpr: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
}

/// Predicted positive iff `score >= threshold`. Scores here are probabilities, so the threshold
/// must be in [0, 1].
pub fn confusion_at(labels: &[u8], scores: &[f32], threshold: f64) -> Result<Confusion> {
    check_binary(labels, scores)?;
    if !(0.0..=1.0).contains(&threshold) {
        return Err(Error::out_of_range("threshold", 0.0, 1.0, threshold));
    }
    let (mut tp, mut fp, mut tn, mut fn_) = (0u64, 0u64, 0u64, 0u64);
    for (&l, &s) in labels.iter().zip(scores) {
        match (l == 1, s as f64 >= threshold) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (false, false) => tn += 1,
            (true, false) => fn_ += 1,
        }
    }
    let div = |a: u64, b: u64| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };
    let precision = div(tp, tp + fp);
    let recall = div(tp, tp + fn_);
    Ok(Confusion {
        threshold,
        tp,
        fp,
        tn,
        fn_,
        tpr: recall,
        fpr: div(fp, fp + tn),
        precision,
        recall,
        f1: div(2 * tp, 2 * tp + fp + fn_),
        accuracy: div(tp + tn, tp + fp + tn + fn_),
    })
}

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
    let (mut tps, mut fps, mut thr) = binary_clf_curve(labels, scores);
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

    /// AP by its definition (sum over positives of the precision at their rank, ties taken
    /// together) against `pr_curve`; the three AUC readings agree.
    #[test]
    fn ap_mann_whitney_and_pair_count_agree_with_definitions() {
        let mut r = crate::rng::Rng::new(9);
        for case in 0..60 {
            let n = 10 + case;
            let mut l: Vec<u8> = (0..n).map(|_| u8::from(r.uniform() < 0.3)).collect();
            l[0] = 1;
            l[1] = 0;
            let levels = [3, 7, 1000][case % 3];
            let s: Vec<f32> = (0..n)
                .map(|_| r.below(levels) as f32 / levels as f32)
                .collect();
            let roc = roc_curve(&l, &s, true).unwrap();
            let mw = mann_whitney_u(&l, &s).unwrap();
            let pc = pair_count(&l, &s).unwrap();
            assert!((mw.auc - roc.auc).abs() < 1e-12 && (pc.auc - roc.auc).abs() < 1e-12);
            assert!((mw.auc - mann_whitney(&l, &s)).abs() < 1e-12);
            // AP = sum over thresholds t (distinct scores) of (R(t) - R(t_prev)) P(t)
            let mut thr: Vec<f32> = s.clone();
            thr.sort_by(|a, b| b.total_cmp(a));
            thr.dedup();
            let npos = l.iter().filter(|&&v| v == 1).count() as f64;
            let (mut ap, mut prev_r) = (0.0, 0.0);
            for t in thr {
                let tp = (0..n).filter(|&i| l[i] == 1 && s[i] >= t).count() as f64;
                let pp = (0..n).filter(|&i| s[i] >= t).count() as f64;
                let rr = tp / npos;
                ap += (rr - prev_r) * tp / pp;
                prev_r = rr;
            }
            let pr = pr_curve(&l, &s).unwrap();
            assert!((pr.average_precision - ap).abs() < 1e-12, "{case}");
            assert_eq!(pr.precision.len(), pr.thresholds.len() + 1);
            assert_eq!(*pr.recall.first().unwrap(), 1.0);
        }
        // a perfect ranking: AP 1; all scores equal: AP = prevalence
        let l = [1, 1, 0, 0, 0];
        assert_eq!(
            pr_curve(&l, &[0.9, 0.8, 0.1, 0.2, 0.3])
                .unwrap()
                .average_precision,
            1.0
        );
        let flat = pr_curve(&l, &[0.5; 5]).unwrap();
        assert!((flat.average_precision - 0.4).abs() < 1e-12);
    }

    #[test]
    fn confusion_counts_and_rates() {
        let l = [1, 1, 1, 0, 0, 0, 0];
        let s = [0.9, 0.5, 0.2, 0.6, 0.5, 0.1, 0.0];
        let c = confusion_at(&l, &s, 0.5).unwrap();
        assert_eq!((c.tp, c.fn_, c.fp, c.tn), (2, 1, 2, 2));
        assert!((c.precision - 0.5).abs() < 1e-12 && (c.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.f1 - 4.0 / 7.0).abs() < 1e-12 && (c.accuracy - 4.0 / 7.0).abs() < 1e-12);
        let none = confusion_at(&l, &s, 1.0).unwrap();
        assert!(none.precision.is_nan() && none.tp == 0);
        for bad in [-0.1, 1.5, f64::NAN] {
            assert!(confusion_at(&l, &s, bad).is_err());
        }
        let p = sample_pairs(&l, &s, 50, 3).unwrap();
        assert!(p
            .chunks(2)
            .all(|q| l[q[0] as usize] == 1 && l[q[1] as usize] == 0));
        assert!(sample_pairs(&l, &s, 0, 3).is_err());
    }

    #[test]
    fn one_class_is_an_error() {
        for e in [
            pr_curve(&[1, 1], &[0.1, 0.2]).unwrap_err().to_string(),
            mann_whitney_u(&[0, 0], &[0.1, 0.2])
                .unwrap_err()
                .to_string(),
            pair_count(&[1], &[0.1]).unwrap_err().to_string(),
        ] {
            assert!(e.contains("undefined"), "{e}");
        }
        let e = roc_curve(&[1, 1], &[0.1, 0.2], true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("both classes"), "{e}");
    }
}
