//! Element-wise and row-wise kernels: softmax, normalisations and activations (scalar, `libm`).

use crate::error::{Error, Result};

/// Replaces `values` with `softmax(values)`, subtracting the maximum first so large logits
/// cannot overflow `exp`. An empty slice is left as is.
pub fn softmax(values: &mut [f32]) {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return;
    }
    let mut sum = 0.0f32;
    for v in values.iter_mut() {
        *v = libm::expf(*v - max);
        sum += *v;
    }
    let inverse = 1.0 / sum;
    for v in values.iter_mut() {
        *v *= inverse;
    }
}

/// Layer normalisation of one row in place: `(x - mean) / sqrt(var + eps) * gamma + beta`.
pub fn layer_norm(row: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) -> Result<()> {
    check_len("layer_norm gamma", row.len(), gamma.len())?;
    check_len("layer_norm beta", row.len(), beta.len())?;
    if row.is_empty() {
        return Ok(());
    }
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let scale = 1.0 / libm::sqrtf(variance + eps);
    for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *v = (*v - mean) * scale * g + b;
    }
    Ok(())
}

/// RMS normalisation of one row in place: `x / sqrt(mean(x²) + eps) * weight`.
pub fn rms_norm(row: &mut [f32], weight: &[f32], eps: f32) -> Result<()> {
    check_len("rms_norm weight", row.len(), weight.len())?;
    if row.is_empty() {
        return Ok(());
    }
    let mean_square = row.iter().map(|v| v * v).sum::<f32>() / row.len() as f32;
    let scale = 1.0 / libm::sqrtf(mean_square + eps);
    for (v, w) in row.iter_mut().zip(weight) {
        *v *= scale * w;
    }
    Ok(())
}

/// Exact GELU, `x · Φ(x)` with the error function, as BERT uses (`hidden_act = "gelu"`).
pub fn gelu_erf(values: &mut [f32]) {
    for v in values.iter_mut() {
        *v = 0.5 * *v * (1.0 + libm::erff(*v * core::f32::consts::FRAC_1_SQRT_2));
    }
}

/// GELU with the tanh approximation (`gelu_new`, GPT-2 style).
pub fn gelu_tanh(values: &mut [f32]) {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    for v in values.iter_mut() {
        let x = *v;
        *v = 0.5 * x * (1.0 + libm::tanhf(SQRT_2_OVER_PI * (x + 0.044_715 * x * x * x)));
    }
}

/// SiLU (swish), `x · sigmoid(x)`, as used by SwiGLU feed-forward layers.
pub fn silu(values: &mut [f32]) {
    for v in values.iter_mut() {
        *v /= 1.0 + libm::expf(-*v);
    }
}

/// Scales `values` to unit Euclidean length; a zero vector is left as is.
pub fn l2_normalize(values: &mut [f32]) {
    let norm = libm::sqrtf(values.iter().map(|v| v * v).sum::<f32>());
    if norm > 0.0 {
        for v in values.iter_mut() {
            *v /= norm;
        }
    }
}

pub(crate) fn check_len(what: &'static str, expected: usize, found: usize) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            what,
            expected,
            found,
        })
    }
}
