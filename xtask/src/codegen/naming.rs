//! Rust names for wire names: snake_case fields, UpperCamelCase types, and the rules that keep
//! them valid, readable and stable when keys collide, start with a digit or are keywords.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::codegen::shape::{self, Shape};

/// The name of the flattened catch-all field every struct ends with.
pub const EXTRA_FIELD: &str = "extra";

/// Strict and reserved keywords of edition 2024: they need `r#` as field names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Type names the generated code itself uses: a struct named like one would shadow it.
const RESERVED_TYPES: &[&str] = &[
    "BTreeMap",
    "Box",
    "Clone",
    "Debug",
    "Default",
    "Deserialize",
    "Err",
    "HashMap",
    "Map",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "Result",
    "Self",
    "Serialize",
    "Some",
    "String",
    "Value",
    "Vec",
];

/// Whether a field name must be written `r#name`.
pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// The snake_case form of a wire key, made a valid identifier (not yet deduplicated).
pub fn snake(key: &str) -> String {
    let converted: String = key
        .to_snake_case()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut ident = converted
        .split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if ident.is_empty() {
        ident = "field".to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'n');
    }
    ident
}

/// Field identifiers for an object's keys, in the same order: unique within the struct, never
/// the catch-all's name, wire-exact names first served so that they never gain a suffix.
pub fn field_names(keys: &[&str]) -> Vec<String> {
    let bases: Vec<String> = keys
        .iter()
        .map(|key| {
            let base = snake(key);
            if base == EXTRA_FIELD || NOT_RAW.contains(&base.as_str()) {
                format!("{base}_field")
            } else {
                base
            }
        })
        .collect();
    let mut taken: BTreeSet<String> = BTreeSet::from([EXTRA_FIELD.to_owned()]);
    let mut names: Vec<Option<String>> = vec![None; keys.len()];
    for (i, (key, base)) in keys.iter().zip(&bases).enumerate() {
        if *key == base && taken.insert(base.clone()) {
            names[i] = Some(base.clone());
        }
    }
    names
        .into_iter()
        .zip(bases)
        .map(|(name, base)| {
            name.unwrap_or_else(|| {
                let name = (1..)
                    .map(|n| {
                        if n == 1 {
                            base.clone()
                        } else {
                            format!("{base}_{n}")
                        }
                    })
                    .find(|candidate| !taken.contains(candidate))
                    .unwrap_or_default();
                taken.insert(name.clone());
                name
            })
        })
        .collect()
}

/// The type name a key suggests for its object; `element` when the object is an element of
/// an array or a value of a map under that key (`top_fans` gives `TopFan`, `room_list` gives
/// `Room`).
pub fn type_candidate(key: &str, element: bool) -> String {
    let mut words: Vec<String> = snake(key).split('_').map(str::to_owned).collect();
    if element {
        if words.len() > 1 && matches!(words.last().map(String::as_str), Some("list" | "array")) {
            words.pop();
        }
        if let Some(last) = words.last_mut() {
            *last = singular(last);
        }
    }
    let name = words.join("_").to_upper_camel_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{name}")
    } else {
        name
    }
}

/// The singular of an English plural, for the usual regular forms; other words unchanged.
pub fn singular(word: &str) -> String {
    const SAME: &[&str] = &["series", "species", "news", "data", "status", "bus", "gas"];
    const IRREGULAR: &[(&str, &str)] = &[("children", "child"), ("people", "person")];
    if SAME.contains(&word) {
        return word.to_owned();
    }
    if let Some((_, one)) = IRREGULAR.iter().find(|(many, _)| *many == word) {
        return (*one).to_owned();
    }
    let stem = |suffix: &str| word.strip_suffix(suffix).filter(|s| s.len() > 1);
    if let Some(s) = stem("ies") {
        return format!("{s}y");
    }
    for suffix in ["sses", "shes", "ches", "xes", "zes", "uses"] {
        if let Some(s) = stem(suffix) {
            return format!("{s}{}", &suffix[..suffix.len() - 2]);
        }
    }
    match stem("s") {
        Some(s) if !s.ends_with(['s', 'u', 'i']) => s.to_owned(),
        _ => word.to_owned(),
    }
}

/// The type names chosen for one root shape.
#[derive(Debug, Default)]
pub struct TypeNames {
    /// The type name of the object at each path that becomes a struct.
    pub by_path: BTreeMap<String, String>,
    /// The types in order of first appearance (root first).
    pub types: Vec<NamedType>,
}

