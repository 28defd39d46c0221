//! The types every interpolation leaf shares: the RGBA image views (`[H, W, 4]` u8, channel
//! fastest), the code-path choice (plain or on the portable lanes) and the per-axis separable
//! filter of the float resizes.

/// A read-only RGBA u8 image, `data.len() == w * h * 4` (checked by the callers in `interp`).
#[derive(Debug, Clone, Copy)]
pub struct Rgba<'a> {
    pub data: &'a [u8],
    pub w: usize,
    pub h: usize,
}

/// A writable RGBA u8 image (an output whose size is the resize target).
#[derive(Debug)]
pub struct RgbaMut<'a> {
    pub data: &'a mut [u8],
    pub w: usize,
    pub h: usize,
}

impl Rgba<'_> {
    /// The 4 bytes of pixel `(x, y)`.
    pub fn px(&self, x: usize, y: usize) -> [u8; 4] {
        let p = &self.data[(y * self.w + x) * 4..][..4];
        [p[0], p[1], p[2], p[3]]
    }

    /// Row `y` (`w * 4` bytes).
    pub fn row(&self, y: usize) -> &[u8] {
        &self.data[y * self.w * 4..][..self.w * 4]
    }
}

/// Which code a resize with a fast path takes: the plain scalar loops, or the same arithmetic
/// on the 128-bit lane types of `ops::lanes` (v128 on wasm, arrays natively). Both give the same
/// bytes and floats (the tests compare them), so the choice only changes speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Scalar,
    Simd,
}

/// Per-axis separable filter: output `i` reads `taps` inputs from `starts[i]` with
/// `weights[i*taps..][..taps]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisFilter {
    pub in_len: usize,
    pub taps: usize,
    pub starts: Vec<usize>,
    pub weights: Vec<f32>,
}

impl AxisFilter {
    pub fn out_len(&self) -> usize {
        self.starts.len()
    }

    /// Taps `(index, weight)` of output `i`.
    pub fn taps_of(&self, i: usize) -> Vec<(usize, f32)> {
        (0..self.taps)
            .map(|t| (self.starts[i] + t, self.weights[i * self.taps + t]))
            .collect()
    }

    /// Builds a filter from `(index, weight)` lists per output, packing each into a window of
    /// fixed width that stays inside `[0, in_len)`; `in_len >= 1`.
    pub fn from_pairs(in_len: usize, per_out: &[Vec<(usize, f64)>]) -> Self {
        let span = |v: &Vec<(usize, f64)>| {
            let lo = v.iter().map(|p| p.0).min().unwrap_or(0);
            let hi = v.iter().map(|p| p.0).max().unwrap_or(0);
            hi - lo + 1
        };
        let taps = per_out
            .iter()
            .map(span)
            .max()
            .unwrap_or(1)
            .min(in_len)
            .max(1);
        let mut starts = Vec::with_capacity(per_out.len());
        let mut weights = vec![0.0f32; per_out.len() * taps];
        for (i, v) in per_out.iter().enumerate() {
            let lo = v.iter().map(|p| p.0).min().unwrap_or(0);
            let start = lo.min(in_len - taps);
            starts.push(start);
            for &(j, w) in v {
                weights[i * taps + (j - start)] += w as f32;
            }
        }
        AxisFilter {
            in_len,
            taps,
            starts,
            weights,
        }
    }
}
