//! The only door to JavaScript. Everything here converts and validates, calls the pure core, and
//! maps `crate::Error` to a thrown JS `Error` carrying the same message. Large buffers live in
//! handles (`Tensor`, `RgbaImage`) whose memory JS can view without copying via `ptr()` and
//! `wasm_memory()`; small options travel as plain objects through serde-wasm-bindgen.

mod conv_lab;
mod handles;
mod ops;
mod train;
pub use train::*;

pub use conv_lab::*;
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

/// Reads an options object (undefined/null = all defaults). A misspelt key is an error that lists
/// the valid ones (a silently ignored `dilaton: 2` is the worst kind of teaching bug); type errors
/// name the function.
pub(crate) fn opts<T: serde::de::DeserializeOwned + Default>(
    what: &str,
    v: JsValue,
) -> Result<T, JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    if !v.is_object() || js_sys::Array::is_array(&v) {
        return Err(JsError::new(&format!(
            "invalid argument: {what} options must be an object like {{key: value}}"
        )));
    }
    let known = field_names::<T>();
    for key in js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(JsError::new(&format!(
                "invalid argument: {what} has no option {key:?}; valid options: {}",
                known.join(", ")
            )));
        }
    }
    serde_wasm_bindgen::from_value(v)
        .map_err(|e| JsError::new(&format!("invalid argument: {what} options: {e}")))
}

/// The field names serde derives for a struct, read by a deserializer that only listens.
fn field_names<'de, T: serde::Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

pub(crate) fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible().serialize_maps_as_objects(true))
        .map_err(|e| JsError::new(&e.to_string()))
}
