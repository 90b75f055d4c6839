"""kiln-serve, Kiln's inference server for Azure ML entry scripts (score.py).

The server is a native executable (kiln_serve/bin/kiln-serve) that embeds the
CPython this wheel was built for; `python -m kiln_serve` runs it on the
interpreter that runs this module, with that interpreter's packages.
"""

__version__ = "@VERSION@"
