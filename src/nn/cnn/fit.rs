//! The training loop of a classifier `Model`: seeded shuffled mini-batches, a loss on the
//! logits (`losses::Loss`: cross-entropy by default, mean over the batch; `train_epoch_distill`
//! for a loss that reads a teacher's logits), one `torch.optim` step per parameter tensor
//! (`nn::optim`), an optional augmentation of each batch, and evaluation in eval mode (running
//! statistics, no dropout) with loss and accuracy.

use super::losses::{self, Loss};
use super::model::Model;
use crate::nn::optim::{self, OptimConfig, OptimState};
use crate::rng::Rng;
use crate::{Error, Result};

/// Labelled examples: `x` holds `labels.len()` examples of the model's input shape, row-major.
#[derive(Debug, Clone, Copy)]
pub struct Examples<'a> {
    pub x: &'a [f32],
    pub labels: &'a [u8],
}

/// What an epoch or an evaluation measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub loss: f64,
    pub accuracy: f64,
}

/// A model, its optimizer and the optimizer state of each parameter tensor.
#[derive(Debug, Clone)]
pub struct Classifier {
    pub model: Model,
    pub opt: OptimConfig,
    pub states: Vec<OptimState>,
    pub rng: Rng,
    pub steps: usize,
    /// The training loss (cross-entropy unless set).
    pub loss: Loss,
    /// The mean L2 norm of the first parameter tensor's gradient (the first layer's weight) over
    /// the steps of the last epoch (the last step for `train_batch`).
    pub first_grad_norm: f64,
}

/// An augmentation applied to each training batch (`[n, input...]`, in place).
pub type Augment<'a> = &'a mut dyn FnMut(&mut [f32], &mut Rng);

impl Classifier {
    /// `seed` drives the batch order, dropout and augmentation.
    pub fn new(mut model: Model, opt: OptimConfig, seed: u64) -> Result<Classifier> {
        opt.validate()?;
        let mut n = 0;
        model.for_each_param(|_, _, _| n += 1);
        Ok(Classifier {
            model,
            opt,
            states: vec![OptimState::default(); n],
            rng: Rng::new(seed),
            steps: 0,
            loss: Loss::Ce,
            first_grad_norm: 0.0,
        })
    }

    fn per_example(&self) -> usize {
        self.model.input.iter().product()
    }

    fn check(&self, data: Examples) -> Result<usize> {
        let per = self.per_example();
        let n = data.labels.len();
        if n == 0 || data.x.len() != n * per {
            return Err(Error::Shape(format!(
                "{} values for {n} examples of {per} values each",
                data.x.len()
            )));
        }
        let k = self.model.n_out();
        if let Some(&l) = data.labels.iter().find(|&&l| l as usize >= k) {
            return Err(Error::out_of_range("label", 0.0, (k - 1) as f64, l));
        }
        Ok(n)
    }

    /// Logits of a batch and the gradient of the mean loss; returns `(loss, correct, grad)`.
    /// Evaluation (`grad` false, no teacher) scores with plain cross-entropy when the training
    /// loss needs a teacher.
    fn loss_and_grad(
        &self,
        z: &[f32],
        labels: &[u8],
        teacher: Option<&[f32]>,
        grad: bool,
    ) -> Result<(f64, usize, Vec<f32>)> {
        let k = self.model.n_out();
        let loss = if teacher.is_none() && self.loss.needs_teacher() {
            &Loss::Ce
        } else {
            &self.loss
        };
        let (l, g) = losses::loss_and_grad(loss, z, k, labels, teacher, grad)?;
        let correct = z
            .chunks_exact(k)
            .zip(labels)
            .filter(|(row, &l)| argmax(row) == l as usize)
            .count();
        Ok((l, correct, g))
    }

    /// One pass over `data` in shuffled batches of `batch` (a last batch of one example is
    /// dropped, since batch norm cannot train on it); the mean training loss and accuracy.
    pub fn train_epoch(
        &mut self,
        data: Examples,
        batch: usize,
        augment: Option<Augment>,
    ) -> Result<Score> {
        self.epoch(data, None, batch, augment)
    }

    /// `train_epoch` with a teacher's logits `[n, n_out]` for the examples of `data` (row `i`
    /// for example `i`), which a distillation loss reads.
    pub fn train_epoch_distill(
        &mut self,
        data: Examples,
        teacher: &[f32],
        batch: usize,
        augment: Option<Augment>,
    ) -> Result<Score> {
        let k = self.model.n_out();
        if teacher.len() != data.labels.len() * k {
            return Err(Error::Shape(format!(
                "teacher logits: {} values for {} examples of {k} classes",
                teacher.len(),
                data.labels.len()
            )));
        }
        self.epoch(data, Some(teacher), batch, augment)
    }

