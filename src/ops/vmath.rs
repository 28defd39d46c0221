//! Elementary functions on four f32 lanes (`ops::lanes::F4`): `exp`, `expm1`, `sigmoid`, `tanh`,
//! and their one-value twins (`exp1`, ...) that run the very same lane code on a splat, so a
//! scalar tail or a per-element caller gets bit-for-bit what the vector loop gives.
//!
//! `exp` is the classic Cody-Waite reduction `x = n ln2 + r`, `|r| <= ln2/2`, with `n` rounded
//! by the 1.5·2^23 "magic bias" trick (no float-to-int conversion), `ln2` split in a 16-bit head
//! (so `n · ln2_hi` is exact) and a tail, and `e^r ≈ 1 + r·p(r)` with the degree-5 minimax
//! polynomial of XNNPACK's `rr2-p5` kernels. The scale `2^n` is applied as two factors
//! `2^(n/2) · 2^(n - n/2)` so that results down in the subnormal range (x to -103.97) and up to
//! `f32::MAX` (x to 88.72) come out right, and `+inf`/`0` beyond; NaN stays NaN. The accuracy
//! test (`tests` below, dense over the whole range) states the worst error in ulps.
//!
//! Only `mul`, `add` and bit operations: wasm SIMD128 has no fused multiply-add, and the native
//! build (plain arrays) rounds the same way, so native tests check the arithmetic the browser runs.

use super::lanes::{I32x4, F4};

const LOG2E: f32 = std::f32::consts::LOG2_E; // 0x1.715476p+0
/// 1.5 · 2^23: adding it rounds `x·log2e` to an integer held in the low mantissa bits.
const MAGIC: f32 = 12_582_912.0;
const LN2_HI: f32 = 6.9314575e-01; // 0x1.62E400p-1: 16 bits, n·LN2_HI is exact
const LN2_LO: f32 = 1.4286068e-06; // 0x1.7F7D1Cp-20
const C5: f32 = 8.289291e-03;
const C4: f32 = 4.1897822e-02;
const C3: f32 = 1.6667652e-01;
const C2: f32 = 4.999915e-01;
const C1: f32 = 9.999997e-01;
/// Below this `e^x` rounds to 0 (half the smallest subnormal is e^-103.97).
const EXP_LO: f32 = -104.0;
/// Above this `e^x` is `+inf` (f32::MAX is e^88.72).
const EXP_HI: f32 = 89.0;

/// The constants of `exp`, `exp_nonpos_ftz` and `sigmoid` as vectors. A loop makes them once
/// with `Consts::opaque()` and passes them in: V8 does not hoist a `v128.const` out of a loop,
/// and re-materializing a dozen of them per vector cost as much as the arithmetic itself.
/// `Consts::PLAIN` (the same values, visible to the compiler) serves one-off calls.
#[derive(Clone, Copy)]
pub struct Consts {
    lo: F4,
    hi: F4,
    magic: F4,
    magic_biased: F4,
    log2e: F4,
    m_ln2_hi: F4,
    m_ln2_lo: F4,
    c: [F4; 5],
    ftz: F4,
    zero: F4,
    one: F4,
    two: F4,
    bias: I32x4,
    sign: I32x4,
    magic_128: F4,
    tiny_n: F4,
    bump: I32x4,
}

impl Consts {
    pub const PLAIN: Consts = Consts {
        lo: F4::splat_const(EXP_LO),
        hi: F4::splat_const(EXP_HI),
        magic: F4::splat_const(MAGIC),
        // 1.5·2^23 + 127: n lands in the low bits already biased for the exponent field
        magic_biased: F4::splat_const(12_583_039.0),
        log2e: F4::splat_const(LOG2E),
        m_ln2_hi: F4::splat_const(-LN2_HI),
        m_ln2_lo: F4::splat_const(-LN2_LO),
        c: [
            F4::splat_const(C1),
            F4::splat_const(C2),
            F4::splat_const(C3),
            F4::splat_const(C4),
            F4::splat_const(C5),
        ],
        ftz: F4::splat_const(FTZ_CUTOFF),
        zero: F4::splat_const(0.0),
        one: F4::splat_const(1.0),
        two: F4::splat_const(2.0),
        bias: I32x4::splat_const(127),
        sign: I32x4::splat_const(i32::MIN),
        // 1.5·2^23 + 128: even, so a tie x·log2e = k + 1/2 rounds as with MAGIC (to even)
        magic_128: F4::splat_const(12_583_040.0),
        tiny_n: F4::splat_const(-62.5),
        bump: I32x4::splat_const(64 << 23),
    };

