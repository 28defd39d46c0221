//! Tests of the lab's stack: plans and the layer that breaks, the cheat-sheet costs, the exact
//! support against `rf::support_1d`, and the ERF against whole-image gradients.

use super::*;
use crate::ops::conv::{self, Conv2dParams};
use crate::ops::pool::{self, PoolParams};
use crate::rf::{self, RfLayer};
use crate::tensor::{View, ViewD};
use crate::testkit::assert_close;

fn conv(k: usize, s: usize, p: usize, d: usize, out: usize) -> Layer {
    Layer::Conv {
        k,
        s,
        p,
        d,
        out,
        groups: 1,
    }
}

fn maxpool(k: usize, s: usize, p: usize) -> Layer {
    Layer::Pool {
        kind: PoolKind::Max,
        k,
        s,
        p,
    }
}

#[test]
fn plan_rows_and_the_layer_that_breaks() {
    let stem = [conv(7, 2, 3, 1, 64), maxpool(3, 2, 1)];
    let pl = plan(&stem, 3, 224, 224);
    assert_eq!(pl.error, None);
    assert_eq!((pl.rows[0].c, pl.rows[0].h, pl.rows[0].w), (64, 112, 112));
    assert_eq!(
        (pl.rows[1].h, pl.rows[1].rf.r, pl.rows[1].rf.jump),
        (56, 11, 4)
    );
    assert_eq!(pl.rows[1].rf.start, -5);
    assert_eq!(pl.rows[0].params, 64 * 3 * 49);
    assert_eq!(pl.rows[0].macs, 64 * 3 * 49 * 112 * 112);
    // Layer 3's dilated kernel (span 17) does not fit the 8x8 map (+2 padding) it gets.
    let bad = [
        conv(3, 2, 1, 1, 8),
        conv(3, 2, 1, 1, 8),
        conv(3, 1, 1, 8, 8),
    ];
    let pl = plan(&bad, 3, 32, 32);
    assert_eq!(pl.rows.len(), 2);
    let e = pl.error.unwrap();
    assert_eq!(e.layer, 3);
    assert!(
        e.message.contains("8x8 map") && e.message.contains("spans 17"),
        "{}",
        e.message
    );
    let e = plan(&[conv(3, 1, 1, 0, 8)], 3, 32, 32).error.unwrap();
    assert_eq!(
        (e.layer, e.message.as_str()),
        (1, "dilation must be >= 1, got 0")
    );
    let g = Layer::Conv {
        k: 3,
        s: 1,
        p: 1,
        d: 1,
        out: 8,
        groups: 2,
    };
    let e = plan(&[g], 3, 32, 32).error.unwrap();
    assert!(e.message.contains("groups=2 must divide"), "{}", e.message);
    let e = plan(&[maxpool(2, 2, 2)], 3, 32, 32).error.unwrap();
    assert!(e.message.contains("at most half"), "{}", e.message);
}

#[test]
fn cheat_sheet_108_vs_39_and_the_bottleneck() {
    let [std, sep, bot] = alternatives(3, 4, 3, [1, 1]).unwrap();
    assert_eq!((std.name, std.params), ("standard", 108));
    assert_eq!(sep.params, 39);
    assert_eq!(
        sep.parts.iter().map(|p| p.1).collect::<Vec<_>>(),
        vec![27, 12]
    );
    // 1x1 3->1 (3) + 3x3 1->1 (9) + 1x1 1->4 (4)
    assert_eq!(bot.params, 16);
    // MACs scale with the output size.
    let [std, ..] = alternatives(3, 4, 3, [10, 10]).unwrap();
    assert_eq!(std.macs, 10800);
}

fn image(c: usize, h: usize, w: usize) -> Vec<f32> {
    (0..c * h * w)
        .map(|i| ((i * 7919) % 101) as f32 / 101.0)
        .collect()
}

