//! The only door to JavaScript. Everything here converts and validates, calls the pure core, and
//! turns `crate::Error` into a thrown JS `Error` carrying the same message plus its `code` and
//! `vars` (`errors.rs`). Large buffers live in handles (`Tensor`, `RgbaImage`) whose memory JS can
//! view without copying via `ptr()` and `wasmMemory()`; small options travel as plain objects
//! read by `opts.rs`. Every JS name is camelCase (`js_name`, `rename_all = "camelCase"`).

mod arch_lab;
mod conv_lab;
mod convnet;
mod drill;
mod errors;
mod eval_lab;
mod explore;
mod handles;
mod loss_lab;
mod norm_lab;
mod ops;
mod opts;
mod train;
pub use train::*;

pub use arch_lab::*;
pub use conv_lab::*;
pub use convnet::*;
pub use drill::*;
pub use errors::{JsErr, JsResult};
pub use eval_lab::*;
pub use explore::*;
pub use handles::*;
pub use loss_lab::*;
pub use norm_lab::*;
pub use ops::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // A panic is a bug (user input is validated before it reaches any indexing), but if one
    // happens its message should reach the console, not just "unreachable executed".
    console_error_panic_hook::set_once();
}

/// The module's linear memory, to build zero-copy views: `new Float32Array(wasmMemory().buffer,
/// t.ptr(), t.len)`. Make a fresh view after every call into wasm: memory growth detaches old ones.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The crate version, shown in the page footer and the self-test report.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A Rust value as a plain JS object (JSON-compatible: maps become objects).
pub(crate) fn to_js<T: serde::Serialize, E: From<crate::Error>>(v: &T) -> Result<JsValue, E> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible().serialize_maps_as_objects(true))
        .map_err(|e| E::from(crate::Error::InvalidArg(e.to_string())))
}
