//! Handles that own big buffers in wasm memory: `Tensor` (f32, any shape), `RgbaImage` (u8 RGBA).

use wasm_bindgen::prelude::*;

use super::JsResult;
use crate::ops::interp::{self, Probe, Rgba, RgbaMethod, RgbaMut, MAX_PIXELS};
use crate::tensor::{self, numel};
use crate::Error;

/// A dense f32 tensor (row-major; images NCHW) owned by wasm.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Tensor {
    pub(crate) inner: tensor::Tensor,
}

pub(crate) fn shape_usize(shape: &[u32]) -> Vec<usize> {
    shape.iter().map(|&d| d as usize).collect()
}

impl Tensor {
    pub(crate) fn from_parts(data: Vec<f32>, shape: Vec<usize>) -> Tensor {
        Tensor {
            inner: tensor::Tensor { data, shape },
        }
    }
    pub(crate) fn shape4(&self, name: &str) -> crate::Result<[usize; 4]> {
        tensor::expect_rank::<4>(name, &self.inner.shape)
    }
    /// The tensor as a 4-D view (its rank checked, as `shape4`).
    pub(crate) fn view(&self, name: &str) -> crate::Result<tensor::View<'_>> {
        tensor::View::new(name, &self.inner.data, self.shape4(name)?)
    }
    /// The tensor as a view of any rank.
    pub(crate) fn view_d(&self, name: &str) -> crate::Result<tensor::ViewD<'_>> {
        tensor::ViewD::new(name, &self.inner.data, &self.inner.shape)
    }
}

#[wasm_bindgen]
impl Tensor {
    /// Copies `data` into a new tensor of `shape` (an array of dimensions).
    #[wasm_bindgen(constructor)]
    pub fn new(data: &[f32], shape: Vec<u32>) -> JsResult<Tensor> {
        let shape = shape_usize(&shape);
        tensor::check_len("data", data.len(), &shape)?;
        let data = tensor::try_copy(&format!("a tensor of {shape:?}"), data)?;
        Ok(Tensor::from_parts(data, shape))
    }

    /// A tensor of zeros; fill it through a view (`ptr()`), no copy. When wasm memory (4 GiB
    /// at most) cannot hold it next to the live tensors, this throws `out_of_memory`.
    pub fn zeros(shape: Vec<u32>) -> JsResult<Tensor> {
        let shape = shape_usize(&shape);
        let n = numel(&shape)?;
        let data = tensor::try_zeros(&format!("a tensor of {shape:?}"), n)?;
        Ok(Tensor::from_parts(data, shape))
    }

    #[wasm_bindgen(getter)]
    pub fn shape(&self) -> Vec<u32> {
        self.inner.shape.iter().map(|&d| d as u32).collect()
    }

    /// Number of elements.
    #[wasm_bindgen(getter)]
    pub fn len(&self) -> usize {
        self.inner.data.len()
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.inner.data.is_empty()
    }

    /// Byte offset of the data in `wasmMemory().buffer`.
    pub fn ptr(&self) -> usize {
        self.inner.data.as_ptr() as usize
    }

    /// A copy of the data as a Float32Array.
    #[wasm_bindgen(js_name = toArray)]
    pub fn to_array(&self) -> JsResult<Vec<f32>> {
        Ok(tensor::try_copy("a copy of the tensor", &self.inner.data)?)
    }

    /// The single value of a one-element tensor (a reduced loss).
    pub fn item(&self) -> JsResult<f32> {
        match self.inner.data.as_slice() {
            [v] => Ok(*v),
            d => Err(Error::Shape(format!(
                "item() needs a one-element tensor, this one has {}",
                d.len()
            ))
            .into()),
        }
    }

    /// The same data with another shape of equal size.
    pub fn reshape(&self, shape: Vec<u32>) -> JsResult<Tensor> {
        let shape = shape_usize(&shape);
        tensor::check_len("tensor", self.inner.data.len(), &shape)?;
        let data = tensor::try_copy(&format!("a tensor of {shape:?}"), &self.inner.data)?;
        Ok(Tensor::from_parts(data, shape))
    }
}

/// An RGBA u8 image (H x W x 4, channel fastest: the layout of canvas ImageData) owned by wasm.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct RgbaImage {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) data: Vec<u8>,
}

fn check_pixels(what: &str, w: u32, h: u32) -> crate::Result<usize> {
    let px = w as u64 * h as u64;
    if w == 0 || h == 0 {
        return Err(Error::image_empty(what, w.into(), h.into()));
    }
    if px > MAX_PIXELS as u64 {
        return Err(Error::pixel_limit(
            what,
            w.into(),
            h.into(),
            MAX_PIXELS as u64,
        ));
    }
    Ok(px as usize)
}

