#!/usr/bin/env python3
"""Every Kiln metric that manifests/monitoring/ (alerts, dashboard) queries is
exported by the code: kiln-operator (operator/), the scheduler extender
(scheduler/) or kiln-serve (server/). A renamed metric fails here instead of
silently emptying a panel or muting an alert (ctest monitoring.metrics_exist)."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
NAME = re.compile(r"\b((?:kiln|controller_runtime|workqueue|leader_election)_[a-z_]+)\b")
SUFFIXES = ("_bucket", "_sum", "_count")


def exported():
    text = ""
    for folder in ("operator", "scheduler", "server", "controllers"):
        for path in (ROOT / folder).rglob("*.cpp"):
            text += path.read_text()
    return text


def main():
    code = exported()
    missing = {}
    for path in sorted((ROOT / "manifests" / "monitoring").iterdir()):
        for name in set(NAME.findall(path.read_text())):
            base = name
            for suffix in SUFFIXES:
                if base.endswith(suffix):
                    base = base[: -len(suffix)]
            if f'"{base}' not in code:
                missing.setdefault(path.name, []).append(name)
    for file, names in missing.items():
        print(f"{file}: no code exports {', '.join(sorted(names))}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