    /// The constants behind an optimization barrier: the compiler keeps them in locals (wasm
    /// registers) for the loop that uses them instead of re-creating each per use.
    ///
    /// (`black_box` leaves them in a stack slot whose address escaped: a loop that also stores
    /// through a pointer the compiler cannot see through, like `map`'s, reloads each from memory
    /// where it is used. Measured, that is faster than keeping them in wasm locals, which V8
    /// cannot all hold in the 16 SIMD registers next to four or five vectors in flight.)
    #[inline(always)]
    pub fn opaque() -> Consts {
        core::hint::black_box(Consts::PLAIN)
    }
}

/// `e^x` for four lanes (see the module doc for the method and the accuracy test).
#[inline(always)]
pub fn exp(x: F4) -> F4 {
    exp_k(&Consts::PLAIN, x)
}

/// `exp` with its constants passed in (`Consts::opaque()` made once before a loop).
#[inline(always)]
pub fn exp_k(k: &Consts, x: F4) -> F4 {
    // pmax/pmin keep a NaN in `x` (their first operand) and clamp infinities.
    let x = x.pmax(k.lo).pmin(k.hi);
    let v = k.magic.mul_add(x, k.log2e);
    let n = v - k.magic;
    // The integer n, from the low bits of v (|n| <= 150 < 2^22).
    let ni = v.to_bits() - k.magic.to_bits();
    let t = x.mul_add(n, k.m_ln2_hi);
    let t = t.mul_add(n, k.m_ln2_lo);
    let p = poly(k, t);
    // 2^n = 2^n1 · 2^n2 with both factors normal for n in [-150, 128].
    let n1 = ni >> 1;
    let n2 = ni - n1;
    let s1 = F4::from_bits((n1 + k.bias).shl_bits(23));
    let s2 = F4::from_bits((n2 + k.bias).shl_bits(23));
    s1.mul_add(t * s1, p) * s2
}

/// `p(t)` with `e^t ≈ 1 + t·p(t)` (XNNPACK's rr2-p5 coefficients).
#[inline(always)]
fn poly(k: &Consts, t: F4) -> F4 {
    let [c1, c2, c3, c4, c5] = k.c;
    let p = c4.mul_add(c5, t);
    let p = c3.mul_add(p, t);
    let p = c2.mul_add(p, t);
    c1.mul_add(p, t)
}

/// Below this `e^x` is subnormal (f32::MIN_POSITIVE is e^-87.3365).
const FTZ_CUTOFF: f32 = -87.336_54;

/// `e^x` for `x <= 0`, with results that would be subnormal flushed to 0 (softmax's
/// `exp(x - max)`: those terms are below 2^-126 of the largest). The same polynomial as `exp`
/// (so the same <= 2.5 ulps) wherever `e^x` is normal; it may differ from `exp` by one ulp where
/// `x·log2e` rounds to a tie (the bias then rounds `n` the other way, an equally good
/// reduction). Cheaper by the clamps and the two-factor scale. NaN stays NaN;
/// for x > 0 the result is only right up to x = 88.7 (its caller never passes one).
#[inline(always)]
pub fn exp_nonpos_ftz(k: &Consts, x: F4) -> F4 {
    let v = k.magic_biased.mul_add(x, k.log2e);
    let n = v - k.magic_biased;
    let s = F4::from_bits(v.to_bits().shl_bits(23));
    let t = x.mul_add(n, k.m_ln2_hi);
    let t = t.mul_add(n, k.m_ln2_lo);
    let e = s.mul_add(t * s, poly(k, t));
    F4::select(x.lt(k.ftz), k.zero, e)
}

