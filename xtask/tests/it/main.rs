//! The generator's output, compiled: a model generated from `fixtures/codegen/` (every rule's
//! edge case) must read each sample and write back exactly the same JSON.
#![allow(clippy::unwrap_used)]

#[rustfmt::skip]
mod generated;

use std::path::{Path, PathBuf};

use generated::edge_cases::EdgeCases;
use live_model::lenient::StringOrNumber;
use serde_json::Value;

fn sample(name: &str) -> (Value, EdgeCases) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/codegen")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let model = serde_json::from_value(json.clone()).unwrap();
    (json, model)
}

/// Whole floats become integers, so `1` read into an `f64` field and written as `1.0` compares
/// equal; everything else must match exactly.
fn canonical(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, canonical(v))).collect())
        }
        other => other,
    }
}

fn assert_round_trip(name: &str) -> EdgeCases {
    let (json, model) = sample(name);
    let back = serde_json::to_value(&model).unwrap();
    assert_eq!(
        canonical(back),
        canonical(json),
        "{name} changed on a round trip"
    );
    model
}

#[test]
fn every_sample_round_trips() {
    for name in [
        "edge_cases.a.json",
        "edge_cases.b.json",
        "edge_cases.c.json",
    ] {
        assert_round_trip(name);
    }
}

#[test]
fn null_and_absence_are_kept_apart() {
    let a = assert_round_trip("edge_cases.a.json");
    let b = assert_round_trip("edge_cases.b.json");
    let c = assert_round_trip("edge_cases.c.json");
    // Null in one sample, absent in another, a number in the third.
    assert_eq!(a.absent_or_null, Some(None));
    assert_eq!(b.absent_or_null, None);
    assert_eq!(c.absent_or_null, Some(Some(7)));
    // Null somewhere but never absent: plain Option, written back as null.
    assert_eq!(a.nullable, None);
    assert_eq!(serde_json::to_value(&a).unwrap()["nullable"], Value::Null);
    // Absent somewhere: skipped when None.
    assert_eq!(b.sometimes, None);
    assert!(serde_json::to_value(&b).unwrap().get("sometimes").is_none());
    assert_eq!(b.added_later, Some(true));
}

#[test]
fn names_and_kinds_follow_the_rules() {
    let a = assert_round_trip("edge_cases.a.json");
    let b = assert_round_trip("edge_cases.b.json");
    assert_eq!(a.r#type, "live");
    assert_eq!((a.user_count, a.user_count_2), (4, 3));
    assert_eq!(a.tls_ver, "2.0");
    assert!(a.n1st);
    assert_eq!(a.extra_field.note, "a wire field named like the catch-all");
    assert_eq!(a.huge, u64::MAX);
    assert_eq!(a.id, 7_531_095_702_089_370_381);
    assert_eq!(a.mixed, Value::from("1"));
    assert_eq!(b.mixed, Value::from(1));
    assert_eq!(a.owner_account, StringOrNumber::from("bren"));
    assert_eq!(b.owner_account.as_i64(), Some(144_115_212_826_585_463));
    assert_eq!(a.by_id["7531095702089370382"].name, "b");
    assert_eq!(a.items[1].weight, None);
    assert_eq!(b.score, 2.5);
}

#[test]
fn unknown_fields_land_in_extra_and_go_back_out() {
    let json =
        serde_json::json!({"id": 1, "brand_new": [1, 2], "items": [{"kind": "x", "new": null}]});
    let model: EdgeCases = serde_json::from_value(json).unwrap();
    assert_eq!(model.extra["brand_new"], serde_json::json!([1, 2]));
    assert_eq!(model.items[0].extra["new"], Value::Null);
    let back = serde_json::to_value(&model).unwrap();
    assert_eq!(back["brand_new"], serde_json::json!([1, 2]));
    assert_eq!(back["items"][0]["new"], Value::Null);
}
