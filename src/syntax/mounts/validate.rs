//! Dispatch-stage validation (`parseMount` with an expander, then `dispatchRunMounts`).

use super::{Mount, MountError, MountField, MountType, go};
use crate::syntax::text::TextRange;

/// Field indexes of the last field that set each attribute.
#[derive(Default)]
pub(super) struct Setters {
    kind: Option<usize>,
    target: Option<usize>,
    source: Option<usize>,
    from: Option<usize>,
    id: Option<usize>,
    sharing: Option<usize>,
    mode: Option<usize>,
    uid: Option<usize>,
    gid: Option<usize>,
}

pub(super) struct Checker {
    mount: Mount,
    problems: Vec<MountError>,
    ro_auto: bool,
    set: Setters,
}

/// Every key `parseMount` knows (aliases included), whatever the type.
pub const ALL_KEYS: [&str; 19] = [
    "type",
    "from",
    "source",
    "target",
    "readonly",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "src",
    "dst",
    "destination",
    "ro",
    "rw",
    "readwrite",
    "env",
];
pub const SHARING_MODES: [&str; 3] = ["shared", "private", "locked"];

impl Checker {
    pub(super) fn new(range: TextRange) -> Self {
        Checker {
            mount: Mount {
                range,
                fields: Vec::new(),
                kind: MountType::Bind,
                type_given: false,
                target: None,
                source: None,
                from: None,
                id: None,
                sharing: None,
                mode: None,
                uid: None,
                gid: None,
                size: None,
                env: None,
                readonly: true,
                required: None,
            },
            problems: Vec::new(),
            ro_auto: true,
            set: Setters::default(),
        }
    }

    pub(super) fn problem(&mut self, message: String, range: TextRange) {
        self.problems.push(MountError { message, range });
    }

    pub(super) fn run(mut self, fields: Vec<MountField>, lex_errors: &[Option<String>]) -> (Mount, Vec<MountError>) {
        for (i, field) in fields.iter().enumerate() {
            let lex_error = lex_errors.get(i).cloned().flatten();
            let failed = lex_error.is_some();
            if let Some(e) = lex_error {
                self.problem(e, field.range);
            }
            self.field(i, field, failed);
        }
        self.mount.fields = fields;
        self.finish();
        (self.mount, self.problems)
    }

    /// The type-dependent check of `required` and `size`: against the type seen so far.
    pub(super) fn check_key_for_type(&mut self, key: &str, allowed: bool, range: TextRange) {
        if self.mount.kind.is_known() && !allowed {
            let kind = self.mount.kind.as_str();
            self.problem(format!("unexpected key '{key}' for mount type '{kind}'"), range);
        }
    }

    /// One field, against the state so far. `lex_failed`: the shell lexer rejected the value,
    /// so it is not checked further.
    pub(super) fn field(&mut self, i: usize, f: &MountField, lex_failed: bool) {
        let r = f.range;
        let Some(value) = f.value.clone() else {
            match f.key.as_str() {
                "readonly" | "ro" => self.set_readonly(true),
                "readwrite" | "rw" => self.set_readonly(false),
                "required" => {
                    let ok = matches!(self.mount.kind, MountType::Secret | MountType::Ssh);
                    self.check_key_for_type("required", ok, r);
                    self.mount.required = Some(true);
                }
                _ => self.problem(format!("invalid field '{}' must be a key=value pair", f.text), r),
            }
            return;
        };
        // Only a value known now is checked; an expanded one may be anything.
        let known = (!f.dynamic && !lex_failed).then_some(value.as_str());
        match f.key.as_str() {
            "type" => {
                self.mount.type_given = true;
                self.set.kind = Some(i);
                self.mount.kind = match known.map(MountType::from_name) {
                    Some(Some(t)) => t,
                    Some(None) => {
                        let names = MountType::KNOWN.map(|(n, _)| n);
                        let msg = format!("unsupported mount type {}", go::quote(&value));
                        self.problem(with_suggestion(msg, &value, &names), r);
                        MountType::Other(value)
                    }
                    None => MountType::Other(value),
                };
            }
            "from" => {
                self.set.from = Some(i);
                self.mount.from = Some(value);
            }
            "source" | "src" => {
                self.set.source = Some(i);
                self.mount.source = Some(value);
            }
            "target" | "dst" | "destination" => {
                self.set.target = Some(i);
                self.mount.target = Some(value);
            }
            key @ ("readonly" | "ro" | "readwrite" | "rw") => {
                if let Some(v) = known {
                    match go::parse_bool(v) {
                        Some(b) => self.set_readonly(b == matches!(key, "readonly" | "ro")),
                        None => self.problem(format!("invalid value for {key}: {v}"), r),
                    }
                }
            }
            "required" => {
                let ok = matches!(self.mount.kind, MountType::Secret | MountType::Ssh);
                self.check_key_for_type("required", ok, r);
                if let Some(v) = known {
                    match go::parse_bool(v) {
                        Some(b) => self.mount.required = Some(b),
                        None if ok => self.problem(format!("invalid value for required: {v}"), r),
                        None => {}
                    }
                }
            }
            "size" => {
                let ok = self.mount.kind == MountType::Tmpfs;
                self.check_key_for_type("size", ok, r);
                if let Some(v) = known
                    && ok
                    && !go::ram_in_bytes_ok(v)
                {
                    self.problem(format!("invalid value for size: {v}"), r);
                }
                self.mount.size = Some(value);
            }
            "id" => {
                self.set.id = Some(i);
                self.mount.id = Some(value);
            }
            "sharing" => {
                self.set.sharing = Some(i);
                let lower = value.to_lowercase();
                if known.is_some() && SHARING_MODES.contains(&lower.as_str()) {
                    self.mount.sharing = Some(lower);
                } else {
                    if known.is_some() {
                        let msg = format!("unsupported sharing value {}", go::quote(&value));
                        self.problem(with_suggestion(msg, &value, &SHARING_MODES), r);
                    }
                    self.mount.sharing = Some(value);
                }
            }
            key @ ("mode" | "uid" | "gid") => {
                let radix = if key == "mode" { 8 } else { 10 };
                if let Some(v) = known
                    && go::parse_u32(v, radix).is_none()
                {
                    self.problem(format!("invalid value {v} for {key}"), r);
                }
                let (slot, setter) = match key {
                    "mode" => (&mut self.mount.mode, &mut self.set.mode),
                    "uid" => (&mut self.mount.uid, &mut self.set.uid),
                    _ => (&mut self.mount.gid, &mut self.set.gid),
                };
                *slot = Some(value);
                *setter = Some(i);
            }
            "env" => self.mount.env = Some(value),
            key => {
                let msg = format!("unexpected key '{key}' in '{}'", f.text);
                self.problem(with_suggestion(msg, key, &ALL_KEYS), r);
            }
        }
    }