/// `e^x - 1`, accurate near 0 (a Taylor polynomial for |x| < 1, `exp(x) - 1` beyond).
#[inline(always)]
pub fn expm1(x: F4) -> F4 {
    // x + x^2/2! + ... + x^12/12!: the next term is below 2^-31 relative at |x| = 1.
    let mut q = F4::splat(1.0 / FACT[12] as f32);
    for k in (2..=11).rev() {
        q = F4::splat(1.0 / FACT[k] as f32).mul_add(q, x);
    }
    // q = 1/2! + x/3! + ...; small = x + x^2 q
    let small = x.mul_add(x * x, q);
    let big = exp(x) - F4::splat(1.0);
    F4::select(x.abs().lt(F4::splat(1.0)), small, big)
}

const FACT: [u32; 13] = [
    1,
    1,
    2,
    6,
    24,
    120,
    720,
    5040,
    40320,
    362_880,
    3_628_800,
    39_916_800,
    479_001_600,
];

/// The logistic function `1 / (1 + e^-x)`, as `e/(1+e)` with `e = e^-|x|` (never overflows),
/// then `1 - that` for x >= 0.
#[inline(always)]
pub fn sigmoid(x: F4) -> F4 {
    sigmoid_k(&Consts::PLAIN, x)
}

/// `sigmoid` with its constants passed in.
///
/// The same numbers as `e / (1 + e)` with `e = exp_k(-|x|)` then `1 - that` for x >= 0 (bit for
/// bit: the native test compares them on every float pattern it samples, and `LANE_CHECKSUM`
/// holds), in fewer operations. `exp_k` scales by two factors `2^n1 · 2^n2` so that subnormal
/// results come out right; here the argument is never positive, and the scale is one factor:
/// `2^(n+1)` built from the bits of `v = 1.5·2^23 + 128 + n`, or `2^(n+65)` where `n < -62`
/// (`tiny`). There `1 + e = 1`, so the quotient is `e·2^64 / 2^64`: the one rounding into the
/// subnormal range happens in the division, where `exp_k`'s happens in its last product, and
/// both round the same real number. Elsewhere numerator and denominator carry the same factor
/// 2 (exact), `2 + 2e` being `2·(1 + e)` rounded. Every product stays normal: `|t| >= 2^-37`
/// unless 0, and the scale is at least 2^-86. Clamping at -104 keeps `n + 65` in range (e^-104
/// rounds to 0 either way).
#[inline(always)]
pub fn sigmoid_k(k: &Consts, x: F4) -> F4 {
    // -|x| as one `or` of the sign bit; pmax keeps a NaN (its first operand).
    let z = F4::from_bits(x.to_bits().or(k.sign)).pmax(k.lo);
    let v = k.magic_128.mul_add(z, k.log2e);
    let n = v - k.magic_128;
    let t = z.mul_add(n, k.m_ln2_hi);
    let t = t.mul_add(n, k.m_ln2_lo);
    let p = poly(k, t);
    let tiny = n.lt(k.tiny_n);
    let bump = tiny.and(k.bump);
    let s = F4::from_bits(v.to_bits().shl_bits(23) + bump);
    // 2e (e·2^65 where tiny)
    let e = s.mul_add(t * s, p);
    // 2(1 + e) (2^65 where tiny: 2 + 0, its exponent bumped like s's)
    let d = F4::from_bits((k.two + F4::from_bits(e.to_bits().andnot(tiny))).to_bits() + bump);
    let f = e / d;
    // all ones where the sign bit of x is set (NaN: either way NaN)
    let neg = x.to_bits() >> 31;
    F4::select(neg, f, k.one - f)
}

