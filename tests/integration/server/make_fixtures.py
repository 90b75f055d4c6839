"""Prepares what the kiln-serve integration tests serve, in OUT_DIR:
models/ (the diabetes Ridge model, pickled and as ONNX, plus the model's own
answers to the seeds' request) and extra_reqs/ (score.py, requirements.txt
and wheels/ with a wheel built here by hand, so pip installs it offline)."""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", ".."))


def make_wheel(wheels_dir):
    name, version = "kiln_extra_demo", "1.0"
    files = {
        f"{name}/__init__.py": 'def greet():\n    return "installed at boot"\n',
        f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: kiln-extra-demo\nVersion: {version}\n",
        f"{name}-{version}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: kiln\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = f"{name}-{version}.dist-info/RECORD"
    lines = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        lines.append(f"{path},sha256={digest},{len(text.encode())}")
    lines.append(f"{record},,")
    files[record] = "\n".join(lines) + "\n"
    os.makedirs(wheels_dir, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheels_dir, f"{name}-{version}-py3-none-any.whl"), "w") as z:
        for path, text in files.items():
            z.writestr(path, text)


def main():
    out = os.path.abspath(sys.argv[1])
    models = os.path.join(out, "models")
    subprocess.run([sys.executable, os.path.join(root, "server/examples/diabetes/train.py"), models,
                    "--onnx", "--expected", os.path.join(models, "expected.json")], check=True)
    extra = os.path.join(out, "extra_reqs")
    shutil.rmtree(extra, ignore_errors=True)
    shutil.copytree(os.path.join(here, "scripts", "extra_reqs"), extra)
    make_wheel(os.path.join(extra, "wheels"))
    print(f"fixtures ready in {out}")


if __name__ == "__main__":
    main()
