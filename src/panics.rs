//! A rule that panics is a bug in dfix, not in the file: the engine names the rule, and each
//! front door contains the failure (the command line to the file, the language server to the
//! request) so that the rest of the run goes on.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// The payload a rule's panic carries out of [`crate::rules::check_all`].
#[derive(Debug)]
pub struct RulePanic {
    pub rule: &'static str,
    pub message: String,
}

impl std::fmt::Display for RulePanic {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "internal error in rule `{}`: {}", self.rule, self.message)
    }
}

/// Runs `check` for `rule`; a panic goes on unwinding as a [`RulePanic`] naming the rule.
pub fn in_rule(rule: &'static str, check: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(check)) {
        let message = text(&*payload);
        resume_unwind(Box::new(RulePanic { rule, message }));
    }
}

/// What a panic means, for a person: the rule that failed, if one did, and what it said.
pub fn message(payload: &(dyn Any + Send)) -> String {
    match payload.downcast_ref::<RulePanic>() {
        Some(p) => p.to_string(),
        None => format!("internal error: {}", text(payload)),
    }
}

/// What a panic said.
fn text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// For the tests of the front doors: in a debug build, the rule named by `DFIX_TEST_PANIC`
/// panics on a file that contains `dfix-test-panic`.
#[cfg(debug_assertions)]
pub fn test_panic(rule: &str, src: &str) {
    static RULE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let wanted = RULE.get_or_init(|| std::env::var("DFIX_TEST_PANIC").ok());
    if wanted.as_deref() == Some(rule) && src.contains("dfix-test-panic") {
        panic!("the test panic of {rule}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_panic_names_the_rule() {
        let payload = catch_unwind(|| in_rule("some-rule", || panic!("index out of bounds"))).unwrap_err();
        assert_eq!(
            message(&*payload),
            "internal error in rule `some-rule`: index out of bounds"
        );
        let payload = catch_unwind(|| in_rule("r", || std::panic::panic_any(7))).unwrap_err();
        assert_eq!(
            message(&*payload),
            "internal error in rule `r`: a panic without a message"
        );
        let payload = catch_unwind(|| panic!("elsewhere")).unwrap_err();
        assert_eq!(message(&*payload), "internal error: elsewhere");
        in_rule("fine", || ());
    }
}
