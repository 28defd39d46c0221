//! Toy 2-D datasets, generated from a seed, and their seeded split into train and test.
//!
//! The binary and regression sets follow TensorFlow Playground's `dataset.ts` (domain [-6, 6],
//! `noise` given in percent 0..50 as its slider): circle, xor, two gaussians, two-arm spiral, plane
//! and six-gaussian regression. Its labels -1/+1 become classes 0/1 here. Added: gaussian blobs and
//! spirals with 2..6 classes (so softmax is used for real) and two moons (sklearn's `make_moons`,
//! scaled to the same domain). Circle, xor and the regressions have *label* noise (the label is
//! computed at a jittered position), as in the Playground; the others jitter the points.
//! Input features of the points: `nn::features`; CSV points: `nn::csv`.

use crate::rng::Rng;
use crate::{arg_err, Result};
use std::f64::consts::PI;

/// Most points a dataset may hold (generated, loaded or added).
pub const MAX_POINTS: usize = 2000;
/// Most classes of a classification dataset.
pub const MAX_CLASSES: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetKind {
    Circle,
    Xor,
    Gauss,
    Spiral,
    Moons,
    Blobs,
    Plane,
    RegGauss,
    /// Points supplied by the caller (CSV or a list).
    Custom,
}

impl DatasetKind {
    /// Every dataset, in menu order.
    pub const ALL: [DatasetKind; 9] = [
        DatasetKind::Circle,
        DatasetKind::Xor,
        DatasetKind::Gauss,
        DatasetKind::Spiral,
        DatasetKind::Moons,
        DatasetKind::Blobs,
        DatasetKind::Plane,
        DatasetKind::RegGauss,
        DatasetKind::Custom,
    ];
    pub const NAMES: [&'static str; 9] = [
        "circle",
        "xor",
        "gauss",
        "spiral",
        "moons",
        "blobs",
        "plane",
        "reg_gauss",
        "custom",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Result<Self> {
        match Self::ALL.iter().find(|k| k.name() == s) {
            Some(&k) => Ok(k),
            None => arg_err!(
                "dataset must be one of {}, got {s:?}",
                Self::NAMES.join(", ")
            ),
        }
    }

    /// "binary", "multiclass" (the `classes` key applies), "regression", or "custom" (classes
    /// or regression, read from the labels of the points).
    pub fn task(self) -> &'static str {
        match self {
            DatasetKind::Spiral | DatasetKind::Blobs => "multiclass",
            DatasetKind::Plane | DatasetKind::RegGauss => "regression",
            DatasetKind::Custom => "custom",
            _ => "binary",
        }
    }

    /// Number of classes for a generated set (0 = regression); `classes` is used by spiral and
    /// blobs only.
    pub fn classes(&self, classes: usize) -> usize {
        match self {
            DatasetKind::Plane | DatasetKind::RegGauss => 0,
            DatasetKind::Spiral | DatasetKind::Blobs => classes,
            _ => 2,
        }
    }
}

/// Points `(x1, x2)` with a label: a class index (as f32) or a regression target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Points {
    pub x: Vec<[f32; 2]>,
    pub y: Vec<f32>,
}

impl Points {
    pub fn len(&self) -> usize {
        self.x.len()
    }
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
    fn push(&mut self, x: f64, y: f64, label: f64) {
        self.x.push([x as f32, y as f32]);
        self.y.push(label as f32);
    }
}

fn uni(r: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * r.uniform()
}

