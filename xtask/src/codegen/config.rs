//! `xtask/codegen.toml`: which samples and `.proto` files become which generated files, and the
//! choices inference cannot make alone (type names, forced types, maps, optional fields).
//!
//! Overrides are keyed by JSON path: `/`-separated keys from the sample's root, `*` for "every
//! element of this array" or "every value of this map", `~1` for a `/` inside a key and `~0` for
//! a `~` (JSON Pointer's escapes). Example: `/top_fans/*/user`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The whole config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// One entry per generated model file.
    #[serde(default)]
    pub json: Vec<JsonEntry>,
    /// One entry per set of `.proto` files compiled together.
    #[serde(default)]
    pub proto: Vec<ProtoEntry>,
}

/// Models inferred from JSON samples into one output file, under one root type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonEntry {
    /// A short id, named in the output's header and in error messages.
    pub name: String,
    /// The first line of the generated module's doc comment.
    #[serde(default)]
    pub doc: Option<String>,
    /// Globs relative to the workspace root. Files are taken in glob order, each glob's matches
    /// sorted; a file matched twice counts once. The first file decides field order.
    pub samples: Vec<String>,
    /// The generated `.rs` file, relative to the workspace root.
    pub output: String,
    /// The root type's name.
    pub root: String,
    /// Objects to model as `BTreeMap<String, T>` (id-keyed objects), by path.
    #[serde(default)]
    pub maps: Vec<String>,
    /// Fields to make `Option` even though every sample has them, by path.
    #[serde(default)]
    pub optional: Vec<String>,
    /// Type names for the objects at these paths. Objects given the same name are merged into
    /// one type.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Rust types to use instead of the inferred ones, by path (e.g.
    /// `live_model::lenient::StringOrNumber`). Nullability and absence still apply around them.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

/// `.proto` files compiled with protox and turned into Rust by prost-build.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtoEntry {
    /// A short id, named in the output's header and in error messages.
    pub name: String,
    /// The `.proto` files to compile, relative to the workspace root.
    pub files: Vec<String>,
    /// Import search paths, relative to the workspace root.
    pub includes: Vec<String>,
    /// The directory that receives one file per protobuf package plus a `mod.rs`.
    pub output: String,
    /// Protobuf paths whose map fields become `BTreeMap` (deterministic order): `["."]` is all.
    #[serde(default = "all_paths")]
    pub btree_map: Vec<String>,
    /// Protobuf paths whose `bytes` fields become `bytes::Bytes` instead of `Vec<u8>`.
    #[serde(default)]
    pub bytes: Vec<String>,
    /// Lints allowed on the generated modules. prost leaves messages without a proto comment
    /// undocumented and copies proto comments verbatim, which rustdoc-minded lints dislike.
    #[serde(default = "default_proto_allows")]
    pub allow: Vec<String>,
}

fn all_paths() -> Vec<String> {
    vec![".".to_owned()]
}

fn default_proto_allows() -> Vec<String> {
    [
        "missing_docs",
        "clippy::doc_lazy_continuation",
        "clippy::doc_overindented_list_items",
        "clippy::large_enum_variant",
        "clippy::enum_variant_names",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Where the config lives, relative to the workspace root.
pub const CONFIG_PATH: &str = "xtask/codegen.toml";

impl Config {
    /// Reads and validates the config of the workspace at `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_PATH);
        let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
        Config::parse(&text, &path)
    }

    /// Parses and validates config text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|source| Error::Toml {
            path: path.to_owned(),
            source,
        })?;
        config.validate().map_err(|message| Error::Config {
            path: path.to_owned(),
            message,
        })?;
        Ok(config)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        let mut names = BTreeSet::new();
        let mut outputs = BTreeMap::new();
        let entries = self
            .json
            .iter()
            .map(|e| (&e.name, &e.output))
            .chain(self.proto.iter().map(|e| (&e.name, &e.output)));
        for (name, output) in entries {
            if !names.insert(name.as_str()) {
                return Err(format!("two entries are named `{name}`"));
            }
            if let Some(other) = outputs.insert(output.as_str(), name) {
                return Err(format!(
                    "entries `{other}` and `{name}` both write `{output}`"
                ));
            }
        }
        for entry in &self.json {
            entry
                .validate()
                .map_err(|m| format!("json entry `{}`: {m}", entry.name))?;
        }
        for entry in &self.proto {
            entry
                .validate()
                .map_err(|m| format!("proto entry `{}`: {m}", entry.name))?;
        }
        Ok(())
    }
}

