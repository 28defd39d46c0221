//! The integer lane types of `ops::lanes` against their scalar formulas, on both builds: natively
//! (`cargo test`, the array implementation) and in the browser (`wasm-pack test`, wasm simd128),
//! so the two implementations the resize's fast paths run on are known to agree. Random lanes,
//! including values that saturate the narrows and wrap the pairwise dot.

use dlplay::ops::lanes::{I16x8, U8x16};
use dlplay::rng::Rng;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn integer_lanes_follow_their_scalar_formulas() {
    let mut rng = Rng::new(3);
    for _ in 0..200 {
        let a: [i16; 8] = std::array::from_fn(|_| rng.next_u64() as i16);
        let b: [i16; 8] = std::array::from_fn(|_| rng.next_u64() as i16);
        let (va, vb) = (I16x8::new(a), I16x8::new(b));
        let hi: [i16; 8] = std::array::from_fn(|k| ((a[k] as i32 * b[k] as i32) >> 16) as i16);
        assert_eq!(va.mul_hi(vb).to_array(), hi);
        let dot: [i32; 4] = std::array::from_fn(|k| {
            (a[2 * k] as i32 * b[2 * k] as i32)
                .wrapping_add(a[2 * k + 1] as i32 * b[2 * k + 1] as i32)
        });
        assert_eq!(va.dot(vb).to_array(), dot);
        let d = va.dot(vb);
        let sat: [i16; 8] = std::array::from_fn(|k| dot[k % 4].clamp(-32768, 32767) as i16);
        assert_eq!(I16x8::narrow(d, d).to_array(), sat);
        let sum: [i16; 8] = std::array::from_fn(|k| a[k].wrapping_add(b[k]) >> 3);
        assert_eq!(((va + vb) >> 3).to_array(), sum);
        let u8s: [u8; 16] = std::array::from_fn(|k| {
            let v = if k < 8 { a[k] } else { b[k - 8] };
            v.clamp(0, 255) as u8
        });
        let packed = U8x16::narrow(va, vb);
        assert_eq!(packed.to_array(), u8s);
        let zipped = packed.zip_pixel_pairs().to_array();
        assert_eq!(zipped[..4], [u8s[0], u8s[4], u8s[1], u8s[5]]);
        assert_eq!(zipped[8..10], [u8s[8], u8s[12]]);
        let wide: [i16; 8] = std::array::from_fn(|k| zipped[8 + k] as i16);
        assert_eq!(packed.zip_pixel_pairs().widen_high().to_array(), wide);
    }
}
