//! Training pieces: a seeded RNG, dropout, and optimizers with torch.optim's exact update rules.

pub mod dropout;
pub mod optim;
pub mod rng;
