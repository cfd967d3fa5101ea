//! Maven and Gradle.

use super::*;

/// `mvn …`, `./mvnw …`: the local repository (`-Dmaven.repo.local`, else `~/.m2/repository`).
pub(super) fn maven<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if !matches!(basename(word(words, 0)?), "mvn" | "mvnw") {
        return None;
    }
    if words.len() < 2
        || words[1..]
            .iter()
            .any(|w| matches!(w.value.as_deref(), Some("-v" | "--version" | "-h" | "--help")))
    {
        return None;
    }
    // offline builds resolve from the repository the image already has: a mount would hide it
    if call_offline(words, &["-o", "--offline"]) {
        return None;
    }
    let mut call = Call {
        tool: Tool::Maven,
        cmd: env.cmd,
        words,
        sub: 0,
        dirs: None,
        cache_off: false,
    };
    let local = words
        .iter()
        .find_map(|w| w.value.as_deref()?.strip_prefix("-Dmaven.repo.local="));
    // a settings file may name another `localRepository` (the maven image's
    // `settings-docker.xml` does)
    let settings = words.iter().any(|w| {
        w.value.as_deref().is_some_and(|v| {
            matches!(v, "-s" | "--settings" | "-gs" | "--global-settings")
                || v.starts_with("--settings=")
                || v.starts_with("--global-settings=")
        })
    });
    call.dirs = match local {
        Some(d) => env.scope.absolute(d),
        None if settings => None,
        None => match (
            env.java_property("MAVEN_OPTS", "maven.repo.local"),
            env.java_property("MAVEN_ARGS", "maven.repo.local"),
        ) {
            (Ok(Some(d)), _) | (Ok(None), Ok(Some(d))) => env.scope.absolute(&d),
            // `${user.home}/.m2/repository`: the JVM's `user.home`, not `HOME`
            (Ok(None), Ok(None)) => env.passwd_home().map(|h| join(&h, ".m2/repository")),
            _ => None,
        },
    }
    .map(|d| dirs([d], false));
    Some(call)
}

/// `gradle …`, `./gradlew …`: `$GRADLE_USER_HOME/caches`.
pub(super) fn gradle<'a>(env: &Env<'a, '_>, words: &'a [Word]) -> Option<Call<'a>> {
    if !matches!(basename(word(words, 0)?), "gradle" | "gradlew") || words.len() < 2 {
        return None;
    }
    if words[1..]
        .iter()
        .any(|w| matches!(w.value.as_deref(), Some("-v" | "--version" | "-h" | "--help")))
    {
        return None;
    }
    let mut call = Call {
        tool: Tool::Gradle,
        cmd: env.cmd,
        words,
        sub: 0,
        dirs: None,
        cache_off: false,
    };
    if call_offline(words, &["--offline"]) {
        return None;
    }
    // `-g`, then `GRADLE_USER_HOME`, then `-Dgradle.user.home` in `GRADLE_OPTS`, then
    // `${user.home}/.gradle` (the JVM's `user.home`, not `HOME`)
    call.dirs = match call.option(&["--gradle-user-home", "-g"]) {
        Some(d) => env.scope.absolute(d),
        None => env.dir_or("GRADLE_USER_HOME", || {
            match env.java_property("GRADLE_OPTS", "gradle.user.home") {
                Ok(Some(d)) => env.scope.absolute(&d),
                Ok(None) => env.passwd_home().map(|h| join(&h, ".gradle")),
                Err(()) => None,
            }
        }),
    }
    .map(|d| dirs([join(&d, "caches")], true));
    Some(call)
}
