//! Tensor conventions: dense row-major f32 buffers with an explicit shape; image tensors are NCHW.
//! Kernels take `&[f32]` plus a shape and check both here, so a bad shape from JS becomes an
//! `Error`, never an out-of-bounds panic.

use crate::{Error, Result};

/// The most elements one tensor may hold (256 Mi floats = 1 GiB): beyond this a wasm32 module
/// cannot allocate anyway, and a clear message beats an abort.
pub const MAX_ELEMENTS: usize = 1 << 28;

/// Number of elements of `shape`, checked against overflow and `MAX_ELEMENTS`.
pub fn numel(shape: &[usize]) -> Result<usize> {
    let mut n: usize = 1;
    for &d in shape {
        n = n
            .checked_mul(d)
            .filter(|&n| n <= MAX_ELEMENTS)
            .ok_or_else(|| {
                Error::TooLarge(format!(
                "shape {shape:?} has more than {MAX_ELEMENTS} elements (the limit of one tensor)"
            ))
            })?;
    }
    Ok(n)
}

/// Checks that a buffer called `name` has exactly the length its `shape` implies.
pub fn check_len(name: &str, len: usize, shape: &[usize]) -> Result<()> {
    let n = numel(shape)?;
    if n != len {
        return crate::shape_err!("{name} has {len} values but its shape {shape:?} needs {n}");
    }
    Ok(())
}

/// Checks that `shape` has `rank` dimensions and returns it as an array.
pub fn expect_rank<const R: usize>(name: &str, shape: &[usize]) -> Result<[usize; R]> {
    shape.try_into().map_err(|_| {
        Error::Shape(format!(
            "{name} must have {R} dimensions, got {} ({shape:?})",
            shape.len()
        ))
    })
}

/// Checks that every value is finite; `name` says which buffer in the message.
pub fn check_finite(name: &str, data: &[f32]) -> Result<()> {
    if let Some(i) = data.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite(format!(
            "{name}[{i}] is {} (every value must be a finite number)",
            data[i]
        )));
    }
    Ok(())
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

    #[test]
    fn numel_overflow_is_an_error() {
        assert_eq!(numel(&[2, 3, 4]).unwrap(), 24);
        assert!(matches!(
            numel(&[1 << 20, 1 << 20]),
            Err(Error::TooLarge(_))
        ));
        assert!(matches!(numel(&[usize::MAX, 2]), Err(Error::TooLarge(_))));
    }

    #[test]
    fn check_len_reports_both_numbers() {
        let e = check_len("x", 5, &[2, 3]).unwrap_err().to_string();
        assert!(e.contains("5") && e.contains("6"), "{e}");
    }

    #[test]
    fn finite_check_names_the_index() {
        let e = check_finite("w", &[1.0, f32::NAN]).unwrap_err().to_string();
        assert!(e.contains("w[1]"), "{e}");
    }
}
