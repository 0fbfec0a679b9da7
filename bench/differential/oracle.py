#!/usr/bin/python3
# The differential harness's oracles that Python provides (bench/src/main/java/.../differential):
#   pypi: packaging.version (Debian python3-packaging), names by packaging.utils.canonicalize_name
#   rpm:  RPM's own comparison (Debian python3-rpm): rpm.ver parses [epoch:]version[-release] and
#         orders by rpmvercmp, as rpm itself does
# Reads one query a line on stdin and answers one line each on stdout:
#   "v<TAB>VERSION"   -> "ok" | "invalid"
#   "c<TAB>A<TAB>B"   -> "-1" | "0" | "1" | "invalid"
#   "n<TAB>NAME"      -> the canonical name (pypi only)
# Runs with /usr/bin/python3 (Debian's), not a pyenv python on PATH: the Debian packages are the
# pinned oracles.
import sys

mode = sys.argv[1]
if mode == "pypi":
    from packaging.version import Version, InvalidVersion
    from packaging.utils import canonicalize_name

    def parse(s):
        try:
            return Version(s)
        except InvalidVersion:
            return None

    def canon(n):
        return canonicalize_name(n)
elif mode == "rpm":
    import rpm

    def parse(s):
        # rpm accepts almost any string; an empty one, spaces or a non-numeric epoch are not
        # versions a package can carry.
        if not s or any(c.isspace() for c in s):
            return None
        if ":" in s and not s.split(":", 1)[0].isdigit():
            return None
        try:
            return rpm.ver(s)
        except Exception:
            return None

    def canon(n):
        return n
else:
    sys.exit("oracle.py: unknown mode " + mode)

out = sys.stdout
cache = {}


def parsed(s):
    if s not in cache:
        cache[s] = parse(s)
    return cache[s]


for line in sys.stdin:
    parts = line.rstrip("\n").split("\t")
    kind = parts[0]
    if kind == "v":
        out.write("invalid\n" if parsed(parts[1]) is None else "ok\n")
    elif kind == "c":
        a, b = parsed(parts[1]), parsed(parts[2])
        if a is None or b is None:
            out.write("invalid\n")
        else:
            out.write("-1\n" if a < b else ("0\n" if a == b else "1\n"))
    elif kind == "n":
        out.write(canon(parts[1]) + "\n")
    else:
        out.write("invalid\n")
