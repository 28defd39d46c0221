//! Receptive-field algebra for a stack of conv and pool layers (Araujo et al., Distill 2019).
//!
//! Layer l has kernel k, stride s, dilation d, padding p. With `J_l = prod_{i<l} s_i` (the jump):
//! `r = 1 + sum_l (k_l - 1) d_l J_l`, effective stride `S = prod_l s_l`, and output index j sees
//! input span `[u0 + j S, u0 + j S + r - 1]` with `u0 = -sum_l p_l J_l`. The span is a bounding
//! box: dilation leaves holes in it, which `support_1d` finds exactly by walking back through the
//! layers' index maps (the set of inputs whose gradient can be non-zero).

use crate::ops::conv::{check_geometry, conv_out_len, MAX_COUNT};
use crate::tensor::{check_work, try_filled};
use crate::{arg_err, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    Conv,
    Pool,
}

/// One layer's geometry along an axis (square kernels; both axes behave the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfLayer {
    pub kind: LayerKind,
    pub k: usize,
    pub s: usize,
    pub d: usize,
    pub p: usize,
}

/// Receptive field after a layer: size `r`, jump (effective stride so far) and start offset `u0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfInfo {
    pub r: u64,
    pub jump: u64,
    pub start: i64,
}

fn check(i: usize, l: &RfLayer) -> Result<()> {
    if l.k == 0 || l.s == 0 || l.d == 0 {
        return arg_err!(
            "layer {}: kernel, stride and dilation must be >= 1 (got k={}, s={}, d={})",
            i + 1,
            l.k,
            l.s,
            l.d
        );
    }
    let at = |what: &str| format!("layer {}: {what}", i + 1);
    check_geometry(&at("kernel"), l.k, 1)?;
    check_geometry(&at("stride"), l.s, 1)?;
    check_geometry(&at("dilation"), l.d, 1)?;
    check_geometry(&at("padding"), l.p, 0)?;
    if l.kind == LayerKind::Pool && l.d != 1 {
        return arg_err!(
            "layer {}: pooling layers have dilation 1 here, got {}",
            i + 1,
            l.d
        );
    }
    Ok(())
}

/// Receptive field after each layer of the stack.
pub fn receptive_field(layers: &[RfLayer]) -> Result<Vec<RfInfo>> {
    let (mut r, mut jump, mut start) = (1u64, 1u64, 0i64);
    let mut out = Vec::with_capacity(layers.len());
    for (i, l) in layers.iter().enumerate() {
        check(i, l)?;
        let grow = ((l.k - 1) as u64)
            .checked_mul(l.d as u64)
            .and_then(|v| v.checked_mul(jump));
        let shift = i64::try_from(jump)
            .ok()
            .and_then(|j| j.checked_mul(l.p as i64));
        let next = (
            grow.and_then(|g| r.checked_add(g)),
            jump.checked_mul(l.s as u64),
            shift.and_then(|sh| start.checked_sub(sh)),
        );
        // Within 2^53, so JS receives every number exactly (u64 beyond it cannot be sent).
        let max = MAX_COUNT;
        let next = (
            next.0.filter(|&v| v <= max),
            next.1.filter(|&v| v <= max),
            next.2.filter(|&v| v.unsigned_abs() <= max),
        );
        let (Some(nr), Some(nj), Some(ns)) = next else {
            return arg_err!(
                "layer {}: the receptive field overflows (its size, jump and offset must stay within 2^53 = {max})",
                i + 1
            );
        };
        r = nr;
        start = ns;
        jump = nj;
        out.push(RfInfo { r, jump, start });
    }
    Ok(out)
}

