//! The package-manager table against real command lines.

use super::*;
use crate::semantic::commands::commands;
use crate::semantic::scope::scope_at;
use crate::syntax::parse;

/// The tool and cache directories of each call in the last RUN.
fn detect(src: &str) -> Vec<(String, Option<Vec<String>>, bool)> {
    let m = parse(src);
    let i = m.instructions.len() - 1;
    let scope = scope_at(&m, i);
    let all = commands(&m.instructions[i]);
    let file = Source::new(src);
    calls(&file, &all, &scope)
        .iter()
        .map(|c| {
            (
                c.tool.to_string(),
                c.dirs.as_ref().map(|d| d.iter().map(|x| x.path.clone()).collect()),
                c.cache_off,
            )
        })
        .collect()
}

fn one(src: &str) -> (String, Option<Vec<String>>, bool) {
    let mut v = detect(src);
    assert_eq!(v.len(), 1, "{src}: {v:?}");
    v.remove(0)
}

fn d(paths: &[&str]) -> Option<Vec<String>> {
    Some(paths.iter().map(|s| s.to_string()).collect())
}

#[test]
fn python_tools() {
    assert_eq!(one("FROM a\nRUN pip3 -q install x\n").1, d(&["/root/.cache/pip"]));
    assert!(one("FROM a\nRUN pip install --no-cache-dir x\n").2);
    assert!(one("FROM a\nRUN pip install --no-cache x\n").2);
    assert!(!one("FROM a\nRUN PIP_NO_CACHE_DIR= pip install x\n").2);
    assert!(!one("FROM a\nRUN pip install --no-color x\n").2);
    assert_eq!(
        one("FROM a\nRUN uv pip install x\n"),
        ("uv".into(), d(&["/root/.cache/uv"]), false)
    );
    assert_eq!(
        one("FROM a\nENV UV_CACHE_DIR=/uvc\nRUN uv sync --frozen\n").1,
        d(&["/uvc"])
    );
    assert!(one("FROM a\nRUN uv sync --no-cache\n").2);
    assert!(!one("FROM a\nENV UV_NO_CACHE=0\nRUN uv sync\n").2);
    assert!(detect("FROM a\nRUN uv venv && uv --version\n").is_empty());
    assert!(detect("FROM a\nRUN uv run --no-sync pytest\n").is_empty());
    assert_eq!(
        one("FROM a\nRUN poetry install --no-root\n").1,
        d(&["/root/.cache/pypoetry/cache", "/root/.cache/pypoetry/artifacts"])
    );
    assert_eq!(
        one("FROM a\nRUN pipenv install --system\n").1,
        d(&["/root/.cache/pipenv"])
    );
    assert_eq!(
        one("FROM a\nRUN conda install -y numpy && conda clean -afy\n"),
        ("conda".into(), None, true)
    );
}

