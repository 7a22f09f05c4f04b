FROM rust:1.78.0-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
RUN cargo fetch
COPY src ./src
RUN cargo build --release --locked

FROM debian:12.5-slim
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --no-create-home app
COPY --from=build /src/target/release/app /usr/local/bin/app
USER 10001
ENTRYPOINT ["/usr/local/bin/app"]
