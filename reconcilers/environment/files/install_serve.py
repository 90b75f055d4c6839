# Kiln: install kiln-serve for the Python that runs this script.
#
#   python install_serve.py WHEELS_DIR TARGET_DIR LAUNCHER
#
# Checks that this Python is a CPython kiln-serve ships for and that the C
# library is new enough, unpacks the wheel of this CPython's ABI into
# TARGET_DIR, writes LAUNCHER (a shell script that runs kiln-serve embedding
# this very interpreter) and runs `LAUNCHER --version` to prove it starts.
# Written for every Python from 2.7 on, so an unsupported one still gets a
# clear message instead of a syntax error.
import os
import platform
import stat
import subprocess
import sys
import sysconfig
import zipfile

MIN_PYTHON = (3, 8)
MAX_PYTHON = (3, 13)


def fail(message):
    sys.stderr.write("kiln: " + message + "\n")
    sys.exit(1)


def version_text(version):
    return ".".join(str(part) for part in version)


def glibc_version():
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"
    except (AttributeError, ValueError, OSError):
        text = None
    if not text or not text.startswith("glibc "):
        return None
    return tuple(int(part) for part in text.split(" ")[1].split(".")[:2])


def wheel_for_this_python(wheels_dir):
    tag = "cp%d%d" % sys.version_info[:2]
    for name in sorted(os.listdir(wheels_dir)):
        parts = name[: -len(".whl")].split("-") if name.endswith(".whl") else []
        if len(parts) == 5 and parts[0] == "kiln_serve" and parts[2] == tag and parts[3] == tag:
            return os.path.join(wheels_dir, name), parts[4]
    return None, None


def min_glibc(platform_tag):
    # manylinux_2_34_x86_64 -> (2, 34)
    fields = platform_tag.split("_")
    if len(fields) >= 3 and fields[0] == "manylinux":
        return (int(fields[1]), int(fields[2]))
    return None


def main():
    if len(sys.argv) != 4:
        fail("usage: install_serve.py WHEELS_DIR TARGET_DIR LAUNCHER")
    wheels_dir, target, launcher = sys.argv[1:]
    here = "%s %s (%s)" % (platform.python_implementation(), platform.python_version(), sys.executable)
    supported = "CPython %s to %s" % (version_text(MIN_PYTHON), version_text(MAX_PYTHON))
    if platform.python_implementation() != "CPython":
        fail("this image's Python is %s; kiln-serve embeds %s." % (here, supported))
    if not (MIN_PYTHON <= tuple(sys.version_info[:2]) <= MAX_PYTHON):
        fail("this image's Python is %s; kiln-serve ships for %s. Pin a supported python "
             "version (python.version, or python=3.X in the conda dependencies) or choose "
             "another base image." % (here, supported))
    wheel, platform_tag = wheel_for_this_python(wheels_dir)
    if wheel is None:
        fail("no kiln-serve wheel for %s in %s." % (here, wheels_dir))
    libc = glibc_version()
    needed = min_glibc(platform_tag)
    if needed is not None:
        if libc is None:
            fail("this base image has no GNU C library (musl, e.g. Alpine?); kiln-serve needs "
                 "glibc %s or newer." % version_text(needed))
        if libc < needed:
            fail("this base image has glibc %s; kiln-serve needs glibc %s or newer. Choose a "
                 "newer base image." % (version_text(libc), version_text(needed)))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    binary = os.path.join(target, "kiln_serve", "bin", "kiln-serve")
    os.chmod(binary, os.stat(binary).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    launcher_dir = os.path.dirname(launcher)
    if launcher_dir and not os.path.isdir(launcher_dir):
        os.makedirs(launcher_dir)
    with open(launcher, "w") as out:
        out.write("#!/bin/sh\n")
        out.write("# kiln-serve embedding %s; written by Kiln's install_serve.py.\n" % here)
        out.write("export KILN_PYTHON='%s'\n" % sys.executable)
        out.write("export LD_LIBRARY_PATH='%s'${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\n" % libdir)
        out.write("exec '%s' \"$@\"\n" % binary)
    os.chmod(launcher, 0o755)
    try:
        output = subprocess.check_output([launcher, "--version"], stderr=subprocess.STDOUT)
    except subprocess.CalledProcessError as error:
        fail("kiln-serve does not start with %s: %s\nThis Python must provide its shared "
             "library %s (built with --enable-shared; Debian/Ubuntu: install libpython%d.%d)."
             % (here, error.output.decode("utf-8", "replace").strip(),
                sysconfig.get_config_var("INSTSONAME"), sys.version_info[0], sys.version_info[1]))
    sys.stdout.write("kiln: installed %s for %s\n" % (output.decode().strip(), here))


if __name__ == "__main__":
    main()