impl JsonEntry {
    fn validate(&self) -> std::result::Result<(), String> {
        if self.samples.is_empty() {
            return Err("`samples` is empty".to_owned());
        }
        if !self.output.ends_with(".rs") || self.output.ends_with("/mod.rs") {
            return Err(format!(
                "`output` must be a .rs file other than mod.rs, not `{}`",
                self.output
            ));
        }
        check_type_name(&self.root)?;
        let paths = self
            .maps
            .iter()
            .chain(&self.optional)
            .chain(self.names.keys())
            .chain(self.types.keys());
        for path in paths {
            if !path.starts_with('/') {
                return Err(format!("path `{path}` must start with `/`"));
            }
        }
        for name in self.names.values() {
            check_type_name(name)?;
        }
        for (path, ty) in &self.types {
            syn::parse_str::<syn::Type>(ty)
                .map_err(|e| format!("type `{ty}` for `{path}` is not a Rust type: {e}"))?;
        }
        Ok(())
    }

    /// The sample files, in the order the globs give them.
    pub fn sample_files(&self, root: &Path) -> Result<Vec<PathBuf>> {
        let config_error = |message: String| Error::Config {
            path: root.join(CONFIG_PATH),
            message: format!("json entry `{}`: {message}", self.name),
        };
        let mut files: Vec<PathBuf> = Vec::new();
        for pattern in &self.samples {
            let full = root.join(pattern);
            let full = full
                .to_str()
                .ok_or_else(|| config_error(format!("`{pattern}` is not UTF-8")))?;
            let mut matched: Vec<PathBuf> = glob::glob(full)
                .map_err(|e| config_error(format!("bad glob `{pattern}`: {e}")))?
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| Error::Io {
                    path: e.path().to_owned(),
                    source: e.into(),
                })?;
            if matched.is_empty() {
                return Err(config_error(format!("`{pattern}` matches no file")));
            }
            matched.sort();
            for file in matched {
                let relative = file.strip_prefix(root).unwrap_or(&file).to_owned();
                if !files.contains(&relative) {
                    files.push(relative);
                }
            }
        }
        Ok(files)
    }
}

impl ProtoEntry {
    fn validate(&self) -> std::result::Result<(), String> {
        if self.files.is_empty() {
            return Err("`files` is empty".to_owned());
        }
        if self.output.ends_with(".rs") {
            return Err(format!("`output` is a directory, not `{}`", self.output));
        }
        for lint in &self.allow {
            syn::parse_str::<syn::Path>(lint)
                .map_err(|_| format!("`{lint}` is not a lint name"))?;
        }
        Ok(())
    }
}

fn check_type_name(name: &str) -> std::result::Result<(), String> {
    let ident: syn::Ident =
        syn::parse_str(name).map_err(|_| format!("`{name}` is not a Rust type name"))?;
    if !ident
        .to_string()
        .starts_with(|c: char| c.is_ascii_uppercase())
    {
        return Err(format!("type name `{name}` must be UpperCamelCase"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("codegen.toml"))
    }

    #[test]
    fn reads_a_full_entry() {
        let config = parse(
            r#"
            [[json]]
            name = "kitkot-join"
            samples = ["fixtures/kitkot/*.json"]
            output = "crates/kitkot/src/generated/join.rs"
            root = "JoinResponse"
            maps = ["/stream_url/resolution_name"]
            optional = ["/title"]
            [json.names]
            "/owner" = "User"
            [json.types]
            "/stream_url/flv_pull_url" = "std::collections::BTreeMap<String, String>"

            [[proto]]
            name = "webcast"
            files = ["crates/tiktok-webcast/proto/webcast.proto"]
            includes = ["crates/tiktok-webcast/proto"]
            output = "crates/tiktok-webcast/src/generated/proto"
            "#,
        )
        .unwrap();
        assert_eq!(config.json[0].names["/owner"], "User");
        assert_eq!(config.proto[0].btree_map, ["."]);
        assert!(config.proto[0].allow.contains(&"missing_docs".to_owned()));
    }

    #[test]
    fn rejects_mistakes_with_a_useful_message() {
        let base = "name = \"a\"\nsamples = [\"x.json\"]\noutput = \"a.rs\"\n";
        for (extra, expected) in [
            ("root = \"lower\"", "UpperCamelCase"),
            ("root = \"A\"\nmaps = [\"no-slash\"]", "must start with `/`"),
            (
                "root = \"A\"\n[json.types]\n\"/a\" = \"Vec<\"",
                "not a Rust type",
            ),
            ("root = \"A\"\ntypo = 1", "unknown field"),
        ] {
            let err = parse(&format!("[[json]]\n{base}{extra}")).unwrap_err();
            assert!(err.to_string().contains(expected), "{err}");
        }
        let twice = format!("[[json]]\n{base}root = \"A\"\n[[json]]\n{base}root = \"B\"\n");
        assert!(parse(&twice).unwrap_err().to_string().contains("named `a`"));
    }
}
