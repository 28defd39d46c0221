//! Finite-difference checks (`testkit::grad_check`) of every convnet layer's backward, for the
//! input and every parameter; the SIMD conv forward against the scalar reference; the config's
//! strictness; the errors for bad group counts and one value per channel in training.

use super::grads;
use super::layers::{Conv2d, GlobalAvgPool, Linear, SpectralNorm};
use super::model::{Layer, LayerConfig, Model, ModelConfig, Pair};
use super::norms::{BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm};
use super::spectral::{self, SpectralParams};
use crate::nn::net::ParamKind;
use crate::ops::conv::{conv2d_reference_into, Conv2dParams};
use crate::ops::loss::{cross_entropy, cross_entropy_backward, CrossEntropyParams};
use crate::rng::Rng;
use crate::tensor::{View, ViewD};
use crate::testkit::{assert_close, dot, grad_check, randn};

const H: f32 = 8e-3;
const TOL: f64 = 3e-3;

/// The parameters of a layer, in visiting order.
fn params_of(l: &mut Layer) -> Vec<(Vec<f32>, Vec<f32>)> {
    let mut out = Vec::new();
    l.for_each_param(&mut |_, p, g| out.push((p.to_vec(), g.to_vec())));
    out
}

/// Sets parameter `k` of a layer to `v`.
fn set_param(l: &mut Layer, k: usize, v: &[f32]) {
    let mut i = 0;
    l.for_each_param(&mut |_, p, _| {
        if i == k {
            p.copy_from_slice(v);
        }
        i += 1;
    });
}

/// `d/d(x, params) sum(coef * layer(x))` by central differences against the layer's backward.
/// Returns the number of parameter tensors checked.
fn fd_layer(what: &str, layer: &Layer, x: &[f32], shape: &[usize], training: bool) -> usize {
    let run = |l: &mut Layer, xx: &[f32]| l.forward(xx, shape, training, &mut Rng::new(3)).unwrap();
    let mut l = layer.clone();
    let y = run(&mut l, x);
    let coef = randn(y.len(), 99, 1.0);
    let dx = l.backward(&coef).unwrap();
    assert_eq!(dx.len(), x.len(), "{what}: dx length");
    grad_check(&format!("{what} dx"), x, &dx, H, TOL, &mut |xx| {
        dot(&run(&mut layer.clone(), xx), &coef)
    });
    let grads = params_of(&mut l);
    for (k, (p0, _)) in params_of(&mut layer.clone()).iter().enumerate() {
        grad_check(
            &format!("{what} param {k}"),
            p0,
            &grads[k].1,
            H,
            TOL,
            &mut |v| {
                let mut m = layer.clone();
                set_param(&mut m, k, v);
                dot(&run(&mut m, x), &coef)
            },
        );
    }
    grads.len()
}

fn conv(in_shape: [usize; 3], out: usize, k: [usize; 2], p: Conv2dParams, bias: bool) -> Conv2d {
    Conv2d::new(in_shape, out, k, p, bias, None, &mut Rng::new(7)).unwrap()
}

#[test]
fn conv2d_backward_matches_finite_differences() {
    let cases = [
        // (input CxHxW, out, kernel, stride, padding, dilation, groups, bias)
        ([3, 7, 6], 4, [3, 3], [2, 2], [1, 1], [1, 1], 1, true),
        ([4, 8, 7], 6, [3, 2], [1, 2], [2, 1], [2, 1], 2, true),
        ([4, 6, 6], 8, [3, 3], [1, 1], [1, 1], [1, 1], 4, false),
        ([2, 9, 5], 3, [1, 1], [3, 3], [0, 0], [1, 1], 1, true),
    ];
    for (i, (cs, o, k, s, p, d, g, b)) in cases.into_iter().enumerate() {
        let params = Conv2dParams {
            stride: s,
            padding: p,
            dilation: d,
            groups: g,
        };
        let l = Layer::Conv2d(conv(cs, o, k, params, b));
        let shape = [2, cs[0], cs[1], cs[2]];
        let x = randn(shape.iter().product(), 10 + i as u64, 1.0);
        let n = fd_layer(&format!("conv case {i}"), &l, &x, &shape, true);
        assert_eq!(n, if b { 2 } else { 1 });
    }
}

