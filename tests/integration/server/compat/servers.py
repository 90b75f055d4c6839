"""Starts kiln-serve and azureml-inference-server-http (azmlinfsrv) on free
loopback ports with the same entry script, model directory and environment,
and stops them again."""

import os
import socket
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, argv, env, log_path, cwd):
        self.name = name
        self.port = env["_PORT"]
        env = {k: v for k, v in env.items() if k != "_PORT"}
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as r:
                    if r.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def log(self):
        self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def start_pair(kiln_bin, venv, script, model_dir, env_extra, work_dir, label):
    """(kiln, reference) serving `script`, both ready, or raises with their logs."""
    os.makedirs(work_dir, exist_ok=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AZUREML_", "AML_", "KILN_"))}
    base.update(env_extra)
    base["AZUREML_MODEL_DIR"] = model_dir
    # Both servers see the same application root: an empty directory.
    base["AML_APP_ROOT"] = work_dir
    kiln_env = dict(base, _PORT=free_port(), VIRTUAL_ENV=venv, KILN_HOST="127.0.0.1",
                    AZUREML_ENTRY_SCRIPT=script)
    kiln_env["SERVER_PORT"] = str(kiln_env["_PORT"])
    ref_env = dict(base, _PORT=free_port())
    ref_env["PATH"] = f"{venv}/bin:" + base.get("PATH", "")
    kiln = Server("kiln-serve", [kiln_bin], kiln_env, os.path.join(work_dir, f"{label}-kiln.log"), work_dir)
    ref = Server("azmlinfsrv",
                 [f"{venv}/bin/azmlinfsrv", "--entry_script", script, "--port", str(ref_env["_PORT"]),
                  "--worker_count", "1"],
                 ref_env, os.path.join(work_dir, f"{label}-azmlinfsrv.log"), work_dir)
    for s in (kiln, ref):
        if not s.wait_ready():
            kiln.stop()
            ref.stop()
            raise RuntimeError(f"{s.name} did not start for {label}:\n{s.log()[-4000:]}")
    return kiln, ref
