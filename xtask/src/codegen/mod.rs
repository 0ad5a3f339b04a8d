//! `cargo xtask codegen [--check]`: serde models from the JSON samples in `fixtures/` and prost
//! code from `.proto` files, as `xtask/codegen.toml` lists them. The output is committed; the
//! check (also run by a test) fails when it no longer matches its sources.

pub mod config;
pub mod emit;
pub mod files;
pub mod naming;
pub mod proto;
pub mod sample;
pub mod shape;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use config::{CONFIG_PATH, Config, JsonEntry};
use files::{Changes, Mode, Output};
use sample::Json;

/// Generates everything the config lists and writes it, or checks it in [`Mode::Check`].
pub fn run(root: &Path, mode: Mode) -> Result<Changes> {
    let config = Config::load(root)?;
    let outputs = generate(root, &config)?;
    files::sync(root, &outputs, mode)
}

/// Every output file, in memory.
pub fn generate(root: &Path, config: &Config) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    for entry in &config.json {
        outputs.push(generate_json(root, entry)?);
    }
    for entry in &config.proto {
        outputs.extend(proto::generate(root, entry)?);
    }
    files::with_module_lists(outputs)
}

/// The model file of one `[[json]]` entry.
pub fn generate_json(root: &Path, entry: &JsonEntry) -> Result<Output> {
    let config_error = |message: String| Error::Config {
        path: root.join(CONFIG_PATH),
        message: format!("json entry `{}`: {message}", entry.name),
    };
    let files = entry.sample_files(root)?;
    let mut texts = Vec::new();
    let mut samples = Vec::new();
    for file in &files {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
        let sample = Json::parse(&text).map_err(|source| Error::Json { path, source })?;
        if !matches!(sample, Json::Object(_)) {
            return Err(config_error(format!(
                "sample `{}` is not a JSON object",
                file.display()
            )));
        }
        texts.push(text);
        samples.push(sample);
    }

    let mut hints = shape::Hints::new(&entry.maps, &entry.optional, &entry.types);
    let mut root_shape = shape::infer_all(&samples, &mut hints);
    let mut unused: Vec<String> = hints.unused().into_iter().map(str::to_owned).collect();
    unused.extend(
        entry
            .names
            .keys()
            .filter(|path| !hints.was_seen(path))
            .cloned(),
    );
    if !unused.is_empty() {
        return Err(config_error(format!(
            "these paths match nothing in the samples: {}",
            unused.join(", ")
        )));
    }
    let not_objects = shape::unify_named(&mut root_shape, &entry.names);
    if !not_objects.is_empty() {
        return Err(config_error(format!(
            "these named paths are not objects in the samples: {}",
            not_objects.join(", ")
        )));
    }
    let names = naming::name_types(&root_shape, &entry.root, &entry.names).map_err(config_error)?;

    let sample_names: Vec<String> = files.iter().map(|f| slash_path(f)).collect();
    let doc = entry
        .doc
        .clone()
        .unwrap_or_else(|| format!("Models inferred from {}.", sample_names.join(", ")));
    let model = emit::Model {
        doc: &doc,
        samples: &sample_names,
        root: &root_shape,
        names: &names,
    };
    let code = emit::render(&model, &entry.output)?;
    let fingerprint = files::fingerprint(texts.iter().map(String::as_str));
    Ok(Output {
        path: PathBuf::from(&entry.output),
        contents: format!(
            "{}{code}",
            files::header(&entry.name, &sample_names, Some(fingerprint))
        ),
    })
}

/// A relative path written with `/` on every platform, so generated text does not vary.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The message for stale generated code, naming the files and the fix.
pub fn stale_message(changes: &Changes) -> String {
    let mut message = String::from("generated code is out of date:\n");
    for path in &changes.updated {
        message.push_str(&format!("  stale:    {}\n", slash_path(path)));
    }
    for path in &changes.removed {
        message.push_str(&format!("  leftover: {}\n", slash_path(path)));
    }
    message.push_str("run `cargo xtask codegen` and commit the result");
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
        [[json]]
        name = "room"
        samples = ["fixtures/room.json", "fixtures/room.*.json"]
        output = "crate/src/generated/room.rs"
        root = "Room"
        [json.names]
        "/owner" = "User"
    "#;

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("xtask")).unwrap();
        std::fs::create_dir_all(root.join("fixtures")).unwrap();
        std::fs::write(root.join(CONFIG_PATH), CONFIG).unwrap();
        std::fs::write(
            root.join("fixtures/room.json"),
            r#"{"id": 7531095702089370381, "owner": {"nickname": "lena"}, "title": "hi"}"#,
        )
        .unwrap();
        std::fs::write(
            root.join("fixtures/room.later.json"),
            r#"{"id": 1, "owner": null}"#,
        )
        .unwrap();
        dir
    }

    #[test]
    fn editing_a_fixture_makes_the_check_fail_until_regenerated() {
        let dir = workspace();
        let root = dir.path();
        let written = run(root, Mode::Write).unwrap();
        assert_eq!(
            written.updated,
            [
                PathBuf::from("crate/src/generated/mod.rs"),
                PathBuf::from("crate/src/generated/room.rs")
            ]
        );
        assert!(run(root, Mode::Check).unwrap().is_empty());

        let code = std::fs::read_to_string(root.join("crate/src/generated/room.rs")).unwrap();
        assert!(code.contains("pub struct Room {"), "{code}");
        assert!(code.contains("pub owner: Option<User>,"), "{code}");
        assert!(code.contains("pub title: Option<String>,"), "{code}");

        // A value edit keeps every shape, yet the output must still be regenerated.
        std::fs::write(
            root.join("fixtures/room.later.json"),
            r#"{"id": 2, "owner": null}"#,
        )
        .unwrap();
        let stale = run(root, Mode::Check).unwrap();
        assert_eq!(
            stale.updated,
            [PathBuf::from("crate/src/generated/room.rs")]
        );
        assert!(stale_message(&stale).contains("run `cargo xtask codegen`"));
        run(root, Mode::Write).unwrap();
        assert!(run(root, Mode::Check).unwrap().is_empty());
    }

    #[test]
    fn config_paths_that_match_nothing_are_errors() {
        let dir = workspace();
        let root = dir.path();
        let config = CONFIG.replace("\"/owner\" = \"User\"", "\"/ownr\" = \"User\"");
        std::fs::write(root.join(CONFIG_PATH), config).unwrap();
        let err = run(root, Mode::Check).unwrap_err().to_string();
        assert!(err.contains("match nothing in the samples: /ownr"), "{err}");
    }
}
