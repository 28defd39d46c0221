//! What the lab draws from a run: the decision-boundary heatmap (`grid²` cells, class
//! probabilities or the regression output), per-neuron heatmaps (`neuronGrid²` cells per input
//! feature and hidden unit), per-layer histograms of weights, activations and gradients
//! (`HIST_HEADER + histBins` values each), and `feature_maps`, the input features over a grid
//! without a run (the page's feature thumbnails). Grids cover `[-domain, domain]²`, row 0 at the
//! top (x2 = +domain), cell centers.

use super::config::GRID;
use super::features::{self, Feature};
use super::health::NEAR_ZERO;
use super::train::{Trainer, Which};
use crate::{arg_err, Result};

/// Values before the bins of one histogram: lo, hi, mean, std, share of |v| < 0.01.
pub const HIST_HEADER: usize = 5;

/// Centers of a g x g grid over `[-d, d]²`, row 0 at the top (x2 = +d).
pub fn grid_points(d: f32, g: usize) -> Vec<[f32; 2]> {
    let step = 2.0 * d / g as f32;
    (0..g)
        .flat_map(|r| {
            (0..g).map(move |c| [-d + (c as f32 + 0.5) * step, d - (r as f32 + 0.5) * step])
        })
        .collect()
}

/// The raw (unnormalized) input features, named as in `Feature::NAMES`, over a `grid x grid`
/// grid of `[-d, d]²`: one block of `grid²` values per feature, in the order given, each
/// row-major from the top left. `grid` is in 1..=128 (the largest heatmap grid).
pub fn feature_maps<S: AsRef<str>>(names: &[S], grid: usize, d: f32) -> Result<Vec<f32>> {
    let features = names
        .iter()
        .map(|n| Feature::parse(n.as_ref()))
        .collect::<Result<Vec<_>>>()?;
    let most = GRID.hi as usize;
    if !(1..=most).contains(&grid) {
        return arg_err!("grid must be in 1..={most}, got {grid}");
    }
    if !(d.is_finite() && d > 0.0 && d <= 1e6) {
        return arg_err!("domain must be a finite number in (0, 1e6], got {d}");
    }
    let pts = grid_points(d, grid);
    let cells = pts.len();
    // The list of names comes from JS and may repeat a name any number of times.
    let n = crate::tensor::numel(&[features.len(), cells])?;
    let mut out = crate::tensor::try_zeros("feature maps", n)?;
    for (j, f) in features.iter().enumerate() {
        for (c, &p) in pts.iter().enumerate() {
            out[j * cells + c] = f.of(p);
        }
    }
    Ok(out)
}

impl Trainer {
    fn featurize_grid(&self, g: usize) -> Vec<f32> {
        let pts = grid_points(self.domain, g);
        let mut x = Vec::with_capacity(pts.len() * self.plan.features.len());
        features::featurize(&self.plan.features, &pts, self.norm.as_deref(), &mut x);
        x
    }

    /// Fills the decision-boundary buffer (`grid^2 x boundary_channels()`, row-major from the top
    /// left: P(class 1), the class probabilities, or the regression output) and the per-neuron
    /// buffer (`nodes x neuron_grid^2`, nodes = input features then hidden units layer by layer,
    /// each the unit's output after its activation), both in eval mode.
    pub fn compute_heatmaps(&mut self) -> Result<()> {
        let g = self.cfg.grid;
        let x = self.featurize_grid(g);
        let k = self.plan.head.n_out();
        let ch = self.boundary_channels();
        let z = self
            .net
            .forward(&x, g * g, false, &mut self.rng_drop)?
            .to_vec();
        self.boundary.clear();
        self.boundary.resize(g * g * ch, 0.0);
        let mut probs = vec![0.0f32; k];
        for (cell, row) in z.chunks_exact(k).enumerate() {
            self.plan.head.predict_row(row, &mut probs);
            self.boundary[cell * ch..(cell + 1) * ch].copy_from_slice(&probs[..ch]);
        }
        let gn = self.cfg.neuron_grid;
        let cells = gn * gn;
        let x = self.featurize_grid(gn);
        self.net.forward(&x, cells, false, &mut self.rng_drop)?;
        let f = self.plan.features.len();
        let units: usize = self.net.hidden.iter().map(|h| h.dense.n_out).sum();
        self.neurons.clear();
        self.neurons.resize((f + units) * cells, 0.0);
        let mut node = 0;
        for j in 0..f {
            for c in 0..cells {
                self.neurons[node * cells + c] = x[c * f + j];
            }
            node += 1;
        }
        for l in 0..self.net.hidden.len() {
            let a = self.net.activations(l);
            let u = self.net.hidden[l].dense.n_out;
            for j in 0..u {
                for c in 0..cells {
                    self.neurons[node * cells + c] = a[c * u + j];
                }
                node += 1;
            }
        }
        Ok(())
    }

    pub fn boundary(&self) -> &[f32] {
        &self.boundary
    }
    pub fn neurons(&self) -> &[f32] {
        &self.neurons
    }

    /// Fills the histogram buffer: for every dense layer (hidden..., output) three histograms,
    /// weights, activations (after the activation on the training set in eval mode; logits for the
    /// output layer) and weight gradients (last batch), each `HIST_HEADER + hist_bins` values:
    /// lo, hi (symmetric, +-max|v|), mean, std, share of |v| < 0.01, then the bin counts.
    pub fn compute_histograms(&mut self) -> Result<()> {
        let logits = self.eval_logits(Which::Train)?;
        let bins = self.cfg.hist_bins;
        let layers = self.net.hidden.len() + 1;
        self.hist.clear();
        for l in 0..layers {
            let last = l + 1 == layers;
            let (w, a, g): (&[f32], &[f32], &[f32]) = if last {
                (&self.net.out.w, &logits, &self.net.out.gw)
            } else {
                let h = &self.net.hidden[l];
                (&h.dense.w, self.net.activations(l), &h.dense.gw)
            };
            for v in [w, a, g] {
                histogram(v, bins, &mut self.hist);
            }
        }
        Ok(())
    }

