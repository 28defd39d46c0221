//! Tests of the dispatch: every lane fast path against its scalar twin on random sizes (1-pixel
//! and odd widths, up- and down-scaling, every RGBA method, every float mode), the inspector
//! against the resize, and the checks.

use super::*;
use crate::rng::Rng;
use crate::testkit::{assert_close, max_abs_diff, uniform};

const METHODS: [RgbaMethod; 5] = [
    RgbaMethod::OpenCv,
    RgbaMethod::Pillow,
    RgbaMethod::Nearest,
    RgbaMethod::Bilinear {
        align_corners: false,
    },
    RgbaMethod::Bilinear {
        align_corners: true,
    },
];

fn bytes(rng: &mut Rng, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.next_u64() as u8).collect()
}

/// A side length: 1 often, otherwise up to `max` (odd and even alike).
fn side(rng: &mut Rng, max: usize) -> usize {
    if rng.below(6) == 0 {
        1
    } else {
        1 + rng.below(max)
    }
}

fn rgba_on(src: Rgba, ow: usize, oh: usize, m: RgbaMethod, path: Path) -> Vec<u8> {
    let mut data = vec![0u8; ow * oh * 4];
    let dst = RgbaMut {
        data: &mut data,
        w: ow,
        h: oh,
    };
    resize_rgba_with(src, dst, m, path).unwrap();
    data
}

#[test]
fn rgba_lane_paths_match_scalar_on_random_sizes() {
    let mut rng = Rng::new(12345);
    let (mut wide, mut narrow) = (0, 0);
    for case in 0..300 {
        let (w, h) = (side(&mut rng, 40), side(&mut rng, 40));
        let (ow, oh) = (side(&mut rng, 70), side(&mut rng, 70));
        let data = bytes(&mut rng, w * h * 4);
        let src = Rgba { data: &data, w, h };
        for m in METHODS {
            let a = rgba_on(src, ow, oh, m, Path::Scalar);
            let b = rgba_on(src, ow, oh, m, Path::Simd);
            assert_eq!(a, b, "case {case} {m:?}: {w}x{h} -> {ow}x{oh}");
        }
        // Both the vector loops and their tails ran: >= 4 output pixels fill a 16-byte row step.
        wide += usize::from(ow >= 4 && ow % 4 != 0);
        narrow += usize::from(ow == 1);
    }
    assert!(wide > 50 && narrow > 20, "wide {wide}, narrow {narrow}");
}

/// Random RGBA bytes whose alphas are, per image, random, all 255 (opaque: the lanes' copy
/// step), or a mix of 0, 255 and random (the unpremultiply's special cases side by side).
fn rgba_bytes(rng: &mut Rng, n_px: usize, alpha: usize) -> Vec<u8> {
    let mut data = bytes(rng, n_px * 4);
    for px in data.chunks_exact_mut(4) {
        px[3] = match (alpha, rng.below(3)) {
            (0, _) => px[3],
            (1, _) | (_, 0) => 255,
            (_, 1) => 0,
            _ => px[3],
        };
    }
    data
}

#[test]
fn pillow_and_textbook_lanes_match_scalar_on_random_sizes() {
    const LANED: [RgbaMethod; 3] = [
        RgbaMethod::Pillow,
        RgbaMethod::Bilinear {
            align_corners: false,
        },
        RgbaMethod::Bilinear {
            align_corners: true,
        },
    ];
    let mut rng = Rng::new(2024);
    let (mut up, mut down, mut wide_taps, mut vfirst, mut one_axis) = (0, 0, 0, 0, 0);
    for case in 0..400 {
        let (w, h) = (side(&mut rng, 60), side(&mut rng, 60));
        // Up to 3x larger or 9x smaller per axis, or the same size (a one-pass resize).
        let out = |rng: &mut Rng, n: usize| match rng.below(4) {
            0 => n,
            1 => 1 + rng.below(3 * n + 2),
            _ => (n / (1 + rng.below(9))).max(1),
        };
        let (ow, oh) = (out(&mut rng, w), out(&mut rng, h));
        let data = rgba_bytes(&mut rng, w * h, case % 3);
        let src = Rgba { data: &data, w, h };
        for m in LANED {
            let a = rgba_on(src, ow, oh, m, Path::Scalar);
            let b = rgba_on(src, ow, oh, m, Path::Simd);
            assert_eq!(a, b, "case {case} {m:?}: {w}x{h} -> {ow}x{oh}");
        }
        up += usize::from(ow > w || oh > h);
        down += usize::from(ow < w || oh < h);
        // Pillow's shrinking filter spans more than the 4 taps the lanes unroll.
        wide_taps += usize::from(w >= 5 * ow || h >= 5 * oh);
        vfirst += usize::from(oh < h && (h - oh) > 2 * w.saturating_sub(ow));
        one_axis += usize::from((ow == w) != (oh == h));
    }
    assert!(
        up > 100 && down > 100 && wide_taps > 40 && vfirst > 40 && one_axis > 40,
        "up {up}, down {down}, wide taps {wide_taps}, vertical first {vfirst}, one axis {one_axis}"
    );
}