/// The im2col backward the layers use against the scalar references (`ops::conv`'s input
/// gradient, `grads::conv2d_backward_weight`) on random shapes: strides, padding, dilation,
/// groups, depthwise, unread rows.
#[test]
fn fast_conv_backward_matches_the_scalar_references() {
    let mut r = Rng::new(17);
    for case in 0..60 {
        let groups = [1, 2, 3][r.below(3)];
        let cg = 1 + r.below(3);
        let og = 1 + r.below(3);
        let (c, o) = (cg * groups, og * groups);
        let k = [1 + r.below(4), 1 + r.below(4)];
        let p = Conv2dParams {
            stride: [1 + r.below(3), 1 + r.below(3)],
            padding: [r.below(3), r.below(3)],
            dilation: [1 + r.below(2), 1 + r.below(2)],
            groups,
        };
        let xs = [1 + r.below(3), c, 3 + r.below(9), 3 + r.below(9)];
        let ws = [o, cg, k[0], k[1]];
        let Ok(ys) = crate::ops::conv::conv2d_out_shape(xs, ws, &p) else {
            continue;
        };
        let x = randn(xs.iter().product(), case, 1.0);
        let w = randn(ws.iter().product(), case + 100, 1.0);
        let gy = randn(ys.iter().product(), case + 200, 1.0);
        let (xv, wv) = (
            View::new("x", &x, xs).unwrap(),
            View::new("w", &w, ws).unwrap(),
        );
        let (dx, gw, gb) = grads::conv2d_backward(xv, wv, &gy, &p).unwrap();
        let dx_ref = crate::ops::conv::conv2d_backward_input(&gy, xs, wv, &p).unwrap();
        let (gw_ref, gb_ref) = grads::conv2d_backward_weight(xv, &gy, ws, &p).unwrap();
        let what = format!("case {case} {xs:?} {ws:?} {p:?}");
        assert_close(&format!("{what} dx"), &dx, &dx_ref, 1e-4, 1e-4);
        assert_close(&format!("{what} dw"), &gw, &gw_ref, 1e-4, 1e-4);
        assert_close(&format!("{what} db"), &gb, &gb_ref, 1e-5, 1e-5);
    }
}

/// A 1x1 conv whose stride leaves one output per axis (the stride is then normalised to 1) must
/// not take the pointwise GEMM path, which writes every input position (found by the fuzzer:
/// an index out of bounds in `ops::conv::simd`).
#[test]
fn one_by_one_conv_with_a_single_output_matches_the_reference() {
    let p = Conv2dParams {
        stride: [2, 3],
        padding: [0, 0],
        dilation: [2, 1],
        groups: 1,
    };
    let x = randn(6, 1, 1.0);
    let w = randn(2, 2, 1.0);
    let xv = View::new("x", &x, [1, 1, 2, 3]).unwrap();
    let wv = View::new("w", &w, [2, 1, 1, 1]).unwrap();
    let (y, ys) = crate::ops::conv::conv2d(xv, wv, None, &p).unwrap();
    assert_eq!(ys, [1, 2, 1, 1]);
    let mut r = vec![0.0; 2];
    conv2d_reference_into(xv, wv, None, &p, &mut r).unwrap();
    assert_close("1x1 single output", &y, &r, 1e-6, 1e-6);
}

