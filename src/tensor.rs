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

/// The most work one call may do, in elementary steps (one multiply-add of a conv, one window
/// element of a pool, one tap of a resize filter per value, or per pixel for the RGBA paths;
/// each entry of a resize filter being built is charged 256, see `interp`): 2^30. Measured in
/// release wasm in headless Chrome on the 2-core machine this was built on (ns per step): SIMD
/// conv 0.28, reference conv 0.91, conv input gradient 2.7, max pool 4.2, avg pool 1.6, float
/// bilinear resize 0.8, nearest 1.3, building a filter 225 per entry; natively 0.1 to
/// 0.7. So the slowest loop (max pooling) stops at about 4.5 s and most at 1 to 3 s. A real
/// user never meets it: the labs' largest requests (the conv bench's 32-channel 128x128 convs,
/// 1.5e8; halving a 64 MP photo with Pillow, 3e8) stay below; a request beyond it (a 2^27
/// scale factor, a 31x31 conv with 64 channels on 256x256) is refused with `Error::work_limit`,
/// naming the request, before anything is allocated.
pub const MAX_WORK: u64 = 1 << 30;

/// Refuses a call of `what` whose estimated `work` (None: the estimate overflowed u64) exceeds
/// `MAX_WORK`; `request` describes the call for the message (made only on the error path).
pub fn check_work(what: &str, work: Option<u64>, request: impl FnOnce() -> String) -> Result<()> {
    match work {
        Some(w) if w <= MAX_WORK => Ok(()),
        w => Err(Error::work_limit(
            what,
            &request(),
            w.unwrap_or(u64::MAX),
            MAX_WORK,
        )),
    }
}

/// `a * b * ...` in u64, None on overflow (work estimates).
pub fn prod_u64(dims: &[usize]) -> Option<u64> {
    dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d as u64))
}

/// `n` copies of `v` in a fresh vector, or `Error::out_of_memory` naming `what` when the
/// allocator cannot provide it. Every tensor's storage and every scratch buffer proportional to
/// a request is allocated through this (or `try_zeros`): on wasm32, memory is 4 GiB at most and
/// `vec![..]` aborts the module when it runs out, where `try_reserve_exact` reports it. There is
/// no running budget of live bytes: the allocator itself is asked, so what is left is exactly
/// what the other live tensors leave.
pub fn try_filled<T: Clone>(what: &str, n: usize, v: T) -> Result<Vec<T>> {
    let mut out = Vec::new();
    out.try_reserve_exact(n).map_err(|_| {
        Error::out_of_memory(
            what,
            (n as u64).saturating_mul(std::mem::size_of::<T>() as u64),
        )
    })?;
    out.resize(n, v);
    Ok(out)
}

/// `n` zeros, or `Error::out_of_memory` naming `what` (as `try_filled`), through the allocator's
/// zeroed allocation like `vec![0.0; n]`: fresh pages are not written again, so a 1 GiB tensor
/// costs no more than before.
pub fn try_zeros(what: &str, n: usize) -> Result<Vec<f32>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let oom = || Error::out_of_memory(what, (n as u64).saturating_mul(4));
    let layout = std::alloc::Layout::array::<f32>(n).map_err(|_| oom())?;
    // SAFETY: `layout` has a non-zero size; `alloc_zeroed` returns null or a block of exactly
    // that layout whose bytes are 0, which is `n` valid f32 zeros. `Vec::from_raw_parts` with
    // length = capacity = `n` takes ownership of a block the global allocator made with the
    // layout `Vec<f32>` would use for that capacity, so dropping it frees it correctly.
    unsafe {
        let ptr = std::alloc::alloc_zeroed(layout).cast::<f32>();
        if ptr.is_null() {
            return Err(oom());
        }
        Ok(Vec::from_raw_parts(ptr, n, n))
    }
}

/// A copy of `src`, or `Error::out_of_memory` (the `to_vec` of a tensor's data).
pub fn try_copy<T: Clone>(what: &str, src: &[T]) -> Result<Vec<T>> {
    let mut out = Vec::new();
    out.try_reserve_exact(src.len()).map_err(|_| {
        Error::out_of_memory(
            what,
            (src.len() as u64).saturating_mul(std::mem::size_of::<T>() as u64),
        )
    })?;
    out.extend_from_slice(src);
    Ok(out)
}

/// Grows the scratch buffer `buf` to at least `n` elements (filled with `v`), or
/// `Error::out_of_memory`.
pub fn try_grow<T: Clone>(what: &str, buf: &mut Vec<T>, n: usize, v: T) -> Result<()> {
    if buf.len() < n {
        buf.try_reserve_exact(n - buf.len()).map_err(|_| {
            Error::out_of_memory(
                what,
                (n as u64).saturating_mul(std::mem::size_of::<T>() as u64),
            )
        })?;
        buf.resize(n, v);
    }
    Ok(())
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
    fn allocation_failure_is_an_error_not_an_abort() {
        // Beyond any address space (native or wasm32): the allocator refuses, the caller gets a
        // coded error.
        let huge = usize::MAX / 8;
        let e = try_zeros("a huge tensor", huge).unwrap_err();
        assert_eq!((e.kind(), e.code()), (Kind::TooLarge, "out_of_memory"));
        assert!(e.detail().contains("a huge tensor"), "{e}");
        assert_eq!(
            try_filled("x", usize::MAX, 0u8).unwrap_err().code(),
            "out_of_memory"
        );
        let mut buf = vec![1.0f32; 2];
        assert_eq!(
            try_grow("x", &mut buf, huge, 0.0).unwrap_err().code(),
            "out_of_memory"
        );
        assert_eq!(try_zeros("x", 3).unwrap(), vec![0.0; 3]);
        assert!(try_zeros("x", 0).unwrap().is_empty());
        try_grow("x", &mut buf, 4, 0.0).unwrap();
        assert_eq!(buf, [1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn work_over_the_budget_names_the_request() {
        assert!(check_work("op", Some(MAX_WORK), || unreachable!()).is_ok());
        let e = check_work("interpolate", Some(MAX_WORK + 1), || "a -> b".into()).unwrap_err();
        assert_eq!(e.code(), "work_limit");
        assert!(e.detail().contains("interpolate (a -> b)"), "{e}");
        let e = check_work("conv2d", None, || "huge".into()).unwrap_err();
        assert!(e.detail().contains(&u64::MAX.to_string()), "{e}");
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
