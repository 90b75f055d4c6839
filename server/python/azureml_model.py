"""kiln-serve's stand-in for `azureml.core.model`, compiled into the binary
and installed only when the real azureml-core is not importable, so that a v1
entry script's

    from azureml.core.model import Model
    path = Model.get_model_path("mymodel")

works unchanged. It finds a model where azureml-core finds it inside a
serving container (no workspace, no run context):

    $AML_APP_ROOT/azureml-models/<name>/<version>/<the one file or folder>

with the highest version when none is asked for, else `./<name>` in the
working directory; a version folder holding more than one entry is an error,
as in azureml-core. Kiln places the models there: one model has
AZUREML_MODEL_DIR = .../azureml-models/<name>/<version>, several have
AZUREML_MODEL_DIR = .../azureml-models.
"""

import logging
import os

_log = logging.getLogger("azureml.core.model")

# Read once, when the module is first set up, as azureml-core does.
MODELS_DIR = os.path.join(os.environ.get("AML_APP_ROOT", ""), "azureml-models")


class WebserviceException(Exception):
    """azureml.exceptions.WebserviceException: `.message` holds the text."""

    def __init__(self, exception_message, status_code=None, logger=None):
        super().__init__(exception_message)
        self.message = exception_message
        self.status_code = status_code


class ModelNotFoundException(WebserviceException):
    """No model of that name (and version) on disk."""


class Model:
    """Only the part of azureml-core's Model a scoring script uses."""

    def __init__(self, workspace=None, name=None, *args, **kwargs):
        raise WebserviceException(
            "Model(workspace, ...) needs azureml-core and an Azure ML workspace; in kiln-serve a "
            "scoring script finds its model with Model.get_model_path(name) or AZUREML_MODEL_DIR")

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        """The path of the model's file (or folder) on disk."""
        if version is not None and not isinstance(version, int):
            raise WebserviceException("version should be an int")
        if _workspace is not None:
            raise WebserviceException("Model.get_model_path(_workspace=...) needs azureml-core; "
                                      "kiln-serve resolves models on disk only")
        if version is None:
            return Model._local_path(model_name, None)
        try:
            return Model._local_path(model_name, version)
        except ModelNotFoundException as ex:
            raise WebserviceException(ex.message) from None

    @staticmethod
    def _local_path(model_name, version):
        if model_name is None:
            raise WebserviceException("model_name is None")
        name_dir = os.path.join(MODELS_DIR, model_name)
        if not os.path.exists(name_dir):
            return Model._from_working_directory(model_name)
        if version is None:
            versions = os.listdir(name_dir)
            if not versions:
                raise WebserviceException("versions is empty")
            version = max(int(v) for v in versions)
        version_dir = os.path.join(name_dir, str(version))
        if not os.path.exists(version_dir):
            return Model._from_working_directory(model_name)
        entries = os.listdir(version_dir)
        if len(entries) != 1:
            raise WebserviceException(f"Dir {version_dir} can contain only 1 file or folder. Found {entries}")
        path = os.path.join(version_dir, entries[0])
        _log.debug("Found model path at %s", path)
        return path

    @staticmethod
    def _from_working_directory(model_name):
        if os.path.exists(model_name):
            return model_name
        raise ModelNotFoundException(
            f"Model {model_name} not found in cache at {MODELS_DIR} or in current working directory "
            f"{os.getcwd()}. For more info, set logging level to DEBUG.")
