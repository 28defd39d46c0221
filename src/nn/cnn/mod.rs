//! The convnet path of the training engine (pure Rust): `grads` (conv2d weight/bias gradients
//! and the group/instance/layer-norm backward), `spectral` (spectral normalisation and the exact
//! largest singular value).

pub mod grads;
pub mod spectral;
