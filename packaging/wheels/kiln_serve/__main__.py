"""python -m kiln_serve [kiln-serve flags]: runs the native server embedding this Python."""

import os
import sys
import sysconfig


def main():
    binary = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "kiln-serve")
    env = dict(os.environ)
    env["KILN_PYTHON"] = sys.executable
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    env["LD_LIBRARY_PATH"] = libdir + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    os.execve(binary, [binary] + sys.argv[1:], env)


if __name__ == "__main__":
    main()