    pub(super) fn set_readonly(&mut self, readonly: bool) {
        self.mount.readonly = readonly;
        self.ro_auto = false;
    }

    /// The range of field `i`, or of the whole value.
    pub(super) fn range_of(&self, i: Option<usize>) -> TextRange {
        i.and_then(|i| self.mount.fields.get(i))
            .map_or(self.mount.range, |f| f.range)
    }

    /// The checks after the loop (`parseMount`), then those of `dispatchRunMounts`.
    pub(super) fn finish(&mut self) {
        let kind = self.mount.kind.clone();
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());

        if kind.is_known() && !kind.allows_file_info() {
            let set = [("mode", self.set.mode), ("uid", self.set.uid), ("gid", self.set.gid)];
            for (name, i) in set.into_iter().filter(|(_, i)| i.is_some()) {
                let kind = go::quote(kind.as_str());
                let msg = format!("{name} not allowed for {kind} type mounts");
                self.problem(msg, self.range_of(i));
            }
        }

        if self.ro_auto {
            self.mount.readonly = !matches!(kind, MountType::Cache | MountType::Tmpfs);
        }

        if kind == MountType::Secret {
            let m = &self.mount;
            let (from, sharing) = (given(&m.from), given(&m.sharing));
            let (source, target, id) = (given(&m.source), given(&m.target), given(&m.id));
            if from {
                let msg = "secret mount should not have a from";
                self.problem(msg.into(), self.range_of(self.set.from));
            }
            if sharing {
                let msg = "secret mount should not define sharing";
                self.problem(msg.into(), self.range_of(self.set.sharing));
            }
            if !source && !target && !id {
                let msg = "invalid secret mount. one of source, target required";
                self.problem(msg.into(), self.range_of(self.set.kind));
            }
            if source && id {
                let later = self.set.source.max(self.set.id);
                let msg = "both source and id can't be set";
                self.problem(msg.into(), self.range_of(later));
            }
        } else if kind.is_known() && kind != MountType::Cache && given(&self.mount.sharing) {
            let msg = format!("invalid cache sharing set for {} mount", kind.as_str());
            self.problem(msg, self.range_of(self.set.sharing));
        }

        // `dispatchRunMounts`.
        if kind == MountType::Ssh && given(&self.mount.source) {
            let msg = "ssh does not support source";
            self.problem(msg.into(), self.range_of(self.set.source));
        }
        let target = self.set.target.and_then(|i| self.mount.fields.get(i));
        if matches!(kind, MountType::Bind | MountType::Cache | MountType::Tmpfs)
            && target.is_some_and(|f| !f.dynamic && f.value.as_deref() == Some("/"))
        {
            let msg = "invalid mount target \"/\"";
            self.problem(msg.into(), self.range_of(self.set.target));
        }
    }
}

/// BuildKit's `suggest.WrapError` (case-sensitive): appends ` (did you mean x?)` for the first
/// option within Levenshtein distance 2, unless `value` is one of the options.
pub(super) fn with_suggestion(message: String, value: &str, options: &[&str]) -> String {
    if options.contains(&value) {
        return message;
    }
    match crate::suggest::nearest(value, options.iter().copied()) {
        Some(opt) => format!("{message} (did you mean {opt}?)"),
        None => message,
    }
}