#[test]
fn os_tools() {
    assert_eq!(
        one("FROM a\nRUN apt-get update && apt-get install -y curl\n"),
        ("apt".into(), d(&["/var/cache/apt", "/var/lib/apt"]), false)
    );
    assert!(one("FROM a\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n").2);
    assert!(detect("FROM a\nRUN apt-get update\n").is_empty());
    assert_eq!(
        one("FROM a\nRUN apk add --no-cache curl\n"),
        ("apk".into(), d(&["/var/cache/apk"]), true)
    );
    assert_eq!(
        one("FROM a\nRUN dnf -y install x && dnf clean all\n"),
        ("dnf".into(), d(&["/var/cache/dnf"]), true)
    );
    assert_eq!(one("FROM a\nRUN dnf5 install -y x\n").1, d(&["/var/cache/libdnf5"]));
    // `yum` is yum 3 or dnf depending on the base; `dnf` is dnf5 from Fedora 41 on
    assert_eq!(one("FROM a\nRUN yum install -y x\n").1, None);
    assert_eq!(one("FROM centos:7\nRUN yum install -y x\n").1, d(&["/var/cache/yum"]));
    assert_eq!(
        one("FROM amazonlinux:2\nRUN yum install -y x\n").1,
        d(&["/var/cache/yum"])
    );
    assert_eq!(
        one("FROM registry.access.redhat.com/ubi8/ubi:8.9\nRUN yum install -y x\n").1,
        d(&["/var/cache/dnf"])
    );
    assert_eq!(
        one("FROM rockylinux:9\nRUN yum install -y x\n").1,
        d(&["/var/cache/dnf"])
    );
    assert_eq!(one("FROM fedora\nRUN dnf install -y x\n").1, d(&["/var/cache/libdnf5"]));
    assert_eq!(one("FROM fedora:40\nRUN dnf install -y x\n").1, d(&["/var/cache/dnf"]));
    assert_eq!(
        one("FROM fedora:42\nRUN dnf-3 install -y x\n").1,
        d(&["/var/cache/dnf"])
    );
    assert!(detect("FROM a\nRUN apk add --no-network .rundeps\n").is_empty());
    assert!(one("FROM a\nRUN apk add x && rm -rf /var/cache/apk/*\n").2);
    assert!(one("FROM a\nRUN apt-get install -y x && rm -rf /var/lib/apt\n").2);
    assert!(!one("FROM a\nRUN apt-get install -y x && rm -rf /var/lib/apt-lists/*\n").2);
    assert_eq!(
        one("FROM a\nRUN zypper --non-interactive in x && zypper cc -a\n"),
        ("zypper".into(), d(&["/var/cache/zypp"]), true)
    );
}

