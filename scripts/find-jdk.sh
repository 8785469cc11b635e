# Sourced by every jvirtio script: exports JAVA_HOME pointing at a JDK >= 22.
# Order: $JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm.
# Stops the calling script with a clear message when none is found.

jvirtio_jdk_feature() { # prints the feature release of the JDK at $1, or nothing
  local rel="$1/release" v
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$rel")
  fi
  if [ -z "${v:-}" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java.specification.version = \([0-9][0-9]*\).*/\1/p')
  fi
  [ "${v:-}" = "1" ] && v=8
  printf '%s' "${v:-}"
}

jvirtio_find_jdk() {
  local min=22 best="" bestv=0 d v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(jvirtio_jdk_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$min" ]; then printf '%s' "$JAVA_HOME"; return 0; fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    v=$(jvirtio_jdk_feature "$d")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$min" ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  [ -n "$best" ] || return 1
  printf '%s' "$best"
}

if ! JAVA_HOME=$(jvirtio_find_jdk); then
  echo "jvirtio: no JDK 22 or newer found (checked \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "jvirtio: install one (for example Temurin 25) or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
