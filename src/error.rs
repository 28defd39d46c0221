//! The crate's one error type. Messages are written for a person using the page: they say what
//! was wrong, what was expected and, where possible, what to do instead.
//!
//! Every error also has a stable `code()` and the values of its message (`vars()`), so a page in
//! another language can show its own text with the numbers filled in (the wasm door passes them
//! to JS as `{message, code, vars}`; `www/i18n/<lang>.json` holds `error.<code>`). The common
//! checks build a `Coded` error through the constructors below (`Error::element_limit`,
//! `Error::at_least`, ...); a plain `Shape(..)`/`InvalidArg(..)`/... message gets the generic code
//! of its kind with `{detail}` = the message.
//!
//! Specific codes (constructor of the same name): element_limit, pixel_limit, image_empty,
//! length_mismatch, rank_mismatch, non_finite_value, at_least, out_of_range, bad_choice,
//! unknown_option, unknown_layer_key, bad_option, parse_line (`parse_at`), csv_fields,
//! csv_not_number, csv_value, work_limit, out_of_memory, count_limit, option_not_finite,
//! norm_groups, bn_single_value and options_not_object
//! (`wasm/opts.rs`). Generic: shape_error, invalid_argument, limit_exceeded, not_finite,
//! parse_error. Each needs `error.<code>` in `www/i18n/{en,zh}.json`; the English string
//! reproduces the message exactly (the page shows the same text as the message in English).

use std::fmt;

/// What went wrong, broadly; each kind prefixes the message ("shape error: ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Shape,
    InvalidArg,
    TooLarge,
    NonFinite,
    Parse,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Shape => "shape error",
            Kind::InvalidArg => "invalid argument",
            Kind::TooLarge => "too large",
            Kind::NonFinite => "non-finite value",
            Kind::Parse => "parse error",
        }
    }

    /// The code of an error of this kind that has no specific one (its vars: `{detail}`).
    pub fn generic_code(self) -> &'static str {
        match self {
            Kind::Shape => "shape_error",
            Kind::InvalidArg => "invalid_argument",
            Kind::TooLarge => "limit_exceeded",
            Kind::NonFinite => "not_finite",
            Kind::Parse => "parse_error",
        }
    }
}

/// One value of an error's message, as the page receives it (a number, a text, a shape, a list).
#[derive(Debug, Clone, PartialEq)]
pub enum Var {
    Num(f64),
    Text(String),
    Dims(Vec<usize>),
    Texts(Vec<String>),
}

impl From<usize> for Var {
    fn from(v: usize) -> Self {
        Var::Num(v as f64)
    }
}
impl From<u64> for Var {
    fn from(v: u64) -> Self {
        Var::Num(v as f64)
    }
}
impl From<i64> for Var {
    fn from(v: i64) -> Self {
        Var::Num(v as f64)
    }
}
impl From<f64> for Var {
    fn from(v: f64) -> Self {
        Var::Num(v)
    }
}
impl From<&str> for Var {
    fn from(v: &str) -> Self {
        Var::Text(v.to_string())
    }
}
impl From<String> for Var {
    fn from(v: String) -> Self {
        Var::Text(v)
    }
}
impl From<Vec<String>> for Var {
    fn from(v: Vec<String>) -> Self {
        Var::Texts(v)
    }
}
impl From<&[usize]> for Var {
    fn from(v: &[usize]) -> Self {
        Var::Dims(v.to_vec())
    }
}

