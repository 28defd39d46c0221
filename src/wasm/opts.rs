//! Options objects from JS, read in one place: `read` (undefined/null = every default; a
//! misspelt key is an error listing the valid ones; a value of the wrong type names its key),
//! and the option types several exports share: `Pair`/`PairF` (one number for both axes or
//! `[rows, cols]`), `ConvOpts` (conv2d, conv2dBackwardInput, conv2dInto, conv2dReferenceInto).
//! Keys are camelCase, as JS spells them (`#[serde(rename_all = "camelCase")]`).
//!
//! Unknown keys: serde-wasm-bindgen only reads the fields a struct declares, so
//! `deny_unknown_fields` never sees a misspelling (and neither would `serde_path_to_error`);
//! `field_names` asks serde for the declared names and `unknown_key` compares them with the
//! object's own keys. Wrong types: after a failed read, `key_at_fault` reads each key alone to
//! name the one at fault (`conv2d option stride: data did not match ...`); only the error path
//! pays for it.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::error::{Error, Kind};
use crate::ops::conv::Conv2dParams;
use crate::Result;

/// Reads the options of the export `what` into `T`.
pub(crate) fn read<T: DeserializeOwned + Default>(what: &str, v: JsValue) -> Result<T> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    if !v.is_object() || js_sys::Array::is_array(&v) {
        return Err(Error::coded(
            Kind::InvalidArg,
            "options_not_object",
            vec![("what", what.into())],
            format!("{what} options must be an object like {{key: value}}"),
        ));
    }
    let known = field_names::<T>();
    if let Some(key) = unknown_key(&v, known) {
        return Err(Error::unknown_option(what, &key, known));
    }
    if let Some((key, got)) = non_finite_number(&v) {
        return Err(Error::option_not_finite(
            &format!("{what} option {key}"),
            got,
        ));
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| match key_at_fault::<T>(&v) {
        Some((key, inner)) => Error::bad_option(what, &key, &inner),
        None => Error::InvalidArg(format!("{what} options: {e}")),
    })
}

/// After a failed read of `v`: the first key that fails alone in an object of its own, with the
/// error it gives (options are flat objects, so this names the culprit of a wrong type).
fn key_at_fault<T: DeserializeOwned>(v: &JsValue) -> Option<(String, String)> {
    let obj: &js_sys::Object = v.unchecked_ref();
    js_sys::Object::keys(obj).iter().find_map(|key| {
        let one = js_sys::Object::new();
        let value = js_sys::Reflect::get(obj, &key).ok()?;
        js_sys::Reflect::set(&one, &key, &value).ok()?;
        let e = serde_wasm_bindgen::from_value::<T>(one.into()).err()?;
        Some((key.as_string()?, e.to_string()))
    })
}

/// The first number of the options object `v` that is NaN or infinite, as `(key, value)`: a
/// value of the object itself (`eps: NaN`) or an element of an array value (`betas: [0.9,
/// Infinity]` gives `betas[1]`). No option of any export is defined for NaN or infinity (the
/// kernels' own checks compare with `<`, which NaN passes), so `read` refuses them all here.
fn non_finite_number(v: &JsValue) -> Option<(String, f64)> {
    let obj: &js_sys::Object = v.unchecked_ref();
    js_sys::Object::keys(obj).iter().find_map(|key| {
        let name = key.as_string().unwrap_or_default();
        let value = js_sys::Reflect::get(obj, &key).ok()?;
        if let Some(n) = value.as_f64() {
            return (!n.is_finite()).then_some((name, n));
        }
        if js_sys::Array::is_array(&value) {
            let arr: js_sys::Array = value.unchecked_into();
            return arr.iter().enumerate().find_map(|(i, e)| {
                let n = e.as_f64()?;
                (!n.is_finite()).then(|| (format!("{name}[{i}]"), n))
            });
        }
        None
    })
}

/// The first own key of the object `v` that is not in `known`.
pub(crate) fn unknown_key(v: &JsValue, known: &[&str]) -> Option<String> {
    if !v.is_object() {
        return None;
    }
    js_sys::Object::keys(v.unchecked_ref::<js_sys::Object>())
        .iter()
        .map(|k| k.as_string().unwrap_or_default())
        .find(|k| !known.contains(&k.as_str()))
}

/// The field names serde derives for a struct (after renames), read by a deserializer that
/// only listens.
pub(crate) fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
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
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> std::result::Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> std::result::Result<V::Value, Stop> {
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

/// A number for both axes, or `[rows, cols]`.
#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
pub(crate) enum Pair {
    One(usize),
    Two([usize; 2]),
}

impl Pair {
    pub(crate) fn get(self) -> [usize; 2] {
        match self {
            Pair::One(v) => [v, v],
            Pair::Two(v) => v,
        }
    }
}

/// `p` for both axes, or `[default; 2]` when the option is absent.
pub(crate) fn pair(p: Option<Pair>, default: usize) -> [usize; 2] {
    p.map_or([default; 2], Pair::get)
}

/// A real number for both axes, or `[rows, cols]` (`scaleFactor`).
#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
pub(crate) enum PairF {
    One(f64),
    Two([f64; 2]),
}

impl PairF {
    pub(crate) fn get(self) -> [f64; 2] {
        match self {
            PairF::One(v) => [v, v],
            PairF::Two(v) => v,
        }
    }
}

/// `F.conv2d`'s keywords: stride, padding, dilation (each a `Pair`), groups.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ConvOpts {
    stride: Option<Pair>,
    padding: Option<Pair>,
    dilation: Option<Pair>,
    groups: Option<usize>,
}

impl ConvOpts {
    pub(crate) fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: pair(self.stride, 1),
            padding: pair(self.padding, 0),
            dilation: pair(self.dilation, 1),
            groups: self.groups.unwrap_or(1),
        }
    }
}
