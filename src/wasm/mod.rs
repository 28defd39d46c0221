//! The only door to JavaScript. Everything here converts and validates, calls the pure core, and
//! maps `crate::Error` to a thrown JS `Error` carrying the same message. Large buffers live in
//! handles (`Tensor`, `RgbaImage`) whose memory JS can view without copying via `ptr()` and
//! `wasm_memory()`; small options travel as plain objects through serde-wasm-bindgen.

mod handles;
mod ops;

pub use handles::*;
pub use ops::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // A panic is a bug (user input is validated before it reaches any indexing), but if one
    // happens its message should reach the console, not just "unreachable executed".
    console_error_panic_hook::set_once();
}

/// The module's linear memory, to build zero-copy views: `new Float32Array(wasm_memory().buffer,
/// t.ptr(), t.len)`. Make a fresh view after every call into wasm: memory growth detaches old ones.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The crate version, shown in the page footer and the self-test report.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

pub(crate) fn err(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads an options object (undefined/null = all defaults); type errors name the function.
pub(crate) fn opts<T: serde::de::DeserializeOwned + Default>(
    what: &str,
    v: JsValue,
) -> Result<T, JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(v)
        .map_err(|e| JsError::new(&format!("invalid argument: {what} options: {e}")))
}

pub(crate) fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible().serialize_maps_as_objects(true))
        .map_err(|e| JsError::new(&e.to_string()))
}
