# run.sh --all: the suite once per mode, one guest boot each, one after the other (sourced by run.sh).
# Every mode's run is a run.sh of its own (--mode M), so each mode reports exactly as a single run does; here
# its summary line is collected, and at the end come one line per mode (with its wall time) and the combined
# "N passed, M failed" line. A mode whose run printed no summary (a rig failure before the suite, say) counts
# as one failed test.

# The modes, the CI mode (viommu) first, then the others in name order.
vmrig_mode_names() {
  (cd "$VMRIG_DIR/modes" && ls -- *.sh) | sed 's/\.sh$//' | awk '$0 == "viommu" {print; next} {rest = rest $0 "\n"} END {printf "%s", rest}'
}

# vmrig_all_modes BUILD [run.sh options for every mode ...]; exits with 0 when every mode passed, 1 otherwise.
vmrig_all_modes() {
  local build=$1; shift
  local m first=1 t0 log line p f total_p=0 total_f=0 modes summary=()
  modes=$(vmrig_mode_names)
  mkdir -p "$VMRIG_CACHE"
  vmrig_log "--all: modes $(printf '%s' "$modes" | paste -sd ' ')"
  local t_all; t_all=$(vmrig_now)
  for m in $modes; do
    t0=$(vmrig_now)
    log="$VMRIG_CACHE/all-$m.out"
    vmrig_log "=== mode $m ==="
    # Only the first mode compiles the tests (unless --no-build); the others reuse the classes.
    local nb=(--no-build); [ "$first" = 1 ] && [ "$build" = 1 ] && nb=()
    first=0
    set +e
    "$VMTESTS_DIR/run.sh" --mode "$m" "${nb[@]}" "$@" | tee "$log"
    set -e
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)
    if [ -n "$line" ]; then
      p=${line%% passed*}; f=${line#*, }; f=${f%% failed}
    else
      p=0 f=1 line="no summary: rig failure, counted as 1 failed"
    fi
    total_p=$((total_p + p)); total_f=$((total_f + f))
    summary+=("mode $m: $line ($(vmrig_since "$t0") s)")
  done
  vmrig_log "--all finished in $(vmrig_since "$t_all") s"
  printf '%s\n' "${summary[@]}"
  echo "$total_p passed, $total_f failed"
  [ "$total_f" -eq 0 ] && exit 0
  exit 1
}