impl RgbaImage {
    /// The image as the resize kernels' read-only view.
    fn view(&self) -> Rgba<'_> {
        Rgba {
            data: &self.data,
            w: self.width,
            h: self.height,
        }
    }
}

/// Checks an image size against the limits `RgbaImage` enforces, without allocating: throws the
/// coded error (`pixel_limit` with `{what, w, h, got, max}`, or `image_empty`) that making the
/// image would throw, so a page can explain a request before it runs. `what` names the image in
/// the message ("output", "input"; default "image").
#[wasm_bindgen(js_name = checkImageSize)]
pub fn check_image_size(width: u32, height: u32, what: Option<String>) -> JsResult<()> {
    check_pixels(what.as_deref().unwrap_or("image"), width, height)?;
    Ok(())
}

#[wasm_bindgen]
impl RgbaImage {
    /// A transparent black image; write pixels through `ptr()` or use `fromRgba`.
    #[wasm_bindgen(constructor)]
    pub fn new(width: u32, height: u32) -> JsResult<RgbaImage> {
        let px = check_pixels("image", width, height)?;
        Ok(RgbaImage {
            width: width as usize,
            height: height as usize,
            data: tensor::try_filled("an RGBA image", px * 4, 0u8)?,
        })
    }

    /// Copies canvas-style RGBA bytes (e.g. `ImageData.data`).
    #[wasm_bindgen(js_name = fromRgba)]
    pub fn from_rgba(bytes: &[u8], width: u32, height: u32) -> JsResult<RgbaImage> {
        let px = check_pixels("image", width, height)?;
        if bytes.len() != px * 4 {
            return Err(Error::Shape(format!(
                "a {width}x{height} RGBA image needs {} bytes, got {}",
                px * 4,
                bytes.len()
            ))
            .into());
        }
        Ok(RgbaImage {
            width: width as usize,
            height: height as usize,
            data: tensor::try_copy("an RGBA image", bytes)?,
        })
    }

    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u32 {
        self.width as u32
    }

    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u32 {
        self.height as u32
    }

    /// Byte offset of the pixels in `wasmMemory().buffer`.
    pub fn ptr(&self) -> usize {
        self.data.as_ptr() as usize
    }

    #[wasm_bindgen(getter, js_name = byteLength)]
    pub fn byte_length(&self) -> usize {
        self.data.len()
    }

    /// A copy of the pixels.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> JsResult<Vec<u8>> {
        Ok(tensor::try_copy("a copy of the image", &self.data)?)
    }

    /// Resizes into a new image. `method`: "opencv" (cv2 INTER_LINEAR, bit-exact), "pillow"
    /// (PIL BILINEAR, bit-exact, antialiased when shrinking), "nearest", "bilinear" (the textbook
    /// formula in f32, half-pixel centres, rounded) or "bilinear_align_corners".
    pub fn resize(&self, out_width: u32, out_height: u32, method: &str) -> JsResult<RgbaImage> {
        let mut out = RgbaImage::new(out_width, out_height)?;
        self.resize_into(&mut out, method)?;
        Ok(out)
    }

    /// What output pixel `(x, y)` of a resize to `out_width x out_height` is made of: source
    /// coordinates, taps and weights, neighbours, the row values after the horizontal pass, the
    /// exact result and the final value (equal to the resized image's pixel). See
    /// `ops::interp::Inspection` for the fields.
    pub fn inspect(
        &self,
        out_width: u32,
        out_height: u32,
        method: &str,
        x: u32,
        y: u32,
    ) -> JsResult<JsValue> {
        let m = RgbaMethod::parse(method)?;
        let probe = Probe {
            out: [out_width as usize, out_height as usize],
            at: [x as usize, y as usize],
        };
        let r = interp::inspect(self.view(), probe, m)?;
        super::to_js(&r)
    }

    /// The largest image (input or output) the resize accepts, in pixels.
    #[wasm_bindgen(js_name = maxPixels)]
    pub fn max_pixels() -> u32 {
        MAX_PIXELS as u32
    }

    /// Resizes into an existing image (its size is the target), reusing its buffer.
    #[wasm_bindgen(js_name = resizeInto)]
    pub fn resize_into(&self, out: &mut RgbaImage, method: &str) -> JsResult<()> {
        let m = RgbaMethod::parse(method)?;
        let dst = RgbaMut {
            data: &mut out.data,
            w: out.width,
            h: out.height,
        };
        interp::resize_rgba_into(self.view(), dst, m)?;
        Ok(())
    }
}
