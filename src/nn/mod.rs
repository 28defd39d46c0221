//! Training: a seeded RNG, dropout, torch.optim's optimizers, initializations, layers with
//! forward and backward, the MLP with its loss head, LR schedules and clipping, toy datasets and
//! the trainer that runs them.

pub mod data;
pub mod dropout;
pub mod init;
pub mod layers;
pub mod net;
pub mod optim;
pub mod schedule;
pub mod train;
