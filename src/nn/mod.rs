//! Training: dropout, torch.optim's optimizers, initializations, layers with forward and
//! backward, the MLP (`net`) and its loss head (`head`), LR schedules and clipping, toy datasets
//! (`data`), their input features (`features`) and CSV points (`csv`), and the training lab's
//! engine: its config (`config`), vocabulary (`schema`), loop (`train`), the diagnosis of a run
//! that stopped itself (`diagnosis`), health readings (`health`) and the heatmaps and histograms
//! it draws (`visual`). For the later labs: the convnet path (`cnn`: layers, norms, spectral
//! norm, a model from a config, the classifier loop), scikit-learn's 8x8 digits (`digits`),
//! one-layer RNN/LSTM/GRU (`rnn`), the distillation-loss gradient (`distill`) and calibration,
//! precision-recall and per-class recall (`calibration`), and the outputs-and-losses lab's runs
//! and curves (`losslab`). For the evaluation lab: binary tables (`tabular`: breast cancer, toy
//! sets), their classifier (`evalfit`), dropout's sub-networks (`ensemble`) and the two-weight
//! L1/L2 path (`regpath`). The architecture lab's blocks, sequence tasks, TCN and feature pyramid
//! (`arch`).

pub mod arch;
pub mod calibration;
pub mod cnn;
pub mod config;
pub mod csv;
pub mod data;
pub mod diagnosis;
pub mod digits;
pub mod distill;
pub mod dropout;
pub mod ensemble;
pub mod evalfit;
pub mod features;
pub mod head;
pub mod health;
pub mod init;
pub mod layers;
pub mod losslab;
pub mod net;
pub mod optim;
pub mod regpath;
pub mod rnn;
pub mod schedule;
pub mod schema;
pub mod tabular;
pub mod train;
pub mod visual;
