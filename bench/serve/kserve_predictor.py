"""KServe's Python ModelServer with a custom predictor serving the benchmark's
model (the diabetes Ridge regression) in KServe's v1 protocol:
POST /v1/models/diabetes:predict {"instances": [[...10 numbers...], ...]}.

usage: kserve_predictor.py MODEL_DIR HTTP_PORT   (one uvicorn worker, no gRPC)
"""

import os
import sys

import joblib
import numpy as np
from kserve import Model, ModelServer


class Diabetes(Model):
    def __init__(self, name, model_dir):
        super().__init__(name)
        self.model_dir = model_dir
        self.model = None
        self.load()

    def load(self):
        self.model = joblib.load(os.path.join(self.model_dir, "sklearn_regression_model.pkl"))
        self.ready = True
        return self.ready

    def predict(self, payload, headers=None, response_headers=None):
        return {"predictions": self.model.predict(np.array(payload["instances"])).tolist()}


if __name__ == "__main__":
    model_dir, port = sys.argv[1], int(sys.argv[2])
    ModelServer(http_port=port, workers=1, enable_grpc=False).start([Diabetes("diabetes", model_dir)])
