//! What several rules say or write the same way.

/// Why a finding in an `ONBUILD RUN` has no fix.
pub const ONBUILD_NO_FIX: &str = "the RUN is an ONBUILD trigger: it runs in a child build, which dfix does not see";

/// Why a mount for a non-root user has no fix.
pub fn unknown_uid(user: &str) -> String {
    format!("the uid of user `{user}` could not be determined (from `USER` or an earlier `useradd -u`)")
}

/// The RUN the apt rules' alternative fix inserts: what BuildKit's reference shows for caching
/// apt.
pub const KEEP_PACKAGES: &str = "RUN rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache";