#[test]
fn conv_layer_forward_is_the_simd_kernel_and_matches_the_scalar_reference() {
    let p = Conv2dParams {
        stride: [2, 1],
        padding: [1, 2],
        dilation: [1, 2],
        groups: 2,
    };
    let mut c = conv([4, 11, 13], 6, [3, 3], p, true);
    let xs = [3, 4, 11, 13];
    let x = randn(xs.iter().product(), 4, 1.0);
    let y = c.forward(&x, &xs, true).unwrap();
    let mut r = vec![0.0; y.len()];
    conv2d_reference_into(
        View::new("x", &x, xs).unwrap(),
        View::new("w", &c.w, c.ws).unwrap(),
        c.b.as_deref(),
        &p,
        &mut r,
    )
    .unwrap();
    assert_close("simd vs reference", &y, &r, 1e-5, 1e-5);
}

#[test]
fn spectral_norm_weight_gradient_matches_finite_differences() {
    // Eval mode: u and v are fixed, as torch treats them in the backward.
    let sp = SpectralParams {
        n_power_iterations: 1,
        eps: 1e-12,
        dim: 0,
    };
    let mut c = conv([2, 5, 5], 3, [3, 3], Conv2dParams::default(), true);
    c.sn = Some(SpectralNorm::new(&c.w, &c.ws, sp, &mut Rng::new(2)).unwrap());
    let x = randn(2 * 2 * 25, 5, 1.0);
    fd_layer("spectral conv", &Layer::Conv2d(c), &x, &[2, 2, 5, 5], false);
    let mut lin = Linear::new(5, 4, None, &mut Rng::new(3)).unwrap();
    lin.spectral(sp, &mut Rng::new(4)).unwrap();
    let x = randn(3 * 5, 6, 1.0);
    fd_layer(
        "spectral linear",
        &Layer::Linear(lin.clone()),
        &x,
        &[3, 5],
        false,
    );
    // Converged buffers (many iterations in training mode): sigma's derivative is u v^T, so the
    // same gradient holds through the power iteration too.
    let (mut u, mut v) =
        spectral::init_uv(&lin.raw.as_ref().unwrap().0, &[4, 5], &sp, &mut Rng::new(1)).unwrap();
    let p200 = SpectralParams {
        n_power_iterations: 200,
        ..sp
    };
    let w = lin.raw.as_ref().unwrap().0.clone();
    spectral::spectral_norm(&w, &[4, 5], &mut u, &mut v, &p200, true).unwrap();
    let sigma = spectral::sigma_exact(&w, &[4, 5], 0).unwrap();
    let (_, s) = spectral::spectral_norm(&w, &[4, 5], &mut u, &mut v, &p200, true).unwrap();
    assert!((s - sigma).abs() < 1e-9 * sigma, "{s} vs exact {sigma}");
    let coef = randn(20, 8, 1.0);
    let f = |ww: &[f32]| {
        let s = spectral::sigma_exact(ww, &[4, 5], 0).unwrap();
        ww.iter()
            .zip(&coef)
            .map(|(&a, &c)| a as f64 / s * c as f64)
            .sum::<f64>()
    };
    let wsn: Vec<f32> = w.iter().map(|&a| (a as f64 / s) as f32).collect();
    let g = spectral::spectral_norm_backward(&coef, &wsn, &[4, 5], &u, &v, s, 0).unwrap();
    grad_check("spectral converged", &w, &g, H, TOL, &mut |ww| f(ww));
}

