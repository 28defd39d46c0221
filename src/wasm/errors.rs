//! What every export throws: a JS `Error` whose `message` is the English text (as `Display`
//! prints it) and which also carries the stable `code` and the `vars` of `crate::Error`
//! (`{code: "pixel_limit", vars: {what: "output", w, h, got, max}}`), so a page can show
//! `error.<code>` in its own language (`www/app/i18n.js`'s `describeError`).
//!
//! Exports return `JsResult<T>`; `?` turns a `crate::Error` into a `JsErr`, and wasm-bindgen
//! throws the `JsValue` that `From<JsErr>` builds.

use wasm_bindgen::prelude::*;

use crate::error::Var;

/// A `crate::Error` on its way to JS.
#[derive(Debug, Clone)]
pub struct JsErr(pub(crate) crate::Error);

/// The return type of every fallible export.
pub type JsResult<T> = Result<T, JsErr>;

impl From<crate::Error> for JsErr {
    fn from(e: crate::Error) -> Self {
        JsErr(e)
    }
}

fn var_to_js(v: &Var) -> JsValue {
    match v {
        Var::Num(n) => JsValue::from_f64(*n),
        Var::Text(s) => JsValue::from_str(s),
        Var::Dims(d) => d
            .iter()
            .map(|&n| JsValue::from_f64(n as f64))
            .collect::<js_sys::Array>()
            .into(),
        Var::Texts(t) => t
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect::<js_sys::Array>()
            .into(),
    }
}

impl From<JsErr> for JsValue {
    fn from(JsErr(e): JsErr) -> JsValue {
        let err = js_sys::Error::new(&e.to_string());
        let vars = js_sys::Object::new();
        for (name, value) in e.vars() {
            // Setting a property on a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&vars, &name.into(), &var_to_js(&value));
        }
        let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
        let _ = js_sys::Reflect::set(&err, &"vars".into(), &vars);
        err.into()
    }
}