/// Lengths of every feature map for an input of length `n` (`out[0] = n`), or the error of the
/// first layer that cannot run, naming it.
pub fn feature_lengths(layers: &[RfLayer], n: usize) -> Result<Vec<usize>> {
    let mut lens = vec![n];
    for (i, l) in layers.iter().enumerate() {
        check(i, l)?;
        let cur = *lens.last().unwrap_or(&n);
        let o = conv_out_len("", cur, l.k, l.s, l.p, l.d).map_err(|e| {
            crate::Error::Shape(format!(
                "layer {} cannot run on a feature map of {cur}: {e}",
                i + 1
            ))
        })?;
        lens.push(o);
    }
    Ok(lens)
}

/// Exact support along one axis: which of the `n` inputs can influence output index `j` of the
/// last layer (walking each layer's taps `j*s - p + i*d` back, dropping those in the padding).
///
/// `n` is at most `MAX_GEOMETRY` (2^28) and the walk (every layer's output length times its
/// kernel) at most `MAX_WORK` steps.
pub fn support_1d(layers: &[RfLayer], n: usize, j: usize) -> Result<Vec<bool>> {
    check_geometry("input size", n, 1)?;
    let lens = feature_lengths(layers, n)?;
    let last = *lens.last().unwrap_or(&n);
    if j >= last {
        return arg_err!("output index {j} is outside the last feature map (length {last})");
    }
    let work = layers.iter().enumerate().try_fold(0u64, |acc, (li, l)| {
        (lens[li + 1] as u64)
            .checked_mul(l.k as u64)
            .and_then(|w| w.checked_add(lens[li] as u64))
            .and_then(|w| acc.checked_add(w))
    });
    check_work("receptiveSupport", work, || {
        format!("{} layers on an input of {n}", layers.len())
    })?;
    let mut cur = try_filled("the support", last, false)?;
    cur[j] = true;
    for (li, l) in layers.iter().enumerate().rev() {
        let n_in = lens[li];
        let mut prev = try_filled("the support", n_in, false)?;
        for (o, &on) in cur.iter().enumerate() {
            if !on {
                continue;
            }
            for t in 0..l.k {
                let idx = (o * l.s + t * l.d) as isize - l.p as isize;
                if idx >= 0 && (idx as usize) < n_in {
                    prev[idx as usize] = true;
                }
            }
        }
        cur = prev;
    }
    Ok(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(k: usize, s: usize, d: usize, p: usize) -> RfLayer {
        RfLayer {
            kind: LayerKind::Conv,
            k,
            s,
            d,
            p,
        }
    }

    #[test]
    fn three_3x3_convs_see_7() {
        let rf = receptive_field(&[conv(3, 1, 1, 1); 3]).unwrap();
        assert_eq!(rf.iter().map(|i| i.r).collect::<Vec<_>>(), vec![3, 5, 7]);
        assert_eq!(rf[2].start, -3);
    }

    #[test]
    fn dilated_1_2_4_sees_15_without_holes_but_2_2_2_has_holes() {
        let st = [conv(3, 1, 1, 1), conv(3, 1, 2, 2), conv(3, 1, 4, 4)];
        assert_eq!(receptive_field(&st).unwrap()[2].r, 15);
        let s = support_1d(&st, 40, 20).unwrap();
        assert_eq!(s.iter().filter(|&&b| b).count(), 15);
        let grid = [conv(3, 1, 2, 2); 3];
        assert_eq!(receptive_field(&grid).unwrap()[2].r, 13);
        let s = support_1d(&grid, 40, 20).unwrap();
        // Only even offsets are reachable: 7 of the 13 positions (the gridding artefact).
        assert_eq!(s.iter().filter(|&&b| b).count(), 7);
    }

    #[test]
    fn impossible_stack_names_the_layer() {
        let e = feature_lengths(&[conv(3, 2, 1, 0), conv(7, 1, 1, 0)], 8)
            .unwrap_err()
            .to_string();
        assert!(e.contains("layer 2"), "{e}");
        let e = receptive_field(&[conv(3, 1, 0, 1)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("layer 1") && e.contains("d=0"), "{e}");
    }
}
