//! The crate's one error type. Messages are written for a person using the page: they say what
//! was wrong, what was expected and, where possible, what to do instead.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A tensor's shape or length does not fit the operation.
    Shape(String),
    /// A parameter is out of its allowed range (dilation 0, p = 1.5, unknown mode...).
    InvalidArg(String),
    /// The request would exceed a size limit (pixels, elements, memory).
    TooLarge(String),
    /// NaN or infinity where a finite number is required.
    NonFinite(String),
    /// Malformed input data (JSON, CSV, image bytes).
    Parse(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Shape(m) => write!(f, "shape error: {m}"),
            Error::InvalidArg(m) => write!(f, "invalid argument: {m}"),
            Error::TooLarge(m) => write!(f, "too large: {m}"),
            Error::NonFinite(m) => write!(f, "non-finite value: {m}"),
            Error::Parse(m) => write!(f, "parse error: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// `Err(Error::Shape(...))` with `format!` arguments.
#[macro_export]
macro_rules! shape_err {
    ($($t:tt)*) => { Err($crate::error::Error::Shape(format!($($t)*))) };
}

/// `Err(Error::InvalidArg(...))` with `format!` arguments.
#[macro_export]
macro_rules! arg_err {
    ($($t:tt)*) => { Err($crate::error::Error::InvalidArg(format!($($t)*))) };
}
