# An Azure ML v1 entry script that finds its models the v1 way, unchanged:
# Model.get_model_path(name). The names come from KILN_TEST_MODEL_NAMES; run()
# answers where each was found, what it holds, and which azureml.core.model
# resolved it (azureml-core's own, or kiln-serve's stand-in).
import os

import azureml.core.model
from azureml.core.model import Model


def init():
    global found
    found = {}
    for name in os.environ["KILN_TEST_MODEL_NAMES"].split(","):
        path = Model.get_model_path(name)
        with open(path, encoding="utf-8") as f:
            found[name] = {"path": path, "content": f.read().strip()}


def run(raw_data):
    implementation = "kiln-serve" if azureml.core.model.__file__.startswith("<kiln-serve>") else "azureml-core"
    return {"models": found, "azureml.core.model": implementation,
            "AZUREML_MODEL_DIR": os.environ.get("AZUREML_MODEL_DIR")}
