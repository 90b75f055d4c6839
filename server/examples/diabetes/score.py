# The entry script of the seeds (Azure ML v1 "deploy a model"), unchanged in
# shape: init() loads the pickled model into a global, run() takes the raw
# JSON string and returns a JSON-serialisable list.
import json
import os

import joblib
import numpy as np


def init():
    global model
    # AZUREML_MODEL_DIR is the folder the model was copied into.
    model_path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "sklearn_regression_model.pkl")
    model = joblib.load(model_path)


def run(raw_data):
    data = np.array(json.loads(raw_data)["data"])
    result = model.predict(data)
    return result.tolist()