/// One generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    /// The struct's name.
    pub name: String,
    /// Every path whose object it models, in document order; the first one is emitted.
    pub sites: Vec<String>,
}

struct Site {
    path: String,
    parent: Option<String>,
    candidate: String,
    chosen: Option<String>,
    key: String,
}

/// Names the structs of `root`: config names first, structurally equal objects share a type,
/// and a name wanted by several different shapes is prefixed with its parent's type name (then
/// numbered if still taken).
pub fn name_types(
    root: &Shape,
    root_name: &str,
    names: &BTreeMap<String, String>,
) -> Result<TypeNames, String> {
    let mut sites = Vec::new();
    collect_sites(root, "", None, root_name, &mut sites);
    for site in &mut sites {
        if site.path.is_empty() {
            site.chosen = Some(root_name.to_owned());
        } else if let Some(name) = names.get(&site.path) {
            site.chosen = Some(name.clone());
        }
    }

    // Which group each site joins: one per (structure, chosen name); unnamed sites join the
    // first named group of their structure.
    let mut first_named: BTreeMap<&str, &str> = BTreeMap::new();
    for site in &sites {
        if let Some(name) = &site.chosen {
            first_named.entry(&site.key).or_insert(name);
        }
    }
    let mut groups: Vec<(String, Option<String>, Vec<usize>)> = Vec::new();
    for (i, site) in sites.iter().enumerate() {
        let chosen = site
            .chosen
            .clone()
            .or_else(|| first_named.get(site.key.as_str()).map(|n| (*n).to_owned()));
        match groups
            .iter_mut()
            .find(|(key, name, _)| *key == site.key && *name == chosen)
        {
            Some(group) => group.2.push(i),
            None => groups.push((site.key.clone(), chosen, vec![i])),
        }
    }

    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (_, chosen, _) in &groups {
        if let Some(name) = chosen
            && !taken.insert(name.clone())
        {
            return Err(format!(
                "type name `{name}` is given to objects of different shapes"
            ));
        }
    }
    let mut wanted: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, chosen, members) in &groups {
        if chosen.is_none() {
            *wanted.entry(&sites[members[0]].candidate).or_default() += 1;
        }
    }

    let mut result = TypeNames::default();
    for (_, chosen, members) in &groups {
        let first = &sites[members[0]];
        let name = match chosen {
            Some(name) => name.clone(),
            None => {
                let base = &first.candidate;
                let unique = wanted.get(base.as_str()) == Some(&1)
                    && !taken.contains(base)
                    && !RESERVED_TYPES.contains(&base.as_str());
                let base = if unique {
                    base.clone()
                } else {
                    let parent = first
                        .parent
                        .as_ref()
                        .and_then(|p| result.by_path.get(p))
                        .map_or("", String::as_str);
                    format!("{parent}{base}")
                };
                let name = (1..)
                    .map(|n| {
                        if n == 1 {
                            base.clone()
                        } else {
                            format!("{base}{n}")
                        }
                    })
                    .find(|c| !taken.contains(c) && !RESERVED_TYPES.contains(&c.as_str()))
                    .unwrap_or_default();
                taken.insert(name.clone());
                name
            }
        };
        let sites: Vec<String> = members.iter().map(|&i| sites[i].path.clone()).collect();
        for path in &sites {
            result.by_path.insert(path.clone(), name.clone());
        }
        result.types.push(NamedType { name, sites });
    }
    Ok(result)
}

/// Records every object that becomes a struct, parents before children.
fn collect_sites(
    shape: &Shape,
    path: &str,
    parent: Option<&str>,
    candidate: &str,
    sites: &mut Vec<Site>,
) {
    match shape.non_null() {
        Shape::Object(object) if !object.fields.is_empty() => {
            sites.push(Site {
                path: path.to_owned(),
                parent: parent.map(str::to_owned),
                candidate: candidate.to_owned(),
                chosen: None,
                key: shape::structure_key(shape.non_null()),
            });
            for field in &object.fields {
                let child = shape::child_path(path, &field.key);
                let candidate = type_candidate(&field.key, false);
                collect_children(&field.shape, &child, path, &field.key, &candidate, sites);
            }
        }
        _ => {}
    }
}

