//! Exports for the normalisation lab and its self-test: `GoldenEngineSuite`, the engine's
//! reference vectors (`cases_engine_*.json`) run case by case through the wasm build, as
//! `GoldenSuite` does for the kernel vectors.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{to_js, JsResult};
use crate::golden::{CaseResult, Suite};
use crate::golden_engine::{is_engine_suite, run_engine_case};
use crate::Error;

/// One case's verdict, plus whether its op is still waiting for a kernel (then `passed` is false
/// and the page lists it apart, never as passed).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EngineCaseResult {
    #[serde(flatten)]
    result: CaseResult,
    not_implemented: bool,
}

/// The engine's golden vectors in the browser (the self-test page).
#[wasm_bindgen]
pub struct GoldenEngineSuite {
    suite: Suite,
}

#[wasm_bindgen]
impl GoldenEngineSuite {
    /// Parses a case file; a file whose ops are not engine ops is refused (use `GoldenSuite`).
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> JsResult<GoldenEngineSuite> {
        let suite = Suite::parse(json)?;
        if !is_engine_suite(&suite.header, &suite.cases) {
            return Err(Error::InvalidArg(
                "this golden file holds no engine ops (conv2d_backward, batch_norm_train, ...): run it with GoldenSuite".into(),
            )
            .into());
        }
        Ok(GoldenEngineSuite { suite })
    }

    /// True when `json` is an engine case file (so the page picks this suite for it).
    #[wasm_bindgen(js_name = isEngineFile)]
    pub fn is_engine_file(json: &str) -> bool {
        Suite::parse(json).is_ok_and(|s| is_engine_suite(&s.header, &s.cases))
    }

    pub fn len(&self) -> usize {
        self.suite.cases.len()
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.suite.cases.is_empty()
    }

    pub fn header(&self) -> JsResult<JsValue> {
        to_js(&self.suite.header)
    }

    /// Runs case `i`: `{id, op, kind, passed, max_err, tol, tol_mode, message, notImplemented}`.
    pub fn run(&self, i: usize) -> JsResult<JsValue> {
        let c = self.suite.cases.get(i).ok_or_else(|| {
            Error::InvalidArg(format!(
                "case {i} does not exist (the suite has {})",
                self.suite.cases.len()
            ))
        })?;
        let r = match run_engine_case(c) {
            Some(result) => EngineCaseResult {
                result,
                not_implemented: false,
            },
            None => {
                let s = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                EngineCaseResult {
                    result: CaseResult {
                        id: s("id"),
                        op: s("op"),
                        kind: s("kind"),
                        passed: false,
                        max_err: f64::INFINITY,
                        tol: c.get("tol").and_then(|v| v.as_f64()).unwrap_or(0.0),
                        tol_mode: s("tol_mode"),
                        message: "not implemented yet".into(),
                    },
                    not_implemented: true,
                }
            }
        };
        to_js(&r)
    }
}
