//! Shape inference: the type each JSON sample implies, and the folding of several samples into
//! one shape (json_typegen's algorithm, with null and absence kept apart so that models
//! serialise back exactly what they read).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::codegen::sample::Json;

/// The inferred type of a value, folded over every value seen at one place.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// No value seen yet (the elements of an array that is empty everywhere).
    Unknown,
    /// Only `null` seen.
    Null,
    /// `true`/`false`.
    Bool,
    /// Whole numbers.
    Int {
        /// Some value is above `i64::MAX`.
        above_i64: bool,
        /// Some value is negative.
        negative: bool,
    },
    /// Numbers, at least one of them not whole.
    Float,
    /// Strings.
    Str,
    /// Arrays; the shape folds every element.
    Array(Box<Shape>),
    /// Objects with named fields.
    Object(Object),
    /// Objects used as maps (config `maps`); the shape folds every value.
    Map(Box<Shape>),
    /// A Rust type chosen in the config (config `types`).
    Forced(String),
    /// Values of conflicting kinds: kept as `serde_json::Value`.
    Any,
    /// A shape that was also `null` somewhere.
    Nullable(Box<Shape>),
}

/// An object's fields, in the order the first sample gives them, later fields appended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    /// The fields.
    pub fields: Vec<Field>,
}

/// One field of an object shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key on the wire.
    pub key: String,
    /// The folded shape of its values.
    pub shape: Shape,
    /// Missing from at least one sample (or forced optional by the config).
    pub absent: bool,
    /// A short rendering of the first telling value seen, for the doc comment.
    pub example: Option<String>,
}

impl Shape {
    /// The shape without its nullability.
    pub fn non_null(&self) -> &Shape {
        match self {
            Shape::Nullable(inner) => inner,
            other => other,
        }
    }

    fn non_null_mut(&mut self) -> &mut Shape {
        match self {
            Shape::Nullable(inner) => inner,
            other => other,
        }
    }
}

/// Folds two shapes seen at the same place into the shape that admits both.
pub fn fold(a: Shape, b: Shape) -> Shape {
    use Shape::*;
    match (a, b) {
        (Unknown, x) | (x, Unknown) => x,
        (Null, Null) => Null,
        (Null, Nullable(x)) | (Nullable(x), Null) => Nullable(x),
        (Null, x) | (x, Null) => Nullable(Box::new(x)),
        (Nullable(x), Nullable(y)) => Nullable(Box::new(fold(*x, *y))),
        (Nullable(x), y) | (y, Nullable(x)) => Nullable(Box::new(fold(*x, y))),
        (Bool, Bool) => Bool,
        (
            Int {
                above_i64: a1,
                negative: n1,
            },
            Int {
                above_i64: a2,
                negative: n2,
            },
        ) => {
            let (above_i64, negative) = (a1 || a2, n1 || n2);
            // No 64-bit integer type holds both; a float would silently round.
            if above_i64 && negative {
                Any
            } else {
                Int {
                    above_i64,
                    negative,
                }
            }
        }
        (Int { .. } | Float, Int { .. } | Float) => Float,
        (Str, Str) => Str,
        (Array(x), Array(y)) => Array(Box::new(fold(*x, *y))),
        (Map(x), Map(y)) => Map(Box::new(fold(*x, *y))),
        (Object(x), Object(y)) => Object(fold_objects(x, y)),
        (Forced(x), Forced(y)) if x == y => Forced(x),
        _ => Any,
    }
}

fn fold_objects(a: Object, b: Object) -> Object {
    let mut rest = b.fields;
    let mut fields: Vec<Field> = a
        .fields
        .into_iter()
        .map(|field| match rest.iter().position(|f| f.key == field.key) {
            Some(i) => {
                let other = rest.remove(i);
                Field {
                    key: field.key,
                    shape: fold(field.shape, other.shape),
                    absent: field.absent || other.absent,
                    example: field.example.or(other.example),
                }
            }
            None => Field {
                absent: true,
                ..field
            },
        })
        .collect();
    fields.extend(rest.into_iter().map(|field| Field {
        absent: true,
        ..field
    }));
    Object { fields }
}

/// Config choices that inference applies by path, and which of them were used.
#[derive(Debug, Default)]
pub struct Hints {
    /// Paths of objects to treat as maps.
    pub maps: BTreeSet<String>,
    /// Paths of fields to make optional.
    pub optional: BTreeSet<String>,
    /// Forced Rust types by path.
    pub types: BTreeMap<String, String>,
    seen: BTreeSet<String>,
}

