# kiln-runtime: Kiln's default runtime image (RenderOptions::default_base_image,
# kiln-operator --runtime-image). Debian's CPython 3.11 with a virtualenv at
# /opt/kiln/env (Debian's Python is externally managed, PEP 668) owned by the
# non-root user kiln (65532), so an Environment's `pip install` into it runs
# as that user; kiln-serve installed for it from the cp311 wheel.
#
# Context (packaging/images/build.sh stages it):
#   wheels/kiln_serve-*-cp311-*.whl   packaging/wheels/build_wheels.sh 3.11
#   install_serve.py                  reconcilers/environment/files/install_serve.py
#   debs/libpython3.11_*.deb          for a base that already has python3-venv but
#                                     reaches no mirror (the real node's Debian base)
ARG BASE=debian:bookworm-20241223-slim
FROM ${BASE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="kiln-runtime" \
      org.opencontainers.image.description="Debian CPython 3.11, virtualenv /opt/kiln/env, kiln-serve" \
      org.opencontainers.image.source="https://github.com/kiln-dev/kiln" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY debs/ /opt/kiln/debs/
# A base with python3-venv (the real node's) gets libpython3.11 from the context;
# any other Debian base installs the three packages from its mirror.
RUN set -e; \
    if python3 -c 'import venv, ensurepip' 2>/dev/null; then \
      for deb in /opt/kiln/debs/*.deb; do dpkg-deb -x "$deb" /; done; ldconfig; \
    else \
      apt-get update; \
      apt-get install -y --no-install-recommends python3 python3-venv libpython3.11; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    rm -rf /opt/kiln/debs; \
    echo 'kiln:x:65532:65532:kiln:/home/kiln:/usr/sbin/nologin' >>/etc/passwd; \
    echo 'kiln:x:65532:' >>/etc/group; \
    mkdir -p /home/kiln /var/azureml-app; chown 65532:65532 /home/kiln
COPY wheels/ /opt/kiln/wheels/
COPY install_serve.py /opt/kiln/context/install_serve.py
RUN python3 -m venv /opt/kiln/env \
 && /opt/kiln/env/bin/python /opt/kiln/context/install_serve.py /opt/kiln/wheels /opt/kiln/serve /opt/kiln/bin/kiln-serve \
 && rm -rf /opt/kiln/wheels \
 && chown -R 65532:65532 /opt/kiln/env
ENV VIRTUAL_ENV=/opt/kiln/env
ENV PATH=/opt/kiln/env/bin:$PATH
ENV AML_APP_ROOT="/var/azureml-app"
WORKDIR /var/azureml-app
USER 65532:65532
EXPOSE 5001
CMD ["/opt/kiln/bin/kiln-serve"]
