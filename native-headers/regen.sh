#!/usr/bin/env bash
# Regenerates the jextract bindings of jvirtio_kabi.h into ffm-bindings (package dev.jvirtio.ffm.gen).
#
#   JEXTRACT=/path/to/bin/jextract native-headers/regen.sh          rewrite the generated sources
#   JEXTRACT=/path/to/bin/jextract native-headers/regen.sh --check  only compare, exit 1 on any difference
#
# The jextract launcher is taken from $JEXTRACT (this script never builds or downloads it). Running the
# script twice gives byte-identical output: the target package directory is emptied first and jextract
# writes no timestamps.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
header="$here/jvirtio_kabi.h"
includes="$here/includes.txt"
src_root="$repo/ffm-bindings/src/main/java"
package="dev.jvirtio.ffm.gen"
pkg_dir="$src_root/${package//.//}"

mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: JEXTRACT=/path/to/jextract $0 [--check]" >&2; exit 2 ;;
esac

if [ -z "${JEXTRACT:-}" ]; then
  echo "regen.sh: set JEXTRACT to a jextract launcher (see native-headers/README.md)" >&2
  exit 2
fi
if [ ! -x "$JEXTRACT" ]; then
  echo "regen.sh: JEXTRACT=$JEXTRACT is not an executable file" >&2
  exit 2
fi

# Generate into a scratch tree first so a failing jextract run never leaves a half-written package.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

"$JEXTRACT" \
  --output "$scratch" \
  --target-package "$package" \
  --header-class-name Kabi \
  "@$includes" \
  "$header"

generated="$scratch/${package//.//}"
if [ ! -f "$generated/Kabi.java" ]; then
  echo "regen.sh: jextract produced no Kabi.java" >&2
  exit 1
fi

if [ "$mode" = check ]; then
  if diff -r "$generated" "$pkg_dir" >/dev/null 2>&1; then
    echo "regen.sh: $pkg_dir is up to date"
  else
    echo "regen.sh: $pkg_dir differs from a fresh jextract run:" >&2
    diff -r "$generated" "$pkg_dir" >&2 || true
    exit 1
  fi
else
  rm -rf "$pkg_dir"
  mkdir -p "$(dirname "$pkg_dir")"
  cp -r "$generated" "$pkg_dir"
  echo "regen.sh: wrote $(find "$pkg_dir" -name '*.java' | wc -l) files to $pkg_dir"
fi