impl Hints {
    /// Hints from the config's lists.
    pub fn new(maps: &[String], optional: &[String], types: &BTreeMap<String, String>) -> Hints {
        Hints {
            maps: maps.iter().cloned().collect(),
            optional: optional.iter().cloned().collect(),
            types: types.clone(),
            seen: BTreeSet::new(),
        }
    }

    /// Hint paths that matched no value of any sample: almost always a typo in the config.
    pub fn unused(&self) -> Vec<&str> {
        let mut unused: Vec<&str> = self
            .maps
            .iter()
            .chain(&self.optional)
            .chain(self.types.keys())
            .map(String::as_str)
            .filter(|p| !self.seen.contains(*p))
            .collect();
        unused.sort_unstable();
        unused.dedup();
        unused
    }

    /// Whether a value was seen at `path` in any sample.
    pub fn was_seen(&self, path: &str) -> bool {
        self.seen.contains(path)
    }
}

/// The path of `key` inside the object at `parent` (JSON Pointer escaping).
pub fn child_path(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The path of the elements of the array (or values of the map) at `parent`.
pub fn element_path(parent: &str) -> String {
    format!("{parent}/*")
}

/// A path's segments, unescaped; `*` stands for elements.
pub fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Infers the shape of one sample value found at `path`.
pub fn infer(value: &Json, path: &str, hints: &mut Hints) -> Shape {
    hints.seen.insert(path.to_owned());
    if let Json::Null = value {
        return Shape::Null;
    }
    if let Some(ty) = hints.types.get(path) {
        return Shape::Forced(ty.clone());
    }
    match value {
        Json::Null => Shape::Null,
        Json::Bool(_) => Shape::Bool,
        Json::Number(n) if n.is_f64() => Shape::Float,
        Json::Number(n) => Shape::Int {
            above_i64: n.as_i64().is_none(),
            negative: n.as_i64().is_some_and(|v| v < 0),
        },
        Json::String(_) => Shape::Str,
        Json::Array(items) => {
            let path = element_path(path);
            let element = items
                .iter()
                .map(|item| infer(item, &path, hints))
                .fold(Shape::Unknown, fold);
            Shape::Array(Box::new(element))
        }
        Json::Object(entries) if hints.maps.contains(path) => {
            let path = element_path(path);
            let value = entries
                .iter()
                .map(|(_, v)| infer(v, &path, hints))
                .fold(Shape::Unknown, fold);
            Shape::Map(Box::new(value))
        }
        Json::Object(entries) => Shape::Object(Object {
            fields: entries
                .iter()
                .map(|(key, v)| {
                    let path = child_path(path, key);
                    Field {
                        key: key.clone(),
                        shape: infer(v, &path, hints),
                        absent: hints.optional.contains(&path),
                        example: example(v),
                    }
                })
                .collect(),
        }),
    }
}

/// Infers and folds several samples of one root.
pub fn infer_all<'a>(samples: impl IntoIterator<Item = &'a Json>, hints: &mut Hints) -> Shape {
    samples
        .into_iter()
        .map(|sample| infer(sample, "", hints))
        .fold(Shape::Unknown, fold)
}

const EXAMPLE_MAX_CHARS: usize = 48;

fn example(value: &Json) -> Option<String> {
    let text = match value {
        Json::String(s) if !s.is_empty() => serde_json::to_string(s).ok()?,
        Json::Number(n) if n.as_f64() != Some(0.0) => n.to_string(),
        _ => return None,
    };
    if text.chars().count() <= EXAMPLE_MAX_CHARS {
        Some(text)
    } else {
        let cut: String = text.chars().take(EXAMPLE_MAX_CHARS - 1).collect();
        Some(format!("{cut}…"))
    }
}

/// The node at `path`, looking through nullability.
pub fn get<'a>(shape: &'a Shape, path: &str) -> Option<&'a Shape> {
    segments(path).iter().try_fold(shape, |node, segment| {
        match (node.non_null(), segment.as_str()) {
            (Shape::Array(inner) | Shape::Map(inner), "*") => Some(&**inner),
            (Shape::Object(object), key) => object
                .fields
                .iter()
                .find(|f| f.key == key)
                .map(|f| &f.shape),
            _ => None,
        }
    })
}

