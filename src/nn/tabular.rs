//! Binary tables for the evaluation lab: scikit-learn's breast-cancer data (`load_breast_cancer`:
//! 569 tumours, 30 features of cell nuclei; the page ships the wheel's CSV,
//! `www/samples/breast_cancer.csv`, CC BY 4.0, see `www/samples/README.md`) or a two-class toy
//! set of the training lab (`nn::data`, features x1 and x2), with a seeded stratified split,
//! standardization by the training part's statistics, a stratified subset of the training part
//! (learning curves) and a subsample of the positives of the evaluation part (class imbalance).
//!
//! Labels are 0/1 with 1 = positive. For the breast-cancer file the positive class is
//! *malignant* (the condition a test looks for), i.e. scikit-learn's target 0.

use super::data::{self, shuffle, DatasetKind};
use crate::rng::Rng;
use crate::{arg_err, Error, Result};

/// The 30 feature names of `load_breast_cancer` (`feature_names`), in file order.
pub const CANCER_FEATURES: [&str; 30] = [
    "mean radius",
    "mean texture",
    "mean perimeter",
    "mean area",
    "mean smoothness",
    "mean compactness",
    "mean concavity",
    "mean concave points",
    "mean symmetry",
    "mean fractal dimension",
    "radius error",
    "texture error",
    "perimeter error",
    "area error",
    "smoothness error",
    "compactness error",
    "concavity error",
    "concave points error",
    "symmetry error",
    "fractal dimension error",
    "worst radius",
    "worst texture",
    "worst perimeter",
    "worst area",
    "worst smoothness",
    "worst compactness",
    "worst concavity",
    "worst concave points",
    "worst symmetry",
    "worst fractal dimension",
];

/// Rows of the scikit-learn file.
pub const CANCER_ROWS: usize = 569;
/// Most rows a table may hold.
pub const MAX_ROWS: usize = 5000;

/// `x: [n, d]` row-major, `y: [n]` in {0, 1}.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub x: Vec<f32>,
    pub y: Vec<u8>,
    pub d: usize,
}

impl Table {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    pub fn positives(&self) -> usize {
        self.y.iter().filter(|&&v| v == 1).count()
    }

