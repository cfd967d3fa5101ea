//! How linting scales with the size of one Dockerfile: generated files of 200, 800 and 3,200
//! RUNs in one stage (apt-get, pip and npm in each, ENV/ARG/USER lines between them), and one
//! RUN of 2,500 to 20,000 `apt-get install` commands on continuation lines, each linted with
//! every rule (`--select ALL --preview`) through `dfix::lint`. Linear cost means a ratio near 4
//! for 4× the input.
//!
//! `cargo bench --bench scale [-- REPEAT]`: each case is linted REPEAT times (default 3) in a
//! child process and the fastest time is reported. A lint that takes longer than 60 s is not
//! repeated; a case still running after 60 s × REPEAT is stopped ("> 60 s"), and the larger
//! cases of its series are skipped.

#![allow(clippy::print_stdout)] // a benchmark reports on standard output

use dfix::settings::{Selection, Settings};
use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CAP: Duration = Duration::from_secs(60);

type Make = fn(usize) -> String;
const SERIES: [(&str, &str, &[usize], Make); 2] = [
    ("runs", "RUNs (apt-get, pip, npm)", &[200, 800, 3_200], many_runs),
    (
        "apt",
        "apt-get installs in one RUN",
        &[2_500, 5_000, 10_000, 20_000],
        one_long_run,
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, kind, n, repeat] = &args[..]
        && flag == "--case"
    {
        return case(kind, n.parse().expect("a size"), repeat.parse().expect("a count"));
    }
    let repeat = args.iter().find_map(|a| a.parse::<usize>().ok()).unwrap_or(3);
    println!("{:<36} {:>8} {:>10} {:>10}", "case", "bytes", "time", "ratio (4×)");
    for (kind, what, sizes, make) in SERIES {
        let mut times: Vec<(usize, f64)> = Vec::new();
        let mut capped = false;
        for &n in sizes {
            let label = format!("{n} {what}");
            let bytes = make(n).len();
            if capped {
                println!("{label:<36} {bytes:>8} {:>10}", "skipped");
                continue;
            }
            let Some((secs, findings)) = measure(kind, n, repeat) else {
                println!("{label:<36} {bytes:>8} {:>10}", "> 60 s");
                capped = true;
                continue;
            };
            let ratio = times
                .iter()
                .find(|(m, _)| m * 4 == n)
                .map_or(String::new(), |(_, t)| format!("{:.1}×", secs / t));
            println!(
                "{label:<36} {bytes:>8} {:>10} {ratio:>10}   ({findings} findings)",
                format!("{secs:.3} s")
            );
            times.push((n, secs));
        }
    }
}

/// Runs one case in a child process, stopped after [`CAP`]: the fastest time in seconds and the
/// number of findings.
fn measure(kind: &str, n: usize, repeat: usize) -> Option<(f64, usize)> {
    let exe = std::env::current_exe().expect("the benchmark's path");
    let mut child = Command::new(exe)
        .args(["--case", kind, &n.to_string(), &repeat.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the benchmark runs itself");
    let start = Instant::now();
    while child.try_wait().expect("the child is waited for").is_none() {
        if start.elapsed() > CAP * u32::try_from(repeat).unwrap_or(1) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("the child's output");
    let text = String::from_utf8_lossy(&out.stdout);
    let (secs, findings) = text.trim().split_once(' ')?;
    Some((secs.parse().ok()?, findings.parse().ok()?))
}

/// In the child: lints the case `repeat` times (fewer once one takes longer than [`CAP`]) and
/// prints the fastest time and the number of findings.
fn case(kind: &str, n: usize, repeat: usize) {
    let settings = Settings::from_selection(&Selection {
        select: Some(vec!["ALL".into()]),
        preview: Some(true),
        ..Selection::default()
    })
    .expect("ALL is a selection");
    let make = SERIES.iter().find(|s| s.0 == kind).expect("a known series").3;
    let text = make(n);
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..repeat {
        let start = Instant::now();
        findings = dfix::lint(&text, &settings).len();
        best = best.min(start.elapsed());
        if best > CAP {
            break;
        }
    }
    println!("{} {findings}", best.as_secs_f64());
}

/// One stage of `runs` RUNs, each with apt-get, pip and npm; every tenth is preceded by ENV,
/// ARG and USER lines.
fn many_runs(runs: usize) -> String {
    let mut s = String::from("# syntax=docker/dockerfile:1\nARG BASE=debian:bookworm\nFROM ${BASE} AS build\n");
    for i in 0..runs {
        if i % 10 == 0 {
            let _ = writeln!(s, "ENV APP_HOME=/srv/app{i} PATH=/srv/app{i}/bin:$PATH");
            let _ = writeln!(s, "ARG VERSION_{i}=1.{i}");
            let user = if i % 20 == 0 { "root" } else { "1000:1000" };
            let _ = writeln!(s, "USER {user}");
        }
        let _ = writeln!(
            s,
            "RUN apt-get update && apt-get install -y curl pkg{i} && \\\n    pip install requests==2.{i} && \\\n    npm install left-pad@1.{i}"
        );
    }
    s
}

/// One RUN of `n` `apt-get install -y pkgN` commands joined by ` && \` continuation lines.
fn one_long_run(n: usize) -> String {
    let mut s = String::from("FROM debian:bookworm\nRUN apt-get update");
    for i in 0..n {
        let _ = write!(s, " && \\\n    apt-get install -y pkg{i}");
    }
    s.push('\n');
    s
}