#[test]
fn pools_and_reshapes_backward_match_finite_differences() {
    // Values 0.37 apart in random order: no max-pool window has a near tie.
    let xs = [2usize, 3, 6, 5];
    let mut x: Vec<f32> = (0..180).map(|i| i as f32 * 0.37 - 30.0).collect();
    let mut r = Rng::new(9);
    for i in (1..x.len()).rev() {
        x.swap(i, r.below(i + 1));
    }
    let cfgs = [
        (
            LayerConfig::MaxPool2d {
                kernel: Pair::Same(2),
                stride: None,
                padding: Pair::Same(0),
                dilation: Pair::Same(1),
                ceil_mode: true,
            },
            "maxPool2d",
        ),
        (
            LayerConfig::MaxPool2d {
                kernel: Pair::Each([3, 2]),
                stride: Some(Pair::Each([2, 1])),
                padding: Pair::Same(1),
                dilation: Pair::Same(1),
                ceil_mode: false,
            },
            "maxPool2d padded",
        ),
        (
            LayerConfig::AvgPool2d {
                kernel: Pair::Same(3),
                stride: Some(Pair::Same(2)),
                padding: Pair::Same(1),
                ceil_mode: true,
                count_include_pad: false,
            },
            "avgPool2d",
        ),
        (LayerConfig::GlobalAvgPool, "globalAvgPool"),
        (LayerConfig::Flatten, "flatten"),
    ];
    for (cfg, what) in cfgs {
        let m = Model::new(
            &ModelConfig {
                input: xs[1..].to_vec(),
                layers: vec![cfg],
            },
            &mut Rng::new(1),
        )
        .unwrap();
        // a step of 0.1 changes no max-pool winner: the differences are exact up to rounding
        let l = &m.layers[0];
        let mut ll = l.clone();
        let y = ll.forward(&x, &xs, true, &mut Rng::new(3)).unwrap();
        let coef = randn(y.len(), 1, 1.0);
        let dx = ll.backward(&coef).unwrap();
        grad_check(what, &x, &dx, 0.1, 1e-4, &mut |xx| {
            dot(
                &l.clone().forward(xx, &xs, true, &mut Rng::new(3)).unwrap(),
                &coef,
            )
        });
    }
    let mut g = GlobalAvgPool::new([3, 6, 5]).unwrap();
    let y = g.forward(&x, &xs).unwrap();
    assert_eq!(y.len(), 6);
    assert!((y[0] - x[..30].iter().sum::<f32>() / 30.0).abs() < 1e-4);
}

#[test]
fn norm_layers_backward_match_finite_differences() {
    let xs = [3usize, 4, 3, 3];
    let x: Vec<f32> = randn(108, 21, 1.5).iter().map(|v| v + 2.0).collect();
    let with_affine = |mut l: Layer| -> Layer {
        // non-trivial gamma and beta, so their gradients are checked away from 1 and 0
        let mut k = 0;
        l.for_each_param(&mut |_, p, _| {
            let r = randn(p.len(), 40 + k, 0.5);
            for (v, d) in p.iter_mut().zip(r) {
                *v += d;
            }
            k += 1;
        });
        l
    };
    for training in [true, false] {
        let mut bn = BatchNorm2d::new(4, 0.1, 1e-5, true).unwrap();
        bn.running_mean = vec![0.5, 1.0, 2.0, -1.0];
        bn.running_var = vec![0.7, 2.0, 1.5, 3.0];
        let n = fd_layer(
            &format!("batchNorm training={training}"),
            &with_affine(Layer::BatchNorm(bn)),
            &x,
            &xs,
            training,
        );
        assert_eq!(n, 2);
    }
    let layers = [
        (
            "layerNorm",
            Layer::LayerNorm(LayerNorm::new(&[4, 3, 3], 1e-5, true).unwrap()),
        ),
        (
            "instanceNorm",
            Layer::InstanceNorm(InstanceNorm2d::new(4, 1e-5, true).unwrap()),
        ),
        (
            "groupNorm 2",
            Layer::GroupNorm(GroupNorm::new(2, 4, 1e-5, true).unwrap()),
        ),
        (
            "groupNorm 1",
            Layer::GroupNorm(GroupNorm::new(1, 4, 1e-3, true).unwrap()),
        ),
    ];
    for (what, l) in layers {
        assert_eq!(fd_layer(what, &with_affine(l), &x, &xs, true), 2);
    }
    // Without affine parameters only dx exists.
    let l = Layer::GroupNorm(GroupNorm::new(4, 4, 1e-5, false).unwrap());
    assert_eq!(fd_layer("groupNorm no affine", &l, &x, &xs, true), 0);
}