/// An error with a specific code: its kind, code, named values and the English message.
#[derive(Debug, Clone, PartialEq)]
pub struct Coded {
    pub kind: Kind,
    pub code: &'static str,
    pub vars: Vec<(&'static str, Var)>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A tensor's shape or length does not fit the operation.
    Shape(String),
    /// A parameter is out of its allowed range (dilation 0, p = 1.5, unknown mode...).
    InvalidArg(String),
    /// The request would exceed a size limit (pixels, elements, memory).
    TooLarge(String),
    /// NaN or infinity where a finite number is required.
    NonFinite(String),
    /// Malformed input data (JSON, CSV, image bytes).
    Parse(String),
    /// One of the common checks, with a stable code and its values (see the constructors).
    Coded(Box<Coded>),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A coded error; `message` is the English text (without the kind's prefix).
    pub fn coded(
        kind: Kind,
        code: &'static str,
        vars: Vec<(&'static str, Var)>,
        message: String,
    ) -> Error {
        Error::Coded(Box::new(Coded {
            kind,
            code,
            vars,
            message,
        }))
    }

    pub fn kind(&self) -> Kind {
        match self {
            Error::Shape(_) => Kind::Shape,
            Error::InvalidArg(_) => Kind::InvalidArg,
            Error::TooLarge(_) => Kind::TooLarge,
            Error::NonFinite(_) => Kind::NonFinite,
            Error::Parse(_) => Kind::Parse,
            Error::Coded(c) => c.kind,
        }
    }

    /// The stable code a page translates (`error.<code>` in `www/i18n/*.json`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Coded(c) => c.code,
            other => other.kind().generic_code(),
        }
    }

    /// The message without its kind's prefix ("groups must be >= 1, got 0").
    pub fn detail(&self) -> &str {
        match self {
            Error::Shape(m)
            | Error::InvalidArg(m)
            | Error::TooLarge(m)
            | Error::NonFinite(m)
            | Error::Parse(m) => m,
            Error::Coded(c) => &c.message,
        }
    }

    /// The values of the message, by name; `{detail}` for an error without a specific code.
    pub fn vars(&self) -> Vec<(&'static str, Var)> {
        match self {
            Error::Coded(c) => c.vars.clone(),
            other => vec![("detail", Var::Text(other.detail().to_string()))],
        }
    }

    /// A tensor of `shape` would hold more than `max` elements (or its count overflows).
    pub fn element_limit(shape: &[usize], max: usize) -> Error {
        Error::coded(
            Kind::TooLarge,
            "element_limit",
            vec![("shape", shape.into()), ("max", max.into())],
            format!("shape {shape:?} has more than {max} elements (the limit of one tensor)"),
        )
    }

    /// An image of `w x h` pixels is over `max` pixels; `what` names it ("image", "output",
    /// "input"); `mp` and `max_mp` are whole megapixels, as the message rounds them.
    pub fn pixel_limit(what: &str, w: u64, h: u64, max: u64) -> Error {
        let got = w * h;
        let (mp, max_mp) = (got / 1_000_000, max / 1_000_000);
        Error::coded(
            Kind::TooLarge,
            "pixel_limit",
            vec![
                ("what", what.into()),
                ("w", w.into()),
                ("h", h.into()),
                ("got", got.into()),
                ("max", max.into()),
                ("mp", mp.into()),
                ("max_mp", max_mp.into()),
            ],
            format!("{what} is {w}x{h} ({mp} MP); the limit is {max_mp} MP"),
        )
    }

    /// An image of `w x h` has no pixels (a side is 0); `what` names it as in `pixel_limit`.
    pub fn image_empty(what: &str, w: u64, h: u64) -> Error {
        Error::coded(
            Kind::Shape,
            "image_empty",
            vec![("what", what.into()), ("w", w.into()), ("h", h.into())],
            format!("an {what} must be at least 1x1, got {w}x{h}"),
        )
    }

    /// A buffer called `name` has `len` values but `shape` needs `need`.
    pub fn length_mismatch(name: &str, len: usize, shape: &[usize], need: usize) -> Error {
        Error::coded(
            Kind::Shape,
            "length_mismatch",
            vec![
                ("name", name.into()),
                ("len", len.into()),
                ("shape", shape.into()),
                ("need", need.into()),
            ],
            format!("{name} has {len} values but its shape {shape:?} needs {need}"),
        )
    }

    /// `name` must have `rank` dimensions but has `shape`.
    pub fn rank_mismatch(name: &str, rank: usize, shape: &[usize]) -> Error {
        Error::coded(
            Kind::Shape,
            "rank_mismatch",
            vec![
                ("name", name.into()),
                ("rank", rank.into()),
                ("got", shape.len().into()),
                ("shape", shape.into()),
            ],
            format!(
                "{name} must have {rank} dimensions, got {} ({shape:?})",
                shape.len()
            ),
        )
    }

    /// `name[index]` is NaN or infinite (`value` as Rust prints it: "NaN", "inf", "-inf").
    pub fn non_finite_value(name: &str, index: usize, value: f32) -> Error {
        Error::coded(
            Kind::NonFinite,
            "non_finite_value",
            vec![
                ("name", name.into()),
                ("index", index.into()),
                ("value", value.to_string().into()),
            ],
            format!("{name}[{index}] is {value} (every value must be a finite number)"),
        )
    }

    /// The parameter `name` is `got` but must be at least `min` (stride, dilation, groups, ...).
    pub fn at_least(name: &str, min: i64, got: i64) -> Error {
        Error::coded(
            Kind::InvalidArg,
            "at_least",
            vec![
                ("name", name.into()),
                ("min", min.into()),
                ("got", got.into()),
            ],
            format!("{name} must be >= {min}, got {got}"),
        )
    }

    /// The parameter `name` is `got` but must lie in `min..=max` (integers print as integers:
    /// `1..=8`; `got` keeps the caller's own formatting, so an f32 0.3 reads "0.3", and reaches JS
    /// as a number).
    pub fn out_of_range(name: &str, min: f64, max: f64, got: impl fmt::Display) -> Error {
        let got = got.to_string();
        // A number for JS (parsed from its own text, so an f32 0.3 stays 0.3), else the text.
        let got_var = got
            .parse::<f64>()
            .map_or_else(|_| got.as_str().into(), Var::Num);
        Error::coded(
            Kind::InvalidArg,
            "out_of_range",
            vec![
                ("name", name.into()),
                ("min", min.into()),
                ("max", max.into()),
                ("got", got_var),
            ],
            format!("{name} must be in {min}..={max}, got {got}"),
        )
    }

    /// `name` is `got` but must be one of `valid` (a mode, a kind, a layer type); `choices` is
    /// the list as the message writes it (`"a", "b" or "c"`).
    pub fn bad_choice(name: &str, valid: &[&str], got: &str) -> Error {
        let choices = match valid {
            [] => String::new(),
            [one] => format!("{one:?}"),
            [head @ .., last] => {
                let head: Vec<String> = head.iter().map(|v| format!("{v:?}")).collect();
                format!("{} or {last:?}", head.join(", "))
            }
        };
        Error::coded(
            Kind::InvalidArg,
            "bad_choice",
            vec![
                ("name", name.into()),
                ("valid", texts(valid)),
                ("choices", choices.as_str().into()),
                ("got", got.into()),
            ],
            format!("{name} must be {choices}, got {got:?}"),
        )
    }

    /// The options of `what` have no key `key` (a misspelling): `valid` lists the keys it has.
    pub fn unknown_option(what: &str, key: &str, valid: &[&str]) -> Error {
        Error::coded(
            Kind::InvalidArg,
            "unknown_option",
            vec![
                ("what", what.into()),
                ("key", key.into()),
                ("valid", texts(valid)),
            ],
            format!(
                "{what} has no option {key:?}; valid options: {}",
                valid.join(", ")
            ),
        )
    }

    /// Layer `layer` (1-based) of a stack has a key no layer has: `valid` lists them.
    pub fn unknown_layer_key(layer: usize, key: &str, valid: &[&str]) -> Error {
        Error::coded(
            Kind::InvalidArg,
            "unknown_layer_key",
            vec![
                ("layer", layer.into()),
                ("key", key.into()),
                ("valid", texts(valid)),
            ],
            format!(
                "layer {layer}: unknown key {key:?}; a layer has {}",
                valid.join(", ")
            ),
        )
    }

    /// The option `key` of `what` has a value of the wrong type or form (`detail` says how).
    pub fn bad_option(what: &str, key: &str, detail: &str) -> Error {
        Error::coded(
            Kind::InvalidArg,
            "bad_option",
            vec![
                ("what", what.into()),
                ("key", key.into()),
                ("detail", detail.into()),
            ],
            format!("{what} option {key}: {detail}"),
        )
    }

    /// One call of `what` would cost about `work` elementary steps (multiply-adds, element
    /// visits) for `request`; the limit of one call is `max` (`tensor::MAX_WORK`, a few seconds).
    pub fn work_limit(what: &str, request: &str, work: u64, max: u64) -> Error {
        Error::coded(
            Kind::TooLarge,
            "work_limit",
            vec![
                ("what", what.into()),
                ("request", request.into()),
                ("work", work.into()),
                ("max", max.into()),
            ],
            format!(
                "{what} ({request}) would take about {work} steps; one call may take at most {max}"
            ),
        )
    }

    /// `bytes` for `what` could not be allocated: wasm memory is full (or the request is beyond
    /// what the address space can hold).
    pub fn out_of_memory(what: &str, bytes: u64) -> Error {
        let mb = bytes.div_ceil(1 << 20);
        Error::coded(
            Kind::TooLarge,
            "out_of_memory",
            vec![
                ("what", what.into()),
                ("bytes", bytes.into()),
                ("mb", mb.into()),
            ],
            format!(
                "cannot allocate {mb} MiB for {what}: memory is full (free tensors you no longer need with .free())"
            ),
        )
    }

    /// A count (`what`, e.g. "mult-adds") of `request` exceeds `max`, the largest it may be (a
    /// JS number holds integers exactly up to 2^53).
    pub fn count_limit(what: &str, request: &str, max: u64) -> Error {
        Error::coded(
            Kind::TooLarge,
            "count_limit",
            vec![
                ("what", what.into()),
                ("request", request.into()),
                ("max", max.into()),
            ],
            format!("the {what} of {request} exceed {max}"),
        )
    }

    /// The option or parameter `name` is NaN or infinite where it must be a finite number (no
    /// option of this crate is defined for NaN or infinity); `got` as Rust prints it ("NaN",
    /// "inf", "-inf").
    pub fn option_not_finite(name: &str, got: f64) -> Error {
        Error::coded(
            Kind::NonFinite,
            "option_not_finite",
            vec![("name", name.into()), ("got", got.to_string().into())],
            format!("{name} must be a finite number, got {got}"),
        )
    }

    /// Input text is malformed at `line` (1-based): `detail` says how.
    pub fn parse_at(line: usize, detail: &str) -> Error {
        Error::coded(
            Kind::Parse,
            "parse_line",
            vec![("line", line.into()), ("detail", detail.into())],
            format!("line {line}: {detail}"),
        )
    }

    /// A CSV line of points does not have the three fields `x1,x2,label` (`got`: the line, cut).
    pub fn csv_fields(line: usize, got: &str) -> Error {
        Error::coded(
            Kind::Parse,
            "csv_fields",
            vec![("line", line.into()), ("got", got.into())],
            format!("line {line}: expected 3 comma-separated numbers x1,x2,label, got '{got}'"),
        )
    }

    /// A field of a CSV line of points is not a number.
    pub fn csv_not_number(line: usize, got: &str, field: &str) -> Error {
        Error::coded(
            Kind::Parse,
            "csv_not_number",
            vec![
                ("line", line.into()),
                ("got", got.into()),
                ("field", field.into()),
            ],
            format!(
                "line {line}: expected 3 comma-separated numbers x1,x2,label, got '{got}' ('{field}' is not a number)"
            ),
        )
    }

    /// A value of a CSV line of points is not finite or beyond +-1e6.
    pub fn csv_value(line: usize, name: &str, value: &str) -> Error {
        Error::coded(
            Kind::Parse,
            "csv_value",
            vec![
                ("line", line.into()),
                ("name", name.into()),
                ("value", value.into()),
            ],
            format!("line {line}: {name} is {value}; values must be finite numbers within +-1e6"),
        )
    }
}

impl Error {
    /// A group norm's `groups` does not divide its `channels` (torch: "Expected number of
    /// channels in input to be divisible by num_groups").
    pub fn norm_groups(groups: usize, channels: usize) -> Error {
        Error::coded(
            Kind::InvalidArg,
            "norm_groups",
            vec![("groups", groups.into()), ("channels", channels.into())],
            format!(
                "group norm splits the {channels} channels into equal groups, so the group count must divide {channels}; got {groups}"
            ),
        )
    }