#[test]
fn language_tools() {
    assert_eq!(one("FROM a\nRUN npm ci\n").1, d(&["/root/.npm"]));
    assert_eq!(
        one("FROM a\nUSER node\nRUN npm install --cache /tmp/npm\n").1,
        d(&["/tmp/npm"])
    );
    assert_eq!(
        one("FROM a\nRUN yarn install --frozen-lockfile\n").1,
        d(&["/usr/local/share/.cache/yarn"])
    );
    assert_eq!(one("FROM a\nRUN yarn\n").1, d(&["/usr/local/share/.cache/yarn"]));
    assert_eq!(
        one("FROM a\nUSER node\nRUN yarn install\n").1,
        d(&["/home/node/.cache/yarn"])
    );
    assert_eq!(
        one("FROM a\nRUN corepack prepare yarn@4.1.0 --activate && yarn install\n").1,
        d(&["/root/.yarn/berry/cache"])
    );
    assert_eq!(
        one("FROM a\nCOPY .yarnrc.yml ./\nENV YARN_ENABLE_GLOBAL_CACHE=false\nRUN yarn install\n").1,
        None
    );
    assert_eq!(one("FROM a\nENV XDG_CACHE_HOME=/xdg\nRUN yarn\n").1, d(&["/xdg/yarn"]));
    assert!(detect("FROM a\nRUN yarn --version && yarn install --offline\n").is_empty());
    assert!(one("FROM a\nRUN yarn install && rm -rf \"$(yarn cache dir)\"\n").2);
    assert!(one("FROM a\nRUN npm ci && rm -rf ~/.npm\n").2);
    assert!(detect("FROM a\nRUN npm ci --offline\n").is_empty());
    assert_eq!(
        one("FROM a\nUSER 1000\nENV XDG_DATA_HOME=/data\nRUN pnpm install\n").1,
        d(&["/data/pnpm/store"])
    );
    assert_eq!(one("FROM a\nRUN pnpm i\n").1, d(&["/root/.local/share/pnpm/store"]));
    assert_eq!(
        one("ARG GO=1.23\nFROM golang:${GO}-alpine\nRUN go build -mod=vendor .\n").1,
        d(&["/root/.cache/go-build"])
    );
    assert!(detect("FROM rust\nRUN cargo build --frozen\n").is_empty());
    assert!(detect("FROM rust\nRUN cargo chef prepare --recipe-path r.json\n").is_empty());
    assert_eq!(
        one("FROM rust\nRUN cargo chef cook --release\n").1,
        d(&["/usr/local/cargo/registry", "/usr/local/cargo/git/db"])
    );
    assert!(detect("FROM a\nRUN mvn -o package\n").is_empty());
    assert_eq!(one("FROM a\nRUN mvn -s settings.xml package\n").1, None);
    assert_eq!(
        one("FROM a\nENV MAVEN_OPTS=\"-Xmx1g -Dmaven.repo.local=/m2\"\nRUN mvn package\n").1,
        d(&["/m2"])
    );
    // the JVM's `user.home` comes from passwd, not `HOME`
    assert_eq!(
        one("FROM a\nENV HOME=/app\nRUN mvn package\n").1,
        d(&["/root/.m2/repository"])
    );
    assert_eq!(
        one("FROM a\nENV GRADLE_OPTS=-Dgradle.user.home=/gh\nRUN gradle build\n").1,
        d(&["/gh/caches"])
    );
    assert_eq!(one("FROM composer:2\nRUN composer install\n").1, d(&["/tmp/cache"]));
    assert!(one("FROM a\nRUN composer install --no-cache\n").2);
    assert_eq!(
        one("FROM a\nENV PNPM_HOME=/pnpm\nRUN pnpm install --frozen-lockfile\n").1,
        d(&["/pnpm/store"])
    );
    assert_eq!(
        one("FROM golang:1.23\nRUN go build ./...\n").1,
        d(&["/root/.cache/go-build", "/go/pkg/mod"])
    );
    assert_eq!(one("FROM golang:1.23\nRUN go mod download\n").1, d(&["/go/pkg/mod"]));
    assert_eq!(
        one("FROM debian\nRUN go test ./...\n").1,
        d(&["/root/.cache/go-build", "/root/go/pkg/mod"])
    );
    assert_eq!(
        one("FROM rust:1\nRUN cargo build --release\n").1,
        d(&["/usr/local/cargo/registry", "/usr/local/cargo/git/db"])
    );
    assert_eq!(
        one("FROM a\nRUN cargo +nightly build\n").1,
        d(&["/root/.cargo/registry", "/root/.cargo/git/db"])
    );
    assert_eq!(one("FROM a\nRUN mvn -B package\n").1, d(&["/root/.m2/repository"]));
    assert_eq!(
        one("FROM a\nRUN ./mvnw -Dmaven.repo.local=/m2 package\n").1,
        d(&["/m2"])
    );
    assert!(detect("FROM a\nRUN mvn --version\n").is_empty());
    assert_eq!(
        one("FROM a\nRUN ./gradlew build --no-daemon\n").1,
        d(&["/root/.gradle/caches"])
    );
    assert_eq!(one("FROM a\nRUN composer install\n").1, None);
    assert_eq!(one("FROM a\nRUN bundle install\n").1, None);
}

/// Every tool's default cache directories look, by name, like that tool's cache: a mount on them
/// is recognised as meant for it (`cache-mount-target-mismatch` relies on this).
#[test]
fn default_cache_dirs_look_like_their_tool() {
    let cases = [
        (Tool::Pip, "pip install x"),
        (Tool::Uv, "uv pip install x"),
        (Tool::Poetry, "poetry install"),
        (Tool::Pipenv, "pipenv install"),
        (Tool::Conda, "CONDA_PKGS_DIRS=/opt/conda/pkgs conda install -y x"),
        (Tool::Apt, "apt-get install -y x"),
        (Tool::Apk, "apk add x"),
        (Tool::Dnf, "dnf install -y x"),
        (Tool::Zypper, "zypper install -y x"),
        (Tool::Npm, "npm ci"),
        (Tool::Yarn, "yarn install"),
        (Tool::Pnpm, "pnpm install"),
        (Tool::Go, "go build ./..."),
        (Tool::Cargo, "cargo build"),
        (Tool::Maven, "mvn package"),
        (Tool::Gradle, "gradle build"),
        (
            Tool::Composer,
            "COMPOSER_CACHE_DIR=/root/.cache/composer composer install",
        ),
    ];
    for (tool, run) in cases {
        let src = format!("FROM debian\nRUN {run}\n");
        let (name, dirs, _) = one(&src);
        assert_eq!(name, tool.name(), "{run}");
        let dirs = dirs.unwrap_or_else(|| panic!("{run}: no cache directory"));
        for d in dirs {
            assert!(
                tool.looks_like_cache(&d),
                "{run}: {d} does not look like {tool}'s cache"
            );
        }
    }
    let yum = one("FROM centos:7\nRUN yum install -y x\n");
    assert!(yum.1.unwrap().iter().all(|d| Tool::Yum.looks_like_cache(d)));
    // Bundler's cache directory is never resolved (no fix); the ruby image's is `$GEM_HOME/cache`
    assert!(Tool::Bundler.looks_like_cache("/usr/local/bundle/cache"));
    // and not like another tool's
    assert!(!Tool::Conda.looks_like_cache("/root/.cache/pip"));
    assert!(!Tool::Composer.looks_like_cache("/root/.npm"));
    assert!(!Tool::Bundler.looks_like_cache("/root/.m2"));
}

