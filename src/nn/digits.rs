//! scikit-learn's 8x8 handwritten digits (`load_digits`: 1,797 images, 10 classes; a copy of the
//! test set of the UCI "Optical Recognition of Handwritten Digits" data by E. Alpaydin and
//! C. Kaynak). The page ships the CSV from the scikit-learn wheel (`www/samples/digits.csv`,
//! decompressed; source, license and sha256 in `www/samples/README.md`): one image per line, 64
//! pixel counts in 0..=16 row by row, then the label.
//!
//! `Digits::parse` reads it into `[N, 1, 8, 8]` images scaled to [0, 1] (count / 16);
//! `stratified_split` makes a seeded train/test split with the same share of every class in the
//! test set; `shift_batch` is the optional augmentation by a random shift of up to one pixel
//! (zero fill).

use super::data::shuffle;
use crate::rng::Rng;
use crate::{Error, Result};

/// Image side and pixels per image.
pub const SIDE: usize = 8;
pub const PIXELS: usize = SIDE * SIDE;
pub const CLASSES: usize = 10;
/// The number of images in scikit-learn's file.
pub const COUNT: usize = 1797;

/// Images `[n, 1, 8, 8]` in [0, 1] and their labels 0..=9.
#[derive(Debug, Clone, PartialEq)]
pub struct Digits {
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
}

impl Digits {
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Parses the CSV (65 integers a line: 64 pixels in 0..=16, then a label in 0..=9). Blank
    /// lines are skipped; anything else malformed is an error naming the line.
    pub fn parse(text: &str) -> Result<Digits> {
        let mut images = Vec::new();
        let mut labels = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let mut n = 0;
            for field in line.split(',') {
                let v: u8 = field.trim().parse().map_err(|_| {
                    Error::parse_at(i + 1, &format!("{field:?} is not an integer in 0..=16"))
                })?;
                if n < PIXELS {
                    if v > 16 {
                        return Err(Error::parse_at(
                            i + 1,
                            &format!("pixel {} is {v}; pixels are counts in 0..=16", n + 1),
                        ));
                    }
                    images.push(v as f32 / 16.0);
                } else if n == PIXELS {
                    if v as usize >= CLASSES {
                        return Err(Error::parse_at(
                            i + 1,
                            &format!("label {v} is not a digit 0..=9"),
                        ));
                    }
                    labels.push(v);
                }
                n += 1;
            }
            if n != PIXELS + 1 {
                return Err(Error::parse_at(
                    i + 1,
                    &format!(
                        "expected 65 comma-separated integers (64 pixels and a label), got {n}"
                    ),
                ));
            }
        }
        if labels.is_empty() {
            return Err(Error::Parse("the digits file holds no images".into()));
        }
        Ok(Digits { images, labels })
    }

    /// The images at `idx`, in that order.
    pub fn subset(&self, idx: &[usize]) -> Digits {
        let mut images = Vec::with_capacity(idx.len() * PIXELS);
        for &i in idx {
            images.extend_from_slice(&self.images[i * PIXELS..][..PIXELS]);
        }
        Digits {
            images,
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
        }
    }

    /// Images per class.
    pub fn class_counts(&self) -> [usize; CLASSES] {
        let mut c = [0; CLASSES];
        for &l in &self.labels {
            c[l as usize] += 1;
        }
        c
    }

    /// A seeded stratified split: each class puts `round(count * test_percent / 100)` of its
    /// images (drawn at random) in the test set, the rest in the training set; both sets are
    /// then shuffled. Returns `(train, test)`.
    pub fn stratified_split(&self, test_percent: f64, seed: u64) -> Result<(Digits, Digits)> {
        if !(test_percent > 0.0 && test_percent < 100.0) {
            return Err(Error::out_of_range(
                "test share (%)",
                1.0,
                99.0,
                test_percent,
            ));
        }
        let mut rng = Rng::new(seed);
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for class in 0..CLASSES as u8 {
            let mut idx: Vec<usize> = (0..self.len())
                .filter(|&i| self.labels[i] == class)
                .collect();
            shuffle(&mut idx, &mut rng);
            let k = (idx.len() as f64 * test_percent / 100.0).round() as usize;
            test.extend_from_slice(&idx[..k]);
            train.extend_from_slice(&idx[k..]);
        }
        shuffle(&mut train, &mut rng);
        shuffle(&mut test, &mut rng);
        Ok((self.subset(&train), self.subset(&test)))
    }
}