/// The former `sigmoid_k` (`exp_k` then the quotient), kept as the test's reference for the
/// one-factor form above.
#[cfg(test)]
fn sigmoid_two_factor(x: F4) -> F4 {
    let k = &Consts::PLAIN;
    let e = exp_k(k, -x.abs());
    let f = e / (k.one + e);
    F4::select(x.lt(k.zero), f, k.one - f)
}

/// Odd Taylor coefficients of tanh: x - x^3/3 + 2x^5/15 - 17x^7/315 + ... (through x^17).
const TANH_C: [f32; 8] = [
    -1.0 / 3.0,
    2.0 / 15.0,
    -17.0 / 315.0,
    62.0 / 2835.0,
    -1382.0 / 155_925.0,
    21844.0 / 6_081_075.0,
    -929_569.0 / 638_512_875.0,
    6_404_582.0 / 10_854_718_875.0,
];

/// `tanh(x)`: the odd Taylor polynomial for |x| < 1/2 (no cancellation near 0), and
/// `(1 - e)/(1 + e)` with `e = e^(-2|x|)` and the sign of x beyond.
#[inline(always)]
pub fn tanh(x: F4) -> F4 {
    let a = x.abs();
    let x2 = x * x;
    let mut q = F4::splat(TANH_C[7]);
    for &c in TANH_C[..7].iter().rev() {
        q = F4::splat(c).mul_add(q, x2);
    }
    let small = x.mul_add(x * x2, q);
    let e = exp(F4::splat(-2.0) * a);
    let big = ((F4::splat(1.0) - e) / (F4::splat(1.0) + e)).or_sign_of(x);
    F4::select(a.lt(F4::splat(0.5)), small, big)
}

/// One value through a lane function (the same arithmetic as every lane of a vector call).
#[inline(always)]
fn one(f: impl Fn(F4) -> F4, x: f32) -> f32 {
    f(F4::splat(x)).to_array()[0]
}

/// `e^x` for one value (`exp` on a splat).
#[inline]
pub fn exp1(x: f32) -> f32 {
    one(exp, x)
}

/// `e^x - 1` for one value.
#[inline]
pub fn expm1_1(x: f32) -> f32 {
    one(expm1, x)
}

/// The logistic function for one value.
#[inline]
pub fn sigmoid1(x: f32) -> f32 {
    one(sigmoid, x)
}

/// `tanh` for one value.
#[inline]
pub fn tanh1(x: f32) -> f32 {
    one(tanh, x)
}

/// `y[i] = f(x[i])` over a slice, four vectors at a time (`map_n` with `U = 4`).
#[inline(always)]
pub fn map(x: &[f32], y: &mut [f32], f: impl Fn(F4) -> F4) {
    map_n::<4>(x, y, f)
}

/// `y[i] = f(x[i])` over a slice, `U` vectors at a time (independent computations in flight:
/// more hides latency until V8 runs out of registers; `sigmoid` measured fastest at 5, `tanh`,
/// whose constants are inline, took 2.3x as long at 5 as at 4). The tail goes through a
/// zero-padded vector so every element sees the same arithmetic. `x` and `y` have the same
/// length.
#[inline(always)]
pub fn map_n<const U: usize>(x: &[f32], y: &mut [f32], f: impl Fn(F4) -> F4) {
    let w = 4 * U;
    let n = x.len().min(y.len());
    let full = n / w * w;
    let (xb, xt) = x[..n].split_at(full);
    let (yb, yt) = y[..n].split_at_mut(full);
    // Both pointers pass through `black_box`, so the compiler cannot rule out that a store to y
    // changes x and keeps the order written here: a step's loads, then its arithmetic and
    // stores. Knowing that they cannot alias, it sank each load to its first use, after the
    // previous vector's store; V8 keeps that order, ran the vectors one after another, and
    // sigmoid took 1.55x as long.
    let xp = core::hint::black_box(xb.as_ptr());
    let yp = core::hint::black_box(yb.as_mut_ptr());
    for i in (0..full).step_by(w) {
        // SAFETY: i + w <= full, the length of both xb and yb.
        unsafe {
            let v: [F4; U] = core::array::from_fn(|j| F4::load(xp.add(i + 4 * j)));
            for (j, r) in v.map(&f).into_iter().enumerate() {
                r.store(yp.add(i + 4 * j));
            }
        }
    }
    for (xc, yc) in xt.chunks(4).zip(yt.chunks_mut(4)) {
        let mut a = [0.0f32; 4];
        a[..xc.len()].copy_from_slice(xc);
        // SAFETY: `a` holds 4 floats.
        let r = f(unsafe { F4::load(a.as_ptr()) }).to_array();
        yc.copy_from_slice(&r[..yc.len()]);
    }
}