/// The subcommand is found past options however they are written (argv.rs): clusters ending in
/// a value option, attached and separate values, `--opt=value`.
#[test]
fn subcommands_past_options() {
    for run in [
        "apt-get -yqo Dpkg::Options::=--force-confold install x",
        "apt-get -oAcquire::Retries=3 install x",
        "apt-get --option=Acquire::Retries=3 -y install x",
        "apt-get -t bookworm-backports install x",
    ] {
        let (tool, ..) = one(&format!("FROM debian\nRUN {run}\n"));
        assert_eq!(tool, "apt", "{run}");
    }
    assert!(detect("FROM debian\nRUN apt-get -o Acquire::Retries=3 update\n").is_empty());
    let (tool, dirs, _) = one("FROM debian\nRUN pip --cache-dir=/c --timeout 30 install x\n");
    assert_eq!((tool.as_str(), dirs), ("pip", Some(vec!["/c".to_string()])));
}

#[test]
fn pip_that_downloads_nothing() {
    for src in [
        "pip install --no-deps /dist/*.whl",
        "pip install --no-deps '/dist/a-1-py3-none-any.whl' b.whl",
        "pip install --no-index --find-links /wheels -r requirements.txt",
        "python -m pip install --no-index /src",
        "PIP_NO_INDEX=1 pip install flask",
    ] {
        assert!(detect(&format!("FROM a\nRUN {src}\n")).is_empty(), "{src}");
    }
    for src in [
        "pip install --no-deps flask",
        "pip install --no-deps /dist/a.whl requests",
        "pip install --no-deps -r requirements.txt",
        "pip install --no-deps -e /src/a.whl",
        "pip install --no-deps /src/a.tar.gz",
        "pip install --no-deps https://example.com/a-1-py3-none-any.whl",
        "pip install --no-deps $WHEEL",
        "pip install --no-index -f https://example.com/w a",
        "pip install /dist/a.whl",
        // a value is not a requirement: `--target` takes one
        "pip install --no-deps --target x.whl flask",
    ] {
        assert_eq!(one(&format!("FROM a\nRUN {src}\n")).0, "pip", "{src}");
    }
}

#[test]
fn uv_export_and_build() {
    assert!(detect("FROM a\nRUN uv export --frozen -o r.txt\n").is_empty());
    assert!(detect("FROM a\nRUN uv export --locked\n").is_empty());
    assert!(detect("FROM a\nENV UV_FROZEN=1\nRUN uv export\n").is_empty());
    assert!(detect("FROM a\nRUN uv build --no-build-isolation\n").is_empty());
    assert_eq!(one("FROM a\nRUN uv export\n").0, "uv");
    assert_eq!(
        one("FROM a\nRUN uv build --wheel\n"),
        ("uv".into(), d(&["/root/.cache/uv"]), false)
    );
}