#[test]
fn pillow_alpha_lanes_match_scalar_on_every_pair() {
    // Every (colour, alpha) pair, 4 pixels per lane step.
    let rgba: Vec<u8> = (0..=255u8)
        .flat_map(|a| (0..=255u8).flat_map(move |c| [c, 255 - c, c / 3, a]))
        .collect();
    let mut pm = vec![0u8; rgba.len()];
    assert_eq!(pil_simd::premultiply(&rgba, &mut pm), rgba.len());
    for (s, d) in rgba.chunks_exact(4).zip(pm.chunks_exact(4)) {
        assert_eq!(d, pil::premultiply([s[0], s[1], s[2], s[3]]), "{s:?}");
    }
    let mut un = rgba.clone();
    assert_eq!(pil_simd::unpremultiply(&mut un), rgba.len());
    for (s, d) in rgba.chunks_exact(4).zip(un.chunks_exact(4)) {
        let a = s[3] as u32;
        let want = |c: u8| match a {
            0 | 255 => c,
            _ => (255 * c as u32 / a).min(255) as u8,
        };
        assert_eq!(d, [want(s[0]), want(s[1]), want(s[2]), s[3]], "{s:?}");
    }
}

#[test]
fn float_lane_paths_match_scalar_on_random_shapes() {
    let mut rng = Rng::new(7);
    let mut two_tap = 0;
    for case in 0..300 {
        let xs = [
            1 + rng.below(2),
            1 + rng.below(3),
            side(&mut rng, 30),
            side(&mut rng, 30),
        ];
        let mode = [InterpMode::Bilinear, InterpMode::Nearest][usize::from(rng.below(4) == 0)];
        let align_corners = rng.below(2) == 0;
        let p = ResizeParams {
            target: if rng.below(3) == 0 {
                Target::Scale([0.3 + 2.0 * rng.uniform(), 0.3 + 2.0 * rng.uniform()])
            } else {
                Target::Size([side(&mut rng, 50), side(&mut rng, 50)])
            },
            mode,
            align_corners,
            antialias: !align_corners && rng.below(3) == 0,
        };
        let Ok(ys) = resize_out_shape(xs, &p) else {
            continue;
        };
        let x = uniform(xs.iter().product(), case, -3.0, 3.0);
        let n: usize = ys.iter().product();
        let (mut a, mut b) = (vec![f32::NAN; n], vec![f32::NAN; n]);
        resize_with(&x, xs, &p, &mut a, Path::Scalar).unwrap();
        resize_with(&x, xs, &p, &mut b, Path::Simd).unwrap();
        assert!(
            a.iter().all(|v| v.is_finite()),
            "case {case}: unwritten output"
        );
        let what = format!("case {case} {xs:?} -> {ys:?} {p:?}");
        assert_eq!(max_abs_diff(&b, &a).0, 0.0, "{what}");
        assert_close(&what, &b, &a, 0.0, 0.0);
        two_tap += usize::from(mode == InterpMode::Bilinear && !p.antialias && ys[3] >= 4);
    }
    assert!(two_tap > 80, "two-tap cases with a vector step: {two_tap}");
}