/// Walks into a field's value: through arrays and maps, whose objects are named in the singular.
fn collect_children(
    shape: &Shape,
    path: &str,
    parent: &str,
    key: &str,
    candidate: &str,
    sites: &mut Vec<Site>,
) {
    match shape.non_null() {
        Shape::Array(inner) | Shape::Map(inner) => {
            let element = type_candidate(key, true);
            collect_children(
                inner,
                &shape::element_path(path),
                parent,
                key,
                &element,
                sites,
            );
        }
        other => collect_sites(other, path, Some(parent), candidate, sites),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::sample::Json;
    use crate::codegen::shape::{Hints, infer_all};

    #[test]
    fn wire_names_become_snake_case() {
        for (wire, rust) in [
            ("RoomName", "room_name"),
            ("Owner_Account", "owner_account"),
            ("TLS.ver", "tls_ver"),
            ("giftAmount", "gift_amount"),
            ("AnchorABMap", "anchor_ab_map"),
            ("FULL_HD1", "full_hd1"),
            ("ChatL2", "chat_l2"),
            ("some-weird-key", "some_weird_key"),
            ("1st", "n1st"),
            ("$", "field"),
        ] {
            assert_eq!(snake(wire), rust, "{wire}");
        }
    }

    #[test]
    fn collisions_keep_the_exact_name_and_number_the_rest() {
        assert_eq!(
            field_names(&[
                "UserCount",
                "user_count",
                "userCount",
                "extra",
                "self",
                "type"
            ]),
            [
                "user_count_2",
                "user_count",
                "user_count_3",
                "extra_field",
                "self_field",
                "type"
            ]
        );
        assert!(is_keyword("type") && is_keyword("gen") && !is_keyword("union"));
    }

    #[test]
    fn element_types_are_singular() {
        for (key, element, name) in [
            ("top_fans", true, "TopFan"),
            ("RoomList", true, "Room"),
            ("badge_list", true, "Badge"),
            ("qualities", true, "Quality"),
            ("statuses", true, "Status"),
            ("matches", true, "Match"),
            ("data", true, "Data"),
            ("series", true, "Series"),
            ("top_fans", false, "TopFans"),
            ("avatar_large", false, "AvatarLarge"),
            ("1080p", false, "N1080p"),
        ] {
            assert_eq!(type_candidate(key, element), name, "{key}");
        }
    }

    fn names_of(sample: &str, names: &[(&str, &str)]) -> TypeNames {
        let sample = Json::parse(sample).unwrap();
        let mut shape = infer_all([&sample], &mut Hints::default());
        let names: BTreeMap<String, String> = names
            .iter()
            .map(|(p, n)| ((*p).to_owned(), (*n).to_owned()))
            .collect();
        shape::unify_named(&mut shape, &names);
        name_types(&shape, "Root", &names).unwrap()
    }

    #[test]
    fn identical_shapes_share_a_type_named_by_the_config() {
        let image = r#"{"uri": "a", "url_list": ["u"]}"#;
        let sample = format!(
            r#"{{"owner": {{"avatar_large": {image}, "avatar_thumb": {image}}}, "top_fans": [{{"user": {{"avatar_large": {image}}}}}]}}"#
        );
        let names = names_of(
            &sample,
            &[
                ("/owner", "User"),
                ("/top_fans/*/user", "User"),
                ("/owner/avatar_large", "Image"),
            ],
        );
        let list: Vec<_> = names.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(list, ["Root", "User", "Image", "TopFan"]);
        assert_eq!(names.by_path["/owner/avatar_thumb"], "Image");
        assert_eq!(names.by_path["/top_fans/*/user/avatar_large"], "Image");
        assert_eq!(names.types[1].sites, ["/owner", "/top_fans/*/user"]);
    }

    #[test]
    fn clashing_names_take_their_parent_as_prefix() {
        let names = names_of(
            r#"{"stream_url": {"extra": {"fps": 30}}, "user": {"id": 1}, "extra": {"digg_color": 1}, "option": {"a": 1}, "room": {"user": {"name": "x"}}}"#,
            &[],
        );
        assert_eq!(names.by_path["/stream_url/extra"], "StreamUrlExtra");
        assert_eq!(names.by_path["/extra"], "RootExtra");
        assert_eq!(names.by_path["/option"], "RootOption");
        assert_eq!(names.by_path["/user"], "RootUser");
        assert_eq!(names.by_path["/room/user"], "RoomUser");
    }

    #[test]
    fn a_configured_name_wins_over_inferred_ones() {
        let names = names_of(
            r#"{"user": {"id": 1}, "owner": {"name": "x"}}"#,
            &[("/owner", "User")],
        );
        assert_eq!(names.by_path["/owner"], "User");
        assert_eq!(names.by_path["/user"], "RootUser");
    }
}