fn get_mut<'a>(shape: &'a mut Shape, path: &str) -> Option<&'a mut Shape> {
    segments(path).iter().try_fold(shape, |node, segment| {
        match (node.non_null_mut(), segment.as_str()) {
            (Shape::Array(inner) | Shape::Map(inner), "*") => Some(&mut **inner),
            (Shape::Object(object), key) => object
                .fields
                .iter_mut()
                .find(|f| f.key == key)
                .map(|f| &mut f.shape),
            _ => None,
        }
    })
}

/// Makes the objects at paths given the same type name one shape (folded over all of them), so
/// that they become one type. Returns the named paths that hold no object.
pub fn unify_named(root: &mut Shape, names: &BTreeMap<String, String>) -> Vec<String> {
    let mut not_objects = Vec::new();
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (path, name) in names {
        match get(root, path).map(Shape::non_null) {
            Some(Shape::Object(_)) => by_name.entry(name).or_default().push(path),
            _ => not_objects.push(path.clone()),
        }
    }
    for paths in by_name.values().filter(|paths| paths.len() > 1) {
        let folded = paths
            .iter()
            .filter_map(|path| get(root, path).map(|s| s.non_null().clone()))
            .fold(Shape::Unknown, fold);
        for path in paths {
            if let Some(node) = get_mut(root, path) {
                *node.non_null_mut() = folded.clone();
            }
        }
    }
    not_objects
}

/// A canonical text of a shape's structure (examples left out): equal keys, one type.
pub fn structure_key(shape: &Shape) -> String {
    let mut out = String::new();
    write_key(shape, &mut out);
    out
}