#[test]
fn group_norm_kernel_backward_matches_finite_differences_on_3d_input() {
    // The kernel on [N, C, L] directly, and layer norm over the last axis only.
    let shape = [2usize, 6, 4];
    let x = randn(48, 3, 2.0);
    let gy = randn(48, 4, 1.0);
    let gamma = randn(6, 5, 1.0);
    let (dx, dg, _) = grads::group_norm_backward(
        ViewD::new("x", &x, &shape).unwrap(),
        &gy,
        3,
        Some(&gamma),
        1e-5,
    )
    .unwrap();
    let f = |xx: &[f32], g: &[f32]| {
        let a = crate::ops::norm::Affine {
            weight: Some(g),
            bias: None,
        };
        let y =
            crate::ops::norm::group_norm(ViewD::new("x", xx, &shape).unwrap(), 3, a, 1e-5).unwrap();
        dot(&y, &gy)
    };
    grad_check("gn3d dx", &x, &dx, H, TOL, &mut |xx| f(xx, &gamma));
    grad_check("gn3d dgamma", &gamma, &dg, H, TOL, &mut |g| f(&x, g));
    let gl = randn(4, 6, 1.0);
    let (dx, dg, _) = grads::layer_norm_backward(
        ViewD::new("x", &x, &shape).unwrap(),
        &gy,
        &[4],
        Some(&gl),
        1e-5,
    )
    .unwrap();
    let f = |xx: &[f32], g: &[f32]| {
        let a = crate::ops::norm::Affine {
            weight: Some(g),
            bias: None,
        };
        dot(
            &crate::ops::norm::layer_norm(ViewD::new("x", xx, &shape).unwrap(), &[4], a, 1e-5)
                .unwrap(),
            &gy,
        )
    };
    grad_check("ln last axis dx", &x, &dx, H, TOL, &mut |xx| f(xx, &gl));
    grad_check("ln last axis dgamma", &gl, &dg, H, TOL, &mut |g| f(&x, g));
}

/// A small convnet with every kind of layer (smooth activations, average pools): the gradient of
/// the cross-entropy of the whole model against finite differences, for every parameter.
#[test]
fn whole_convnet_gradients_match_finite_differences() {
    let cfg = ModelConfig::from_json(
        r#"{"input": [2, 6, 6], "layers": [
            {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1, "spectralNorm": {}},
            {"type": "batchNorm"}, {"type": "activation", "kind": "tanh"},
            {"type": "avgPool2d", "kernel": 2},
            {"type": "conv2d", "out": 4, "kernel": [3, 1], "padding": [1, 0], "groups": 2},
            {"type": "groupNorm", "groups": 2}, {"type": "activation", "kind": "gelu"},
            {"type": "layerNorm"},
            {"type": "conv2d", "out": 4, "kernel": 1},
            {"type": "instanceNorm"}, {"type": "activation", "kind": "silu"},
            {"type": "flatten"}, {"type": "linear", "out": 3, "spectralNorm": {}}]}"#,
    )
    .unwrap();
    let base = Model::new(&cfg, &mut Rng::new(11)).unwrap();
    let n = 4;
    let x = randn(n * 72, 12, 1.0);
    let y = [0i64, 2, 1, 2];
    let ce = CrossEntropyParams::default();
    // eval mode for the spectral norms (fixed u, v), so run the BN in train mode through a flag:
    // the objective clones the model, so the power iteration starts from the same buffers.
    let loss = |m: &mut Model, xx: &[f32], training: bool| -> f64 {
        let z = m
            .forward(xx, n, training, &mut Rng::new(1))
            .unwrap()
            .to_vec();
        cross_entropy(&z, &[n, 3], &y, &ce).unwrap().data[0] as f64
    };
    let mut m = base.clone();
    let z = m.forward(&x, n, false, &mut Rng::new(1)).unwrap().to_vec();
    let g = cross_entropy_backward(&z, &[n, 3], &y, &ce).unwrap();
    let dx = m.backward(&g).unwrap();
    grad_check("model dx", &x, &dx, H, TOL, &mut |xx| {
        loss(&mut base.clone(), xx, false)
    });
    let mut grads = Vec::new();
    m.for_each_param(|_, _, g| grads.push(g.to_vec()));
    let mut params = Vec::new();
    base.clone()
        .for_each_param(|_, p, _| params.push(p.to_vec()));
    assert_eq!(params.len(), 16);
    for (k, p) in params.iter().enumerate() {
        grad_check(
            &format!("model param {k}"),
            p,
            &grads[k],
            H,
            TOL,
            &mut |v| {
                let mut mm = base.clone();
                let mut i = 0;
                mm.for_each_param(|_, q, _| {
                    if i == k {
                        q.copy_from_slice(v);
                    }
                    i += 1;
                });
                loss(&mut mm, &x, false)
            },
        );
    }
}

