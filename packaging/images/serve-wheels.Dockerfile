# kiln-serve-wheels (RenderOptions::serve_wheels_image): one wheel per CPython
# ABI under /wheels, copied into builds on custom base images with COPY --from.
# No base (nothing runs in it), so no BASE argument and no user.
#
# Context (packaging/images/build.sh stages it): wheels/kiln_serve-*.whl
FROM scratch
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kiln-serve-wheels" \
      org.opencontainers.image.description="kiln-serve wheels, one per CPython ABI, under /wheels" \
      org.opencontainers.image.source="https://github.com/kiln-dev/kiln" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY wheels/ /wheels/