/// Generates `n` points of `kind` (not `Custom`) with `noise` in percent (0..=50).
pub fn generate(
    kind: DatasetKind,
    n: usize,
    noise: f32,
    classes: usize,
    rng: &mut Rng,
) -> Result<Points> {
    if !(0.0..=50.0).contains(&noise) {
        return arg_err!("noise must be in 0..50 (percent), got {noise}");
    }
    if !(4..=MAX_POINTS).contains(&n) {
        return arg_err!("points must be in 4..={MAX_POINTS}, got {n}");
    }
    let k = kind.classes(classes);
    if k != 0 && !(2..=MAX_CLASSES).contains(&k) {
        return arg_err!("classes must be in 2..={MAX_CLASSES}, got {k}");
    }
    let noise = noise as f64 / 100.0;
    let mut p = Points::default();
    let r = rng;
    match kind {
        DatasetKind::Circle => {
            let radius = 5.0;
            let label = |x: f64, y: f64| if x.hypot(y) < radius * 0.5 { 1.0 } else { 0.0 };
            for (lo, hi, count) in [
                (0.0, radius * 0.5, n / 2),
                (radius * 0.7, radius, n - n / 2),
            ] {
                for _ in 0..count {
                    let rr = uni(r, lo, hi);
                    let a = uni(r, 0.0, 2.0 * PI);
                    let (x, y) = (rr * a.sin(), rr * a.cos());
                    let nx = uni(r, -radius, radius) * noise;
                    let ny = uni(r, -radius, radius) * noise;
                    p.push(x, y, label(x + nx, y + ny));
                }
            }
        }
        DatasetKind::Xor => {
            let pad = |v: f64| if v > 0.0 { v + 0.3 } else { v - 0.3 };
            for _ in 0..n {
                let x = pad(uni(r, -5.0, 5.0));
                let y = pad(uni(r, -5.0, 5.0));
                let nx = uni(r, -5.0, 5.0) * noise;
                let ny = uni(r, -5.0, 5.0) * noise;
                p.push(x, y, if (x + nx) * (y + ny) >= 0.0 { 1.0 } else { 0.0 });
            }
        }
        DatasetKind::Gauss => {
            // variance 0.5 at no noise to 4 at 50%, as the Playground's d3 scale
            let sd = (0.5 + 3.5 * noise / 0.5).sqrt();
            for (c, label, count) in [(2.0, 1.0, n / 2), (-2.0, 0.0, n - n / 2)] {
                for _ in 0..count {
                    p.push(c + sd * r.normal(), c + sd * r.normal(), label);
                }
            }
        }
        DatasetKind::Blobs => {
            let sd = (0.3 + 2.0 * noise / 0.5).sqrt();
            for c in 0..k {
                let a = 2.0 * PI * c as f64 / k as f64 + PI / 4.0;
                let (cx, cy) = (3.5 * a.cos(), 3.5 * a.sin());
                for _ in 0..share(n, k, c) {
                    p.push(cx + sd * r.normal(), cy + sd * r.normal(), c as f64);
                }
            }
        }
        DatasetKind::Spiral => {
            // the Playground's two arms (labels 1 then 0) generalize to k arms 2 pi / k apart
            for c in 0..k {
                let m = share(n, k, c);
                let delta = 2.0 * PI * c as f64 / k as f64;
                let label = if k == 2 { 1.0 - c as f64 } else { c as f64 };
                for i in 0..m {
                    let rr = i as f64 / m as f64 * 5.0;
                    let t = 1.75 * i as f64 / m as f64 * 2.0 * PI + delta;
                    let x = rr * t.sin() + uni(r, -1.0, 1.0) * noise;
                    let y = rr * t.cos() + uni(r, -1.0, 1.0) * noise;
                    p.push(x, y, label);
                }
            }
        }
        DatasetKind::Moons => {
            // sklearn make_moons, angles drawn at random, gaussian noise of up to 0.3 moon units,
            // mapped by (x - 0.5) * 4, (y - 0.25) * 4 onto [-6, 6] x [-3, 3]
            let sd = noise * 0.6;
            for (label, count) in [(0.0, n / 2), (1.0, n - n / 2)] {
                for _ in 0..count {
                    let t = uni(r, 0.0, PI);
                    let (mut x, mut y) = if label == 0.0 {
                        (t.cos(), t.sin())
                    } else {
                        (1.0 - t.cos(), 0.5 - t.sin())
                    };
                    x += sd * r.normal();
                    y += sd * r.normal();
                    p.push((x - 0.5) * 4.0, (y - 0.25) * 4.0, label);
                }
            }
        }
        DatasetKind::Plane | DatasetKind::RegGauss => {
            let radius = 6.0;
            let gaussians = [
                (-4.0, 2.5, 1.0),
                (0.0, 2.5, -1.0),
                (4.0, 2.5, 1.0),
                (-4.0, -2.5, -1.0),
                (0.0, -2.5, 1.0),
                (4.0, -2.5, -1.0),
            ];
            let label = |x: f64, y: f64| -> f64 {
                if kind == DatasetKind::Plane {
                    (x + y) / 10.0
                } else {
                    let mut l = 0.0f64;
                    for (cx, cy, s) in gaussians {
                        let d = (x - cx).hypot(y - cy);
                        let v = s * (1.0 - d / 2.0).clamp(0.0, 1.0);
                        if v.abs() > l.abs() {
                            l = v;
                        }
                    }
                    l
                }
            };
            for _ in 0..n {
                let x = uni(r, -radius, radius);
                let y = uni(r, -radius, radius);
                let nx = uni(r, -radius, radius) * noise;
                let ny = uni(r, -radius, radius) * noise;
                p.push(x, y, label(x + nx, y + ny));
            }
        }
        DatasetKind::Custom => {
            return arg_err!("the custom dataset takes its points from customPoints or a CSV")
        }
    }
    Ok(p)
}

