//! Training: dropout, torch.optim's optimizers, initializations, layers with forward and
//! backward, the MLP with its loss head, LR schedules and clipping, toy datasets, and the
//! training lab's engine: its config (`config`), vocabulary (`schema`), loop (`train`), health
//! readings (`health`) and the heatmaps and histograms it draws (`visual`).

pub mod config;
pub mod data;
pub mod dropout;
pub mod health;
pub mod init;
pub mod layers;
pub mod net;
pub mod optim;
pub mod schedule;
pub mod schema;
pub mod train;
pub mod visual;