/// The 2-D support is the product of the exact 1-D supports (`rf::support_1d`), its
/// bounding box lies in the formula's box, and dilation leaves the holes it should.
#[test]
#[allow(clippy::needless_range_loop)]
fn support_is_exact_and_inside_the_box() {
    let stacks: Vec<Vec<Layer>> = vec![
        vec![conv(3, 1, 1, 1, 4); 3],
        vec![
            conv(3, 1, 1, 1, 4),
            conv(3, 1, 2, 2, 4),
            conv(3, 1, 4, 4, 4),
        ],
        vec![conv(3, 1, 2, 2, 4); 3],
        vec![conv(7, 2, 3, 1, 6), maxpool(3, 2, 1)],
        vec![
            conv(3, 2, 1, 1, 4),
            Layer::Pool {
                kind: PoolKind::Avg,
                k: 2,
                s: 2,
                p: 0,
            },
            conv(3, 1, 2, 2, 4),
        ],
    ];
    let (c, h, w) = (3, 40, 37);
    for st in &stacks {
        let pl = plan(st, c, h, w);
        let last = *pl.rows.last().unwrap();
        let rfl: Vec<RfLayer> = st.iter().map(Layer::rf).collect();
        for cell in [(0, 0), (last.h / 2, last.w / 3), (last.h - 1, last.w - 1)] {
            let m = cell_maps(st, &image(c, h, w), [c, h, w], cell, 7, 2).unwrap();
            let rows = rf::support_1d(&rfl, h, cell.0).unwrap();
            let cols = rf::support_1d(&rfl, w, cell.1).unwrap();
            for r in 0..h {
                for q in 0..w {
                    let inside = r >= m.win.r0 && r < m.win.r1 && q >= m.win.c0 && q < m.win.c1;
                    let got = inside && m.support[(r - m.win.r0) * m.win.w() + (q - m.win.c0)] == 1;
                    assert_eq!(
                        got,
                        rows[r] && cols[q],
                        "{st:?} cell {cell:?} pixel ({r},{q})"
                    );
                }
            }
            // The window is the formula's box clipped to the image.
            let lo = last.rf.start + cell.0 as i64 * last.rf.jump as i64;
            let hi = lo + last.rf.r as i64;
            assert_eq!(m.win.r0 as i64, lo.max(0));
            assert_eq!(m.win.r1 as i64, hi.min(h as i64));
            // The ERF lives on the support only, and peaks at 1.
            assert!(m
                .erf
                .iter()
                .zip(&m.support)
                .all(|(&e, &s)| s == 1 || e == 0.0));
            assert!((m.erf.iter().copied().fold(0.0, f32::max) - 1.0).abs() < 1e-6);
        }
    }
    // Gridding: 2-2-2 reaches only every other pixel of its 13x13 box.
    let grid = vec![conv(3, 1, 2, 2, 4); 3];
    let m = cell_maps(&grid, &image(c, h, w), [c, h, w], (20, 18), 1, 1).unwrap();
    assert_eq!((m.win.h(), m.win.w()), (13, 13));
    assert_eq!(m.support.iter().filter(|&&s| s == 1).count(), 49);
}

/// `sum_c |g[c]|` over an `[c, h, w]` gradient, scaled to max 1: the ERF of a full-image pass.
fn full_erf(g: &[f32], c: usize, h: usize, w: usize) -> Vec<f32> {
    let mut full = vec![0.0f32; h * w];
    for ch in 0..c {
        for (f, v) in full.iter_mut().zip(&g[ch * h * w..][..h * w]) {
            *f += v.abs();
        }
    }
    let mx = full.iter().copied().fold(0.0, f32::max);
    assert!(mx > 0.0, "the gradient reaches no pixel");
    full.iter().map(|v| v / mx).collect()
}

/// The cell's ERF placed on the whole `h x w` image (zero outside its window).
fn erf_on_image(m: &CellMaps, h: usize, w: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; h * w];
    for r in m.win.r0..m.win.r1 {
        let src = &m.erf[(r - m.win.r0) * m.win.w()..][..m.win.w()];
        out[r * w + m.win.c0..][..m.win.w()].copy_from_slice(src);
    }
    out
}

fn view(data: &[f32], shape: [usize; 4]) -> View<'_> {
    View::new("test", data, shape).unwrap()
}

/// The ERF is a real gradient: with one draw and no pooling it equals |d cell / d x| of the
/// whole-image computation (full conv2d_backward_input, no crops), summed over channels.
#[test]
fn erf_equals_the_full_gradient() {
    let st = vec![
        conv(3, 2, 1, 1, 5),
        conv(3, 1, 2, 2, 4),
        conv(1, 1, 0, 1, 3),
    ];
    let (c, h, w) = (2, 21, 18);
    let cell = (4, 5);
    let m = cell_maps(&st, &image(c, h, w), [c, h, w], cell, 11, 1).unwrap();
    // The same weights as draw 1 (seed + 0).
    let weights = random_weights(&st, c, 11);
    let pl = plan(&st, c, h, w);
    let mut shapes = vec![[1, c, h, w]];
    for r in &pl.rows {
        shapes.push([1, r.c, r.h, r.w]);
    }
    let last = shapes[3];
    let mut g = vec![0.0f32; last.iter().product()];
    for ch in 0..last[1] {
        g[(ch * last[2] + cell.0) * last[3] + cell.1] = 1.0;
    }
    for li in (0..3).rev() {
        let Layer::Conv {
            k, s, p, d, out, ..
        } = st[li]
        else {
            unreachable!()
        };
        let cp = Conv2dParams {
            stride: [s, s],
            padding: [p, p],
            dilation: [d, d],
            groups: 1,
        };
        let cin = shapes[li][1];
        let wv = view(weights[li].as_ref().unwrap(), [out, cin, k, k]);
        g = conv::conv2d_backward_input(&g, shapes[li], wv, &cp).unwrap();
    }
    assert_close(
        "erf",
        &erf_on_image(&m, h, w),
        &full_erf(&g, c, h, w),
        1e-5,
        0.0,
    );
}

