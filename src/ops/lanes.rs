//! The portable 128-bit vector types every SIMD fast path is written on: `F4` (four f32), and for
//! the fixed-point image paths `U8x16`, `I16x8` and `I32x4` with the few integer operations they
//! use (widening, pairwise dot, high half of a product, saturating narrows). On `wasm32` with
//! `simd128` enabled (the project's `.cargo/config.toml` turns it on) each is a
//! `core::arch::wasm32::v128`; everywhere
//! else it is a plain array that LLVM turns into SSE/NEON, so the same blocked algorithm runs
//! natively (fast `cargo test`, and the logic of packing, tails and phases is tested natively too)
//! while the browser tests (`tests/simd.rs`) check the v128 build against the scalar reference.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    /// Four f32 lanes in one wasm v128 register.
    #[derive(Clone, Copy)]
    pub struct F4(v128);

    impl F4 {
        #[inline(always)]
        pub fn splat(v: f32) -> F4 {
            F4(f32x4_splat(v))
        }
        /// `splat` for constants.
        pub const fn splat_const(v: f32) -> F4 {
            F4(f32x4(v, v, v, v))
        }
        /// Unaligned load of 4 floats.
        ///
        /// # Safety
        /// `p..p+4` must be readable.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> F4 {
            F4(v128_load(p as *const v128))
        }
        /// One float broadcast to all lanes (`v128.load32_splat`).
        ///
        /// # Safety
        /// `p` must be readable.
        #[inline(always)]
        pub unsafe fn load_splat(p: *const f32) -> F4 {
            F4(v128_load32_splat(p as *const u32))
        }
        /// Unaligned store of 4 floats.
        ///
        /// # Safety
        /// `p..p+4` must be writable.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            v128_store(p as *mut v128, self.0)
        }
        /// `self + a * b` (a multiply then an add: wasm SIMD128 has no fused multiply-add, and
        /// the scalar reference rounds the same way).
        #[cfg(not(target_feature = "relaxed-simd"))]
        #[inline(always)]
        pub fn mul_add(self, a: F4, b: F4) -> F4 {
            F4(f32x4_add(self.0, f32x4_mul(a.0, b.0)))
        }
        /// `self + a * b` as one `f32x4.relaxed_madd` (the second build, `www/pkg-relaxed`): the
        /// engine may fuse it (one rounding, x86 FMA / Arm `fmla`) or not, so results differ
        /// from the default build in the last bits and are held to the golden tolerance only.
        /// (The intrinsic is stable since Rust 1.82: only this build needs more than the MSRV.)
        #[cfg(target_feature = "relaxed-simd")]
        #[allow(clippy::incompatible_msrv)]
        #[inline(always)]
        pub fn mul_add(self, a: F4, b: F4) -> F4 {
            F4(f32x4_relaxed_madd(a.0, b.0, self.0))
        }
        /// `[p0[0], p0[1], p1[0], p1[1]]`: two 64-bit loads (the taps of two outputs).
        ///
        /// # Safety
        /// `p0..p0+2` and `p1..p1+2` must be readable.
        #[inline(always)]
        pub unsafe fn load_pairs(p0: *const f32, p1: *const f32) -> F4 {
            F4(v128_load64_lane::<1>(
                v128_load64_zero(p0 as *const u64),
                p1 as *const u64,
            ))
        }
        /// Sums of adjacent lanes: `[a0 + a1, a2 + a3, b0 + b1, b2 + b3]`.
        #[inline(always)]
        pub fn add_pairs(a: F4, b: F4) -> F4 {
            let even = i32x4_shuffle::<0, 2, 4, 6>(a.0, b.0);
            let odd = i32x4_shuffle::<1, 3, 5, 7>(a.0, b.0);
            F4(f32x4_add(even, odd))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
    }

    impl core::ops::Add for F4 {
        type Output = F4;
        #[inline(always)]
        fn add(self, b: F4) -> F4 {
            F4(f32x4_add(self.0, b.0))
        }
    }

    impl core::ops::Mul for F4 {
        type Output = F4;
        #[inline(always)]
        fn mul(self, b: F4) -> F4 {
            F4(f32x4_mul(self.0, b.0))
        }
    }

    /// Sixteen u8 lanes.
    #[derive(Clone, Copy)]
    pub struct U8x16(v128);
    /// Eight i16 lanes.
    #[derive(Clone, Copy)]
    pub struct I16x8(v128);
    /// Four i32 lanes.
    #[derive(Clone, Copy)]
    pub struct I32x4(v128);

    impl U8x16 {
        /// Four bytes from each of `p + o[0]`, ..., `p + o[3]` (four RGBA pixels), in that order.
        ///
        /// # Safety
        /// Each `p + o[k] .. p + o[k] + 4` must be readable.
        #[inline(always)]
        pub unsafe fn gather4(p: *const u8, o: [usize; 4]) -> U8x16 {
            let ld = |k: usize| p.add(o[k]) as *const u32;
            let v = v128_load32_zero(ld(0));
            let v = v128_load32_lane::<1>(v, ld(1));
            let v = v128_load32_lane::<2>(v, ld(2));
            U8x16(v128_load32_lane::<3>(v, ld(3)))
        }
        /// Zips pixel 0 with pixel 1 and pixel 2 with pixel 3 channel by channel:
        /// `[a0 b0 a1 b1 a2 b2 a3 b3 c0 d0 c1 d1 c2 d2 c3 d3]` from `[a0..a3 b0..b3 c0..c3 d0..d3]`.
        #[inline(always)]
        pub fn zip_pixel_pairs(self) -> U8x16 {
            U8x16(i8x16_shuffle::<
                0,
                4,
                1,
                5,
                2,
                6,
                3,
                7,
                8,
                12,
                9,
                13,
                10,
                14,
                11,
                15,
            >(self.0, self.0))
        }
        /// Lanes 0..8 zero-extended.
        #[inline(always)]
        pub fn widen_low(self) -> I16x8 {
            I16x8(u16x8_extend_low_u8x16(self.0))
        }
        /// Lanes 8..16 zero-extended.
        #[inline(always)]
        pub fn widen_high(self) -> I16x8 {
            I16x8(u16x8_extend_high_u8x16(self.0))
        }
        /// `a`'s lanes then `b`'s, each saturated to `0..=255`.
        #[inline(always)]
        pub fn narrow(a: I16x8, b: I16x8) -> U8x16 {
            U8x16(u8x16_narrow_i16x8(a.0, b.0))
        }
        /// # Safety
        /// `p..p+16` must be writable.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut u8) {
            v128_store(p as *mut v128, self.0)
        }
    }

    impl I16x8 {
        #[inline(always)]
        pub fn new(v: [i16; 8]) -> I16x8 {
            I16x8(i16x8(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]))
        }
        #[inline(always)]
        pub fn splat(v: i16) -> I16x8 {
            I16x8(i16x8_splat(v))
        }
        /// # Safety
        /// `p..p+8` must be readable.
        #[inline(always)]
        pub unsafe fn load(p: *const i16) -> I16x8 {
            I16x8(v128_load(p as *const v128))
        }
        /// # Safety
        /// `p..p+8` must be writable.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut i16) {
            v128_store(p as *mut v128, self.0)
        }
        /// `(a * b) >> 16` of the exact i32 product, per lane (x86's `pmulhw`, which wasm lacks:
        /// widening multiplies, then the high i16 of each product).
        #[inline(always)]
        pub fn mul_hi(self, b: I16x8) -> I16x8 {
            I16x8(i8x16_shuffle::<
                2,
                3,
                6,
                7,
                10,
                11,
                14,
                15,
                18,
                19,
                22,
                23,
                26,
                27,
                30,
                31,
            >(
                i32x4_extmul_low_i16x8(self.0, b.0),
                i32x4_extmul_high_i16x8(self.0, b.0),
            ))
        }
        /// `a[2k] * b[2k] + a[2k+1] * b[2k+1]` in i32 (wrapping), per output lane.
        #[inline(always)]
        pub fn dot(self, b: I16x8) -> I32x4 {
            I32x4(i32x4_dot_i16x8(self.0, b.0))
        }
        /// `a`'s lanes then `b`'s, each saturated to the i16 range.
        #[inline(always)]
        pub fn narrow(a: I32x4, b: I32x4) -> I16x8 {
            I16x8(i16x8_narrow_i32x4(a.0, b.0))
        }
        #[inline(always)]
        pub fn to_array(self) -> [i16; 8] {
            let mut r = [0i16; 8];
            // SAFETY: r holds 8 i16.
            unsafe { self.store(r.as_mut_ptr()) };
            r
        }
    }

    impl core::ops::Add for I16x8 {
        type Output = I16x8;
        /// Wrapping.
        #[inline(always)]
        fn add(self, b: I16x8) -> I16x8 {
            I16x8(i16x8_add(self.0, b.0))
        }
    }

    impl core::ops::Shr<u32> for I16x8 {
        type Output = I16x8;
        /// Arithmetic.
        #[inline(always)]
        fn shr(self, n: u32) -> I16x8 {
            I16x8(i16x8_shr(self.0, n))
        }
    }

    impl core::ops::Shr<u32> for I32x4 {
        type Output = I32x4;
        /// Arithmetic.
        #[inline(always)]
        fn shr(self, n: u32) -> I32x4 {
            I32x4(i32x4_shr(self.0, n))
        }
    }

    impl U8x16 {
        #[inline(always)]
        pub fn to_array(self) -> [u8; 16] {
            let mut r = [0u8; 16];
            // SAFETY: r holds 16 bytes.
            unsafe { self.store(r.as_mut_ptr()) };
            r
        }
    }

    impl I32x4 {
        #[inline(always)]
        pub fn to_array(self) -> [i32; 4] {
            [
                i32x4_extract_lane::<0>(self.0),
                i32x4_extract_lane::<1>(self.0),
                i32x4_extract_lane::<2>(self.0),
                i32x4_extract_lane::<3>(self.0),
            ]
        }
    }

    impl F4 {
        /// `b` where `self < b`, else `self` (`f32x4.pmax`: one `maxps`; a NaN in `self` stays).
        #[inline(always)]
        pub fn pmax(self, b: F4) -> F4 {
            F4(f32x4_pmax(self.0, b.0))
        }
        /// `b` where `b < self`, else `self` (`f32x4.pmin`; a NaN in `self` stays).
        #[inline(always)]
        pub fn pmin(self, b: F4) -> F4 {
            F4(f32x4_pmin(self.0, b.0))
        }
        #[inline(always)]
        pub fn abs(self) -> F4 {
            F4(f32x4_abs(self.0))
        }
        /// The raw bits of each lane.
        #[inline(always)]
        pub fn to_bits(self) -> I32x4 {
            I32x4(self.0)
        }
        /// Lanes made of the given bits.
        #[inline(always)]
        pub fn from_bits(b: I32x4) -> F4 {
            F4(b.0)
        }
        /// All-ones lanes where `self < b`, zero elsewhere (false for NaN).
        #[inline(always)]
        pub fn lt(self, b: F4) -> I32x4 {
            I32x4(f32x4_lt(self.0, b.0))
        }
        /// All-ones lanes where `self != self` (NaN).
        #[inline(always)]
        pub fn is_nan(self) -> I32x4 {
            I32x4(f32x4_ne(self.0, self.0))
        }
        /// `t` where `mask` is all ones, `f` where it is zero (bitwise select).
        #[inline(always)]
        pub fn select(mask: I32x4, t: F4, f: F4) -> F4 {
            F4(v128_bitselect(t.0, f.0, mask.0))
        }
        /// `self`'s lanes with the sign bits of `s` (for `self` with the sign bit clear).
        #[inline(always)]
        pub fn or_sign_of(self, s: F4) -> F4 {
            F4(v128_or(self.0, v128_and(s.0, f32x4_splat(-0.0))))
        }
        /// Lanes `[v, v, v, v]` reduced: the largest lane (NaN-free input).
        #[inline(always)]
        pub fn hmax(self) -> f32 {
            let a = self.to_array();
            a[0].max(a[1]).max(a[2].max(a[3]))
        }
        /// `(a0 + a2) + (a1 + a3)`.
        #[inline(always)]
        pub fn hsum(self) -> f32 {
            let a = self.to_array();
            (a[0] + a[2]) + (a[1] + a[3])
        }
        /// `([a0, a2, b0, b2], [a1, a3, b1, b3])`: the even and odd lanes of 8 consecutive floats.
        #[inline(always)]
        pub fn unzip(a: F4, b: F4) -> (F4, F4) {
            (
                F4(i32x4_shuffle::<0, 2, 4, 6>(a.0, b.0)),
                F4(i32x4_shuffle::<1, 3, 5, 7>(a.0, b.0)),
            )
        }
        /// `[a1, a2, a3, b0]`: lanes 1 to 4 of the eight of `a` then `b`.
        #[inline(always)]
        pub fn shift_in(a: F4, b: F4) -> F4 {
            F4(i32x4_shuffle::<1, 2, 3, 4>(a.0, b.0))
        }
        /// `([a0, b0, a1, b1], [a2, b2, a3, b3])`: two vectors interleaved (`unzip`'s inverse).
        #[inline(always)]
        pub fn zip(a: F4, b: F4) -> (F4, F4) {
            (
                F4(i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0)),
                F4(i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0)),
            )
        }
    }

    impl core::ops::Sub for F4 {
        type Output = F4;
        #[inline(always)]
        fn sub(self, b: F4) -> F4 {
            F4(f32x4_sub(self.0, b.0))
        }
    }

    impl core::ops::Div for F4 {
        type Output = F4;
        #[inline(always)]
        fn div(self, b: F4) -> F4 {
            F4(f32x4_div(self.0, b.0))
        }
    }

    impl core::ops::Neg for F4 {
        type Output = F4;
        #[inline(always)]
        fn neg(self) -> F4 {
            F4(f32x4_neg(self.0))
        }
    }

    impl I32x4 {
        #[inline(always)]
        pub fn splat(v: i32) -> I32x4 {
            I32x4(i32x4_splat(v))
        }
        /// `splat` for constants.
        pub const fn splat_const(v: i32) -> I32x4 {
            I32x4(i32x4(v, v, v, v))
        }
        #[inline(always)]
        pub fn shl_bits(self, n: u32) -> I32x4 {
            I32x4(i32x4_shl(self.0, n))
        }
        /// Bitwise and.
        #[inline(always)]
        pub fn and(self, b: I32x4) -> I32x4 {
            I32x4(v128_and(self.0, b.0))
        }
        /// Bitwise or.
        #[inline(always)]
        pub fn or(self, b: I32x4) -> I32x4 {
            I32x4(v128_or(self.0, b.0))
        }
        /// `self & !b` (one `v128.andnot`).
        #[inline(always)]
        pub fn andnot(self, b: I32x4) -> I32x4 {
            I32x4(v128_andnot(self.0, b.0))
        }
    }

    impl core::ops::Add for I32x4 {
        type Output = I32x4;
        /// Wrapping.
        #[inline(always)]
        fn add(self, b: I32x4) -> I32x4 {
            I32x4(i32x4_add(self.0, b.0))
        }
    }

    impl core::ops::Sub for I32x4 {
        type Output = I32x4;
        /// Wrapping.
        #[inline(always)]
        fn sub(self, b: I32x4) -> I32x4 {
            I32x4(i32x4_sub(self.0, b.0))
        }
    }

    // The u8 resize paths of Pillow and the textbook formula (`interp::pil_simd`,
    // `interp::textbook_simd`): whole-vector byte loads, byte masks, the alpha of each pixel,
    // u16 products, i32 products and the f32 <-> i32 conversions.
    impl U8x16 {
        #[inline(always)]
        pub fn splat(v: u8) -> U8x16 {
            U8x16(u8x16_splat(v))
        }
        /// Unaligned load of 16 bytes.
        ///
        /// # Safety
        /// `p..p+16` must be readable.
        #[inline(always)]
        pub unsafe fn load(p: *const u8) -> U8x16 {
            U8x16(v128_load(p as *const v128))
        }
        /// Four bytes (one RGBA pixel) into lanes 0..4, zeros elsewhere.
        ///
        /// # Safety
        /// `p..p+4` must be readable.
        #[inline(always)]
        pub unsafe fn load4(p: *const u8) -> U8x16 {
            U8x16(v128_load32_zero(p as *const u32))
        }
        /// All-ones lanes where `self == b`, zero elsewhere.
        #[inline(always)]
        pub fn eq(self, b: U8x16) -> U8x16 {
            U8x16(i8x16_eq(self.0, b.0))
        }
        /// `t` where `mask` is all ones, `f` where it is zero (bitwise select).
        #[inline(always)]
        pub fn select(mask: U8x16, t: U8x16, f: U8x16) -> U8x16 {
            U8x16(v128_bitselect(t.0, f.0, mask.0))
        }
        /// Whether every lane is nonzero.
        #[inline(always)]
        pub fn all_true(self) -> bool {
            u8x16_all_true(self.0)
        }
        /// Each pixel's alpha (byte 3 of each 4) copied over its 4 bytes.
        #[inline(always)]
        pub fn alpha_per_pixel(self) -> U8x16 {
            U8x16(i8x16_shuffle::<
                3,
                3,
                3,
                3,
                7,
                7,
                7,
                7,
                11,
                11,
                11,
                11,
                15,
                15,
                15,
                15,
            >(self.0, self.0))
        }
    }

    impl I16x8 {
        /// Lanes 0..4 sign-extended.
        #[inline(always)]
        pub fn widen_low(self) -> I32x4 {
            I32x4(i32x4_extend_low_i16x8(self.0))
        }
        /// Lanes 4..8 sign-extended.
        #[inline(always)]
        pub fn widen_high(self) -> I32x4 {
            I32x4(i32x4_extend_high_i16x8(self.0))
        }
        /// Logical (unsigned) right shift: the lanes as u16.
        #[inline(always)]
        pub fn shr_u(self, n: u32) -> I16x8 {
            I16x8(u16x8_shr(self.0, n))
        }
    }

    impl core::ops::Mul for I16x8 {
        type Output = I16x8;
        /// Wrapping (the low 16 bits of the product, the same for i16 and u16).
        #[inline(always)]
        fn mul(self, b: I16x8) -> I16x8 {
            I16x8(i16x8_mul(self.0, b.0))
        }
    }

    impl core::ops::Mul for I32x4 {
        type Output = I32x4;
        /// Wrapping.
        #[inline(always)]
        fn mul(self, b: I32x4) -> I32x4 {
            I32x4(i32x4_mul(self.0, b.0))
        }
    }

    impl I32x4 {
        #[inline(always)]
        pub fn new(v: [i32; 4]) -> I32x4 {
            I32x4(i32x4(v[0], v[1], v[2], v[3]))
        }
    }

    impl F4 {
        /// Each lane rounded down (`f32x4.floor`).
        #[inline(always)]
        pub fn floor(self) -> F4 {
            F4(f32x4_floor(self.0))
        }
        /// Each lane converted exactly (below 2^24) or rounded to nearest.
        #[inline(always)]
        pub fn from_i32(v: I32x4) -> F4 {
            F4(f32x4_convert_i32x4(v.0))
        }
        /// Each lane truncated toward zero, saturated to the i32 range, NaN to 0 (Rust's `as`).
        #[inline(always)]
        pub fn to_i32_sat(self) -> I32x4 {
            I32x4(i32x4_trunc_sat_f32x4(self.0))
        }
    }

    /// Which implementation this build uses (shown by the bench and the page).
    #[cfg(not(target_feature = "relaxed-simd"))]
    pub const KIND: &str = "wasm simd128";
    #[cfg(target_feature = "relaxed-simd")]
    pub const KIND: &str = "wasm relaxed-simd";
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    /// Four f32 lanes as a plain array (auto-vectorized by LLVM on native targets).
    #[derive(Clone, Copy)]
    #[repr(C, align(16))]
    pub struct F4([f32; 4]);

    impl F4 {
        #[inline(always)]
        pub fn splat(v: f32) -> F4 {
            F4([v; 4])
        }
        pub const fn splat_const(v: f32) -> F4 {
            F4([v; 4])
        }
        /// # Safety
        /// `p..p+4` must be readable.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> F4 {
            F4((p as *const [f32; 4]).read_unaligned())
        }
        /// # Safety
        /// `p` must be readable.
        #[inline(always)]
        pub unsafe fn load_splat(p: *const f32) -> F4 {
            F4([*p; 4])
        }
        /// # Safety
        /// `p..p+4` must be writable.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            (p as *mut [f32; 4]).write_unaligned(self.0)
        }
        #[inline(always)]
        pub fn mul_add(self, a: F4, b: F4) -> F4 {
            let mut r = self.0;
            for ((r, a), b) in r.iter_mut().zip(a.0).zip(b.0) {
                *r += a * b;
            }
            F4(r)
        }
        /// `[p0[0], p0[1], p1[0], p1[1]]`.
        ///
        /// # Safety
        /// `p0..p0+2` and `p1..p1+2` must be readable.
        #[inline(always)]
        pub unsafe fn load_pairs(p0: *const f32, p1: *const f32) -> F4 {
            F4([*p0, *p0.add(1), *p1, *p1.add(1)])
        }
        /// `[a0 + a1, a2 + a3, b0 + b1, b2 + b3]`.
        #[inline(always)]
        pub fn add_pairs(a: F4, b: F4) -> F4 {
            let (a, b) = (a.0, b.0);
            F4([a[0] + a[1], a[2] + a[3], b[0] + b[1], b[2] + b[3]])
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
    }

    /// Lane-wise `f(a[k], b[k])`.
    #[inline(always)]
    fn zip<T: Copy, U: Copy + Default, const N: usize>(
        a: [T; N],
        b: [T; N],
        f: impl Fn(T, T) -> U,
    ) -> [U; N] {
        let mut r = [U::default(); N];
        for k in 0..N {
            r[k] = f(a[k], b[k]);
        }
        r
    }

    impl core::ops::Add for F4 {
        type Output = F4;
        #[inline(always)]
        fn add(self, b: F4) -> F4 {
            F4(zip(self.0, b.0, |x, y| x + y))
        }
    }

    impl core::ops::Mul for F4 {
        type Output = F4;
        #[inline(always)]
        fn mul(self, b: F4) -> F4 {
            F4(zip(self.0, b.0, |x, y| x * y))
        }
    }

    /// Sixteen u8 lanes.
    #[derive(Clone, Copy)]
    #[repr(C, align(16))]
    pub struct U8x16([u8; 16]);
    /// Eight i16 lanes.
    #[derive(Clone, Copy)]
    #[repr(C, align(16))]
    pub struct I16x8([i16; 8]);
    /// Four i32 lanes.
    #[derive(Clone, Copy)]
    #[repr(C, align(16))]
    pub struct I32x4([i32; 4]);

    impl U8x16 {
        /// # Safety
        /// Each `p + o[k] .. p + o[k] + 4` must be readable.
        #[inline(always)]
        pub unsafe fn gather4(p: *const u8, o: [usize; 4]) -> U8x16 {
            let mut r = [0u8; 16];
            for (k, &off) in o.iter().enumerate() {
                r[4 * k..4 * k + 4].copy_from_slice(&*(p.add(off) as *const [u8; 4]));
            }
            U8x16(r)
        }
        #[inline(always)]
        pub fn zip_pixel_pairs(self) -> U8x16 {
            const IDX: [usize; 16] = [0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15];
            U8x16(IDX.map(|i| self.0[i]))
        }
        #[inline(always)]
        pub fn widen_low(self) -> I16x8 {
            I16x8(core::array::from_fn(|k| self.0[k] as i16))
        }
        #[inline(always)]
        pub fn widen_high(self) -> I16x8 {
            I16x8(core::array::from_fn(|k| self.0[8 + k] as i16))
        }
        #[inline(always)]
        pub fn narrow(a: I16x8, b: I16x8) -> U8x16 {
            U8x16(core::array::from_fn(|k| {
                let v = if k < 8 { a.0[k] } else { b.0[k - 8] };
                v.clamp(0, 255) as u8
            }))
        }
        /// # Safety
        /// `p..p+16` must be writable.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut u8) {
            (p as *mut [u8; 16]).write_unaligned(self.0)
        }
        #[inline(always)]
        pub fn to_array(self) -> [u8; 16] {
            self.0
        }
    }

    impl I16x8 {
        #[inline(always)]
        pub fn new(v: [i16; 8]) -> I16x8 {
            I16x8(v)
        }
        #[inline(always)]
        pub fn splat(v: i16) -> I16x8 {
            I16x8([v; 8])
        }
        /// # Safety
        /// `p..p+8` must be readable.
        #[inline(always)]
        pub unsafe fn load(p: *const i16) -> I16x8 {
            I16x8((p as *const [i16; 8]).read_unaligned())
        }
        /// # Safety
        /// `p..p+8` must be writable.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut i16) {
            (p as *mut [i16; 8]).write_unaligned(self.0)
        }
        #[inline(always)]
        pub fn mul_hi(self, b: I16x8) -> I16x8 {
            I16x8(zip(self.0, b.0, |x, y| {
                ((x as i32 * y as i32) >> 16) as i16
            }))
        }
        #[inline(always)]
        pub fn dot(self, b: I16x8) -> I32x4 {
            let p: [i32; 8] = zip(self.0, b.0, |x, y| x as i32 * y as i32);
            I32x4(core::array::from_fn(|k| {
                p[2 * k].wrapping_add(p[2 * k + 1])
            }))
        }
        #[inline(always)]
        pub fn narrow(a: I32x4, b: I32x4) -> I16x8 {
            I16x8(core::array::from_fn(|k| {
                let v = if k < 4 { a.0[k] } else { b.0[k - 4] };
                v.clamp(i16::MIN as i32, i16::MAX as i32) as i16
            }))
        }
        #[inline(always)]
        pub fn to_array(self) -> [i16; 8] {
            self.0
        }
    }

    impl core::ops::Add for I16x8 {
        type Output = I16x8;
        #[inline(always)]
        fn add(self, b: I16x8) -> I16x8 {
            I16x8(zip(self.0, b.0, i16::wrapping_add))
        }
    }

    impl core::ops::Shr<u32> for I16x8 {
        type Output = I16x8;
        #[inline(always)]
        fn shr(self, n: u32) -> I16x8 {
            I16x8(self.0.map(|v| v >> (n % 16)))
        }
    }

    impl core::ops::Shr<u32> for I32x4 {
        type Output = I32x4;
        #[inline(always)]
        fn shr(self, n: u32) -> I32x4 {
            I32x4(self.0.map(|v| v >> (n % 32)))
        }
    }

    impl I32x4 {
        #[inline(always)]
        pub fn to_array(self) -> [i32; 4] {
            self.0
        }
    }

    impl F4 {
        #[inline(always)]
        pub fn pmax(self, b: F4) -> F4 {
            F4(zip(self.0, b.0, |x, y| if x < y { y } else { x }))
        }
        #[inline(always)]
        pub fn pmin(self, b: F4) -> F4 {
            F4(zip(self.0, b.0, |x, y| if y < x { y } else { x }))
        }
        #[inline(always)]
        pub fn abs(self) -> F4 {
            F4(self.0.map(f32::abs))
        }
        #[inline(always)]
        pub fn to_bits(self) -> I32x4 {
            I32x4(self.0.map(|v| v.to_bits() as i32))
        }
        #[inline(always)]
        pub fn from_bits(b: I32x4) -> F4 {
            F4(b.0.map(|v| f32::from_bits(v as u32)))
        }
        #[inline(always)]
        pub fn lt(self, b: F4) -> I32x4 {
            I32x4(zip(self.0, b.0, |x, y| -i32::from(x < y)))
        }
        #[inline(always)]
        pub fn is_nan(self) -> I32x4 {
            I32x4(self.0.map(|x| -i32::from(x.is_nan())))
        }
        #[inline(always)]
        pub fn select(mask: I32x4, t: F4, f: F4) -> F4 {
            let (t, f) = (t.to_bits().0, f.to_bits().0);
            F4::from_bits(I32x4(core::array::from_fn(|k| {
                (t[k] & mask.0[k]) | (f[k] & !mask.0[k])
            })))
        }
        #[inline(always)]
        pub fn or_sign_of(self, s: F4) -> F4 {
            F4(zip(self.0, s.0, |x, y| {
                f32::from_bits(x.to_bits() | (y.to_bits() & 0x8000_0000))
            }))
        }
        #[inline(always)]
        pub fn hmax(self) -> f32 {
            let a = self.0;
            a[0].max(a[1]).max(a[2].max(a[3]))
        }
        #[inline(always)]
        pub fn hsum(self) -> f32 {
            let a = self.0;
            (a[0] + a[2]) + (a[1] + a[3])
        }
        /// `([a0, a2, b0, b2], [a1, a3, b1, b3])`.
        #[inline(always)]
        pub fn unzip(a: F4, b: F4) -> (F4, F4) {
            let (a, b) = (a.0, b.0);
            (F4([a[0], a[2], b[0], b[2]]), F4([a[1], a[3], b[1], b[3]]))
        }
        /// `[a1, a2, a3, b0]`.
        #[inline(always)]
        pub fn shift_in(a: F4, b: F4) -> F4 {
            F4([a.0[1], a.0[2], a.0[3], b.0[0]])
        }
        /// `([a0, b0, a1, b1], [a2, b2, a3, b3])`.
        #[inline(always)]
        pub fn zip(a: F4, b: F4) -> (F4, F4) {
            let (a, b) = (a.0, b.0);
            (F4([a[0], b[0], a[1], b[1]]), F4([a[2], b[2], a[3], b[3]]))
        }
    }

    impl core::ops::Sub for F4 {
        type Output = F4;
        #[inline(always)]
        fn sub(self, b: F4) -> F4 {
            F4(zip(self.0, b.0, |x, y| x - y))
        }
    }

    impl core::ops::Div for F4 {
        type Output = F4;
        #[inline(always)]
        fn div(self, b: F4) -> F4 {
            F4(zip(self.0, b.0, |x, y| x / y))
        }
    }

    impl core::ops::Neg for F4 {
        type Output = F4;
        #[inline(always)]
        fn neg(self) -> F4 {
            F4(self.0.map(|x| -x))
        }
    }

    impl I32x4 {
        #[inline(always)]
        pub fn splat(v: i32) -> I32x4 {
            I32x4([v; 4])
        }
        pub const fn splat_const(v: i32) -> I32x4 {
            I32x4([v; 4])
        }
        #[inline(always)]
        pub fn shl_bits(self, n: u32) -> I32x4 {
            I32x4(self.0.map(|v| v.wrapping_shl(n % 32)))
        }
        #[inline(always)]
        pub fn and(self, b: I32x4) -> I32x4 {
            I32x4(zip(self.0, b.0, |x, y| x & y))
        }
        #[inline(always)]
        pub fn or(self, b: I32x4) -> I32x4 {
            I32x4(zip(self.0, b.0, |x, y| x | y))
        }
        #[inline(always)]
        pub fn andnot(self, b: I32x4) -> I32x4 {
            I32x4(zip(self.0, b.0, |x, y| x & !y))
        }
    }

    impl core::ops::Add for I32x4 {
        type Output = I32x4;
        #[inline(always)]
        fn add(self, b: I32x4) -> I32x4 {
            I32x4(zip(self.0, b.0, i32::wrapping_add))
        }
    }

    impl core::ops::Sub for I32x4 {
        type Output = I32x4;
        #[inline(always)]
        fn sub(self, b: I32x4) -> I32x4 {
            I32x4(zip(self.0, b.0, i32::wrapping_sub))
        }
    }

    impl U8x16 {
        #[inline(always)]
        pub fn splat(v: u8) -> U8x16 {
            U8x16([v; 16])
        }
        /// # Safety
        /// `p..p+16` must be readable.
        #[inline(always)]
        pub unsafe fn load(p: *const u8) -> U8x16 {
            U8x16((p as *const [u8; 16]).read_unaligned())
        }
        /// # Safety
        /// `p..p+4` must be readable.
        #[inline(always)]
        pub unsafe fn load4(p: *const u8) -> U8x16 {
            let mut r = [0u8; 16];
            r[..4].copy_from_slice(&(p as *const [u8; 4]).read_unaligned());
            U8x16(r)
        }
        #[inline(always)]
        pub fn eq(self, b: U8x16) -> U8x16 {
            U8x16(zip(self.0, b.0, |x, y| if x == y { 0xff } else { 0 }))
        }
        #[inline(always)]
        pub fn select(mask: U8x16, t: U8x16, f: U8x16) -> U8x16 {
            U8x16(core::array::from_fn(|k| {
                (t.0[k] & mask.0[k]) | (f.0[k] & !mask.0[k])
            }))
        }
        #[inline(always)]
        pub fn all_true(self) -> bool {
            self.0.iter().all(|&v| v != 0)
        }
        #[inline(always)]
        pub fn alpha_per_pixel(self) -> U8x16 {
            U8x16(core::array::from_fn(|k| self.0[k | 3]))
        }
    }

    impl I16x8 {
        #[inline(always)]
        pub fn widen_low(self) -> I32x4 {
            I32x4(core::array::from_fn(|k| self.0[k] as i32))
        }
        #[inline(always)]
        pub fn widen_high(self) -> I32x4 {
            I32x4(core::array::from_fn(|k| self.0[4 + k] as i32))
        }
        #[inline(always)]
        pub fn shr_u(self, n: u32) -> I16x8 {
            I16x8(self.0.map(|v| ((v as u16) >> (n % 16)) as i16))
        }
    }

    impl core::ops::Mul for I16x8 {
        type Output = I16x8;
        #[inline(always)]
        fn mul(self, b: I16x8) -> I16x8 {
            I16x8(zip(self.0, b.0, i16::wrapping_mul))
        }
    }

    impl core::ops::Mul for I32x4 {
        type Output = I32x4;
        #[inline(always)]
        fn mul(self, b: I32x4) -> I32x4 {
            I32x4(zip(self.0, b.0, i32::wrapping_mul))
        }
    }

    impl I32x4 {
        #[inline(always)]
        pub fn new(v: [i32; 4]) -> I32x4 {
            I32x4(v)
        }
    }

    impl F4 {
        #[inline(always)]
        pub fn floor(self) -> F4 {
            F4(self.0.map(f32::floor))
        }
        #[inline(always)]
        pub fn from_i32(v: I32x4) -> F4 {
            F4(v.0.map(|x| x as f32))
        }
        #[inline(always)]
        pub fn to_i32_sat(self) -> I32x4 {
            I32x4(self.0.map(|x| x as i32))
        }
    }

    pub const KIND: &str = "portable [f32; 4]";
}

pub use imp::{I16x8, I32x4, U8x16, F4, KIND};
