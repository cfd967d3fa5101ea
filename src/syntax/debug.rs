//! The model in the shape of the BuildKit parse oracle (`corpus/buildkit-parse.jsonl`), for
//! `dfix debug model` and the tests that compare the two.

use super::model::{Body, Instruction};
use serde_json::{Map, Value, json};

fn instruction_json(ins: &Instruction) -> Value {
    let mut o = Map::new();
    o.insert("cmd".into(), json!(ins.keyword.to_lowercase()));
    o.insert("start".into(), json!(ins.start_line));
    o.insert("end".into(), json!(ins.end_line));
    o.insert(
        "flags".into(),
        json!(
            ins.flags
                .iter()
                .map(|f| match &f.value {
                    Some(v) => format!("--{}={v}", f.name),
                    None => format!("--{}", f.name),
                })
                .collect::<Vec<_>>()
        ),
    );
    o.insert("heredocs".into(), json!(ins.heredocs.len()));
    if ins.json.is_some() {
        o.insert("json".into(), json!(true));
    }
    o.insert("nargs".into(), json!(ins.nargs));
    if let Body::Onbuild(inner) = &ins.body {
        o.insert("onbuild".into(), json!(inner.keyword.to_lowercase()));
    }
    if let Body::Run(run) = &ins.body {
        // like BuildKit, the first error replaces the mounts
        match run.mount_parse_errors.first().or(run.mount_problems.first()) {
            Some(e) => {
                o.insert("mount_error".into(), json!(e.message));
            }
            None if !run.mounts.is_empty() => {
                o.insert("mounts".into(), run.mounts.iter().map(|m| m.oracle_json()).collect());
            }
            None => {}
        }
    }
    Value::Object(o)
}

pub fn model_json(file: &str, src: &str) -> Value {
    let model = super::parse(src);
    json!({
        "file": file,
        "ok": model.errors.is_empty() && !src.is_empty(),
        "errors": model.errors.iter().map(|e| &e.message).collect::<Vec<_>>(),
        "escape_token": model.escape.to_string(),
        "directives": model.directives.items.iter().map(|d| (d.key.clone(), json!(d.value))).collect::<Map<_, _>>(),
        "instructions": model.instructions.iter().map(instruction_json).collect::<Vec<_>>(),
    })
}
