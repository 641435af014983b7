//! A small JSON Schema validator for the tests: the subset of draft 2020-12
//! keywords that `schema/citecheck-1.schema.json` and the SARIF subset schema
//! use (`type`, `properties`, `required`, `additionalProperties`, `items`,
//! `enum`, `const`, `oneOf`, `anyOf`, `$ref` to `#/$defs/…`, `minimum`,
//! `minItems`, `pattern`). A full validator crate would pull in dozens of
//! dependencies for two schemas; an unknown keyword here is an error, so a
//! schema can never silently use a keyword this validator ignores.

use serde_json::{Map, Value};

const ANNOTATIONS: [&str; 6] = [
    "$schema",
    "$id",
    "$defs",
    "title",
    "description",
    "examples",
];

/// Validates `doc` against `schema`; the errors name the JSON path that failed.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, doc, "$", &mut errors);
    errors
}

fn check(root: &Value, schema: &Value, doc: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        if schema != &Value::Bool(true) {
            errors.push(format!("{path}: schema is not an object"));
        }
        return;
    };
    if ["properties", "required", "additionalProperties"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        object(root, obj, doc, path, errors);
    }
    for (key, want) in obj {
        match key.as_str() {
            "type" => type_of(want, doc, path, errors),
            // Checked together, once, below.
            "properties" | "required" | "additionalProperties" => {}
            "items" => {
                for (i, item) in doc.as_array().into_iter().flatten().enumerate() {
                    check(root, want, item, &format!("{path}[{i}]"), errors);
                }
            }
            "minItems" => {
                let min = want.as_u64().unwrap_or(0) as usize;
                if doc.as_array().is_some_and(|a| a.len() < min) {
                    errors.push(format!("{path}: fewer than {min} items"));
                }
            }
            "enum" => {
                if !want.as_array().is_some_and(|a| a.contains(doc)) {
                    errors.push(format!("{path}: {doc} not in {want}"));
                }
            }
            "const" => {
                if want != doc {
                    errors.push(format!("{path}: {doc} is not {want}"));
                }
            }
            "minimum" => {
                if let (Some(n), Some(min)) = (doc.as_f64(), want.as_f64()) {
                    if n < min {
                        errors.push(format!("{path}: {n} < {min}"));
                    }
                }
            }
            "pattern" => {
                if let (Some(s), Some(p)) = (doc.as_str(), want.as_str()) {
                    if !regex::Regex::new(p).unwrap().is_match(s) {
                        errors.push(format!("{path}: {s:?} does not match {p}"));
                    }
                }
            }
            "oneOf" | "anyOf" => {
                let branches = want.as_array().cloned().unwrap_or_default();
                let passing = branches
                    .iter()
                    .filter(|b| validate_at(root, b, doc, path).is_empty())
                    .count();
                let ok = if key == "oneOf" {
                    passing == 1
                } else {
                    passing >= 1
                };
                if !ok {
                    errors.push(format!("{path}: {passing} branches of {key} match"));
                }
            }
            "$ref" => {
                let name = want.as_str().and_then(|r| r.strip_prefix("#/$defs/"));
                match name.and_then(|n| root["$defs"].get(n)) {
                    Some(target) => check(root, target, doc, path, errors),
                    None => errors.push(format!("{path}: unresolvable $ref {want}")),
                }
            }
            k if ANNOTATIONS.contains(&k) => {}
            k => errors.push(format!("{path}: unsupported keyword {k}")),
        }
    }
}

fn validate_at(root: &Value, schema: &Value, doc: &Value, path: &str) -> Vec<String> {
    let mut errors = Vec::new();
    check(root, schema, doc, path, &mut errors);
    errors
}

fn type_of(want: &Value, doc: &Value, path: &str, errors: &mut Vec<String>) {
    let names: Vec<&str> = match want {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let ok = names.iter().any(|n| match *n {
        "null" => doc.is_null(),
        "boolean" => doc.is_boolean(),
        "object" => doc.is_object(),
        "array" => doc.is_array(),
        "string" => doc.is_string(),
        "number" => doc.is_number(),
        "integer" => doc.is_i64() || doc.is_u64(),
        _ => false,
    });
    if !ok {
        errors.push(format!("{path}: {doc} is not of type {want}"));
    }
}

fn object(
    root: &Value,
    schema: &Map<String, Value>,
    doc: &Value,
    path: &str,
    errors: &mut Vec<String>,
) {
    let Some(fields) = doc.as_object() else {
        return;
    };
    let props = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !fields.contains_key(name) {
            errors.push(format!("{path}: missing required {name}"));
        }
    }
    for (name, value) in fields {
        let sub = format!("{path}.{name}");
        match props.and_then(|p| p.get(name)) {
            Some(s) => check(root, s, value, &sub, errors),
            None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                errors.push(format!("{sub}: not allowed by the schema"))
            }
            None => {}
        }
    }
}