/// Size of part `c` of `n` split into `k` nearly equal parts.
fn share(n: usize, k: usize, c: usize) -> usize {
    n / k + usize::from(c < n % k)
}

/// Shuffles (seeded) and splits into train and test; `train_percent` of the points (at least one,
/// and at least one left for test) go to train.
pub fn split(p: &Points, train_percent: f32, rng: &mut Rng) -> Result<(Points, Points)> {
    if p.len() < 2 {
        return arg_err!(
            "a dataset needs at least 2 points to have a train and a test part, got {}",
            p.len()
        );
    }
    let mut idx: Vec<usize> = (0..p.len()).collect();
    shuffle(&mut idx, rng);
    let n_train =
        ((p.len() as f64 * train_percent as f64 / 100.0).round() as usize).clamp(1, p.len() - 1);
    let take = |ids: &[usize]| Points {
        x: ids.iter().map(|&i| p.x[i]).collect(),
        y: ids.iter().map(|&i| p.y[i]).collect(),
    };
    Ok((take(&idx[..n_train]), take(&idx[n_train..])))
}

/// Fisher-Yates shuffle with the seeded RNG.
pub fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_sets_have_their_sizes_labels_and_seeds() {
        for name in DatasetKind::NAMES {
            let kind = DatasetKind::parse(name).unwrap();
            if kind == DatasetKind::Custom {
                assert!(generate(kind, 100, 0.0, 2, &mut Rng::new(1)).is_err());
                continue;
            }
            let a = generate(kind, 301, 20.0, 3, &mut Rng::new(4)).unwrap();
            let b = generate(kind, 301, 20.0, 3, &mut Rng::new(4)).unwrap();
            assert_eq!(a, b, "{name}: same seed, same points");
            assert_eq!(a.len(), 301, "{name}");
            let k = kind.classes(3);
            if k == 0 {
                // noise shifts the labelled position, so targets may pass +-1 a little (as in the Playground)
                assert!(
                    a.y.iter().all(|v| (-1.5..=1.5).contains(v)),
                    "{name}: targets near [-1, 1]"
                );
            } else {
                for c in 0..k {
                    let m = a.y.iter().filter(|&&v| v == c as f32).count();
                    assert!(m > 301 / k / 2, "{name}: class {c} has {m} points");
                }
            }
            assert!(
                a.x.iter().all(|p| p[0].abs() < 12.0 && p[1].abs() < 12.0),
                "{name}"
            );
        }
        // noise-free circle: label 1 exactly inside radius 2.5
        let c = generate(DatasetKind::Circle, 200, 0.0, 2, &mut Rng::new(2)).unwrap();
        assert!(c
            .x
            .iter()
            .zip(&c.y)
            .all(|(p, &y)| (p[0].hypot(p[1]) < 2.5) == (y == 1.0)));
        assert!(generate(DatasetKind::Circle, 200, 60.0, 2, &mut Rng::new(2)).is_err());
        assert!(generate(DatasetKind::Spiral, 200, 0.0, 7, &mut Rng::new(2)).is_err());
    }

    #[test]
    fn split_keeps_the_share_and_every_point() {
        let p = generate(DatasetKind::Xor, 100, 0.0, 2, &mut Rng::new(1)).unwrap();
        let (tr, te) = split(&p, 30.0, &mut Rng::new(2)).unwrap();
        assert_eq!((tr.len(), te.len()), (30, 70));
        let mut all: Vec<[f32; 2]> = tr.x.iter().chain(&te.x).copied().collect();
        let mut want = p.x.clone();
        let key = |a: &[f32; 2], b: &[f32; 2]| a.partial_cmp(b).unwrap();
        all.sort_by(key);
        want.sort_by(key);
        assert_eq!(all, want);
        assert!(split(&p, 0.0, &mut Rng::new(2)).unwrap().0.len() == 1);
    }
}
