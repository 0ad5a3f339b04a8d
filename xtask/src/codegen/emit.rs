//! Rust source for a named shape: serde structs built as tokens with `quote!` and printed with
//! prettyplease, so the output is the same on every machine and needs no rustfmt.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::codegen::naming::{self, NamedType, TypeNames};
use crate::codegen::shape::{self, Object, Shape};
use crate::error::{Error, Result};

/// Everything one output file is made from.
pub struct Model<'a> {
    /// The module's doc line.
    pub doc: &'a str,
    /// The sample files, relative to the workspace root, for doc comments.
    pub samples: &'a [String],
    /// The folded shape of every sample.
    pub root: &'a Shape,
    /// The struct names.
    pub names: &'a TypeNames,
}

/// The source of the module (without the `@generated` header).
pub fn render(model: &Model<'_>, what: &str) -> Result<String> {
    let module_doc = doc_attrs(&[model.doc.to_owned()], true);
    let mut items = Vec::new();
    for ty in &model.names.types {
        items.push(render_struct(model, ty)?);
    }
    let tokens = quote! {
        #module_doc
        #(#items)*
    };
    let file: syn::File = syn::parse2(tokens).map_err(|source| Error::Syntax {
        what: what.to_owned(),
        source,
    })?;
    Ok(unparse(&file))
}

/// prettyplease's output with a blank line after the module docs and between top-level items,
/// which prettyplease leaves out.
pub fn unparse(file: &syn::File) -> String {
    let text = prettyplease::unparse(file);
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous = "";
    for line in text.lines() {
        let top_level = !line.is_empty() && !line.starts_with([' ', '}', ')', ']']);
        let after_item = previous == "}";
        let after_docs = previous.starts_with("//!") && !line.starts_with("//!");
        if top_level && (after_item || after_docs) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    out
}

fn render_struct(model: &Model<'_>, ty: &NamedType) -> Result<TokenStream> {
    let first = &ty.sites[0];
    let object = match shape::get(model.root, first).map(Shape::non_null) {
        Some(Shape::Object(object)) => object,
        _ => {
            return Err(Error::Internal(format!("no object at `{first}`")));
        }
    };
    let name = Ident::new(&ty.name, Span::call_site());
    let doc = doc_attrs(&struct_doc(model, ty), false);
    let fields = render_fields(model, object, first)?;
    let extra = Ident::new(naming::EXTRA_FIELD, Span::call_site());
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        #[serde(default)]
        pub struct #name {
            #(#fields)*
            /// Fields the samples did not show, kept so that nothing is lost on a round trip.
            #[serde(flatten)]
            pub #extra: serde_json::Map<String, serde_json::Value>,
        }
    })
}

fn struct_doc(model: &Model<'_>, ty: &NamedType) -> Vec<String> {
    const SHOWN_SITES: usize = 4;
    let path = |p: &String| format!("`{}`", display_path(p));
    let mut lines = Vec::new();
    if ty.sites[0].is_empty() {
        lines.push(model.doc.to_owned());
        lines.push(String::new());
    }
    let mut first = format!("The object at {}", path(&ty.sites[0]));
    if ty.sites.len() > 1 {
        let others: Vec<String> = ty.sites[1..].iter().take(SHOWN_SITES).map(path).collect();
        let more = ty.sites.len() - 1 - others.len();
        first.push_str(&format!(" (also {}", others.join(", ")));
        if more > 0 {
            first.push_str(&format!(" and {more} more"));
        }
        first.push(')');
    }
    first.push('.');
    let samples: Vec<String> = model.samples.iter().map(|s| format!("`{s}`")).collect();
    lines.extend([
        first,
        String::new(),
        format!("Inferred from {}.", samples.join(", ")),
        "Start from `Default` and set fields to build one: the struct is `#[non_exhaustive]`."
            .to_owned(),
    ]);
    lines
}

