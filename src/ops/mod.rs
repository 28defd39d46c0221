//! Forward kernels (and the gradients the labs need), one file per family, a folder once a family
//! has several backends (`conv/`, `interp/`: `mod.rs` owns the parameters, checks and dispatch; the
//! backends are leaves). Kernels take `tensor::View`s (data plus the shape its length was checked
//! against) or slices plus explicit shapes, and return `Result`, so nothing a caller passes can
//! make them panic. `lanes` holds the portable 4-lane types every SIMD path is written on.

pub mod activation;
pub mod conv;
pub mod interp;
pub mod lanes;
pub mod loss;
pub mod metrics;
pub mod norm;
pub mod pool;
pub mod softmax;
pub mod vmath;

use crate::{Error, Result};

/// How a loss reduces its per-element values (PyTorch's `reduction=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    None,
    Mean,
    Sum,
}

impl Reduction {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            _ => Err(Error::InvalidArg(format!(
                "reduction must be \"none\", \"mean\" or \"sum\", got {s:?}"
            ))),
        }
    }
}

/// Result of a loss: the per-element values (`Reduction::None`, with their shape) or a scalar.
#[derive(Debug, Clone, PartialEq)]
pub struct LossOut {
    pub data: Vec<f32>,
    pub shape: Vec<usize>,
}

pub(crate) fn reduce(per: Vec<f64>, shape: Vec<usize>, red: Reduction, mean_denom: f64) -> LossOut {
    match red {
        Reduction::None => LossOut {
            data: per.iter().map(|&v| v as f32).collect(),
            shape,
        },
        Reduction::Sum => LossOut {
            data: vec![per.iter().sum::<f64>() as f32],
            shape: vec![],
        },
        Reduction::Mean => LossOut {
            data: vec![(per.iter().sum::<f64>() / mean_denom) as f32],
            shape: vec![],
        },
    }
}
