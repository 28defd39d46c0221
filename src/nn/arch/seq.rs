//! Seeded sequence tasks for the temporal-modules lab, each a regression of one number read at
//! the last time step (so a gradient that must travel back to an early step is the whole point):
//!
//! * `adding` (Hochreiter & Schmidhuber 1997): two channels, values `U(0,1)` and a marker that is
//!   1 at one step of the first half and one of the second; target = the sum of the two marked
//!   values. Predicting the constant 1 scores MSE 1/6.
//! * `recall`: one channel of `U(-1,1)` values; target = the value `lag` steps before the last
//!   (`x[T-1-lag]`): a delayed copy. The constant 0 scores 1/3.
//! * `sine`: a noisy sine with random phase and frequency; target = the clean sine one step after
//!   the last input (prediction).
//!
//! Layout `[T, N, I]` (torch's `batch_first=False`), targets `[N]`.

use crate::rng::Rng;
use crate::{arg_err, Error, Result};

/// The largest sequence length and batch the lab accepts.
pub const MAX_T: usize = 400;
pub const MAX_BATCH: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Adding,
    Recall { lag: usize },
    Sine,
}

impl Task {
    pub fn parse(name: &str, lag: usize) -> Result<Task> {
        match name {
            "adding" => Ok(Task::Adding),
            "recall" => Ok(Task::Recall { lag }),
            "sine" => Ok(Task::Sine),
            _ => Err(Error::bad_choice(
                "task",
                &["adding", "recall", "sine"],
                name,
            )),
        }
    }

    /// Input channels.
    pub fn inputs(self) -> usize {
        match self {
            Task::Adding => 2,
            _ => 1,
        }
    }

    /// Checks the task against a sequence length.
    pub fn check(self, t: usize) -> Result<()> {
        if !(2..=MAX_T).contains(&t) {
            return Err(Error::out_of_range("sequence length", 2.0, MAX_T as f64, t));
        }
        if let Task::Recall { lag } = self {
            if lag >= t {
                return arg_err!(
                    "the lag ({lag}) must be shorter than the sequence ({t} steps): the value to recall would lie before the first step"
                );
            }
        }
        Ok(())
    }

    /// MSE of the best constant prediction (the target's variance), the baseline to beat.
    pub fn baseline_mse(self) -> f64 {
        match self {
            Task::Adding => 1.0 / 6.0,
            Task::Recall { .. } => 1.0 / 3.0,
            // E[sin^2] over a uniform phase.
            Task::Sine => 0.5,
        }
    }
}

/// A batch: `x [T, N, I]` and targets `[N]`.
#[derive(Debug, Clone)]
pub struct Batch {
    pub t: usize,
    pub n: usize,
    pub i: usize,
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

/// Draws `n` sequences of length `t`.
pub fn batch(task: Task, t: usize, n: usize, rng: &mut Rng) -> Result<Batch> {
    task.check(t)?;
    if !(1..=MAX_BATCH).contains(&n) {
        return Err(Error::out_of_range("batch size", 1.0, MAX_BATCH as f64, n));
    }
    let i = task.inputs();
    let mut x = vec![0.0f32; t * n * i];
    let mut y = vec![0.0f32; n];
    for (b, yb) in y.iter_mut().enumerate() {
        match task {
            Task::Adding => {
                let half = t / 2;
                let m1 = rng.below(half.max(1));
                let m2 = half + rng.below((t - half).max(1));
                let mut s = 0.0;
                for ti in 0..t {
                    let v = rng.uniform() as f32;
                    x[(ti * n + b) * 2] = v;
                    if ti == m1 || ti == m2 {
                        x[(ti * n + b) * 2 + 1] = 1.0;
                        s += v;
                    }
                }
                *yb = s;
            }
            Task::Recall { lag } => {
                for ti in 0..t {
                    x[ti * n + b] = (rng.uniform() * 2.0 - 1.0) as f32;
                }
                *yb = x[(t - 1 - lag) * n + b];
            }
            Task::Sine => {
                let phase = rng.uniform() * std::f64::consts::TAU;
                let w = 0.15 + 0.25 * rng.uniform();
                for ti in 0..t {
                    let v = (w * ti as f64 + phase).sin() + 0.1 * rng.normal();
                    x[ti * n + b] = v as f32;
                }
                *yb = (w * t as f64 + phase).sin() as f32;
            }
        }
    }
    Ok(Batch { t, n, i, x, y })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_marks_two_steps_and_sums_them() {
        let mut r = Rng::new(3);
        let b = batch(Task::Adding, 10, 4, &mut r).unwrap();
        for s in 0..4 {
            let marked: Vec<usize> = (0..10)
                .filter(|&t| b.x[(t * 4 + s) * 2 + 1] == 1.0)
                .collect();
            assert_eq!(marked.len(), 2);
            assert!(marked[0] < 5 && marked[1] >= 5);
            let sum: f32 = marked.iter().map(|&t| b.x[(t * 4 + s) * 2]).sum();
            assert!((sum - b.y[s]).abs() < 1e-6);
        }
    }

    #[test]
    fn recall_copies_the_lagged_value_and_refuses_a_lag_past_the_start() {
        let mut r = Rng::new(1);
        let b = batch(Task::Recall { lag: 3 }, 8, 2, &mut r).unwrap();
        assert_eq!(b.y[1], b.x[4 * 2 + 1]);
        let e = batch(Task::Recall { lag: 8 }, 8, 2, &mut r)
            .unwrap_err()
            .to_string();
        assert!(e.contains("lag (8)"), "{e}");
    }
}