fn write_key(shape: &Shape, out: &mut String) {
    match shape {
        Shape::Unknown => out.push('_'),
        Shape::Null => out.push('0'),
        Shape::Bool => out.push('b'),
        Shape::Int {
            above_i64: true, ..
        } => out.push('u'),
        Shape::Int { .. } => out.push('i'),
        Shape::Float => out.push('f'),
        Shape::Str => out.push('s'),
        Shape::Any => out.push('*'),
        Shape::Forced(ty) => {
            let _ = write!(out, "<{ty}>");
        }
        Shape::Nullable(inner) => {
            out.push('?');
            write_key(inner, out);
        }
        Shape::Array(inner) => {
            out.push('[');
            write_key(inner, out);
            out.push(']');
        }
        Shape::Map(inner) => {
            out.push_str("m(");
            write_key(inner, out);
            out.push(')');
        }
        Shape::Object(object) => {
            out.push('{');
            for field in &object.fields {
                // Debug quoting keeps keys with punctuation unambiguous.
                let _ = write!(
                    out,
                    "{:?}{}:",
                    field.key,
                    if field.absent { "~" } else { "" }
                );
                write_key(&field.shape, out);
                out.push(',');
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(samples: &[&str]) -> Shape {
        let samples: Vec<Json> = samples.iter().map(|s| Json::parse(s).unwrap()).collect();
        infer_all(&samples, &mut Hints::default())
    }

    fn field<'a>(shape: &'a Shape, key: &str) -> &'a Field {
        let Shape::Object(object) = shape else {
            panic!("not an object: {shape:?}")
        };
        object.fields.iter().find(|f| f.key == key).unwrap()
    }

    const INT: Shape = Shape::Int {
        above_i64: false,
        negative: false,
    };

    #[test]
    fn absent_and_null_are_told_apart() {
        let shape = shape_of(&[
            r#"{"a": 1, "b": null, "c": 1, "d": null}"#,
            r#"{"a": 2, "b": 3}"#,
        ]);
        let a = field(&shape, "a");
        assert_eq!((&a.shape, a.absent), (&INT, false));
        let b = field(&shape, "b");
        assert_eq!(
            (&b.shape, b.absent),
            (&Shape::Nullable(Box::new(INT)), false)
        );
        let c = field(&shape, "c");
        assert_eq!((&c.shape, c.absent), (&INT, true));
        let d = field(&shape, "d");
        assert_eq!((&d.shape, d.absent), (&Shape::Null, true));
    }

    #[test]
    fn fields_follow_the_first_sample_then_newcomers() {
        let shape = shape_of(&[r#"{"z": 1, "a": 1}"#, r#"{"n": 1, "a": 1, "z": 1}"#]);
        let Shape::Object(object) = shape else {
            panic!()
        };
        let keys: Vec<_> = object.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["z", "a", "n"]);
    }

    #[test]
    fn numbers_fold_to_the_type_that_holds_them_all() {
        let shape = shape_of(&[
            r#"{"i": 1, "f": 1, "u": 18446744073709551615, "n": -1, "x": -1}"#,
            r#"{"i": 2, "f": 0.5, "u": 1, "n": 1, "x": 18446744073709551615}"#,
        ]);
        assert_eq!(field(&shape, "i").shape, INT);
        assert_eq!(field(&shape, "f").shape, Shape::Float);
        assert_eq!(
            field(&shape, "u").shape,
            Shape::Int {
                above_i64: true,
                negative: false
            }
        );
        assert_eq!(
            field(&shape, "n").shape,
            Shape::Int {
                above_i64: false,
                negative: true
            }
        );
        assert_eq!(field(&shape, "x").shape, Shape::Any);
    }

    #[test]
    fn conflicts_and_empties() {
        let shape = shape_of(&[
            r#"{"s": "1", "e": [], "o": {}, "arr": [], "mixed": [1, "a"]}"#,
            r#"{"s": 1, "e": [], "o": {}, "arr": [{"k": true}]}"#,
        ]);
        assert_eq!(field(&shape, "s").shape, Shape::Any);
        assert_eq!(
            field(&shape, "e").shape,
            Shape::Array(Box::new(Shape::Unknown))
        );
        assert_eq!(field(&shape, "o").shape, Shape::Object(Object::default()));
        assert_eq!(
            field(&shape, "mixed").shape,
            Shape::Array(Box::new(Shape::Any))
        );
        let Shape::Array(element) = &field(&shape, "arr").shape else {
            panic!()
        };
        assert_eq!(field(element, "k").shape, Shape::Bool);
    }

    #[test]
    fn array_elements_are_folded_like_samples() {
        let shape = shape_of(&[r#"{"l": [{"a": 1, "b": 1}, {"a": 1.5}, null]}"#]);
        let Shape::Array(element) = &field(&shape, "l").shape else {
            panic!()
        };
        let Shape::Nullable(element) = &**element else {
            panic!("{element:?}")
        };
        assert_eq!(field(element, "a").shape, Shape::Float);
        assert!(field(element, "b").absent);
    }

    #[test]
    fn hints_apply_by_path_and_report_typos() {
        let sample =
            Json::parse(r#"{"m": {"123": {"x": 1}, "456": {"x": 2}}, "t": 1, "o": 2}"#).unwrap();
        let types = BTreeMap::from([("/t".to_owned(), "MyType".to_owned())]);
        let mut hints = Hints::new(
            &["/m".to_owned()],
            &["/o".to_owned(), "/typo".to_owned()],
            &types,
        );
        let shape = infer_all([&sample], &mut hints);
        assert!(
            matches!(&field(&shape, "m").shape, Shape::Map(v) if matches!(**v, Shape::Object(_)))
        );
        assert_eq!(field(&shape, "t").shape, Shape::Forced("MyType".to_owned()));
        assert!(field(&shape, "o").absent);
        assert_eq!(hints.unused(), ["/typo"]);
    }

    #[test]
    fn same_named_objects_are_folded_into_one_shape() {
        let mut shape =
            shape_of(&[r#"{"owner": {"id": 1, "nick": "a"}, "fans": [{"user": {"id": 2}}]}"#]);
        let names = BTreeMap::from([
            ("/owner".to_owned(), "User".to_owned()),
            ("/fans/*/user".to_owned(), "User".to_owned()),
            ("/fans/*/user/id".to_owned(), "Id".to_owned()),
        ]);
        assert_eq!(unify_named(&mut shape, &names), ["/fans/*/user/id"]);
        let owner = get(&shape, "/owner").unwrap();
        assert_eq!(Some(owner), get(&shape, "/fans/*/user"));
        assert!(field(owner, "nick").absent);
        assert_eq!(structure_key(owner), r#"{"id":i,"nick"~:s,}"#);
    }

    #[test]
    fn paths_escape_like_json_pointer() {
        let path = child_path(&element_path("/a"), "x/y~z");
        assert_eq!(path, "/a/*/x~1y~0z");
        assert_eq!(segments(&path), ["a", "*", "x/y~z"]);
    }
}