/// With a max pool, the cropped forward must pick the same winners as a forward over the
/// whole image (padding -inf for the pool, 0 for the convs), so the ERF is the true gradient.
#[test]
fn erf_through_max_pool_equals_the_full_gradient() {
    let st = vec![conv(3, 1, 1, 1, 3), maxpool(3, 2, 1), conv(3, 1, 1, 1, 2)];
    let (c, h, w) = (2, 19, 16);
    let img = image(c, h, w);
    let cell = (3, 4);
    let m = cell_maps(&st, &img, [c, h, w], cell, 5, 1).unwrap();
    let wts = random_weights(&st, c, 5);
    let cp = Conv2dParams {
        padding: [1, 1],
        ..Default::default()
    };
    let (w0, w2) = (
        view(wts[0].as_ref().unwrap(), [3, c, 3, 3]),
        view(wts[2].as_ref().unwrap(), [2, 3, 3, 3]),
    );
    let (y1, s1) = conv::conv2d(view(&img, [1, c, h, w]), w0, None, &cp).unwrap();
    let mut pp = PoolParams::new([3, 3]);
    pp.stride = [2, 2];
    pp.padding = [1, 1];
    let (y2, s2, arg) = pool::max_pool2d(ViewD::new("y1", &y1, &s1).unwrap(), &pp).unwrap();
    let (_, s3) = conv::conv2d(view(&y2, s2), w2, None, &cp).unwrap();
    let mut g = vec![0.0f32; s3.iter().product()];
    for ch in 0..2 {
        g[(ch * s3[2] + cell.0) * s3[3] + cell.1] = 1.0;
    }
    let g = conv::conv2d_backward_input(&g, s2, w2, &cp).unwrap();
    let g = pool::max_pool2d_backward(&g, &arg, &s1, &pp).unwrap();
    let g = conv::conv2d_backward_input(&g, [1, c, h, w], w0, &cp).unwrap();
    let got = erf_on_image(&m, h, w);
    assert_close("erf", &got, &full_erf(&g, c, h, w), 1e-5, 0.0);
    let nonzero = got.iter().filter(|&&v| v > 0.0).count();
    // Max pooling routes the gradient through winners only: fewer pixels than the support.
    let sup = m.support.iter().filter(|&&s| s == 1).count();
    assert!(nonzero > 0 && nonzero < sup, "{nonzero} of {sup}");
}

#[test]
fn cell_errors_say_why() {
    let st = [conv(3, 1, 1, 1, 4)];
    let img = image(3, 8, 8);
    let e = cell_maps(&st, &img, [3, 8, 8], (8, 0), 1, 1).unwrap_err();
    assert!(
        e.to_string().contains("outside the last feature map (8x8)"),
        "{e}"
    );
    let big = [conv(31, 1, 15, 1, 512), conv(31, 1, 15, 1, 512)];
    let img = image(3, 64, 64);
    let e = cell_maps(&big, &img, [3, 64, 64], (30, 30), 1, 8).unwrap_err();
    assert!(e.to_string().contains("million multiply-adds"), "{e}");
}

/// Issue 10, defect 6: a cell of a valid stack whose receptive field lies in a layer's padding
/// (three 3x3 minus one, layer 2 = 1x1 with pad 1, top-left cell) reads only zeros: its support
/// is empty, not a shape error. Its neighbours on the image keep their usual support.
#[test]
fn a_cell_that_reads_only_padding_has_an_empty_support() {
    let st = [conv(3, 1, 1, 1, 16), conv(1, 1, 1, 1, 16)];
    let (c, h, w) = (3, 12, 10);
    let img = image(c, h, w);
    for cell in [(0, 0), (0, 5), (13, 11), (6, 0)] {
        let m = cell_maps(&st, &img, [c, h, w], cell, 7, 2).unwrap();
        assert_eq!(m.win.h() * m.win.w(), 0, "cell {cell:?}: {:?}", m.win);
        assert!(m.support.is_empty() && m.erf.is_empty(), "cell {cell:?}");
    }
    let m = cell_maps(&st, &img, [c, h, w], (1, 1), 7, 2).unwrap();
    assert_eq!((m.win.h(), m.win.w()), (2, 2), "{:?}", m.win);
    assert_eq!(m.support.iter().filter(|&&s| s == 1).count(), 4);
}

#[test]
fn a_cell_that_sees_only_padding_has_an_empty_support() {
    // A 1x1 conv with padding 4, stride 2 on 5x10: output column 0 reads input column -4, in the
    // padding (its window is empty; embedding it indexed past the buffer: a panic).
    let layers = [Layer::Conv {
        k: 1,
        s: 2,
        p: 4,
        d: 3,
        out: 1,
        groups: 1,
    }];
    let image = vec![0.5f32; 3 * 5 * 10];
    let m = cell_maps(&layers, &image, [3, 5, 10], (3, 0), 7, 1).unwrap();
    assert!(m.support.iter().all(|&s| s == 0), "{:?}", m.support);
    assert!(m.erf.iter().all(|&e| e == 0.0));
}
