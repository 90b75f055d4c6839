# An ONNX model through onnxruntime, in the seeds' score.py shape.
import json
import os

import numpy as np
import onnxruntime as ort


def init():
    global session, input_name
    path = os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model.onnx")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name


def run(raw_data):
    data = np.array(json.loads(raw_data)["data"], dtype=np.float32)
    result = session.run(None, {input_name: data})[0]
    return result.ravel().tolist()