fn render_fields(model: &Model<'_>, object: &Object, path: &str) -> Result<Vec<TokenStream>> {
    let keys: Vec<&str> = object.fields.iter().map(|f| f.key.as_str()).collect();
    let idents = naming::field_names(&keys);
    object
        .fields
        .iter()
        .zip(idents)
        .map(|(field, ident)| {
            let field_path = shape::child_path(path, &field.key);
            let (ty, nullable) = rust_type(model, &field.shape, &field_path)?;
            let ident = if naming::is_keyword(&ident) {
                Ident::new_raw(&ident, Span::call_site())
            } else {
                Ident::new(&ident, Span::call_site())
            };
            let mut serde_args = Vec::new();
            if ident.to_string().trim_start_matches("r#") != field.key {
                let key = &field.key;
                serde_args.push(quote!(rename = #key));
            }
            let ty = match (field.absent, nullable) {
                (true, true) => {
                    serde_args.push(quote!(
                        default,
                        skip_serializing_if = "Option::is_none",
                        with = "live_model::lenient::double_option"
                    ));
                    quote!(Option<Option<#ty>>)
                }
                (true, false) => {
                    serde_args.push(quote!(default, skip_serializing_if = "Option::is_none"));
                    quote!(Option<#ty>)
                }
                (false, true) => quote!(Option<#ty>),
                (false, false) => ty,
            };
            let attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
            let mut doc = format!("`{}` at `{}`", field.key, display_path(&field_path));
            match (field.absent, nullable) {
                (true, true) => doc.push_str("; absent or `null` in some samples"),
                (true, false) => doc.push_str("; absent in some samples"),
                (false, true) => doc.push_str("; `null` in some samples"),
                (false, false) => {}
            }
            if let Some(example) = &field.example {
                doc.push_str(&format!(", e.g. `{}`", example.replace('`', "'")));
            }
            doc.push('.');
            let doc = doc_attrs(&[doc], false);
            Ok(quote! {
                #doc
                #attr
                pub #ident: #ty,
            })
        })
        .collect()
}

/// The Rust type of a shape at `path`, and whether it was `null` somewhere (the caller wraps it
/// in `Option`, because how depends on absence too).
fn rust_type(model: &Model<'_>, shape: &Shape, path: &str) -> Result<(TokenStream, bool)> {
    let ty = match shape {
        Shape::Nullable(inner) => return Ok((rust_type(model, inner, path)?.0, true)),
        Shape::Null => return Ok((quote!(serde_json::Value), true)),
        Shape::Unknown | Shape::Any => quote!(serde_json::Value),
        Shape::Bool => quote!(bool),
        Shape::Int {
            above_i64: true, ..
        } => quote!(u64),
        Shape::Int { .. } => quote!(i64),
        Shape::Float => quote!(f64),
        Shape::Str => quote!(String),
        Shape::Forced(ty) => {
            let ty: syn::Type = syn::parse_str(ty).map_err(|source| Error::Syntax {
                what: format!("the type for `{path}`"),
                source,
            })?;
            quote!(#ty)
        }
        Shape::Array(inner) => {
            let inner = element_type(model, inner, &shape::element_path(path))?;
            quote!(Vec<#inner>)
        }
        Shape::Map(inner) => {
            let inner = element_type(model, inner, &shape::element_path(path))?;
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Shape::Object(object) if object.fields.is_empty() => {
            quote!(serde_json::Map<String, serde_json::Value>)
        }
        Shape::Object(_) => {
            let name = model
                .names
                .by_path
                .get(path)
                .ok_or_else(|| Error::Internal(format!("no type name for `{path}`")))?;
            let name = Ident::new(name, Span::call_site());
            quote!(#name)
        }
    };
    Ok((ty, false))
}

fn element_type(model: &Model<'_>, shape: &Shape, path: &str) -> Result<TokenStream> {
    let (ty, nullable) = rust_type(model, shape, path)?;
    Ok(if nullable { quote!(Option<#ty>) } else { ty })
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// `#[doc]` attributes, one per line, with the space rustdoc expects after `///`.
fn doc_attrs(lines: &[String], inner: bool) -> TokenStream {
    let lines = lines.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        if inner {
            quote!(#![doc = #text])
        } else {
            quote!(#[doc = #text])
        }
    });
    quote!(#(#lines)*)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::codegen::sample::Json;
    use crate::codegen::shape::{Hints, infer_all};

    fn generate(samples: &[&str], types: &[(&str, &str)]) -> String {
        let samples: Vec<Json> = samples.iter().map(|s| Json::parse(s).unwrap()).collect();
        let types: BTreeMap<String, String> = types
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect();
        let root = infer_all(&samples, &mut Hints::new(&[], &[], &types));
        let names = naming::name_types(&root, "Root", &BTreeMap::new()).unwrap();
        let files = ["a.json".to_owned()];
        let model = Model {
            doc: "Test models.",
            samples: &files,
            root: &root,
            names: &names,
        };
        render(&model, "test").unwrap()
    }

    #[test]
    fn optionality_follows_null_and_absence() {
        let code = generate(
            &[
                r#"{"a": 1, "b": null, "c": 1, "d": null, "Owner_Account": "x", "type": [], "extra": {"k": 1.5}}"#,
                r#"{"a": 2, "b": 3}"#,
            ],
            &[("/Owner_Account", "live_model::lenient::StringOrNumber")],
        );
        for expected in [
            "pub a: i64,",
            "pub b: Option<i64>,",
            "#[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub c: Option<i64>,",
            "with = \"live_model::lenient::double_option\"",
            "pub d: Option<Option<serde_json::Value>>,",
            "#[serde(rename = \"Owner_Account\", default, skip_serializing_if = \"Option::is_none\")]",
            "pub owner_account: Option<live_model::lenient::StringOrNumber>,",
            "pub r#type: Option<Vec<serde_json::Value>>,",
            "#[serde(rename = \"extra\", default, skip_serializing_if = \"Option::is_none\")]",
            "pub extra_field: Option<Extra>,",
            "pub k: f64,",
            "#[serde(flatten)]\n    pub extra: serde_json::Map<String, serde_json::Value>,",
            "#[non_exhaustive]\n#[serde(default)]\npub struct Root {",
            "/// `b` at `/b`; `null` in some samples, e.g. `3`.",
            "//! Test models.",
        ] {
            assert!(code.contains(expected), "missing {expected:?} in\n{code}");
        }
        assert!(!code.contains("rename = \"type\""), "{code}");
        assert!(
            code.contains("}\n\n/// The object at `/extra`."),
            "no blank line between items"
        );
    }
}
