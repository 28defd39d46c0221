//! Small formulas the interview drill (www/drill.html) asks about that no other export returns
//! on its own. Each reuses the engine code the labs run (the norm kernels' grouping, the
//! trainer's penalty gradient, the schedule, the init, the loss head), so a drill answer is
//! never a second formula.

use crate::{arg_err, shape_err, Result};

/// How a normalization layer groups an `[N, C, *]` input: how many (mean, var) pairs it
/// computes, over how many values each, and how many affine parameters it learns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NormStats {
    pub stats: u64,
    pub per_stat: u64,
    pub params: u64,
}

/// `kind`: "batch" (per channel over N and space, `nn.BatchNorm2d`), "layer" (per sample over
/// C and space, `nn.LayerNorm([C, H, W])`, elementwise affine), "instance" (per sample and
/// channel, affine off as in torch's default) or "group" (per sample and group of
/// `groups` contiguous channels, `nn.GroupNorm`), as `ops::norm` computes them.
pub fn norm_stats(kind: &str, shape: &[usize], groups: usize) -> Result<NormStats> {
    if shape.len() < 2 || shape.len() > 8 {
        return shape_err!("the input must be [N, C, *] with 2 to 8 dims, got shape {shape:?}");
    }
    let mut total: u64 = 1;
    for &d in shape {
        if d == 0 || d > 1 << 20 {
            return shape_err!("every dim must be in [1, 1048576], got shape {shape:?}");
        }
        total = total.saturating_mul(d as u64);
    }
    if total > 1 << 40 {
        return shape_err!("shape {shape:?} has more than 2^40 elements");
    }
    let (n, c) = (shape[0] as u64, shape[1] as u64);
    let inner = total / (n * c);
    Ok(match kind {
        "batch" => NormStats {
            stats: c,
            per_stat: n * inner,
            params: 2 * c,
        },
        "layer" => NormStats {
            stats: n,
            per_stat: c * inner,
            params: 2 * c * inner,
        },
        "instance" => NormStats {
            stats: n * c,
            per_stat: inner,
            params: 0,
        },
        "group" => {
            let g = groups as u64;
            if g == 0 || c % g != 0 {
                return arg_err!("num_groups must divide the {c} channels, got {groups}");
            }
            NormStats {
                stats: n * g,
                per_stat: c / g * inner,
                params: 2 * c,
            }
        }
        _ => return arg_err!("kind must be one of batch, layer, instance, group, got {kind:?}"),
    })
}

/// Learnable parameters of one layer of torch's `nn.RNN`, `nn.LSTM` or `nn.GRU` (`cell` "rnn",
/// "lstm" or "gru") from `input` to `hidden` units: `gates·h·(input + h)` weights plus two bias
/// vectors (`b_ih`, `b_hh`) of `gates·h` each, with the gate count of the engine's cells
/// (`nn::rnn::Cell::gates`: 1, 4, 3).
pub fn rnn_params(cell: &str, input: usize, hidden: usize) -> Result<u64> {
    use crate::nn::rnn::Cell;
    let c = match cell {
        "rnn" => Cell::RnnTanh,
        "lstm" => Cell::Lstm,
        "gru" => Cell::Gru,
        _ => return arg_err!("cell must be one of rnn, lstm, gru, got {cell:?}"),
    };
    if input == 0 || hidden == 0 || input > 1 << 20 || hidden > 1 << 20 {
        return arg_err!(
            "input and hidden sizes must be in [1, 1048576], got {input} and {hidden}"
        );
    }
    let (g, i, h) = (c.gates() as u64, input as u64, hidden as u64);
    Ok(g * h * (i + h) + 2 * g * h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rnn_counts_are_torchs() {
        // torch: nn.LSTM(10, 20) has 4*20*(10+20) + 2*4*20 = 2560 parameters; GRU 1920; RNN 640
        assert_eq!(rnn_params("lstm", 10, 20).unwrap(), 2560);
        assert_eq!(rnn_params("gru", 10, 20).unwrap(), 1920);
        assert_eq!(rnn_params("rnn", 10, 20).unwrap(), 640);
        assert!(rnn_params("lstm", 0, 20).is_err());
        assert!(rnn_params("tcn", 1, 1).is_err());
    }

    #[test]
    fn counts_match_the_kernels_grouping() {
        let s = [8, 32, 14, 14];
        assert_eq!(
            norm_stats("batch", &s, 0).unwrap(),
            NormStats {
                stats: 32,
                per_stat: 8 * 196,
                params: 64
            }
        );
        assert_eq!(norm_stats("layer", &s, 0).unwrap().stats, 8);
        assert_eq!(norm_stats("instance", &s, 0).unwrap().per_stat, 196);
        assert_eq!(
            norm_stats("group", &s, 4).unwrap(),
            NormStats {
                stats: 32,
                per_stat: 8 * 196,
                params: 64
            }
        );
        assert!(norm_stats("group", &s, 5).is_err());
        assert!(norm_stats("batch", &[3], 0).is_err());
        assert!(norm_stats("nope", &s, 0).is_err());
    }
}
