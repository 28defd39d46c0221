//! The integer lane types of `ops::lanes` against their scalar formulas, on both builds: natively
//! (`cargo test`, the array implementation) and in the browser (`wasm-pack test`, wasm simd128),
//! so the two implementations the resize's fast paths run on are known to agree. Random lanes,
//! including values that saturate the narrows and wrap the pairwise dot.

use dlplay::ops::lanes::{I16x8, I32x4, U8x16, F4};
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

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn pillow_and_textbook_lane_ops_follow_their_scalar_formulas() {
    // The ops the Pillow and textbook resize lanes add: byte loads, masks and selects, the alpha
    // of each pixel, u16 and i32 products, widening to i32, and the f32 <-> i32 conversions.
    let mut rng = Rng::new(5);
    for _ in 0..200 {
        let a: [u8; 16] = std::array::from_fn(|_| match rng.below(4) {
            0 => 0,
            1 => 255,
            _ => rng.next_u64() as u8,
        });
        let b: [u8; 16] = std::array::from_fn(|k| if rng.below(2) == 0 { a[k] } else { 255 });
        // SAFETY: a and b hold 16 bytes.
        let (va, vb) = unsafe { (U8x16::load(a.as_ptr()), U8x16::load(b.as_ptr())) };
        assert_eq!(va.to_array(), a);
        let p4: [u8; 16] = std::array::from_fn(|k| if k < 4 { a[k] } else { 0 });
        // SAFETY: a holds 4 bytes.
        assert_eq!(unsafe { U8x16::load4(a.as_ptr()) }.to_array(), p4);
        let eq: [u8; 16] = std::array::from_fn(|k| if a[k] == b[k] { 255 } else { 0 });
        assert_eq!(va.eq(vb).to_array(), eq);
        assert_eq!(va.eq(vb).all_true(), a == b);
        assert!(U8x16::splat(7).eq(U8x16::splat(7)).all_true());
        let sel: [u8; 16] = std::array::from_fn(|k| if a[k] == b[k] { 9 } else { a[k] });
        assert_eq!(
            U8x16::select(va.eq(vb), U8x16::splat(9), va).to_array(),
            sel
        );
        let alpha: [u8; 16] = std::array::from_fn(|k| a[k / 4 * 4 + 3]);
        assert_eq!(va.alpha_per_pixel().to_array(), alpha);

        let x: [i16; 8] = std::array::from_fn(|_| rng.next_u64() as i16);
        let y: [i16; 8] = std::array::from_fn(|_| rng.next_u64() as i16);
        let (vx, vy) = (I16x8::new(x), I16x8::new(y));
        let prod: [i16; 8] = std::array::from_fn(|k| x[k].wrapping_mul(y[k]));
        assert_eq!((vx * vy).to_array(), prod);
        let shr: [i16; 8] = std::array::from_fn(|k| ((x[k] as u16) >> 5) as i16);
        assert_eq!(vx.shr_u(5).to_array(), shr);
        let lo: [i32; 4] = std::array::from_fn(|k| x[k] as i32);
        let hi: [i32; 4] = std::array::from_fn(|k| x[4 + k] as i32);
        assert_eq!(vx.widen_low().to_array(), lo);
        assert_eq!(vx.widen_high().to_array(), hi);

        let i: [i32; 4] = std::array::from_fn(|_| rng.next_u64() as i32);
        let j: [i32; 4] = std::array::from_fn(|_| rng.next_u64() as i32);
        let ij: [i32; 4] = std::array::from_fn(|k| i[k].wrapping_mul(j[k]));
        assert_eq!((I32x4::new(i) * I32x4::new(j)).to_array(), ij);
        let f: [f32; 4] = i.map(|v| v as f32);
        assert_eq!(F4::from_i32(I32x4::new(i)).to_array(), f);

        // Floats around integers and halves, out of the i32 range, and NaN.
        let g: [f32; 4] = std::array::from_fn(|_| match rng.below(5) {
            0 => f32::NAN,
            1 => (rng.normal() * 3e9) as f32,
            2 => rng.below(600) as f32 / 2.0 - 100.0,
            _ => (rng.normal() * 300.0) as f32,
        });
        // SAFETY: g holds 4 floats.
        let vg = unsafe { F4::load(g.as_ptr()) };
        let floor = vg.floor().to_array();
        for k in 0..4 {
            assert_eq!(floor[k].to_bits(), g[k].floor().to_bits(), "{}", g[k]);
        }
        assert_eq!(vg.to_i32_sat().to_array(), g.map(|v| v as i32));
    }
}
