//! The convnet path of the training engine (pure Rust, reused by the labs after the
//! normalisation lab):
//! * `grads`: conv2d's weight and bias gradients, and the group/instance/layer-norm backward;
//! * `conv1d`: causal and symmetric 1-D convolution with its backward (conv2d on a 1-row view);
//! * `spectral`: spectral normalisation (torch's parametrization) and the exact largest singular
//!   value;
//! * `layers`: Conv2d, Linear, spectral norm of a weight, MaxPool2d, AvgPool2d, global average
//!   pooling, activations, dropout;
//! * `norms`: BatchNorm2d, LayerNorm, InstanceNorm2d, GroupNorm with affine parameters;
//! * `model`: the serde config of a layer stack and the `Model` built from it;
//! * `losses`: the training losses of a classifier (CE with weights and smoothing, MSE on the
//!   softmax, focal, distillation) with their gradients;
//! * `fit`: the classifier's training loop (batches, a loss, optimizer, evaluation).

pub mod conv1d;
pub mod fit;
pub mod grads;
pub mod layers;
pub mod losses;
pub mod model;
pub mod norms;
pub mod run;
pub mod spectral;
pub mod svd;
#[cfg(test)]
mod tests;