    fn epoch(
        &mut self,
        data: Examples,
        teacher: Option<&[f32]>,
        batch: usize,
        mut augment: Option<Augment>,
    ) -> Result<Score> {
        if batch < 2 {
            return Err(Error::at_least("batch size", 2, batch as i64));
        }
        let n = self.check(data)?;
        let per = self.per_example();
        let mut order: Vec<usize> = (0..n).collect();
        crate::nn::data::shuffle(&mut order, &mut self.rng);
        let (mut loss_sum, mut correct, mut seen) = (0.0f64, 0usize, 0usize);
        let mut xb = Vec::with_capacity(batch * per);
        let mut yb = Vec::with_capacity(batch);
        let k = self.model.n_out();
        let mut tb = Vec::new();
        let (mut norm_sum, mut n_steps) = (0.0f64, 0usize);
        for chunk in order.chunks(batch) {
            if chunk.len() < 2 {
                continue;
            }
            xb.clear();
            yb.clear();
            for &i in chunk {
                xb.extend_from_slice(&data.x[i * per..][..per]);
                yb.push(data.labels[i]);
            }
            if let Some(t) = teacher {
                tb.clear();
                for &i in chunk {
                    tb.extend_from_slice(&t[i * k..][..k]);
                }
            }
            if let Some(f) = augment.as_mut() {
                f(&mut xb, &mut self.rng);
            }
            let (loss, ok) = self.step_on(&xb, &yb, teacher.map(|_| &tb[..]))?;
            norm_sum += self.first_grad_norm;
            n_steps += 1;
            loss_sum += loss * chunk.len() as f64;
            correct += ok;
            seen += chunk.len();
        }
        self.first_grad_norm = norm_sum / n_steps.max(1) as f64;
        Ok(Score {
            loss: loss_sum / seen.max(1) as f64,
            accuracy: correct as f64 / seen.max(1) as f64,
        })
    }

    /// One optimizer step on the batch `x` (`labels.len()` examples, at least 2) in training
    /// mode; returns the batch's mean loss and its number of correct predictions. A non-finite
    /// loss is an error before any weight changes.
    pub fn train_batch(&mut self, x: &[f32], labels: &[u8]) -> Result<(f64, usize)> {
        self.step_on(x, labels, None)
    }

    /// `train_batch` with the teacher logits `[n, n_out]` of the batch (for a distillation loss).
    fn step_on(
        &mut self,
        x: &[f32],
        labels: &[u8],
        teacher: Option<&[f32]>,
    ) -> Result<(f64, usize)> {
        let z = self
            .model
            .forward(x, labels.len(), true, &mut self.rng)?
            .to_vec();
        let (loss, ok, g) = self.loss_and_grad(&z, labels, teacher, true)?;
        if !loss.is_finite() {
            return Err(Error::NonFinite(format!(
                "the training loss became {loss} at step {}: the learning rate is probably too high",
                self.steps + 1
            )));
        }
        self.model.backward(&g)?;
        let (opt, states) = (&self.opt, &mut self.states);
        let mut k = 0;
        let mut res = Ok(());
        let mut first = None;
        self.model.for_each_param(|_, p, g| {
            if first.is_none() {
                first = Some(g.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt());
            }
            if res.is_ok() {
                res = optim::step(opt, &mut states[k], p, g);
            }
            k += 1;
        });
        res?;
        self.first_grad_norm = first.unwrap_or(0.0);
        self.steps += 1;
        Ok((loss, ok))
    }

    /// Checks a labelled set against the model's input (public for callers that batch
    /// themselves); returns the number of examples.
    pub fn check_examples(&self, data: Examples) -> Result<usize> {
        self.check(data)
    }

    /// Loss and accuracy in eval mode, in batches of `batch`.
    pub fn evaluate(&mut self, data: Examples, batch: usize) -> Result<Score> {
        self.evaluate_in(data, batch, false)
    }

    /// Loss and accuracy with the model in training mode (`training`: batch statistics, as a
    /// forgotten `model.eval()` does; batch norm's running statistics move, so snapshot the
    /// state first to keep them) or eval mode, in batches of `batch`.
    pub fn evaluate_in(&mut self, data: Examples, batch: usize, training: bool) -> Result<Score> {
        let n = self.check(data)?;
        let per = self.per_example();
        let batch = batch.max(1);
        let (mut loss_sum, mut correct) = (0.0f64, 0usize);
        for start in (0..n).step_by(batch) {
            let m = batch.min(n - start);
            let z = self
                .model
                .forward(
                    &data.x[start * per..][..m * per],
                    m,
                    training,
                    &mut self.rng,
                )?
                .to_vec();
            let (loss, ok, _) =
                self.loss_and_grad(&z, &data.labels[start..start + m], None, false)?;
            loss_sum += loss * m as f64;
            correct += ok;
        }
        Ok(Score {
            loss: loss_sum / n as f64,
            accuracy: correct as f64 / n as f64,
        })
    }
}

/// Index of the largest value (the first on ties).
pub fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = i;
        }
    }
    best
}
