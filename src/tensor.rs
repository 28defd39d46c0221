//! Tensor conventions: dense row-major f32 buffers with an explicit shape; image tensors are NCHW.
//! Kernels take a `View` (a slice plus the shape its length was checked against, made once by the
//! caller) or `&[f32]` plus a shape checked here, so a bad shape from JS becomes an `Error`, never
//! an out-of-bounds panic.

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

/// A borrowed tensor: `data` and the `shape` it was checked against (`shape` is `[usize; R]`
/// for a fixed rank, e.g. NCHW `[usize; 4]`, or `&[usize]` for "any rank"). Kernels take views
/// instead of a slice and a shape per operand, and may trust `data.len() == numel(shape)`: the
/// only constructor checks it.
#[derive(Debug, Clone, Copy)]
pub struct View<'a, S = [usize; 4]> {
    data: &'a [f32],
    shape: S,
}

impl<'a, S: AsRef<[usize]> + Copy> View<'a, S> {
    /// A view of `data` as `shape`; `name` says which buffer in the error when the length is wrong.
    pub fn new(name: &str, data: &'a [f32], shape: S) -> Result<Self> {
        check_len(name, data.len(), shape.as_ref())?;
        Ok(View { data, shape })
    }
    pub fn data(&self) -> &'a [f32] {
        self.data
    }
    pub fn shape(&self) -> S {
        self.shape
    }
}

/// A view of any rank (`[N, C, *]` for the norms, a checked rank inside the pools).
pub type ViewD<'a> = View<'a, &'a [usize]>;

/// The writable counterpart of `View` (an output buffer, running statistics), with the same check.
#[derive(Debug)]
pub struct ViewMut<'a, S = [usize; 4]> {
    data: &'a mut [f32],
    shape: S,
}

impl<'a, S: AsRef<[usize]> + Copy> ViewMut<'a, S> {
    pub fn new(name: &str, data: &'a mut [f32], shape: S) -> Result<Self> {
        check_len(name, data.len(), shape.as_ref())?;
        Ok(ViewMut { data, shape })
    }
    pub fn data(&mut self) -> &mut [f32] {
        self.data
    }
    pub fn shape(&self) -> S {
        self.shape
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

    #[test]
    fn views_check_their_length() {
        let data = [0.0f32; 6];
        let v = View::new("x", &data, [1, 1, 2, 3]).unwrap();
        assert_eq!((v.data().len(), v.shape()), (6, [1, 1, 2, 3]));
        let e = View::new("weight", &data, [1, 1, 2, 2]).unwrap_err();
        assert_eq!(
            e.to_string(),
            Error::Shape("weight has 6 values but its shape [1, 1, 2, 2] needs 4".into())
                .to_string()
        );
        let shape: &[usize] = &[2, 3];
        assert!(View::new("x", &data, shape).is_ok());
        let mut out = [0.0f32; 5];
        assert!(ViewMut::new("out", &mut out, [5usize]).is_ok());
        assert!(ViewMut::new("out", &mut out, [6usize]).is_err());
    }
}