#[test]
fn microdnf_and_xx() {
    let dnf = |src: &str| one(src).1;
    assert_eq!(
        dnf("FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar\n"),
        d(&["/var/cache/yum"])
    );
    assert_eq!(
        dnf("FROM redhat/ubi8-minimal:8.10\nRUN microdnf install -y tar\n"),
        d(&["/var/cache/yum"])
    );
    assert_eq!(
        dnf("FROM registry.fedoraproject.org/fedora-minimal:40\nRUN microdnf install tar\n"),
        d(&["/var/cache/yum"])
    );
    assert_eq!(
        dnf("FROM fedora-minimal:42\nRUN microdnf install tar\n"),
        d(&["/var/cache/libdnf5"])
    );
    assert_eq!(dnf("FROM rockylinux:9\nRUN microdnf install tar\n"), None);
    assert!(one("FROM fedora-minimal:42\nRUN microdnf install tar && microdnf clean all\n").2);
    assert_eq!(one("FROM alpine\nRUN xx-apk add gcc\n"), ("apk".into(), None, false));
    assert!(one("FROM alpine\nRUN xx-apk add --no-cache gcc\n").2);
    assert_eq!(
        one("FROM debian\nRUN xx-apt-get install -y gcc\n").1,
        d(&["/var/cache/apt", "/var/lib/apt"])
    );
    assert_eq!(one("FROM debian\nRUN xx-apt install -y gcc\n").0, "apt");
}

/// The calls of the last RUN as `Semantic` sees them (ARG defaults of command names expanded).
fn detect_run(src: &str) -> Vec<(String, Vec<Option<String>>)> {
    let m = parse(src);
    let runs = crate::semantic::commands::runs(&m, src);
    let r = runs.last().unwrap();
    let file = Source::new(src);
    calls(&file, &r.commands, &r.scope)
        .iter()
        .map(|c| (c.tool.to_string(), vec![assumed(c, src)]))
        .collect()
}

#[test]
fn command_name_from_a_variable() {
    let v = detect_run("FROM a\nARG PIP_COMMAND=\"uv pip\"\nRUN $PIP_COMMAND install flask\n");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].0, "uv");
    assert_eq!(
        v[0].1[0].as_deref(),
        Some(" (assuming `$PIP_COMMAND` is `uv pip`, the value this file gives it)")
    );
    assert_eq!(
        detect_run("FROM a\nENV PIP=pip\nRUN sudo ${PIP} install x\n")[0].0,
        "pip"
    );
    // quoted: one word, a program named `uv pip`; no default; an option inside; set by the RUN
    assert!(detect_run("FROM a\nARG P=\"uv pip\"\nRUN \"$P\" install x\n").is_empty());
    assert!(detect_run("FROM a\nARG P\nRUN $P install x\n").is_empty());
    assert!(detect_run("FROM a\nARG P=\"pip --no-cache-dir\"\nRUN $P install x\n").is_empty());
    assert!(detect_run("FROM a\nARG P=pip\nRUN P=true; $P install x\n").is_empty());
    // a plain name is not an assumption
    assert_eq!(detect_run("FROM a\nRUN pip install x\n")[0].1[0], None);
}

/// The apk link the fixes write can run again on a layer that has it (a stage built on a fixed
/// one): with a plain `ln -sf`, the second run would follow the link and create
/// `/var/cache/apk/apk`.
#[cfg(unix)]
#[test]
fn the_apk_link_is_idempotent() {
    let root = std::env::temp_dir().join(format!("dfix-apk-link-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("var/cache/apk")).unwrap();
    std::fs::create_dir_all(root.join("etc/apk")).unwrap();
    let command = system::APK_LINK
        .replace("/var/cache/apk", &root.join("var/cache/apk").display().to_string())
        .replace("/etc/apk/cache", &root.join("etc/apk/cache").display().to_string());
    for _ in 0..2 {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(&command)
            .status()
            .unwrap();
        assert!(status.success(), "{command}");
    }
    let link = std::fs::read_link(root.join("etc/apk/cache")).unwrap();
    assert_eq!(link, root.join("var/cache/apk"));
    let inside: Vec<_> = std::fs::read_dir(root.join("var/cache/apk")).unwrap().collect();
    assert!(inside.is_empty(), "{inside:?}");
    std::fs::remove_dir_all(&root).unwrap();
}
