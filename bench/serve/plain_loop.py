"""The ceiling: a plain Python loop calling the entry script's run() on the
benchmark's payload, no server at all. Prints calls per second.

usage: plain_loop.py SCORE_PY SECONDS   (AZUREML_MODEL_DIR must be set)
"""

import importlib.util
import json
import sys
import time

PAYLOAD = json.dumps({"data": [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]]})


def main():
    spec = importlib.util.spec_from_file_location("entry_module", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.init()
    run = module.run
    for _ in range(2000):  # warm-up
        run(PAYLOAD)
    seconds = float(sys.argv[2])
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(500):
            run(PAYLOAD)
        calls += 500
        now = time.perf_counter()
        if now >= deadline:
            break
    print(f"{calls / (now - start):.1f}")


if __name__ == "__main__":
    main()
