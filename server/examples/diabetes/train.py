"""Trains the sample model served by kiln-serve's demo, tests and benchmark.

A scikit-learn Ridge regression on the diabetes data set that ships with
scikit-learn (no download), pickled with joblib under the name the Azure ML
samples use. Optionally also exports it to ONNX (skl2onnx) and writes the
model's own answers to the seeds' example request, so tests can compare what
the server returns with what the model says when called directly.

usage: train.py OUT_DIR [--onnx] [--expected FILE]
"""

import argparse
import json
import os

import joblib
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge

# The request of the seeds (Azure ML's "deploy a model" documentation).
SEED_REQUEST = {"data": [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--onnx", action="store_true", help="also write model.onnx")
    parser.add_argument("--expected", help="write the model's answers to the seeds' request here")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)

    x, y = load_diabetes(return_X_y=True)
    model = Ridge(alpha=0.1).fit(x, y)
    joblib.dump(model, os.path.join(args.out_dir, "sklearn_regression_model.pkl"))
    expected = {"sklearn": model.predict(np.array(SEED_REQUEST["data"])).tolist()}

    if args.onnx:
        from skl2onnx import to_onnx

        onx = to_onnx(model, x[:1].astype(np.float32), target_opset=17)
        with open(os.path.join(args.out_dir, "model.onnx"), "wb") as f:
            f.write(onx.SerializeToString())
        import onnxruntime as ort

        sess = ort.InferenceSession(os.path.join(args.out_dir, "model.onnx"),
                                    providers=["CPUExecutionProvider"])
        feed = {sess.get_inputs()[0].name: np.array(SEED_REQUEST["data"], dtype=np.float32)}
        expected["onnx"] = sess.run(None, feed)[0].ravel().tolist()

    if args.expected:
        with open(args.expected, "w") as f:
            json.dump(expected, f)
    print(f"train: wrote the model to {args.out_dir}")


if __name__ == "__main__":
    main()
