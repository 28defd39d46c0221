//! What one conv layer costs built three ways (standard, depthwise-separable, 1x1 bottleneck) at
//! the same output shape, all through `conv::conv2d_cost`: the lab's cheat-sheet.

use crate::ops::conv::{conv2d_cost, MAX_COUNT};
use crate::{Error, Result};

/// Parameters and multiply-adds of one way to build a conv layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    pub name: &'static str,
    /// The layers, e.g. "dw 3x3 (3 ch) + pw 1x1 (3->4)".
    pub parts: Vec<(String, u64, u64)>,
    pub params: u64,
    pub macs: u64,
}

fn cost(name: &'static str, parts: Vec<(String, u64, u64)>) -> Result<Cost> {
    let sum = |f: fn(&(String, u64, u64)) -> u64| {
        parts
            .iter()
            .try_fold(0u64, |a, p| a.checked_add(f(p)))
            .filter(|&v| v <= MAX_COUNT)
    };
    let (Some(params), Some(macs)) = (sum(|p| p.1), sum(|p| p.2)) else {
        return Err(Error::count_limit(
            "parameters and mult-adds",
            &format!("the {name} version"),
            MAX_COUNT,
        ));
    };
    Ok(Cost {
        name,
        parts,
        params,
        macs,
    })
}

/// A `k x k` conv from `c_in` to `c_out` channels producing `out_hw`, next to the
/// depthwise-separable version (depthwise `k x k` + pointwise 1x1) and a ResNet-style 1x1
/// bottleneck (1x1 to `c_out/4`, `k x k` there, 1x1 back up), all at the same output shape and
/// without bias (the cheat-sheet counts weights only). 3 -> 4 channels, 3x3: 108 vs 27 + 12 = 39.
/// A count over `MAX_COUNT` (2^53) is an error naming the layer, never a wrapped number.
pub fn alternatives(c_in: usize, c_out: usize, k: usize, out_hw: [usize; 2]) -> Result<[Cost; 3]> {
    let kk = [k, k];
    let std = conv2d_cost(c_in, c_out, kk, 1, false, out_hw)?;
    let dw = conv2d_cost(c_in, c_in, kk, c_in, false, out_hw)?;
    let pw = conv2d_cost(c_in, c_out, [1, 1], 1, false, out_hw)?;
    let b = (c_out / 4).max(1);
    let red = conv2d_cost(c_in, b, [1, 1], 1, false, out_hw)?;
    let mid = conv2d_cost(b, b, kk, 1, false, out_hw)?;
    let up = conv2d_cost(b, c_out, [1, 1], 1, false, out_hw)?;
    Ok([
        cost(
            "standard",
            vec![(format!("conv {k}x{k} {c_in}->{c_out}"), std.0, std.1)],
        )?,
        cost(
            "separable",
            vec![
                (format!("depthwise {k}x{k} on {c_in}"), dw.0, dw.1),
                (format!("pointwise 1x1 {c_in}->{c_out}"), pw.0, pw.1),
            ],
        )?,
        cost(
            "bottleneck",
            vec![
                (format!("1x1 {c_in}->{b}"), red.0, red.1),
                (format!("{k}x{k} {b}->{b}"), mid.0, mid.1),
                (format!("1x1 {b}->{c_out}"), up.0, up.1),
            ],
        )?,
    ])
}