#[test]
fn bad_group_counts_and_single_values_are_coded_errors() {
    let e = GroupNorm::new(3, 8, 1e-5, true).unwrap_err();
    assert_eq!(e.code(), "norm_groups");
    assert!(e.to_string().contains("must divide 8; got 3"), "{e}");
    let mut cfg = ModelConfig::digits_convnet(Some(LayerConfig::GroupNorm {
        groups: 3,
        eps: 1e-5,
        affine: true,
    }));
    let e = Model::new(&cfg, &mut Rng::new(1)).unwrap_err();
    assert_eq!(e.code(), "norm_groups");
    // batch norm, training, one value per channel: [1, C] (or [1, C, 1, 1])
    let mut bn = BatchNorm2d::new(4, 0.1, 1e-5, true).unwrap();
    let e = bn.forward(&[1.0; 4], &[1, 4], true).unwrap_err();
    assert_eq!(e.code(), "bn_single_value");
    assert!(e
        .to_string()
        .contains("Expected more than 1 value per channel when training"));
    assert!(bn.forward(&[1.0; 4], &[1, 4, 1, 1], true).is_err());
    // eval mode and batch 1 with a plane are fine
    assert!(bn.forward(&[1.0; 4], &[1, 4], false).is_ok());
    assert!(bn
        .forward(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            &[1, 4, 2, 1],
            true
        )
        .is_ok());
    // the digits convnet in training mode on one image: the BN after the global pool would fail,
    // the ones on planes do not
    cfg.layers[1] = LayerConfig::BatchNorm {
        momentum: 0.1,
        eps: 1e-5,
        affine: true,
    };
    cfg.layers[5] = cfg.layers[1].clone();
    let mut m = Model::new(&cfg, &mut Rng::new(1)).unwrap();
    assert!(m.forward(&[0.5; 64], 1, true, &mut Rng::new(1)).is_ok());
    // a shape mismatch names the layer
    let e = m
        .forward(&[0.5; 63], 1, true, &mut Rng::new(1))
        .unwrap_err();
    assert_eq!(e.code(), "shape_error");
}

