//! Helpers for tests over the JSON fixtures in `fixtures/`: where they are, and the round trip
//! every generated model must survive (deserialise, serialise back, compare: no field lost, none
//! invented).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// The workspace root (this crate lives in `crates/live-testkit`).
pub fn workspace_root() -> PathBuf {
    // At test time cargo sets CARGO_MANIFEST_DIR to the crate under test; it stays right when
    // the checkout moved since live-testkit was built. The compile-time path is the fallback.
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    start
        .ancestors()
        .find(|dir| dir.join("fixtures").is_dir() && dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .unwrap_or(start)
}

/// The path of a fixture given relative to `fixtures/`, e.g. `fixture_path("kitkot/join.json")`.
pub fn fixture_path(rel: &str) -> PathBuf {
    workspace_root().join("fixtures").join(rel)
}

/// The file names in a directory of `fixtures/` (e.g. `"kitkot"`), sorted: lets a test prove that
/// every fixture there has a test.
///
/// # Panics
/// When the directory cannot be read.
pub fn fixture_files(dir: &str) -> Vec<String> {
    let path = fixture_path(dir);
    let entries =
        std::fs::read_dir(&path).unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()));
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Reads a JSON file.
///
/// # Panics
/// When the file cannot be read or is not JSON.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Deserialises the JSON file at `path` into `T`, serialises it back and asserts the result
/// equals the file's JSON: no field lost, none invented, every value the same (numbers compared
/// by value, so `0` and `0.0` are equal). Returns the model for further assertions.
///
/// # Panics
/// When the file cannot be read, does not deserialise into `T`, or does not round-trip; the
/// message lists each difference with its JSON path.
#[track_caller]
pub fn assert_round_trip<T: DeserializeOwned + Serialize>(path: &Path) -> T {
    let input = read_json(path);
    let model: T = serde_json::from_value(input.clone()).unwrap_or_else(|e| {
        panic!(
            "{} does not deserialise into {}: {e}",
            path.display(),
            std::any::type_name::<T>()
        )
    });
    let output = serde_json::to_value(&model).unwrap_or_else(|e| {
        panic!(
            "{} does not serialise back: {e}",
            std::any::type_name::<T>()
        )
    });
    let differences = json_differences(&input, &output);
    if !differences.is_empty() {
        const SHOWN: usize = 20;
        let mut message = format!(
            "{} changed on a round trip through {} ({} differences):\n",
            path.display(),
            std::any::type_name::<T>(),
            differences.len()
        );
        for difference in differences.iter().take(SHOWN) {
            message.push_str("  ");
            message.push_str(difference);
            message.push('\n');
        }
        if differences.len() > SHOWN {
            message.push_str(&format!("  … and {} more\n", differences.len() - SHOWN));
        }
        panic!("{message}");
    }
    model
}

/// Every difference between two JSON values, one line each, naming the JSON path: values that
/// differ, fields `expected` has and `actual` lacks ("lost"), fields only `actual` has
/// ("invented"), arrays of different lengths. Numbers are equal when their values are.
pub fn json_differences(expected: &Value, actual: &Value) -> Vec<String> {
    let mut differences = Vec::new();
    compare("", expected, actual, &mut differences);
    differences
}

fn compare(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    let at = if path.is_empty() { "/" } else { path };
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            if !numbers_equal(a, b) {
                out.push(format!("{at}: expected {a}, got {b}"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                match b.get(key) {
                    Some(other) => compare(&child, value, other, out),
                    None => out.push(format!("{child}: lost (in the fixture, not in the output)")),
                }
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                let child = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(format!(
                    "{child}: invented (in the output, not in the fixture)"
                ));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{at}: expected {} elements, got {}",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{path}/{i}"), x, y, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{at}: expected {a}, got {b}")),
    }
}

fn numbers_equal(a: &Number, b: &Number) -> bool {
    let exact = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (exact(a), exact(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_compare_by_value_and_big_ids_exactly() {
        assert!(
            json_differences(&json!({"a": 0, "b": 1.5}), &json!({"a": 0.0, "b": 1.5})).is_empty()
        );
        let diff = json_differences(
            &json!({"id": 7531095702089370381_u64}),
            &json!({"id": 7531095702089370380_u64}),
        );
        assert_eq!(
            diff,
            ["/id: expected 7531095702089370381, got 7531095702089370380"]
        );
    }

    #[test]
    fn lost_invented_and_changed_fields_are_named_by_path() {
        let diff = json_differences(
            &json!({"owner": {"nickname": "a", "id": 1}, "list": [1, null], "x~/y": true}),
            &json!({"owner": {"nickname": "b", "extra": 2}, "list": [1], "x~/y": true}),
        );
        assert_eq!(
            diff,
            [
                "/list: expected 2 elements, got 1",
                "/owner/id: lost (in the fixture, not in the output)",
                "/owner/nickname: expected \"a\", got \"b\"",
                "/owner/extra: invented (in the output, not in the fixture)",
            ]
        );
        assert_eq!(
            json_differences(&json!({"n": null}), &json!({})),
            ["/n: lost (in the fixture, not in the output)"]
        );
    }

    #[test]
    fn fixtures_resolve_from_the_workspace_root() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(fixture_path("kitkot/join.json").ends_with("fixtures/kitkot/join.json"));
    }
}
