//! Inverted dropout (as `F.dropout`): in training, `y = x * m / (1-p)` with `m ~ Bernoulli(1-p)`,
//! so the expected activation is unchanged and evaluation needs no rescaling; in eval mode it is
//! the identity. The mask is returned so a backward pass can reuse it.

use crate::rng::Rng;
use crate::{arg_err, Result};

pub fn dropout(x: &[f32], p: f32, training: bool, rng: &mut Rng) -> Result<(Vec<f32>, Vec<bool>)> {
    if !(0.0..=1.0).contains(&p) {
        return arg_err!("dropout probability must be in [0, 1], got {p}");
    }
    if !training || p == 0.0 {
        return Ok((x.to_vec(), vec![true; x.len()]));
    }
    if p == 1.0 {
        return Ok((vec![0.0; x.len()], vec![false; x.len()]));
    }
    let scale = 1.0 / (1.0 - p);
    let mask: Vec<bool> = x.iter().map(|_| rng.uniform() >= p as f64).collect();
    let y = x
        .iter()
        .zip(&mask)
        .map(|(&v, &k)| if k { v * scale } else { 0.0 })
        .collect();
    Ok((y, mask))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_is_identity_and_train_keeps_the_mean() {
        let x = vec![1.0f32; 10000];
        let mut r = Rng::new(5);
        assert_eq!(dropout(&x, 0.5, false, &mut r).unwrap().0, x);
        let (y, m) = dropout(&x, 0.3, true, &mut r).unwrap();
        let mean = y.iter().sum::<f32>() / y.len() as f32;
        assert!((mean - 1.0).abs() < 0.05, "{mean}");
        let zeros = m.iter().filter(|k| !**k).count() as f32 / 10000.0;
        assert!((zeros - 0.3).abs() < 0.03, "{zeros}");
        assert!(y.iter().all(|&v| v == 0.0 || v == 1.0 / 0.7));
        assert!(dropout(&x, 1.5, true, &mut r).is_err());
    }
}
