//! The architecture lab's engine (issue 14): fusing feature maps and the skip connection
//! (`blocks`), the sequence tasks (`seq`) and the recurrent / temporal-convolution regressor
//! trained on them (`seqnet`), the TCN's receptive-field tree (`tcn_tree`, from `rf`) and the
//! feature pyramid experiment (`fpn`).

pub mod blocks;
pub mod fpn;
pub mod seq;
pub mod seqnet;

use crate::rf::{receptive_field, LayerKind, RfLayer};
use crate::Result;

/// The receptive field over time of the last output of a causal dilated conv1d stack, level by
/// level, as the classic WaveNet tree: `levels[l][j]` is true when the node `j` steps before the
/// last one at level `l` (0 = the input) lies on a path to the last output. `rf = 1 + Σ d_l (k-1)`
/// (from `rf::receptive_field`); `holes` = steps inside the span the output never sees (a
/// dilation pattern that grids, as `2, 2, 2`); `pad` = how many of the span's steps lie before
/// the first input (the causal padding, zeros) for a sequence of `length` steps.
#[derive(Debug, Clone, PartialEq)]
pub struct TcnTree {
    pub rf: u64,
    pub levels: Vec<Vec<bool>>,
    pub holes: usize,
    pub pad: usize,
}

pub fn tcn_tree(kernel: usize, dilations: &[usize], length: usize) -> Result<TcnTree> {
    seqnet::check_tcn(kernel, dilations)?;
    let layers: Vec<RfLayer> = dilations
        .iter()
        .map(|&d| RfLayer {
            kind: LayerKind::Conv,
            k: kernel,
            s: 1,
            d,
            p: 0,
        })
        .collect();
    let rf = receptive_field(&layers)?.last().map_or(1, |i| i.r);
    let span = rf as usize; // at most 1 + 10 * 8 * 256
    let mut levels = vec![vec![false; span]; dilations.len() + 1];
    if let Some(top) = levels.last_mut() {
        top[0] = true;
    }
    for l in (0..dilations.len()).rev() {
        let d = dilations[l];
        for j in 0..span {
            if levels[l + 1][j] {
                for m in 0..kernel {
                    if let Some(v) = levels[l].get_mut(j + m * d) {
                        *v = true;
                    }
                }
            }
        }
    }
    let holes = levels[0].iter().filter(|&&b| !b).count();
    Ok(TcnTree {
        rf,
        levels,
        holes,
        pad: span.saturating_sub(length),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn tree_span_is_one_plus_sum_of_dilated_kernels_and_holes_show_gridding() {
        let t = tcn_tree(2, &[1, 2, 4, 8], 10).unwrap();
        assert_eq!(t.rf, 16);
        assert_eq!(t.holes, 0);
        assert_eq!(t.pad, 6);
        let g = tcn_tree(2, &[2, 2], 30).unwrap();
        assert_eq!(g.rf, 5);
        assert_eq!(g.holes, 2); // steps 1 and 3 back are never seen
        let mut r = Rng::new(5);
        for _ in 0..50 {
            let k = 1 + r.below(4);
            let ds: Vec<usize> = (0..1 + r.below(5)).map(|_| 1 + r.below(9)).collect();
            let t = tcn_tree(k, &ds, 100).unwrap();
            assert_eq!(
                t.rf as usize,
                1 + ds.iter().map(|d| d * (k - 1)).sum::<usize>()
            );
            assert!(t.levels[0][0] && t.levels[0][t.rf as usize - 1]);
        }
    }
}
