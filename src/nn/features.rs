//! The input features of a point `(x1, x2)` (TensorFlow Playground's seven: x1, x2, x1², x2²,
//! x1·x2, sin x1, sin x2), their names and labels, and the feature matrix of a set of points,
//! optionally standardized. The one place their formulas live (the page's heatmaps of the inputs
//! come from here through `nn::visual::feature_maps`).

use crate::{Error, Result};

/// An input feature computed from a point (the Playground's seven).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    X1,
    X2,
    X1Sq,
    X2Sq,
    X1X2,
    SinX1,
    SinX2,
}

impl Feature {
    /// Every feature, in menu order.
    pub const ALL: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1Sq,
        Feature::X2Sq,
        Feature::X1X2,
        Feature::SinX1,
        Feature::SinX2,
    ];
    pub const NAMES: [&'static str; 7] = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin_x1", "sin_x2"];
    /// How the page writes them.
    pub const LABELS: [&'static str; 7] = ["X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin(X₁)", "sin(X₂)"];

    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "x1" => Feature::X1,
            "x2" => Feature::X2,
            "x1^2" | "x1sq" => Feature::X1Sq,
            "x2^2" | "x2sq" => Feature::X2Sq,
            "x1*x2" | "x1x2" => Feature::X1X2,
            "sin_x1" | "sin(x1)" => Feature::SinX1,
            "sin_x2" | "sin(x2)" => Feature::SinX2,
            _ => {
                return Err(Error::InvalidArg(format!(
                    "feature must be one of {}, got {s:?}",
                    Self::NAMES.join(", ")
                )))
            }
        })
    }

    pub fn name(&self) -> &'static str {
        Self::NAMES[*self as usize]
    }

    pub fn label(&self) -> &'static str {
        Self::LABELS[*self as usize]
    }

    #[inline]
    pub fn of(&self, p: [f32; 2]) -> f32 {
        let [a, b] = p;
        match self {
            Feature::X1 => a,
            Feature::X2 => b,
            Feature::X1Sq => a * a,
            Feature::X2Sq => b * b,
            Feature::X1X2 => a * b,
            Feature::SinX1 => a.sin(),
            Feature::SinX2 => b.sin(),
        }
    }
}

/// Appends the features of each point (row-major `[n, feats.len()]`), standardized by
/// `(mean, std)` per feature when `norm` is given.
pub fn featurize(
    feats: &[Feature],
    pts: &[[f32; 2]],
    norm: Option<&[(f32, f32)]>,
    out: &mut Vec<f32>,
) {
    for &p in pts {
        for (j, f) in feats.iter().enumerate() {
            let v = f.of(p);
            out.push(match norm {
                Some(n) => (v - n[j].0) / n[j].1,
                None => v,
            });
        }
    }
}

/// Per-feature mean and standard deviation (a std below 1e-6 counts as 1, so constants pass).
pub fn feature_stats(feats: &[Feature], pts: &[[f32; 2]]) -> Vec<(f32, f32)> {
    feats
        .iter()
        .map(|f| {
            let n = pts.len().max(1) as f64;
            let m = pts.iter().map(|&p| f.of(p) as f64).sum::<f64>() / n;
            let v = pts
                .iter()
                .map(|&p| (f.of(p) as f64 - m).powi(2))
                .sum::<f64>()
                / n;
            let s = v.sqrt();
            (m as f32, if s < 1e-6 { 1.0 } else { s as f32 })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_have_their_formulas_and_stats() {
        let feats: Vec<Feature> = Feature::NAMES
            .iter()
            .map(|n| Feature::parse(n).unwrap())
            .collect();
        assert_eq!(feats, Feature::ALL);
        let mut out = Vec::new();
        featurize(&feats, &[[2.0, -3.0]], None, &mut out);
        assert_eq!(
            out,
            vec![2.0, -3.0, 4.0, 9.0, -6.0, 2f32.sin(), (-3f32).sin()]
        );
        let st = feature_stats(&feats[..1], &[[1.0, 0.0], [3.0, 0.0]]);
        assert_eq!(st, vec![(2.0, 1.0)]);
        let mut out = Vec::new();
        featurize(&feats[..1], &[[1.0, 0.0], [3.0, 0.0]], Some(&st), &mut out);
        assert_eq!(out, vec![-1.0, 1.0]);
        assert!(Feature::parse("x3")
            .unwrap_err()
            .to_string()
            .contains("x1, x2, x1^2"));
    }
}
