//! The portable 4-lane vector types every SIMD fast path is written on: `F4` (four f32). On
//! `wasm32` with `simd128` enabled (the project's `.cargo/config.toml` turns it on) `F4` is a
//! `core::arch::wasm32::v128`; everywhere
//! else it is a plain `[f32; 4]` that LLVM turns into SSE/NEON, so the same blocked algorithm runs
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
        #[inline(always)]
        pub fn mul_add(self, a: F4, b: F4) -> F4 {
            F4(f32x4_add(self.0, f32x4_mul(a.0, b.0)))
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

    /// Which implementation this build uses (shown by the bench).
    pub const KIND: &str = "wasm simd128";
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
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
    }

    pub const KIND: &str = "portable [f32; 4]";
}

pub use imp::{F4, KIND};