    pub fn histograms(&self) -> &[f32] {
        &self.hist
    }
}

/// Appends a histogram of the finite values of `v` (see `compute_histograms`).
fn histogram(v: &[f32], bins: usize, out: &mut Vec<f32>) {
    let fin = v.iter().copied().filter(|x| x.is_finite());
    let m = fin.clone().fold(0.0f32, |a, x| a.max(x.abs()));
    let hi = if m > 0.0 { m } else { 1.0 };
    let n = fin.clone().count().max(1) as f64;
    let mean = fin.clone().map(|x| x as f64).sum::<f64>() / n;
    let sd = (fin.clone().map(|x| (x as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
    let near = fin.clone().filter(|x| x.abs() < NEAR_ZERO).count() as f64 / n;
    out.extend_from_slice(&[-hi, hi, mean as f32, sd as f32, near as f32]);
    let start = out.len();
    out.resize(start + bins, 0.0);
    for x in fin {
        let b = (((x + hi) / (2.0 * hi)) * bins as f32) as usize;
        out[start + b.min(bins - 1)] += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::DOMAIN;
    use super::super::train::tests::cfg;
    use super::*;
    use crate::testkit::assert_close;

    #[test]
    fn feature_maps_of_a_huge_name_list_are_refused() {
        // 2^22 names x a 128x128 grid: 2^36 floats, over the limit of one tensor (the product
        // was unchecked: a capacity overflow on wasm32).
        let names = vec!["x1"; 1 << 22];
        let e = feature_maps(&names, 128, 6.0).unwrap_err();
        assert_eq!(e.code(), "element_limit", "{e}");
    }

    #[test]
    fn heatmaps_and_histograms_have_their_shapes() {
        let mut t = Trainer::new(cfg(|c| {
            c.dataset = "spiral".into();
            c.classes = 3;
            c.grid = 10;
            c.neuron_grid = 5;
            c.hist_bins = 8;
        }))
        .unwrap();
        t.step(3).unwrap();
        t.compute_heatmaps().unwrap();
        assert_eq!(t.boundary_channels(), 3);
        assert_eq!(t.boundary().len(), 100 * 3);
        let sums: Vec<f32> = t.boundary().chunks(3).map(|c| c.iter().sum()).collect();
        assert_close(
            "class probabilities per cell",
            &sums,
            &[1.0; 100],
            1e-5,
            0.0,
        );
        assert_eq!(t.neurons().len(), (2 + 4 + 2) * 25);
        // the x1 input node increases left to right
        let x1 = &t.neurons()[..5];
        assert!(x1.windows(2).all(|w| w[0] < w[1]), "{x1:?}");
        t.compute_histograms().unwrap();
        assert_eq!(t.histograms().len(), 3 * 3 * (HIST_HEADER + 8));
        let first = &t.histograms()[..HIST_HEADER + 8];
        assert_eq!(
            first[HIST_HEADER..].iter().sum::<f32>(),
            8.0,
            "4x2 weights counted"
        );
    }

    #[test]
    fn feature_maps_are_the_features_at_the_cell_centers() {
        let g = 7;
        let names: Vec<&str> = Feature::NAMES.to_vec();
        let maps = feature_maps(&names, g, DOMAIN).unwrap();
        assert_eq!(maps.len(), names.len() * g * g);
        let step = 2.0 * DOMAIN / g as f32;
        for (j, name) in names.iter().enumerate() {
            let f = Feature::parse(name).unwrap();
            let want: Vec<f32> = (0..g * g)
                .map(|cell| {
                    let (r, c) = (cell / g, cell % g);
                    let x1 = -DOMAIN + (c as f32 + 0.5) * step;
                    let x2 = DOMAIN - (r as f32 + 0.5) * step;
                    f.of([x1, x2])
                })
                .collect();
            assert_close(name, &maps[j * g * g..(j + 1) * g * g], &want, 1e-6, 1e-6);
        }
        // row 0 is the top: x2 there is the largest
        let x2 = feature_maps(&["x2"], g, 3.0).unwrap();
        assert_close("top row", &x2[..1], &[3.0 - 3.0 / 7.0], 1e-6, 0.0);
        assert!(x2
            .windows(g)
            .step_by(g)
            .all(|w| w.iter().all(|&v| v == w[0])));
        let e = feature_maps(&["x3"], g, DOMAIN).unwrap_err().to_string();
        assert!(
            e.contains("feature must be one of") && e.contains("sin_x2"),
            "{e}"
        );
        assert!(feature_maps(&["x1"], 0, DOMAIN).is_err());
        assert!(feature_maps(&["x1"], 129, DOMAIN).is_err());
        assert!(feature_maps(&["x1"], 4, f32::NAN).is_err());
    }

    #[test]
    fn input_nodes_of_a_run_are_its_feature_maps() {
        let names = ["x1", "x2^2", "sin_x1"];
        let mut t = Trainer::new(cfg(|c| {
            c.features = names.iter().map(|s| s.to_string()).collect();
            c.neuron_grid = 9;
        }))
        .unwrap();
        t.compute_heatmaps().unwrap();
        let want = feature_maps(&names, 9, DOMAIN).unwrap();
        assert_eq!(&t.neurons()[..want.len()], &want[..]);
    }
}