/// Shifts each 8x8 image of `images` (`[n, 1, 8, 8]`, in place) by a random `(dy, dx)` in
/// {-1, 0, 1}², filling with 0 (the background): the ±1 px augmentation.
pub fn shift_batch(images: &mut [f32], rng: &mut Rng) {
    let mut tmp = [0.0f32; PIXELS];
    for img in images.chunks_exact_mut(PIXELS) {
        let dy = rng.below(3) as isize - 1;
        let dx = rng.below(3) as isize - 1;
        if dy == 0 && dx == 0 {
            continue;
        }
        tmp.fill(0.0);
        for r in 0..SIDE as isize {
            for c in 0..SIDE as isize {
                let (sr, sc) = (r - dy, c - dx);
                if (0..SIDE as isize).contains(&sr) && (0..SIDE as isize).contains(&sc) {
                    tmp[(r * SIDE as isize + c) as usize] = img[(sr * SIDE as isize + sc) as usize];
                }
            }
        }
        img.copy_from_slice(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = include_str!("../../www/samples/digits.csv");

    #[test]
    fn parses_scikit_learns_file() {
        let d = Digits::parse(CSV).unwrap();
        assert_eq!(d.len(), COUNT);
        assert_eq!(d.images.len(), COUNT * PIXELS);
        // load_digits().target counts
        assert_eq!(
            d.class_counts(),
            [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
        );
        assert_eq!(&d.labels[..5], &[0, 1, 2, 3, 4]);
        assert_eq!(d.images[2], 5.0 / 16.0);
        assert!(d.images.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn split_is_stratified_seeded_and_disjoint() {
        let d = Digits::parse(CSV).unwrap();
        let (tr, te) = d.stratified_split(20.0, 5).unwrap();
        assert_eq!(tr.len() + te.len(), COUNT);
        for (c, (&a, &b)) in te.class_counts().iter().zip(&d.class_counts()).enumerate() {
            assert_eq!(a, (b as f64 * 0.2).round() as usize, "class {c}");
        }
        assert_eq!(
            d.stratified_split(20.0, 5).unwrap(),
            (tr.clone(), te.clone())
        );
        assert_ne!(d.stratified_split(20.0, 6).unwrap().1, te);
        // every image lands once: the multiset of images is preserved
        let key = |x: &[f32]| x.iter().map(|v| (v * 16.0) as u8).collect::<Vec<u8>>();
        let mut all: Vec<Vec<u8>> = d.images.chunks(PIXELS).map(key).collect();
        let mut got: Vec<Vec<u8>> = tr
            .images
            .chunks(PIXELS)
            .chain(te.images.chunks(PIXELS))
            .map(key)
            .collect();
        all.sort();
        got.sort();
        assert_eq!(all, got);
        assert!(d.stratified_split(0.0, 1).is_err());
    }

    #[test]
    fn bad_lines_are_named() {
        let e = Digits::parse("1,2,3").unwrap_err();
        assert_eq!(e.code(), "parse_line");
        assert!(e.to_string().contains("line 1: expected 65"), "{e}");
        let mut line = vec!["0"; 64];
        line.push("12");
        let e = Digits::parse(&line.join(",")).unwrap_err();
        assert!(e.to_string().contains("label 12"), "{e}");
        line[64] = "3";
        line[3] = "17";
        assert!(Digits::parse(&line.join(",")).is_err());
        line[3] = "x";
        assert!(Digits::parse(&line.join(",")).is_err());
    }

    #[test]
    fn shifts_move_by_at_most_one_pixel_with_zero_fill() {
        let mut img = vec![0.0f32; 2 * PIXELS];
        img[3 * 8 + 4] = 1.0;
        img[PIXELS] = 1.0; // a corner pixel may fall off
        let mut rng = Rng::new(3);
        let mut moved = 0;
        for _ in 0..50 {
            let mut x = img.clone();
            shift_batch(&mut x, &mut rng);
            let p = x[..PIXELS].iter().position(|&v| v == 1.0).unwrap();
            let (r, c) = (p / 8, p % 8);
            assert!(r.abs_diff(3) <= 1 && c.abs_diff(4) <= 1);
            assert_eq!(x[..PIXELS].iter().sum::<f32>(), 1.0);
            moved += usize::from(p != 3 * 8 + 4);
            assert!(x[PIXELS..].iter().sum::<f32>() <= 1.0);
        }
        assert!(moved > 30, "{moved}");
    }
}
