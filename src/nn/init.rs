//! Weight initializations with torch.nn.init's formulas, drawn from the seeded `Rng`.
//!
//! For a dense weight `[fan_out, fan_in]`:
//! * Xavier/Glorot (Glorot & Bengio 2010): uniform `+-sqrt(6/(fan_in+fan_out))`, normal std
//!   `sqrt(2/(fan_in+fan_out))` (`xavier_*_` with gain 1).
//! * Kaiming/He (He et al. 2015): uniform `+-sqrt(2) sqrt(3/fan_in)`, normal std
//!   `sqrt(2)/sqrt(fan_in)` (`kaiming_*_` defaults: a = 0, mode fan_in, gain sqrt 2 for ReLU).
//! * LeCun (LeCun et al. 1998): normal std `1/sqrt(fan_in)`.
//! * zeros, a constant, or uniform `+-scale` / normal std `scale` for a chosen scale.
//!
//! Biases start at 0 in every scheme (so "zeros" really is all-zero).

use crate::rng::Rng;
use crate::{arg_err, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Init {
    Zeros,
    Constant(f32),
    Uniform(f32),
    Normal(f32),
    XavierUniform,
    XavierNormal,
    KaimingUniform,
    KaimingNormal,
    LeCun,
}

impl Init {
    pub const NAMES: [&'static str; 9] = [
        "zeros",
        "constant",
        "uniform",
        "normal",
        "xavier_uniform",
        "xavier_normal",
        "kaiming_uniform",
        "kaiming_normal",
        "lecun",
    ];

    /// Parses a name of `NAMES`; `scale` is the constant, the uniform bound or the normal std
    /// for the schemes that take one (it must be finite, and >= 0 for uniform/normal).
    pub fn parse(name: &str, scale: f32) -> Result<Self> {
        let needs_scale = matches!(name, "constant" | "uniform" | "normal");
        if needs_scale && !scale.is_finite() {
            return arg_err!("initScale must be a finite number, got {scale}");
        }
        if matches!(name, "uniform" | "normal") && scale < 0.0 {
            return arg_err!("initScale of {name} init must be >= 0, got {scale}");
        }
        Ok(match name {
            "zeros" => Init::Zeros,
            "constant" => Init::Constant(scale),
            "uniform" => Init::Uniform(scale),
            "normal" => Init::Normal(scale),
            "xavier_uniform" => Init::XavierUniform,
            "xavier_normal" => Init::XavierNormal,
            "kaiming_uniform" => Init::KaimingUniform,
            "kaiming_normal" => Init::KaimingNormal,
            "lecun" => Init::LeCun,
            _ => {
                return Err(Error::InvalidArg(format!(
                    "init must be one of {}, got {name:?}",
                    Self::NAMES.join(", ")
                )))
            }
        })
    }

    /// The standard deviation of the weights this scheme draws (a constant has 0).
    pub fn std(&self, fan_in: usize, fan_out: usize) -> f64 {
        let (fi, fo) = (fan_in.max(1) as f64, fan_out.max(1) as f64);
        match *self {
            Init::Zeros | Init::Constant(_) => 0.0,
            Init::Uniform(s) => s as f64 / 3f64.sqrt(),
            Init::Normal(s) => s as f64,
            Init::XavierUniform | Init::XavierNormal => (2.0 / (fi + fo)).sqrt(),
            Init::KaimingUniform | Init::KaimingNormal => (2.0 / fi).sqrt(),
            Init::LeCun => (1.0 / fi).sqrt(),
        }
    }

    /// Fills a `[fan_out, fan_in]` weight.
    pub fn fill(&self, w: &mut [f32], fan_in: usize, fan_out: usize, rng: &mut Rng) {
        let uniform = |b: f64, rng: &mut Rng| ((rng.uniform() * 2.0 - 1.0) * b) as f32;
        let std = self.std(fan_in, fan_out);
        for v in w.iter_mut() {
            *v = match *self {
                Init::Zeros => 0.0,
                Init::Constant(c) => c,
                Init::Uniform(_) | Init::XavierUniform | Init::KaimingUniform => {
                    // a uniform on +-b has std b/sqrt(3)
                    uniform(std * 3f64.sqrt(), rng)
                }
                Init::Normal(_) | Init::XavierNormal | Init::KaimingNormal | Init::LeCun => {
                    (rng.normal() * std) as f32
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(w: &[f32]) -> (f64, f64, f32) {
        let n = w.len() as f64;
        let m = w.iter().map(|&v| v as f64).sum::<f64>() / n;
        let v = w.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / n;
        (m, v.sqrt(), w.iter().fold(0.0f32, |a, &b| a.max(b.abs())))
    }

    #[test]
    fn every_scheme_has_its_formula_std_and_bound() {
        let (fi, fo) = (64, 32);
        for name in Init::NAMES {
            let init = Init::parse(name, 0.5).unwrap();
            let mut w = vec![0.0f32; fi * fo * 8];
            init.fill(&mut w, fi, fo, &mut Rng::new(9));
            let (m, s, max) = moments(&w);
            let want = init.std(fi, fo);
            match init {
                Init::Zeros => assert!(w.iter().all(|&v| v == 0.0)),
                Init::Constant(c) => assert!(w.iter().all(|&v| v == c)),
                _ => {
                    assert!(m.abs() < 0.05 * want + 1e-3, "{name}: mean {m}");
                    assert!(
                        (s / want - 1.0).abs() < 0.05,
                        "{name}: std {s}, formula {want}"
                    );
                }
            }
            if matches!(
                init,
                Init::Uniform(_) | Init::XavierUniform | Init::KaimingUniform
            ) {
                let bound = (want * 3f64.sqrt()) as f32;
                assert!(max <= bound, "{name}: {max} beyond the bound {bound}");
            }
        }
        // the formulas themselves (torch.nn.init)
        assert!(
            (Init::XavierUniform.std(3, 5) * 3f64.sqrt() - (6.0f64 / 8.0).sqrt()).abs() < 1e-12
        );
        assert!((Init::KaimingNormal.std(8, 1) - 0.5).abs() < 1e-12);
        assert!((Init::LeCun.std(4, 100) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn same_seed_same_weights_and_clear_errors() {
        let mut a = vec![0.0f32; 10];
        let mut b = vec![0.0f32; 10];
        Init::KaimingUniform.fill(&mut a, 5, 2, &mut Rng::new(1));
        Init::KaimingUniform.fill(&mut b, 5, 2, &mut Rng::new(1));
        assert_eq!(a, b);
        assert!(Init::parse("normal", -1.0)
            .unwrap_err()
            .to_string()
            .contains(">= 0"));
        assert!(Init::parse("he", 1.0)
            .unwrap_err()
            .to_string()
            .contains("kaiming_normal"));
    }
}
