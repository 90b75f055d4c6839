# kiln-fetch: Kiln's model fetcher (registration Jobs, init-container delivery).
# Runs as the non-root user 65532 and needs nothing but its binary and the
# shared libraries it links (the base's glibc aside).
#
# Context (packaging/images/build.sh stages it):
#   kiln-fetch    the normal build's binary, stripped
#   lib/    the shared libraries it links besides glibc (from the build host)
ARG BASE=debian:bookworm-20241223-slim
FROM ${BASE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kiln-fetch" \
      org.opencontainers.image.description="Kiln's model fetcher (registration Jobs, init-container delivery)" \
      org.opencontainers.image.source="https://github.com/kiln-dev/kiln" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY lib/ /opt/kiln/lib/
COPY kiln-fetch /usr/local/bin/kiln-fetch
ENV LD_LIBRARY_PATH=/opt/kiln/lib
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/kiln-fetch"]
