# loopcast service image. Build stage: the same scripts the README uses. Runtime: Debian 12 slim
# with only the shared libraries the binary links.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN LOOPCAST_DEPS=build bash scripts/install-deps.sh \
 && bash scripts/build.sh -DLOOPCAST_TESTS=OFF \
 && strip build/loopcast

FROM debian:12-slim
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      libavformat59 libavcodec59 libavutil57 libswresample4 libswscale6 libavfilter8 libebur128-1 fonts-dejavu-core \
      libfmt9 libsystemd0 libssl3 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home loopcast \
 && mkdir -p /var/run/stream /loops && chown loopcast /var/run/stream /loops
COPY --from=build /src/build/loopcast /usr/local/bin/loopcast
COPY assets/loops/ /usr/share/loopcast/loops/
COPY assets/config.example.json /etc/loopcast/config.example.json
USER loopcast
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/api/v1/status >/dev/null || exit 1
# Stream key, API token and webhook credentials come from the environment (see compose.yaml).
ENTRYPOINT ["/usr/local/bin/loopcast", "run"]
CMD ["--http-bind", "0.0.0.0", "--http-port", "8080", "--control-dir", "/var/run/stream", \
     "--loops-dir", "/loops"]