/// An FNV-1a hash of the bits of `exp`, `expm1`, `sigmoid` and `tanh` on 2^16 inputs spread over
/// [-110, 110] (plus infinities, NaN and signed zeros): the native test and the browser test
/// (`tests/simd_math.rs`) both check it against the same constant, so the portable array build
/// and the wasm simd128 build are known to compute the same bits.
#[doc(hidden)]
pub const LANE_CHECKSUM: u64 = 11_339_946_291_187_541_716;

#[doc(hidden)]
pub fn lane_checksum() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |v: F4| {
        for x in v.to_array() {
            // wasm leaves a NaN's sign and payload open: count every NaN as one
            let b = if x.is_nan() { 0x7fc0_0000 } else { x.to_bits() };
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    };
    let special = [
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        0.0,
        -0.0,
        1e-30,
        -1e-30,
        88.7,
    ];
    let xs = (0..1u32 << 16)
        .map(|i| (i as f32 / 65536.0 - 0.5) * 220.0 * (1.0 + i as f32 * 1e-9))
        .chain(special);
    let xs: Vec<f32> = xs.collect();
    for c in xs.chunks_exact(4) {
        // SAFETY: `c` holds 4 floats.
        let v = unsafe { F4::load(c.as_ptr()) };
        eat(exp(v));
        eat(expm1(v));
        eat(sigmoid(v));
        eat(tanh(v));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in ulps between an f32 and the exact value `e` (f64), measured with the
    /// spacing of f32 at `e` (subnormal spacing 2^-149 at the bottom).
    fn ulps(got: f32, e: f64) -> f64 {
        if got as f64 == e || got == e as f32 && got.is_infinite() {
            return 0.0;
        }
        if !e.is_finite() || !got.is_finite() {
            return f64::INFINITY;
        }
        let a = e.abs();
        let spacing = if a < f32::MIN_POSITIVE as f64 {
            2f64.powi(-149)
        } else {
            2f64.powi(a.log2().floor() as i32 - 23)
        };
        (got as f64 - e).abs() / spacing
    }

    /// The f32s of [lo, hi) visited at an even stride of their bit patterns (about 2^22 on each
    /// side of zero, so every binade is sampled densely), plus the ends and a few special
    /// values; returns the worst ulp error and where it is.
    fn worst(lo: f32, hi: f32, f: impl Fn(F4) -> F4, exact: impl Fn(f64) -> f64) -> (f64, f32) {
        let mut xs = Vec::new();
        let (a, b) = (lo, hi);
        // walk the bit patterns of negative and positive floats separately
        let mut push_range = |from: f32, to: f32| {
            let (mut u, end) = (from.to_bits(), to.to_bits());
            let step = ((end as i64 - u as i64).unsigned_abs() / (1 << 22)).max(1) as u32;
            if end >= u {
                while u < end {
                    xs.push(f32::from_bits(u));
                    u = u.saturating_add(step);
                }
            } else {
                while u > end {
                    xs.push(f32::from_bits(u));
                    u = u.saturating_sub(step);
                }
            }
        };
        if a < 0.0 {
            push_range(a, -0.0);
            push_range(0.0, b.max(0.0));
        } else {
            push_range(a, b);
        }
        xs.extend([lo, hi, 0.0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7]);
        let mut w = (0.0, 0.0);
        for c in xs.chunks(4) {
            let mut a = [0.0f32; 4];
            a[..c.len()].copy_from_slice(c);
            // SAFETY: `a` holds 4 floats.
            let y = f(unsafe { F4::load(a.as_ptr()) }).to_array();
            for k in 0..c.len() {
                let u = ulps(y[k], exact(a[k] as f64));
                if u > w.0 {
                    w = (u, a[k]);
                }
            }
        }
        w
    }

    /// exp over [-104, 89]: at most 2.5 ulps (measured 2.22 at x = 5.2437; subnormal results
    /// count their own, coarser spacing).
    #[test]
    fn exp_is_within_2_5_ulps_over_the_whole_range() {
        let (u, at) = worst(-104.0, 89.0, exp, f64::exp);
        eprintln!("exp: worst {u:.3} ulp at x = {at:e}");
        assert!(u <= 2.5, "exp: {u} ulp at {at:e}");
        let e = exp(F4::from_bits(I32x4::splat(0x7fc0_0000))).to_array();
        assert!(e.iter().all(|v| v.is_nan()));
        assert_eq!(exp1(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp1(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp1(88.8), f32::INFINITY);
        let big = 88.72f32 as f64;
        assert!((exp1(88.72) as f64 / big.exp() - 1.0).abs() < 3e-7);
        assert_eq!(exp1(-104.0), 0.0);
        assert!(exp1(-100.0) > 0.0 && exp1(-100.0) < f32::MIN_POSITIVE);
        assert_eq!(exp1(0.0), 1.0);
        assert_eq!(exp1(f32::MAX), f32::INFINITY);
        assert_eq!(exp1(f32::MIN), 0.0);
    }

    #[test]
    fn expm1_sigmoid_tanh_are_within_a_few_ulps() {
        let (u, at) = worst(-90.0, 88.0, expm1, f64::exp_m1);
        eprintln!("expm1: worst {u:.3} ulp at x = {at:e}");
        // Above 1 it is exp(x) - 1, and where e^x and e^x - 1 sit in different binades the
        // error of exp counts twice: 4.5 ulps (measured 3.85 at x = 1.0926); below 0 (ELU's
        // side) it is tighter.
        assert!(u <= 4.5, "expm1: {u} ulp at {at:e}");
        let (u, at) = worst(-90.0, 0.0, expm1, f64::exp_m1);
        eprintln!("expm1 on x <= 0: worst {u:.3} ulp at x = {at:e}");
        assert!(u <= 2.5, "expm1 on x <= 0: {u} ulp at {at:e}");
        let (u, at) = worst(-104.0, 104.0, sigmoid, |x| 1.0 / (1.0 + (-x).exp()));
        eprintln!("sigmoid: worst {u:.3} ulp at x = {at:e}");
        assert!(u <= 4.0, "sigmoid: {u} ulp at {at:e}");
        let (u, at) = worst(-20.0, 20.0, tanh, f64::tanh);
        eprintln!("tanh: worst {u:.3} ulp at x = {at:e}");
        assert!(u <= 4.0, "tanh: {u} ulp at {at:e}");
        for f in [sigmoid1, tanh1, expm1_1] {
            assert!(f(f32::NAN).is_nan());
        }
        assert_eq!(sigmoid1(f32::INFINITY), 1.0);
        assert_eq!(sigmoid1(f32::NEG_INFINITY), 0.0);
        assert_eq!(sigmoid1(-1000.0), 0.0);
        assert_eq!(sigmoid1(1000.0), 1.0);
        assert_eq!(tanh1(f32::INFINITY), 1.0);
        assert_eq!(tanh1(f32::NEG_INFINITY), -1.0);
        assert_eq!(expm1_1(f32::NEG_INFINITY), -1.0);
    }

    /// The decimal constants are the exact f32 values of XNNPACK's hex literals.
    #[test]
    fn constants_have_the_intended_bits() {
        let bits = [LOG2E, LN2_HI, LN2_LO, C5, C4, C3, C2, C1].map(f32::to_bits);
        assert_eq!(
            bits,
            [
                0x3fb8_aa3b,
                0x3f31_7200,
                0x35bf_be8e,
                0x3c07_cfce,
                0x3d2b_9d0d,
                0x3e2a_ad40,
                0x3eff_fee3,
                0x3f7f_fffb
            ]
        );
    }

    /// The flushing variant is `exp` (within one ulp, at ties) wherever `e^x` is normal, and 0
    /// below.
    #[test]
    fn sigmoid_one_factor_is_the_two_factor_form_bit_for_bit() {
        // every 61st float pattern of both signs, four at a time, plus the specials
        let mut u = 0u64;
        let mut seen = 0;
        while u < 1 << 32 {
            let x = F4::from_bits(I32x4::new(core::array::from_fn(|j| {
                (u as u32).wrapping_add(j as u32 * 0x4000_0000) as i32
            })));
            let (a, b) = (sigmoid(x).to_array(), sigmoid_two_factor(x).to_array());
            for j in 0..4 {
                assert!(
                    a[j].to_bits() == b[j].to_bits() || (a[j].is_nan() && b[j].is_nan()),
                    "x = {:e}: {:e} vs {:e}",
                    x.to_array()[j],
                    a[j],
                    b[j]
                );
                seen += 1;
            }
            u += 61;
        }
        assert!(seen > 70_000_000);
        for x in [
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
            -87.0,
            -103.9,
            -104.0,
            -1e30,
        ] {
            assert_eq!(
                sigmoid1(x).to_bits(),
                sigmoid_two_factor(F4::splat(x)).to_array()[0].to_bits(),
                "{x}"
            );
        }
        // subnormal results survive: e^-100 = 3.72e-44
        assert!(sigmoid1(-100.0) > 0.0 && sigmoid1(-100.0) < f32::MIN_POSITIVE);
        assert_eq!(sigmoid1(-110.0), 0.0);
    }

    #[test]
    fn exp_nonpos_ftz_is_exp_down_to_the_subnormals() {
        let mut u = 0u32;
        while u < 0x7f80_0000 {
            let x = -f32::from_bits(u);
            let k = Consts::PLAIN;
            let (a, b) = (exp_nonpos_ftz(&k, F4::splat(x)).to_array()[0], exp1(x));
            if b >= f32::MIN_POSITIVE {
                assert!(
                    a.to_bits().abs_diff(b.to_bits()) <= 1,
                    "x = {x:e}: {a} vs {b}"
                );
            } else {
                assert_eq!(a, 0.0, "x = {x:e}");
            }
            u += 97;
        }
        let k = Consts::opaque();
        let inf = exp_nonpos_ftz(&k, F4::splat(f32::NEG_INFINITY)).to_array()[0];
        assert_eq!(inf, 0.0);
        assert!(exp_nonpos_ftz(&k, F4::splat(f32::NAN)).to_array()[0].is_nan());
    }

    #[test]
    fn lane_checksum_is_the_browsers() {
        assert_eq!(lane_checksum(), LANE_CHECKSUM);
    }

    #[test]
    fn map_handles_every_tail_length() {
        for n in 0..45 {
            let x: Vec<f32> = (0..n).map(|i| i as f32 * 0.37 - 5.0).collect();
            let mut y = vec![f32::NAN; n];
            map(&x, &mut y, sigmoid);
            let mut y5 = vec![f32::NAN; n];
            map_n::<5>(&x, &mut y5, sigmoid);
            for ((a, c), &b) in y.iter().zip(&y5).zip(&x) {
                assert_eq!(a.to_bits(), sigmoid1(b).to_bits());
                assert_eq!(c.to_bits(), sigmoid1(b).to_bits());
            }
        }
    }
}