#[test]
fn configs_are_strict_and_build_mlps_too() {
    let e = ModelConfig::from_json(
        r#"{"input": [4], "layers": [{"type": "linear", "out": 3, "bias": true}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown field `bias`"), "{e}");
    let e = ModelConfig::from_json(r#"{"input": [4], "layer": []}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `layer`"), "{e}");
    let e = ModelConfig::from_json(r#"{"input": [4], "layers": [{"type": "conv3d"}]}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown variant `conv3d`"), "{e}");
    let e = ModelConfig::from_json(
        r#"{"input": [1, 8, 8], "layers": [{"type": "conv2d", "out": 3, "kernel": 3, "spectralNorm": {"iters": 2}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown field `iters`"), "{e}");
    // an MLP from the same engine: linear -> batchNorm (over features) -> relu -> dropout -> linear
    let mlp = ModelConfig::from_json(
        r#"{"input": [5], "layers": [
            {"type": "linear", "out": 8, "init": "kaiming_normal"}, {"type": "batchNorm"},
            {"type": "activation", "kind": "relu"}, {"type": "dropout", "p": 0.2},
            {"type": "linear", "out": 2}]}"#,
    )
    .unwrap();
    let mut m = Model::new(&mlp, &mut Rng::new(3)).unwrap();
    assert_eq!(m.n_out(), 2);
    assert_eq!(m.param_count(), 5 * 8 + 8 + 16 + 8 * 2 + 2);
    let z = m
        .forward(&randn(15, 1, 1.0), 3, true, &mut Rng::new(2))
        .unwrap();
    assert_eq!(z.len(), 6);
    let mut kinds = Vec::new();
    m.for_each_param(|k, _, _| kinds.push(k));
    assert_eq!(
        kinds,
        [
            ParamKind::Weight,
            ParamKind::Bias,
            ParamKind::BnGamma,
            ParamKind::BnBeta,
            ParamKind::Weight,
            ParamKind::Bias
        ]
    );
    // a linear layer straight after a conv needs a flatten
    let e = Model::new(
        &ModelConfig::from_json(
            r#"{"input": [1, 4, 4], "layers": [{"type": "conv2d", "out": 2, "kernel": 3}, {"type": "linear", "out": 2}]}"#,
        )
        .unwrap(),
        &mut Rng::new(1),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("layer 2 (linear): a linear layer takes [N, features]"),
        "{e}"
    );
    // absurd sizes are errors before any allocation, and backward needs a forward
    let e = Model::new(
        &ModelConfig::from_json(
            r#"{"input": [1000], "layers": [{"type": "linear", "out": 10000}]}"#,
        )
        .unwrap(),
        &mut Rng::new(1),
    )
    .unwrap_err();
    assert_eq!(e.code(), "out_of_range");
    let e = Model::new(
        &ModelConfig::from_json(r#"{"input": [1, 8, 8], "layers": [{"type": "conv2d", "out": 4000000000, "kernel": 3}]}"#).unwrap(),
        &mut Rng::new(1),
    )
    .unwrap_err();
    assert!(matches!(e.code(), "out_of_range" | "element_limit"), "{e}");
    assert!(
        Model::new(&ModelConfig::digits_convnet(None), &mut Rng::new(1))
            .unwrap()
            .backward(&[])
            .is_err()
    );
    // a batch whose widest activation would pass the element limit is refused before allocating
    let mut wide = Model::new(
        &ModelConfig::from_json(r#"{"input": [1], "layers": [{"type": "linear", "out": 4096}]}"#)
            .unwrap(),
        &mut Rng::new(1),
    )
    .unwrap();
    let x = vec![0.0f32; 1 << 17];
    assert_eq!(
        wide.forward(&x, 1 << 17, false, &mut Rng::new(1))
            .unwrap_err()
            .code(),
        "element_limit"
    );
    for bad in [
        r#"{"type": "conv2d", "out": 2, "kernel": 3, "padding": 9223372036854775807}"#,
        r#"{"type": "maxPool2d", "kernel": 2, "stride": [1, 100000000]}"#,
        r#"{"type": "conv2d", "out": 2, "kernel": 3, "spectralNorm": {"nPowerIterations": 1000000}}"#,
    ] {
        let cfg = ModelConfig::from_json(&format!(r#"{{"input": [1, 8, 8], "layers": [{bad}]}}"#))
            .unwrap();
        let e = Model::new(&cfg, &mut Rng::new(1)).unwrap_err();
        assert_eq!(e.code(), "out_of_range", "{bad}: {e}");
    }
    // the digits convnet's shapes
    let m = Model::new(&ModelConfig::digits_convnet(None), &mut Rng::new(1)).unwrap();
    assert_eq!(
        m.shapes,
        vec![
            vec![8, 8, 8],
            vec![8, 8, 8],
            vec![8, 4, 4],
            vec![16, 4, 4],
            vec![16, 4, 4],
            vec![16],
            vec![10]
        ]
    );
}

#[test]
fn dropout_linear_and_activation_layers_backward_match_finite_differences() {
    let x: Vec<f32> = randn(24, 30, 1.0)
        .into_iter()
        .map(|v| if v.abs() < 0.05 { v + 0.2 } else { v })
        .collect();
    let cfg = ModelConfig::from_json(
        r#"{"input": [6], "layers": [{"type": "dropout", "p": 0.3}, {"type": "linear", "out": 5, "init": "xavier_normal"},
            {"type": "activation", "kind": "relu"}]}"#,
    )
    .unwrap();
    let m = Model::new(&cfg, &mut Rng::new(2)).unwrap();
    // the same seed gives the same dropout mask in every call of the objective
    for (i, l) in m.layers.iter().enumerate() {
        let (xs, xx): (Vec<usize>, Vec<f32>) = if i == 0 {
            (vec![4, 6], x.clone())
        } else {
            (
                vec![4, m.shapes[i - 1][0]],
                randn(4 * m.shapes[i - 1][0], 31, 1.0)
                    .into_iter()
                    .map(|v| if v.abs() < 0.05 { v + 0.2 } else { v })
                    .collect(),
            )
        };
        for training in [true, false] {
            fd_layer(
                &format!("{} training={training}", l.name()),
                l,
                &xx,
                &xs,
                training,
            );
        }
    }
}

#[test]
fn model_state_round_trips_and_detects_divergence() {
    let cfg = ModelConfig::from_json(
        r#"{"input": [1, 6, 6], "layers": [
            {"type": "conv2d", "out": 3, "kernel": 3, "spectralNorm": {"nPowerIterations": 2}},
            {"type": "batchNorm"}, {"type": "activation", "kind": "relu"},
            {"type": "globalAvgPool"}, {"type": "linear", "out": 2}]}"#,
    )
    .unwrap();
    let mut m = Model::new(&cfg, &mut Rng::new(4)).unwrap();
    let x = randn(4 * 36, 2, 1.0);
    m.forward(&x, 4, true, &mut Rng::new(1)).unwrap();
    let mut snap = Vec::new();
    m.save_state(&mut snap);
    let saved = m.clone();
    m.forward(&randn(4 * 36, 3, 5.0), 4, true, &mut Rng::new(1))
        .unwrap();
    m.for_each_param(|_, p, _| p.iter_mut().for_each(|v| *v = f32::NAN));
    assert!(!m.is_finite());
    m.load_state(&snap).unwrap();
    assert!(m.is_finite());
    let mut again = Vec::new();
    m.save_state(&mut again);
    assert_eq!(again, snap);
    let mut s2 = saved.clone();
    // (u and v are stored as f32 in the snapshot)
    let a = m.forward(&x, 4, false, &mut Rng::new(1)).unwrap().to_vec();
    let b = s2.forward(&x, 4, false, &mut Rng::new(1)).unwrap().to_vec();
    assert_close("restored model", &a, &b, 1e-6, 1e-6);
    assert!(m.load_state(&snap[1..]).is_err());
}

#[test]
fn batch_norm_layer_keeps_torch_running_statistics() {
    // [N=2, C=1, 2, 1]: values 1, 3, 5, 7 -> mean 4, biased var 5, unbiased 20/3
    let mut bn = BatchNorm2d::new(1, 0.1, 1e-5, true).unwrap();
    bn.forward(&[1.0, 3.0, 5.0, 7.0], &[2, 1, 2, 1], true)
        .unwrap();
    assert!((bn.running_mean[0] - 0.4).abs() < 1e-6);
    assert!((bn.running_var[0] - (0.9 + 0.1 * 20.0 / 3.0)).abs() < 1e-6);
    // eval mode uses (and keeps) the running statistics
    let y = bn
        .forward(&[0.4, 0.4, 0.4, 0.4], &[2, 1, 2, 1], false)
        .unwrap();
    assert!(y.iter().all(|v| v.abs() < 1e-6));
    assert!((bn.running_mean[0] - 0.4).abs() < 1e-6);
}
