#pragma once

// The seeds' Environments as Kiln specs (Azure ML docs, seeds 000/004 and 003).

#include "crds/environment.hpp"

namespace kiln::test {

// Seeds 000/004, inferenceconfig.json: the public ubuntu-miniconda base image with
// conda dependencies python=3.6.2 and four pip packages from conda-forge.
inline api::EnvironmentSpec seed_inferenceconfig_environment() {
  api::EnvironmentSpec spec;
  spec.base_image = "mcr.microsoft.com/azureml/o16n-sample-user-base/ubuntu-miniconda";
  api::PythonSettings python;
  python.user_managed_dependencies = false;
  python.conda_dependencies = api::CondaDependencies{
      {"conda-forge"},
      {"python=3.6.2"},
      {"azureml-defaults", "azureml-telemetry", "scikit-learn", "inference-schema[numpy-support]"}};
  spec.python = python;
  return spec;
}

// Seeds 000/004: the Dockerfile of a custom base image (Ubuntu + Miniconda).
inline const char* seed_base_dockerfile() {
  return R"(FROM ubuntu:16.04

ARG CONDA_VERSION=4.5.12
ARG PYTHON_VERSION=3.6

ENV LANG=C.UTF-8 LC_ALL=C.UTF-8
ENV PATH /opt/miniconda/bin:$PATH

RUN apt-get update --fix-missing && \
    apt-get install -y wget bzip2 && \
    apt-get clean && \
    rm -rf /var/lib/apt/lists/*

RUN wget --quiet https://repo.anaconda.com/miniconda/Miniconda3-${CONDA_VERSION}-Linux-x86_64.sh -O ~/miniconda.sh && \
    /bin/bash ~/miniconda.sh -b -p /opt/miniconda && \
    rm ~/miniconda.sh && \
    /opt/miniconda/bin/conda clean -tipsy

RUN conda install -y conda=${CONDA_VERSION} python=${PYTHON_VERSION} && \
    conda clean -aqy && \
    rm -rf /opt/miniconda/pkgs && \
    find / -type d -name __pycache__ -prune -exec rm -rf {} \;
)";
}

}  // namespace kiln::test
