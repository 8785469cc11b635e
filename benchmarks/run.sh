#!/usr/bin/env bash
# Runs jvirtio benchmark groups beside their C baselines and prints Java/C tables.
#
#   benchmarks/run.sh p1 [--quick]     virtqueue cycle (split/packed, batch 1/32), C slots interleaved with JMH forks
#                                      per row; last line "P1 java/c ratio: x.xx"
#   benchmarks/run.sh p1-floor [--quick] diagnostic: P1's memory-ordering skeleton alone, Java (segments, arrays) vs C;
#                                      last line "P1 floor java/c ratio: x.xx"
#   benchmarks/run.sh p2 [--quick]     admin round trip vs C ping-pong; last line "P2 admin p50/pingpong ratio: x.xx"
#   benchmarks/run.sh p3 [--quick]     admin throughput at 1/8/32 outstanding; last line "P3 admin throughput at 32 outstanding: n cmds/s"
#   benchmarks/run.sh all [--quick]    every group, in order
#
# Builds benchmarks/target/benchmarks.jar when it is missing or older than any source it contains, and
# compiles the C programs of src/main/c into benchmarks/target/c/ when they are missing or stale.
# --quick shortens every measurement (a smoke test of the pipeline; its numbers are not results).
# Results (JMH JSON, the table) are also written to benchmarks/target/results/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
. "$root/scripts/find-jdk.sh"

jar="$here/target/benchmarks.jar"
cdir="$here/target/c"
results="$here/target/results"
CC="${CC:-gcc}"
CFLAGS_BENCH="-O2 -std=c11 -Wall -Wextra"

usage() {
  echo "usage: benchmarks/run.sh {p1|p1-floor|p2|p3|all} [--quick]" >&2
  exit 2
}

# Modules whose main sources and poms end up in the shaded jar.
jar_inputs() {
  local m
  for m in ffm-bindings virtq pci admin device-model benchmarks; do
    [ -d "$root/$m/src/main" ] && printf '%s\n' "$root/$m/src/main"
    printf '%s\n' "$root/$m/pom.xml"
  done
  printf '%s\n' "$root/pom.xml"
}

ensure_jar() {
  local stale=""
  if [ ! -f "$jar" ]; then
    stale="missing"
  elif [ -n "$(jar_inputs | xargs -I{} find {} -newer "$jar" -type f -print 2>/dev/null | head -n 1)" ]; then
    stale="older than its sources"
  fi
  if [ -n "$stale" ]; then
    echo "# benchmarks.jar $stale: building (scripts/mvn -q -pl benchmarks -am package -DskipTests)" >&2
    "$root/scripts/mvn" -q -pl benchmarks -am package -DskipTests >&2
  fi
  [ -f "$jar" ] || { echo "run.sh: $jar was not built" >&2; exit 1; }
}

# compile_c NAME [extra gcc flags...]: src/main/c/NAME.c -> target/c/NAME, when missing or stale (older than
# its source, this script or a header of src/main/c).
compile_c() {
  local name="$1"; shift
  local src="$here/src/main/c/$name.c" out="$cdir/$name"
  command -v "$CC" >/dev/null 2>&1 || { echo "run.sh: no C compiler ($CC): apt-get install gcc" >&2; exit 1; }
  mkdir -p "$cdir"
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ "$0" -nt "$out" ] \
     || [ -n "$(find "$here/src/main/c" -name '*.h' -newer "$out" -print -quit)" ]; then
    echo "# compiling $name.c ($CC $CFLAGS_BENCH $*)" >&2
    # shellcheck disable=SC2086
    "$CC" $CFLAGS_BENCH "$@" -o "$out" "$src"
  fi
}

run_p1() {
  compile_c p1cycle
  "$cdir/p1cycle" --self-test >/dev/null || { echo "run.sh: p1cycle self-test failed" >&2; exit 1; }
  java -cp "$jar" dev.jvirtio.bench.Report p1 --c-binary "$cdir/p1cycle" --results-dir "$results" "$@"
}

run_p1_floor() {
  compile_c p1floor
  java -cp "$jar" dev.jvirtio.bench.Report p1-floor --c-binary "$cdir/p1floor" --results-dir "$results" "$@"
}

run_p2() {
  compile_c pingpong -pthread
  java -cp "$jar" dev.jvirtio.bench.AdminReport p2 --c-binary "$cdir/pingpong" --results-dir "$results" "$@"
}

run_p3() {
  java -cp "$jar" dev.jvirtio.bench.AdminReport p3 --results-dir "$results" "$@"
}

[ $# -ge 1 ] || usage
mode="$1"; shift
quick=()
for a in "$@"; do
  case "$a" in
    --quick) quick=(--quick) ;;
    *) usage ;;
  esac
done

case "$mode" in
  p1)
    ensure_jar
    run_p1 "${quick[@]}"
    ;;
  p1-floor)
    ensure_jar
    run_p1_floor "${quick[@]}"
    ;;
  p2)
    ensure_jar
    run_p2 "${quick[@]}"
    ;;
  p3)
    ensure_jar
    run_p3 "${quick[@]}"
    ;;
  all)
    ensure_jar
    # Each group ends with its own verdict line.
    run_p1 "${quick[@]}"
    run_p2 "${quick[@]}"
    run_p3 "${quick[@]}"
    ;;
  *) usage ;;
esac
