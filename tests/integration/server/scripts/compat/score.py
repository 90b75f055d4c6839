# The compatibility suite's entry script: a plain run(raw_data) in the shape
# of the Azure ML samples (the try/except that returns {"error": ...}), which
# also returns whatever type the request names, so the suite can compare how
# kiln-serve and azureml-inference-server-http encode each one.
import datetime
import decimal
import json
import logging
import os

from azureml.contrib.services.aml_response import AMLResponse


class WithToList:
    def tolist(self):
        return [1, 2, 3]


def init():
    logging.getLogger("compat").info("init")


def _value(kind):
    import numpy as np

    values = {
        "none": lambda: None,
        "str": lambda: "plain text",
        "json_str": lambda: '{"already": "json"}',
        "unicode": lambda: "žluťoučký kůň ✓ 日本",
        "empty_str": lambda: "",
        "int": lambda: 42,
        "big_int": lambda: 2**80,
        "float": lambda: 0.1,
        "nan": lambda: float("nan"),
        "inf": lambda: float("-inf"),
        "true": lambda: True,
        "list": lambda: [1, "a", None, 2.5],
        "empty_list": lambda: [],
        "tuple": lambda: (1, 2),
        "dict": lambda: {"b": 1, "a": [1, 2], "c": {"d": None}},
        "empty_dict": lambda: {},
        "int_keys": lambda: {1: "one", 2: "two"},
        "nested_tuple": lambda: {"t": (1, (2, 3))},
        "ndarray": lambda: np.array([[1.5, 2.0], [3.0, 4.25]]),
        "ndarray_int": lambda: np.arange(3, dtype=np.int64),
        "np_float64": lambda: np.float64(1.5),
        "np_float32": lambda: np.float32(1.5),
        "np_int64": lambda: np.int64(7),
        "np_bool": lambda: np.bool_(True),
        "ndarray_in_dict": lambda: {"predictions": np.array([1.0, 2.0])},
        "tolist": lambda: WithToList(),
        "bytes": lambda: b"raw bytes",
        "set": lambda: {1},
        "datetime": lambda: datetime.datetime(2020, 1, 2, 3, 4, 5),
        "decimal": lambda: decimal.Decimal("1.5"),
        "object": lambda: object(),
        # A plain run() may build its own response too.
        "response": lambda: AMLResponse("made by run()", 201, {"X-Many": "a, b", "Content-Type": "text/plain"}),
        "response_json": lambda: AMLResponse({"k": [1, 2]}, 202, json_str=True),
        "response_none": lambda: AMLResponse(None, 200),
        "response_500": lambda: AMLResponse("failed inside", 503),
        "response_bytes": lambda: AMLResponse(b"\x00\x01binary", 200, {"Content-Type": "application/octet-stream"}),
    }
    return values[kind]()


def run(raw_data):
    # "return:KIND" returns that kind of value, "raise:TEXT" raises.
    if raw_data.startswith("return:"):
        return _value(raw_data[len("return:"):])
    if raw_data == "raise:secret":
        raise RuntimeError(f"password=hunter2 in {os.path.abspath(__file__)}")
    if raw_data.startswith("raise:"):
        raise ValueError(raw_data[len("raise:"):])
    try:
        return {"echo": raw_data, "parsed": json.loads(raw_data)}
    except Exception as e:
        return {"error": str(e), "echo": raw_data}
