# Kiln's default runtime image (RenderOptions::default_base_image): Debian with
# CPython 3.11 and a virtualenv at /opt/kiln/env (Debian's Python is externally
# managed, PEP 668), kiln-serve installed for it. Environments without a
# baseImage build FROM it and pip-install their packages into /opt/kiln/env.
#
#   docker build -f packaging/images/runtime.Dockerfile --build-context wheels=build-wheels/dist .
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv libpython3.11 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=wheels kiln_serve-*-cp311-*.whl /opt/kiln/wheels/
COPY reconcilers/environment/files/install_serve.py /opt/kiln/context/install_serve.py
RUN python3 -m venv /opt/kiln/env \
 && /opt/kiln/env/bin/python /opt/kiln/context/install_serve.py /opt/kiln/wheels /opt/kiln/serve /opt/kiln/bin/kiln-serve \
 && rm -rf /opt/kiln/wheels
ENV VIRTUAL_ENV=/opt/kiln/env
ENV PATH=/opt/kiln/env/bin:$PATH
ENV AML_APP_ROOT="/var/azureml-app"
WORKDIR /var/azureml-app
EXPOSE 5001
CMD ["/opt/kiln/bin/kiln-serve"]
