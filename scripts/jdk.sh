# Sourced by ./bulwark and ./run-tests: points JAVA_HOME at a JDK 21 or newer, or stops with one
# line that says what to install. Order: $JAVA_HOME, then every JDK under /usr/lib/jvm (newest
# first), then the java on PATH.

_bulwark_jdk_version() {
  # Prints the feature version (17, 21, 25, ...) of the JDK at $1, or nothing.
  local home="$1" v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    # Read without a subprocess: every bulwark command sources this file.
    local line
    while IFS= read -r line; do
      case "$line" in JAVA_VERSION=*)
        v="${line#JAVA_VERSION=\"}"
        v="${v%%[!0-9]*}"
        break
        ;;
      esac
    done <"$home/release"
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  [ "$v" = "1" ] && v=8
  echo "$v"
}

_bulwark_pick_jdk() {
  local candidates=() c v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(_bulwark_jdk_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then
      echo "$JAVA_HOME $v"
      return 0
    fi
  fi
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -Vr); do candidates+=("${c%/}"); done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in "${candidates[@]}"; do
    v=$(_bulwark_jdk_version "$c")
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then
      echo "$c $v"
      return 0
    fi
  done
  return 1
}

if ! BULWARK_JDK=$(_bulwark_pick_jdk); then
  echo "bulwark: needs a JDK 21 or newer (java on PATH is $(java -version 2>&1 | head -n 1 || echo 'missing')); install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME to it" >&2
  exit 2
fi
export JAVA_HOME="${BULWARK_JDK% *}"
BULWARK_JDK_VERSION="${BULWARK_JDK##* }"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
if [ "$BULWARK_JDK_VERSION" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
