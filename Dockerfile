# Portico's container image: built with Debian's Bazel from Debian's libraries, run on
# bookworm-slim with only the shared libraries the binary loads. docs/kubernetes.md has the
# manifests that run it.
#
#   docker build -t portico:dev .
#   docker run --rm -p 8000:8000 -p 8100:8100 portico:dev
#
# Default config: configs/kubernetes/image/ (as /etc/portico/); mount your own portico.conf and
# kong.yml over /etc/portico or set any key as PORTICO_<KEY>.

FROM debian:bookworm AS build

# tools/setup's build dependencies; the test and demo tools (GoogleTest, Redis, nginx, node) are
# not needed for //:portico.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        bazel-bootstrap bazel-rules-java bazel-platforms \
        libuv1-dev node-llhttp libssl-dev libprotobuf-dev protobuf-compiler \
        libgrpc++-dev protobuf-compiler-grpc libabsl-dev \
        libyaml-cpp-dev libre2-dev nlohmann-json3-dev libhiredis-dev libinih-dev libxml2-dev \
        libboost-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY WORKSPACE BUILD.bazel .bazelrc .bazelignore ./
COPY third_party third_party
COPY bazel bazel
COPY api api
COPY source source

# Offline, as tools/run builds: the WORKSPACE names only local repositories. Unsandboxed, since a
# build container may forbid the namespaces Bazel's sandbox makes. bazel-bin points into Bazel's
# output base, so the binary is copied out before the server is shut down.
RUN bazel build -c opt --spawn_strategy=local //:portico \
    && install -D -m 0755 bazel-bin/source/server/portico /out/portico \
    && bazel shutdown

FROM debian:bookworm-slim

# The packages of the libraries `ldd bazel-bin/source/server/portico` lists (their own
# dependencies, such as libicu72 and liblzma5 for libxml2, come with them), plus
# ca-certificates for upstreams and JWKS/AWS endpoints verified against the system store.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libabsl20220623 \
        libc-ares2 \
        libgrpc++1.51 \
        libgrpc29 \
        libhiredis0.14 \
        libinih1 \
        libprotobuf32 \
        libre2-9 \
        libssl3 \
        libstdc++6 \
        libuv1 \
        libxml2 \
        libyaml-cpp0.7 \
        zlib1g \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric id, so Kubernetes' runAsNonRoot can check it without a passwd lookup.
RUN groupadd --gid 10001 portico \
    && useradd --uid 10001 --gid portico --home-dir /usr/local/portico --no-create-home \
        --shell /usr/sbin/nologin portico \
    && install -d -o portico -g portico -m 0750 /usr/local/portico

COPY --from=build /out/portico /usr/local/bin/portico
COPY configs/kubernetes/image/portico.conf configs/kubernetes/image/kong.yml /etc/portico/

USER 10001:10001
WORKDIR /usr/local/portico

# proxy, admin (loopback unless admin_listen is changed), status (probes), cluster (control plane)
EXPOSE 8000 8001 8100 8005

# Portico drains on SIGTERM: it stops accepting, lets in-flight requests finish for up to
# drain_timeout, then exits 0. It runs as PID 1 and handles the signal itself.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/portico"]
CMD ["start", "-c", "/etc/portico/portico.conf"]
