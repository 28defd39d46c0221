//! Helpers shared by the browser test files (wasm-bindgen-test): calling exports as JS would and
//! reading what they return or throw.
#![allow(dead_code)]

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// The Error a failed export throws in JS.
#[track_caller]
pub fn thrown<T, E: Into<JsValue>>(r: Result<T, E>) -> JsValue {
    let Err(e) = r else {
        panic!("the call should have failed")
    };
    let e: JsValue = e.into();
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    e
}

/// The `message` of the Error a failed export throws in JS.
#[track_caller]
pub fn message<T, E: Into<JsValue>>(r: Result<T, E>) -> String {
    get(&thrown(r), "message").as_string().unwrap()
}

/// The `code` and `vars` of the Error a failed export throws in JS.
#[track_caller]
pub fn code_vars<T, E: Into<JsValue>>(r: Result<T, E>) -> (String, JsValue) {
    let e = thrown(r);
    let code = get(&e, "code").as_string().expect("the Error has no code");
    (code, get(&e, "vars"))
}

/// A plain JS object `{k: v, ...}` (an options argument).
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

/// `o[k]`.
pub fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap()
}