    /// Parses scikit-learn's `breast_cancer.csv`: a header `n,30,malignant,benign`, then rows of
    /// 30 numbers and a target 0 (malignant) or 1 (benign). The label stored is 1 for malignant.
    pub fn parse_breast_cancer(text: &str) -> Result<Table> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, head) = lines
            .next()
            .ok_or_else(|| Error::Parse("the breast-cancer file is empty".into()))?;
        let h: Vec<&str> = head.split(',').map(str::trim).collect();
        if h.len() < 2 || h[1] != "30" {
            return Err(Error::parse_at(
                1,
                "expected the header of scikit-learn's breast_cancer.csv (\"569,30,malignant,benign\")",
            ));
        }
        let d = CANCER_FEATURES.len();
        let mut x = Vec::new();
        let mut y = Vec::new();
        for (i, line) in lines {
            if y.len() >= MAX_ROWS {
                return Err(Error::count_limit("rows", "the file", MAX_ROWS as u64));
            }
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            if fields.len() != d + 1 {
                return Err(Error::parse_at(
                    i + 1,
                    &format!(
                        "expected 31 comma-separated values (30 features and a target), got {}",
                        fields.len()
                    ),
                ));
            }
            for f in &fields[..d] {
                let v: f32 = f
                    .parse()
                    .ok()
                    .filter(|v: &f32| v.is_finite())
                    .ok_or_else(|| {
                        Error::parse_at(i + 1, &format!("{f:?} is not a finite number"))
                    })?;
                x.push(v);
            }
            y.push(match fields[d] {
                "0" => 1, // malignant: the positive class
                "1" => 0,
                t => {
                    return Err(Error::parse_at(
                        i + 1,
                        &format!("target {t:?} is not 0 (malignant) or 1 (benign)"),
                    ))
                }
            });
        }
        if y.is_empty() {
            return Err(Error::Parse("the breast-cancer file holds no rows".into()));
        }
        Ok(Table { x, y, d })
    }

    /// A two-class toy set of the training lab (`circle`, `xor`, `gauss`, `moons`) with
    /// features (x1, x2); class 1 is the positive.
    pub fn toy(name: &str, points: usize, noise: f32, seed: u64) -> Result<Table> {
        let kind = DatasetKind::parse(name)?;
        if kind.task() != "binary" {
            return arg_err!(
                "the evaluation lab needs a two-class set: circle, xor, gauss or moons, got {name:?}"
            );
        }
        let p = data::generate(kind, points, noise, 2, &mut Rng::new(seed))?;
        Ok(Table {
            x: p.x.iter().flat_map(|v| [v[0], v[1]]).collect(),
            y: p.y.iter().map(|&v| u8::from(v > 0.5)).collect(),
            d: 2,
        })
    }

    /// The rows at `idx`, in that order.
    pub fn subset(&self, idx: &[usize]) -> Table {
        let mut x = Vec::with_capacity(idx.len() * self.d);
        for &i in idx {
            x.extend_from_slice(&self.x[i * self.d..(i + 1) * self.d]);
        }
        Table {
            x,
            y: idx.iter().map(|&i| self.y[i]).collect(),
            d: self.d,
        }
    }

    /// Indices of each class, shuffled (seeded).
    fn shuffled_classes(&self, rng: &mut Rng) -> [Vec<usize>; 2] {
        let mut c = [Vec::new(), Vec::new()];
        for (i, &l) in self.y.iter().enumerate() {
            c[l as usize].push(i);
        }
        for v in &mut c {
            shuffle(v, rng);
        }
        c
    }

    /// A seeded stratified split: each class puts `round(count * test_percent / 100)` rows (at
    /// least one, and at least one left) in the test part. Returns `(train, test)`.
    pub fn stratified_split(&self, test_percent: f64, seed: u64) -> Result<(Table, Table)> {
        if !(5.0..=95.0).contains(&test_percent) {
            return Err(Error::out_of_range(
                "test share (%)",
                5.0,
                95.0,
                test_percent,
            ));
        }
        let mut rng = Rng::new(seed);
        let classes = self.shuffled_classes(&mut rng);
        let (mut tr, mut te) = (Vec::new(), Vec::new());
        for (c, idx) in classes.iter().enumerate() {
            if idx.len() < 2 {
                return arg_err!(
                    "class {c} has {} rows; a train/test split needs at least 2 of each class",
                    idx.len()
                );
            }
            let k = ((idx.len() as f64 * test_percent / 100.0).round() as usize)
                .clamp(1, idx.len() - 1);
            te.extend_from_slice(&idx[..k]);
            tr.extend_from_slice(&idx[k..]);
        }
        shuffle(&mut tr, &mut rng);
        shuffle(&mut te, &mut rng);
        Ok((self.subset(&tr), self.subset(&te)))
    }

    /// Per-feature `(mean, std)` (population std; 1 for a constant feature).
    pub fn feature_stats(&self) -> Vec<(f32, f32)> {
        let n = self.len().max(1) as f64;
        (0..self.d)
            .map(|j| {
                let col = || self.x.iter().skip(j).step_by(self.d).map(|&v| v as f64);
                let m = col().sum::<f64>() / n;
                let sd = (col().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt();
                (m as f32, if sd > 1e-12 { sd as f32 } else { 1.0 })
            })
            .collect()
    }

    /// `(x - mean) / std` per feature with the given statistics.
    pub fn standardize(&mut self, stats: &[(f32, f32)]) {
        for row in self.x.chunks_exact_mut(self.d) {
            for (v, &(m, s)) in row.iter_mut().zip(stats) {
                *v = (*v - m) / s;
            }
        }
    }

    /// A stratified subset of `n` rows (the class shares kept, at least one of each), seeded:
    /// the training-set sizes of a learning curve. `n` at or above the size gives everything.
    pub fn stratified_take(&self, n: usize, seed: u64) -> Result<Table> {
        if n >= self.len() {
            return Ok(self.clone());
        }
        if n < 2 {
            return Err(Error::at_least("training-set size", 2, n as i64));
        }
        let classes = self.shuffled_classes(&mut Rng::new(seed));
        let npos = ((n as f64 * classes[1].len() as f64 / self.len() as f64).round() as usize)
            .clamp(1, n - 1)
            .min(classes[1].len());
        let nneg = (n - npos).min(classes[0].len());
        let mut idx: Vec<usize> = classes[1][..npos].to_vec();
        idx.extend_from_slice(&classes[0][..nneg]);
        shuffle(&mut idx, &mut Rng::new(seed ^ 0x5eed));
        Ok(self.subset(&idx))
    }

    /// Keeps `round(share * positives)` of the positives (drawn at random, seeded) and every
    /// negative: the same model then meets a rarer positive class. `share` in [0, 1] (at 0 the
    /// set has no positive: ROC and AP are then undefined, and their code says so).
    pub fn keep_positives(&self, share: f64, seed: u64) -> Result<Table> {
        if !(0.0..=1.0).contains(&share) {
            return Err(Error::out_of_range(
                "share of positives kept",
                0.0,
                1.0,
                share,
            ));
        }
        let classes = self.shuffled_classes(&mut Rng::new(seed));
        let k = (classes[1].len() as f64 * share).round() as usize;
        let mut idx: Vec<usize> = classes[1][..k].to_vec();
        idx.extend_from_slice(&classes[0]);
        idx.sort_unstable(); // keep the original order of the rows
        Ok(self.subset(&idx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cancer() -> Table {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/www/samples/breast_cancer.csv"
        ))
        .unwrap();
        Table::parse_breast_cancer(&text).unwrap()
    }

    #[test]
    fn breast_cancer_file_parses_with_its_class_counts() {
        let t = cancer();
        assert_eq!((t.len(), t.d), (CANCER_ROWS, 30));
        assert_eq!(t.positives(), 212, "212 malignant");
        assert_eq!(t.x[0], 17.99);
        assert_eq!(t.y[0], 1, "row 1 is malignant");
        for bad in ["", "569,29,a,b\n", "569,30,m,b\n1,2,3\n"] {
            assert!(Table::parse_breast_cancer(bad).is_err(), "{bad:?}");
        }
        let mut row = vec!["1.0"; 30];
        row.push("2");
        let text = format!("1,30,m,b\n{}\n", row.join(","));
        let e = Table::parse_breast_cancer(&text).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn split_standardize_take_and_subsample() {
        let t = cancer();
        let (mut tr, mut te) = t.stratified_split(30.0, 7).unwrap();
        assert_eq!(tr.len() + te.len(), 569);
        assert_eq!(te.positives(), 64); // round(212 * 0.3)
        let stats = tr.feature_stats();
        tr.standardize(&stats);
        te.standardize(&stats);
        let s2 = tr.feature_stats();
        assert!(s2
            .iter()
            .all(|(m, s)| m.abs() < 1e-4 && (s - 1.0).abs() < 1e-4));
        let (tr2, _) = t.stratified_split(30.0, 7).unwrap();
        assert_eq!(tr2.y, tr.y, "same seed, same split");
        let small = tr.stratified_take(20, 3).unwrap();
        assert_eq!(small.len(), 20);
        assert!(small.positives() >= 1 && small.positives() < 20);
        let few = te.keep_positives(0.25, 1).unwrap();
        assert_eq!(few.positives(), 16);
        assert_eq!(few.len() - few.positives(), te.len() - te.positives());
        assert_eq!(te.keep_positives(0.001, 1).unwrap().positives(), 0);
        assert!(te.keep_positives(-0.1, 1).is_err() && te.keep_positives(1.5, 1).is_err());
        assert_eq!(te.keep_positives(0.0, 1).unwrap().positives(), 0);
        let toy = Table::toy("moons", 200, 10.0, 3).unwrap();
        assert_eq!((toy.len(), toy.d), (200, 2));
        assert!(Table::toy("spiral", 200, 10.0, 3).is_err());
    }
}