#[test]
fn float_resize_checks() {
    let p = |align_corners, antialias| ResizeParams {
        target: Target::Size([3, 2]),
        mode: InterpMode::Bilinear,
        align_corners,
        antialias,
    };
    // antialias with align_corners is refused on an axis that changes, allowed on one that doesn't
    let e = axis_filter(4, 3, None, &p(true, true))
        .unwrap_err()
        .to_string();
    assert!(e.contains("antialias"), "{e}");
    let f = axis_filter(3, 3, None, &p(true, true)).unwrap();
    assert_eq!((f.taps, f.weights), (1, vec![1.0; 3]));
    assert!(axis_filter(0, 3, None, &p(false, false)).is_err());
    let e = resize(&[0.0; 5], [1, 1, 2, 3], &p(false, false))
        .unwrap_err()
        .to_string();
    assert!(e.contains("5 values"), "{e}");
    // the planes must be what the filters read
    let (fy, fx) = (
        axis_filter(2, 3, None, &p(false, false)).unwrap(),
        axis_filter(4, 2, None, &p(false, false)).unwrap(),
    );
    let mut y = vec![0.0; 6];
    assert!(resize_planes(&[1.0; 8], [1, 2, 4], &fy, &fx, &mut y).is_ok());
    assert_eq!(y, vec![1.0; 6]);
    assert!(resize_planes(&[1.0; 8], [1, 4, 2], &fy, &fx, &mut y).is_err());
    assert!(resize_planes(&[1.0; 8], [1, 2, 4], &fy, &fx, &mut y[..5]).is_err());
}

#[test]
fn pillow_and_opencv_keep_a_flat_image_flat() {
    let data: Vec<u8> = [10u8, 200, 30, 255].repeat(7 * 5);
    let src = Rgba {
        data: &data,
        w: 7,
        h: 5,
    };
    for m in [RgbaMethod::OpenCv, RgbaMethod::Pillow, RgbaMethod::Nearest] {
        let out = resize_rgba(src, 13, 3, m).unwrap();
        assert!(out.chunks(4).all(|px| px == [10, 200, 30, 255]), "{m:?}");
    }
}

#[test]
fn inspector_value_is_the_resized_pixel() {
    let mut rng = Rng::new(99);
    for case in 0..60 {
        let (w, h) = (1 + rng.below(12), 1 + rng.below(12));
        let (ow, oh) = (1 + rng.below(25), 1 + rng.below(25));
        let data = bytes(&mut rng, w * h * 4);
        let src = Rgba { data: &data, w, h };
        for m in METHODS {
            let out = resize_rgba(src, ow, oh, m).unwrap();
            for _ in 0..5 {
                let (x, y) = (rng.below(ow), rng.below(oh));
                let probe = Probe {
                    out: [ow, oh],
                    at: [x, y],
                };
                let ins = inspect(src, probe, m).unwrap();
                assert_eq!(
                    ins.value[..],
                    out[(y * ow + x) * 4..][..4],
                    "case {case} {m:?} ({x},{y})"
                );
                assert_eq!(ins.neighbours.len(), ins.xs.len() * ins.ys.len());
                if let RgbaMethod::Bilinear { .. } = m {
                    // The formula's float result rounds to the value shown.
                    assert_eq!(ins.exact.map(|v| textbook::round_u8(v as f32)), ins.value);
                    let wsum: f64 = ins.xs.iter().map(|t| t.1).sum();
                    assert!((wsum - 1.0).abs() < 1e-6);
                }
            }
        }
    }
    let src = Rgba {
        data: &[0; 16],
        w: 2,
        h: 2,
    };
    let outside = Probe {
        out: [4, 4],
        at: [4, 0],
    };
    assert!(inspect(src, outside, RgbaMethod::OpenCv).is_err());
}

#[test]
fn rgba_limits_and_shapes() {
    let src = |data| Rgba { data, w: 2, h: 2 };
    let e = resize_rgba(src(&[0; 16]), 30000, 30000, RgbaMethod::OpenCv)
        .unwrap_err()
        .to_string();
    assert!(e.contains("30000x30000") && e.contains("limit"), "{e}");
    let e = resize_rgba(src(&[0; 15]), 3, 3, RgbaMethod::OpenCv)
        .unwrap_err()
        .to_string();
    assert!(e.contains("15 values"), "{e}");
    let empty = Rgba {
        data: &[],
        w: 0,
        h: 0,
    };
    assert!(resize_rgba(empty, 3, 3, RgbaMethod::Pillow).is_err());
    let mut small = [0u8; 12];
    let dst = RgbaMut {
        data: &mut small,
        w: 2,
        h: 2,
    };
    let e = resize_rgba_into(src(&[0; 16]), dst, RgbaMethod::Nearest)
        .unwrap_err()
        .to_string();
    assert!(e.contains("output image") && e.contains("12 values"), "{e}");
}
