# syntax=docker/dockerfile:1
# dfix as an image, for CI systems that run containers:
#   docker build -t dfix .
#   docker run --rm -v "$PWD:/src" -w /src dfix [OPTIONS] [PATH]...
# The version names no commit (the context has no .git): pass --build-arg DFIX_COMMIT=<sha>.

FROM rust:1.90-bookworm AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY rules rules
ARG DFIX_COMMIT
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    cargo build --locked --profile dist --bin dfix \
 && cp target/dist/dfix /usr/local/bin/dfix

FROM debian:bookworm-slim
COPY --link --from=build /usr/local/bin/dfix /usr/local/bin/dfix
# a command-line tool: nothing to probe
HEALTHCHECK NONE
USER 65534:65534
ENTRYPOINT ["/usr/local/bin/dfix"]
