use super::labels::{LABELS, check_values};
use super::{Context, Family, FixAvailability, RuleMeta, Status};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    name: "label-value-not-rfc3339",
    family: Family::Metadata,
    severity: Severity::Warning,
    breaks_build: false,
    fix: FixAvailability::None,
    status: Status::Stable,
    sources: &["DL3053"],
    related: &[],
    summary: "a label the configuration lists as a time whose value is not an RFC 3339 date-time",
    options: &[LABELS],
    fix_priority: 925,
    after_suppressions: false,
    doc: include_str!("../../../rules/label-value-not-rfc3339.md"),
};

pub fn check(ctx: &mut Context) {
    check_values(ctx, valid, "an RFC 3339 date-time");
}

/// RFC 3339's `date-time` (section 5.6): `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, with a day
/// that exists in that month (section 5.7), a leap second `60` allowed, and `t`/`z` in
/// lowercase as the RFC's note permits.
fn valid(v: &str) -> bool {
    let b = v.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = b.get(r)?;
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19))
    else {
        return false;
    };
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":")) {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut i = 19;
    if at(i, b".") {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += 1 + digits;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && at(i + 3, b":") && num(i + 1..i + 3).is_some_and(|h| h <= 23)
                && num(i + 4..i + 6).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn date_times() {
        for ok in [
            "2021-03-10T10:26:33Z",
            "2021-03-10T10:26:33.564595127+01:00",
            "2021-03-10t10:26:33z",
            "2024-02-29T00:00:00-05:30",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(valid(ok), "{ok}");
        }
        for bad in [
            "",
            "not-date",
            "2021-03-10",
            "2021-03-10 10:26:33Z",
            "2021-03-10T10:26:33",
            "2021-03-10T10:26:33+0100",
            "2021-03-10T10:26:33.Z",
            "2021-13-10T10:26:33Z",
            "2023-02-29T10:26:33Z",
            "2021-03-10T24:00:00Z",
            "2021-03-10T10:26:33+24:00",
            "2021-03-10T10:26:33Z ",
            "2021-3-10T10:26:33Z",
        ] {
            assert!(!valid(bad), "{bad}");
        }
    }
}
