//! dlplay: deep-learning kernels that match PyTorch (and OpenCV, Pillow, scikit-learn where those
//! are the reference), written as a pure Rust core and exposed to JavaScript through one thin
//! wasm-bindgen layer (`wasm`, compiled only for wasm32).
//!
//! Layout: `tensor` the shape conventions and borrowed views, `ops` forward kernels (one file or
//! folder per family; `ops::conv` the conv2d family), `rf` the receptive-field algebra, `stack`
//! conv/pool stacks for the convolution lab (one file each for layers, plan, cost, per-cell
//! support and ERF), `rng` the seeded generator, `nn` training pieces (optimizers, dropout,
//! layers), `golden` the runner for the reference vectors (used by `tests/golden.rs` natively
//! and by the self-test page in the browser).

pub mod drill;
pub mod error;
pub mod golden;
pub mod golden_engine;
pub mod nn;
pub mod ops;
pub mod rf;
pub mod rng;
pub mod stack;
pub mod tensor;

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
