# The kiln-serve wheels image (RenderOptions::serve_wheels_image): one wheel per
# CPython ABI under /wheels, copied into builds with COPY --from.
#
#   packaging/wheels/build_wheels.sh && docker build -f packaging/images/wheels.Dockerfile build-wheels/dist
FROM scratch
COPY kiln_serve-*.whl /wheels/
