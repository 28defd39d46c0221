//! Nearest-neighbour on RGBA u8: `src = floor(dst * in / out)`, as torch `nearest` and cv2
//! `INTER_NEAREST` (the coordinate is shared with the inspector).

use super::types::{Rgba, RgbaMut};

/// The continuous source coordinate of output `d` on an axis `n -> o`.
pub fn coord(d: usize, n: usize, o: usize) -> f64 {
    d as f64 * n as f64 / o as f64
}

/// The source index output `d` copies (`n, o >= 1`).
pub fn index(d: usize, n: usize, o: usize) -> usize {
    (coord(d, n, o) as usize).min(n - 1)
}

/// The whole resize; sizes are checked by the caller.
pub fn nearest(src: Rgba, dst: RgbaMut) {
    let (ow, oh) = (dst.w, dst.h);
    let xs: Vec<usize> = (0..ow).map(|j| index(j, src.w, ow)).collect();
    for i in 0..oh {
        let srow = src.row(index(i, src.h, oh));
        let drow = &mut dst.data[i * ow * 4..][..ow * 4];
        for (j, &sx) in xs.iter().enumerate() {
            drow[j * 4..j * 4 + 4].copy_from_slice(&srow[sx * 4..sx * 4 + 4]);
        }
    }
}