    /// Batch norm in training mode over `count` <= 1 values per channel (input `shape`).
    pub fn bn_single_value(count: usize, shape: &[usize]) -> Error {
        Error::coded(
            Kind::InvalidArg,
            "bn_single_value",
            vec![("count", count.into()), ("shape", shape.into())],
            format!(
                "batch norm in training mode needs more than one value per channel, got {count} (input shape {shape:?}): the batch variance of one value is 0 and every output would be beta. PyTorch refuses it too (\"Expected more than 1 value per channel when training\"); use a larger batch or eval mode"
            ),
        )
    }
}

fn texts(v: &[&str]) -> Var {
    Var::Texts(v.iter().map(|s| s.to_string()).collect())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind().prefix(), self.detail())
    }
}

impl std::error::Error for Error {}

/// `Err(Error::Shape(...))` with `format!` arguments.
#[macro_export]
macro_rules! shape_err {
    ($($t:tt)*) => { Err($crate::error::Error::Shape(format!($($t)*))) };
}

/// `Err(Error::InvalidArg(...))` with `format!` arguments.
#[macro_export]
macro_rules! arg_err {
    ($($t:tt)*) => { Err($crate::error::Error::InvalidArg(format!($($t)*))) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_errors_get_the_generic_code_of_their_kind() {
        let e = Error::Shape("x is wrong".into());
        assert_eq!(e.code(), "shape_error");
        assert_eq!(e.to_string(), "shape error: x is wrong");
        assert_eq!(e.vars(), vec![("detail", Var::Text("x is wrong".into()))]);
        assert_eq!(Error::Parse("p".into()).code(), "parse_error");
    }

    #[test]
    fn coded_errors_keep_the_kind_prefix_and_their_values() {
        let e = Error::pixel_limit("output", 30000, 30000, 64 << 20);
        assert_eq!(e.code(), "pixel_limit");
        assert_eq!(e.kind(), Kind::TooLarge);
        assert_eq!(
            e.to_string(),
            "too large: output is 30000x30000 (900 MP); the limit is 67 MP"
        );
        let vars = e.vars();
        assert!(vars.contains(&("got", Var::Num(9e8))), "{vars:?}");
        assert!(vars.contains(&("max", Var::Num(67108864.0))), "{vars:?}");
    }

    /// `t(key, vars)` of www/app/i18n.js with `describeError`'s list joining, in Rust.
    fn fill(template: &str, vars: &[(&'static str, Var)]) -> String {
        let mut out = template.to_string();
        for (name, v) in vars {
            let text = match v {
                Var::Num(n) => format!("{n}"),
                Var::Text(t) => t.clone(),
                Var::Dims(d) => d
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                Var::Texts(t) => t.join(", "),
            };
            out = out.replace(&format!("{{{name}}}"), &text);
        }
        out
    }

    #[test]
    fn every_code_has_page_strings_and_english_equals_the_message() {
        let read = |lang: &str| -> serde_json::Map<String, serde_json::Value> {
            let path = format!("{}/www/i18n/{lang}.json", env!("CARGO_MANIFEST_DIR"));
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
        };
        let (en, zh) = (read("en"), read("zh"));
        let errors = [
            Error::element_limit(&[1 << 20, 1 << 20], 1 << 28),
            Error::pixel_limit("image", 9000, 9000, 64 << 20),
            Error::image_empty("image", 0, 3),
            Error::length_mismatch("data", 3, &[2, 2], 4),
            Error::rank_mismatch("input", 4, &[2, 2]),
            Error::non_finite_value("bias", 2, f32::NEG_INFINITY),
            Error::at_least("dilation rows", 1, 0),
            Error::out_of_range("epochs", 1.0, 100_000.0, 0),
            Error::bad_choice("mode", &["signed", "range"], "x"),
            Error::unknown_option("conv2d", "dilaton", &["stride", "dilation"]),
            Error::unknown_layer_key(2, "dilation", &["type", "k"]),
            Error::bad_option("conv2d", "stride", "invalid type"),
            Error::parse_at(7, "expected 3 numbers"),
            Error::csv_fields(3, "1,2"),
            Error::csv_not_number(4, "1,a,0", "a"),
            Error::csv_value(5, "x2", "inf"),
            Error::work_limit(
                "interpolate",
                "[1, 1, 1, 1] -> [1, 1, 134217728, 1]",
                1 << 40,
                1 << 32,
            ),
            Error::out_of_memory("a tensor of [268435456]", 1 << 30),
            Error::count_limit("mult-adds", "conv 3x3 2->2", 1 << 53),
            Error::option_not_finite("Optimizer option eps", f64::NAN),
            Error::norm_groups(3, 8),
            Error::bn_single_value(1, &[1, 4]),
            Error::Shape("s".into()),
            Error::InvalidArg("a".into()),
            Error::TooLarge("t".into()),
            Error::NonFinite("n".into()),
            Error::Parse("p".into()),
        ];
        for e in errors {
            let key = format!("error.{}", e.code());
            assert!(zh.contains_key(&key), "zh.json has no {key}");
            let template = en[&key]
                .as_str()
                .unwrap_or_else(|| panic!("en.json has no {key}"));
            assert_eq!(fill(template, &e.vars()), e.to_string(), "{key}");
        }
    }

    #[test]
    fn out_of_range_keeps_the_callers_number() {
        let e = Error::out_of_range("dropout", 0.0, 0.9, 0.95f32);
        assert_eq!(e.detail(), "dropout must be in 0..=0.9, got 0.95");
        assert!(
            e.vars().contains(&("got", Var::Num(0.95))),
            "{:?}",
            e.vars()
        );
        let e = Error::out_of_range("k", 1.0, 8.0, "many");
        assert!(e.vars().contains(&("got", Var::Text("many".into()))));
    }

    #[test]
    fn choices_and_options_list_what_is_valid() {
        let e = Error::bad_choice("mode", &["signed", "magnitude", "range"], "x");
        assert_eq!(
            e.detail(),
            "mode must be \"signed\", \"magnitude\" or \"range\", got \"x\""
        );
        let e = Error::unknown_option("conv2d", "dilaton", &["stride", "dilation"]);
        assert_eq!(
            e.detail(),
            "conv2d has no option \"dilaton\"; valid options: stride, dilation"
        );
        assert_eq!(
            Error::at_least("groups", 1, 0).detail(),
            "groups must be >= 1, got 0"
        );
        assert_eq!(
            Error::parse_at(7, "bad").to_string(),
            "parse error: line 7: bad"
        );
    }
}
