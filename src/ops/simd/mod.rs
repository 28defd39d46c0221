//! Vectorized conv kernels (moving to `ops/conv/` next).

pub mod conv;
