//! Tensor conventions: dense row-major f32 buffers with an explicit shape; image tensors are NCHW.
//! Kernels take `&[f32]` plus a shape and check both here, so a bad shape from JS becomes an
//! `Error`, never an out-of-bounds panic.

use crate::{Error, Result};

/// The most elements one tensor may hold (256 Mi floats = 1 GiB): beyond this a wasm32 module
/// cannot allocate anyway, and a clear message beats an abort.
pub const MAX_ELEMENTS: usize = 1 << 28;

/// Number of elements of `shape`, checked against overflow and `MAX_ELEMENTS`.
pub fn numel(shape: &[usize]) -> Result<usize> {
    shape.iter().try_fold(1usize, |n, &d| {
        n.checked_mul(d)
            .filter(|&n| n <= MAX_ELEMENTS)
            .ok_or_else(|| Error::element_limit(shape, MAX_ELEMENTS))
    })
}

/// Checks that a buffer called `name` has exactly the length its `shape` implies.
pub fn check_len(name: &str, len: usize, shape: &[usize]) -> Result<()> {
    let n = numel(shape)?;
    if n != len {
        return Err(Error::length_mismatch(name, len, shape, n));
    }
    Ok(())
}

/// Checks that `shape` has `rank` dimensions and returns it as an array.
pub fn expect_rank<const R: usize>(name: &str, shape: &[usize]) -> Result<[usize; R]> {
    shape
        .try_into()
        .map_err(|_| Error::rank_mismatch(name, R, shape))
}

/// Checks that every value is finite; `name` says which buffer in the message.
pub fn check_finite(name: &str, data: &[f32]) -> Result<()> {
    match data.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::non_finite_value(name, i, data[i])),
        None => Ok(()),
    }
}

/// An owned tensor: data plus shape. Used by the golden runner and the wasm layer; kernels
/// themselves work on slices.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub data: Vec<f32>,
    pub shape: Vec<usize>,
}

impl Tensor {
    pub fn new(data: Vec<f32>, shape: Vec<usize>) -> Result<Self> {
        check_len("tensor", data.len(), &shape)?;
        Ok(Tensor { data, shape })
    }
    pub fn scalar(v: f32) -> Self {
        Tensor {
            data: vec![v],
            shape: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Kind, Var};

    #[test]
    fn numel_overflow_is_an_error() {
        assert_eq!(numel(&[2, 3, 4]).unwrap(), 24);
        let e = numel(&[1 << 20, 1 << 20]).unwrap_err();
        assert_eq!((e.kind(), e.code()), (Kind::TooLarge, "element_limit"));
        assert_eq!(numel(&[usize::MAX, 2]).unwrap_err().code(), "element_limit");
    }

    #[test]
    fn check_len_reports_both_numbers() {
        let e = check_len("x", 5, &[2, 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "shape error: x has 5 values but its shape [2, 3] needs 6"
        );
        assert_eq!(e.code(), "length_mismatch");
        assert!(e.vars().contains(&("need", Var::Num(6.0))));
    }

    #[test]
    fn finite_check_names_the_index() {
        let e = check_finite("w", &[1.0, f32::NAN]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "non-finite value: w[1] is NaN (every value must be a finite number)"
        );
        assert_eq!(e.code(), "non_finite_value");
        assert!(e.vars().contains(&("index", Var::Num(1.0))));
    }

    #[test]
    fn rank_check_names_the_buffer_and_both_ranks() {
        let e = expect_rank::<4>("input", &[2, 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "shape error: input must have 4 dimensions, got 2 ([2, 3])"
        );
        assert_eq!(e.code(), "rank_mismatch");
    }
}
