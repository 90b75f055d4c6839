# A script whose run() does what the request asks: sleep, raise, echo the
# headers it was given. For timeouts, limits, errors and draining.
import json
import logging
import time


def init():
    global calls
    calls = 0
    logging.getLogger("behaviour").info("init from the logging module")


def run(raw_data, request_headers):
    global calls
    calls += 1
    req = json.loads(raw_data)
    if "sleep" in req:
        time.sleep(req["sleep"])
    if "fail" in req:
        raise ValueError(req["fail"])
    if "numpy" in req:
        import numpy as np

        return np.float32(1.5)  # not JSON-serialisable: a 500, not a crash
    return {"calls": calls, "echo": req, "x-custom": request_headers.get("X-Custom")}
