#!/usr/bin/env bash
# vm-tests/run.sh — boots a throwaway QEMU guest (TCG by default) whose virtio-blk and virtio-net functions
# are bound to vfio-pci, runs a command inside it on the host's own root file system, and reports.
# With no command it runs the vm-tests JUnit suite in every mode (VFIO type1, no-IOMMU, iommufd) and ends with
# the line "N passed, M failed".
# Everything that takes a device over happens inside the guest; the host's PCI devices are never touched.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: vm-tests/run.sh [options] [-- command [args...]]
  --mode MODE      run in this mode only (one file per mode in vm-tests/rig/modes/: viommu, noiommu, iommufd);
                   a custom command runs in viommu unless --mode is given
  --all            the default for a suite run: the suite in every mode (viommu first, then the others by
                   name), one guest boot each; per-mode summaries, then one combined "N passed, M failed" line
  --accel A        tcg (default) or kvm (kvm needs real VT-x/AMD-V; untested on the dev machines)
  --verbose, -v    show the whole serial console (kernel, init), not only the command's output
  --keep           keep the run directory (console log, disk image, control dir, pcap)
  --timeout SEC    hard limit for the whole QEMU run (default 480); QEMU is killed when it is reached
  --no-build       do not (re)compile the vm-tests classes with Maven before running the suite
  --bench          run benchmark P4 instead of the suite (userspace virtio-blk vs the guest kernel's driver
                   under fio); adds two bench disks; prints "P4 userspace/kernel iops ratio: <x.xx>" last
  -h, --help       this text
The command runs as root in the guest, in the current directory if it is inside the project, with
VMRIG_GUEST=1 VMRIG_MODE VMRIG_BLK_BDF VMRIG_NET_BDF VMRIG_TARGETS VMRIG_HUGEPAGES VMRIG_CTL set.
Environment: VMRIG_CACHE VMRIG_CPU VMRIG_SMP VMRIG_MEM VMRIG_HUGEPAGES VMRIG_DISK_SECTORS VMRIG_KERNEL_PKG,
for --bench VMRIG_BENCH_MIB (bench image size, 1024), VMRIG_BENCH_SECONDS (per measurement, 10).
USAGE
}

. "$(dirname "${BASH_SOURCE[0]}")/rig/common.sh"
. "$VMRIG_DIR/deps.sh"
. "$VMRIG_DIR/guest-image.sh"
. "$VMRIG_DIR/vfio-modules.sh"
. "$VMRIG_DIR/all-modes.sh"

mode=viommu accel=tcg verbose=0 keep=0 timeout_s=480 build=1 bench=0 all=0 mode_given=0
cmd=()
passthrough=() # options --all hands to the run of each mode
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=${2:?--mode needs a value}; mode_given=1; shift 2 ;;
    --mode=*) mode=${1#*=}; mode_given=1; shift ;;
    --all) all=1; shift ;;
    --accel) accel=${2:?--accel needs a value}; passthrough+=(--accel "$accel"); shift 2 ;;
    --accel=*) accel=${1#*=}; passthrough+=(--accel "$accel"); shift ;;
    -v|--verbose) verbose=1; passthrough+=(--verbose); shift ;;
    --keep) keep=1; passthrough+=(--keep); shift ;;
    --timeout) timeout_s=${2:?--timeout needs a value}; passthrough+=(--timeout "$timeout_s"); shift 2 ;;
    --timeout=*) timeout_s=${1#*=}; passthrough+=(--timeout "$timeout_s"); shift ;;
    --no-build) build=0; shift ;;
    --bench) bench=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; cmd=("$@"); break ;;
    *) usage >&2; vmrig_die "unknown argument: $1" ;;
  esac
done
# A suite run without --mode covers every mode (measured under 10 minutes on the 2-core dev machine, see
# README); a custom command runs in the viommu mode unless told otherwise.
[ "$bench" = 0 ] || [ "$all" = 0 ] || vmrig_die "--bench runs in one mode (viommu); it does not combine with --all"
if [ ${#cmd[@]} -eq 0 ] && [ "$mode_given" = 0 ] && [ "$bench" = 0 ]; then all=1; fi
if [ "$all" = 1 ]; then
  [ ${#cmd[@]} -eq 0 ] || vmrig_die "--all runs the suite in every mode and takes no command"
  [ "$mode_given" = 0 ] || vmrig_die "--all and --mode exclude each other"
  vmrig_all_modes "$build" "${passthrough[@]}"   # exits
fi
[ -f "$VMRIG_DIR/modes/$mode.sh" ] \
  || vmrig_die "unknown mode '$mode' (have: $(cd "$VMRIG_DIR/modes" && ls *.sh | sed 's/\.sh$//' | paste -sd " "))"
case "$accel" in tcg|kvm) ;; *) vmrig_die "--accel must be tcg or kvm" ;; esac
[[ "$timeout_s" =~ ^[0-9]+$ ]] || vmrig_die "--timeout needs whole seconds"
. "$VMRIG_DIR/modes/$mode.sh"
if [ "$bench" = 1 ]; then
  [ ${#cmd[@]} -eq 0 ] || vmrig_die "--bench runs its own command; give no command with it"
  . "$VMRIG_DIR/bench.sh"
  bench_mib=${VMRIG_BENCH_MIB:-1024} bench_seconds=${VMRIG_BENCH_SECONDS:-10}
  [[ "$bench_mib" =~ ^[1-9][0-9]*$ && "$bench_seconds" =~ ^[1-9][0-9]*$ ]] \
    || vmrig_die "VMRIG_BENCH_MIB and VMRIG_BENCH_SECONDS must be positive numbers"
fi

t_start=$(vmrig_now)
vmrig_host_deps
if [ "$bench" = 1 ]; then vmrig_bench_deps; fi
vmrig_guest_image

# The guest sees the host root read-only at the same paths, so the host's JDK is the guest's JDK.
java_home=$(. "$REPO_DIR/scripts/find-jdk.sh" >/dev/null && printf '%s' "$JAVA_HOME") \
  || vmrig_die "no JDK >= 22 found (scripts/find-jdk.sh)"

suite=0
if [ "$bench" = 1 ]; then
  cmd=(/bin/bash "$VMRIG_DIR/guest-bench.sh" "$bench_seconds")
elif [ ${#cmd[@]} -eq 0 ]; then
  suite=1
  cmd=(/bin/bash "$VMRIG_DIR/guest-suite.sh")
fi
if [ "$suite" = 1 ] || [ "$bench" = 1 ]; then
  if [ "$build" = 1 ]; then
    vmrig_log "compiling vm-tests (mvn -pl vm-tests -am test-compile)"
    mkdir -p "$VMRIG_CACHE"
    "$REPO_DIR/scripts/mvn" -q -pl vm-tests -am test-compile > "$VMRIG_CACHE/mvn.log" 2>&1 \
      || { tail -n 40 "$VMRIG_CACHE/mvn.log" >&2; vmrig_die "Maven build failed (log: $VMRIG_CACHE/mvn.log)"; }
  fi
  [ -f "$VMTESTS_DIR/target/vmrig/junit-platform-console-standalone.jar" ] \
    || vmrig_die "vm-tests not built: run ./scripts/mvn -pl vm-tests -am test-compile"
fi

# Only the project tree is writable in the guest; another working directory would be read-only there.
cwd=$PWD
case "$cwd/" in "$REPO_DIR"/*) ;; *) cwd=$REPO_DIR ;; esac

mkdir -p "$VMRIG_CACHE/runs"
run=$(mktemp -d "$VMRIG_CACHE/runs/run.XXXXXX")
ctl="$run/ctl"; mkdir -p "$ctl"
qemu_pid_file="$run/qemu.pid"
cleanup() {
  local pid
  if [ -s "$qemu_pid_file" ]; then
    pid=$(cat "$qemu_pid_file")
    # Only our own QEMU: the pid file is ours and the process must still be qemu-system-*.
    if [ -n "$pid" ] && grep -qs qemu-system "/proc/$pid/cmdline"; then kill "$pid" 2>/dev/null || true; fi
  fi
  if [ "$keep" = 1 ]; then vmrig_log "kept run dir: $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }   # single-quote for busybox sh
{
  echo "VMRIG_CWD=$(sq "$cwd")"
  echo "JAVA_HOME=$(sq "$java_home")"
} > "$ctl/env"
{
  echo '# written by vm-tests/run.sh'
  printf '%q ' "${cmd[@]}"; echo
} > "$ctl/cmd"

# Both disks (split ring; packed=on) start with the same known pattern. After the guest is gone the host
# checks them byte for byte against it plus whatever the guest recorded that it overwrote.
disk_sectors=${VMRIG_DISK_SECTORS:-16384}
[[ "$disk_sectors" =~ ^[1-9][0-9]*$ ]] || vmrig_die "VMRIG_DISK_SECTORS must be a positive number"
echo "VMRIG_DISK_SECTORS=$disk_sectors" >> "$ctl/env"
awk -v sectors="$disk_sectors" -f "$VMRIG_DIR/disk-pattern.awk" > "$run/disk.img"
cp "$run/disk.img" "$run/disk-packed.img"
disk_sum=$(sha256sum < "$run/disk.img")
bench_args=() bench_append=
if [ "$bench" = 1 ]; then
  vmrig_log "writing the ${bench_mib} MiB bench image"
  vmrig_bench_image "$run/bench.img" "$bench_mib"
  vmrig_bench_qemu_args "$run/bench.img"
  bench_args=("${VMRIG_BENCH_QEMU_ARGS[@]}")
  bench_append="rig.bench=$VMRIG_BENCH_USER_PORT rig.kblk=$VMRIG_BENCH_KERNEL_PORT"
fi

hugepages=${VMRIG_HUGEPAGES:-64}
append="console=ttyS0 panic=-1 hugepages=$hugepages rig.mode=$mode rig.share=$REPO_DIR $MODE_APPEND $bench_append"
[ "$verbose" = 1 ] || append="quiet $append"
if [ "$accel" = kvm ]; then accel_args=(-accel kvm -cpu "${VMRIG_CPU:-host}")
else accel_args=(-accel tcg,thread=multi -cpu "${VMRIG_CPU:-max}"); fi

qemu=(qemu-system-x86_64 -name vmrig -pidfile "$qemu_pid_file"
  "${accel_args[@]}" -smp "${VMRIG_SMP:-2}" -m "${VMRIG_MEM:-2G}"
  -machine "$MODE_MACHINE" "${MODE_QEMU_ARGS[@]}"
  -nodefaults -no-user-config -display none -vga none -no-reboot
  -chardev stdio,id=con,signal=off -serial chardev:con
  -kernel "$VMRIG_GUEST_DIR/vmlinux" -initrd "$VMRIG_GUEST_DIR/initrd.img" -append "$append"
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
  -virtfs "local,path=$ctl,mount_tag=ctl,security_model=none"
  -virtfs "local,path=$REPO_DIR,mount_tag=share,security_model=none,multidevs=remap"
  -device pcie-root-port,id=rp1,chassis=1,slot=1
  -drive "if=none,id=d0,file=$run/disk.img,format=raw,cache=unsafe"
  -device "virtio-blk-pci,drive=d0,bus=rp1,iommu_platform=$MODE_IOMMU_PLATFORM,serial=vmrig-disk"
  -device pcie-root-port,id=rp2,chassis=2,slot=2
  -netdev user,id=n0,restrict=on
  -object "filter-dump,id=dump0,netdev=n0,file=$ctl/net.pcap"
  -device "virtio-net-pci,netdev=n0,bus=rp2,iommu_platform=$MODE_IOMMU_PLATFORM,romfile=,mac=52:54:00:56:52:01"
  # The same disk again with packed=on: the only device that offers VIRTIO_F_RING_PACKED.
  -device pcie-root-port,id=rp3,chassis=3,slot=3
  -drive "if=none,id=d1,file=$run/disk-packed.img,format=raw,cache=unsafe"
  -device "virtio-blk-pci,drive=d1,bus=rp3,iommu_platform=$MODE_IOMMU_PLATFORM,serial=vmrig-disk-packed,packed=on"
  ${bench_args[@]+"${bench_args[@]}"}
)
printf '%q ' "${qemu[@]}" > "$run/qemu.cmdline"

# mawk reads its input in blocks unless told otherwise; the console must stream.
filter=(awk); awk -W version 2>/dev/null | grep -q mawk && filter=(awk -W interactive)
vmrig_log "booting guest ($mode, $accel, timeout ${timeout_s}s)"
# The bench competes with whatever else runs here (TCG is pure CPU): record the host's load around it.
if [ "$bench" = 1 ]; then vmrig_log "host load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"; fi
t_boot=$(vmrig_now)
for attempt in 1 2; do
  set +e
  timeout -k 5 "$timeout_s" "${qemu[@]}" < /dev/null 2>&1 | tee "$run/console.log" | "${filter[@]}" -v verbose="$verbose" '
    { sub(/\r$/, "") }
    /===VMRIG-BEGIN===/ { on = 1; if (!verbose) next }
    /===VMRIG-END===/   { on = 0; if (!verbose) next }
    verbose || on { print; fflush() }'
  qemu_rc=${PIPESTATUS[0]}
  set -e
  # A guest kernel that panics while booting, before /init started the command, gets one more boot (seen
  # once with the 6.12 kernel under TCG, see README). Nothing has touched the disks or the control dir yet.
  if [ "$attempt" = 1 ] && [ ! -f "$ctl/rc" ] && ! grep -q '===VMRIG-BEGIN===' "$run/console.log" \
     && grep -q 'Kernel panic' "$run/console.log"; then
    cp "$run/console.log" "$run/console-boot-panic.log"
    vmrig_log "the guest kernel panicked while booting, before the command started; booting once more:"
    grep -m1 -B2 'Kernel panic' "$run/console.log" | sed 's/\r$//; s/^/  | /' >&2
    continue
  fi
  break
done
vmrig_log "guest finished in $(vmrig_since "$t_boot") s (total $(vmrig_since "$t_start") s)"
if [ "$bench" = 1 ]; then vmrig_log "host load after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"; fi

rig_error=
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then rig_error="QEMU killed after the ${timeout_s}s timeout"
elif [ "$qemu_rc" != 0 ]; then rig_error="QEMU exited with status $qemu_rc"
elif [ ! -f "$ctl/rc" ]; then rig_error="the guest never ran the command (no exit code came back)"
fi
if [ -n "$rig_error" ]; then
  vmrig_log "rig failure: $rig_error"
  if [ "$verbose" = 0 ]; then
    vmrig_log "last console lines:"; tail -n 30 "$run/console.log" | sed 's/\r$//; s/^/  | /' >&2
  fi
fi
cmd_rc=$(cat "$ctl/rc" 2>/dev/null || echo 255)

if [ "$bench" = 1 ]; then
  # Nothing is written by the bench (its disks are read-only), so there is nothing for the host to check.
  # The result line comes again as the very last line, after the rig's own messages.
  [ -n "$rig_error" ] && exit 2
  p4=$(grep -a '^P4 userspace/kernel iops ratio: ' "$run/console.log" | tail -n 1 | sed 's/\r$//')
  if [ -z "$p4" ] || [ "$cmd_rc" != 0 ]; then
    vmrig_log "the bench failed (guest exit status $cmd_rc)"
    exit 1
  fi
  echo "$p4"
  exit 0
fi

# Host-side checks; each counts as one test in the suite's totals.
host_pass=0 host_fail=0
host_check() { # name, then a command that succeeds when the check passes
  local name=$1; shift
  if "$@"; then host_pass=$((host_pass + 1)); vmrig_log "host check $name: passed"
  else host_fail=$((host_fail + 1)); vmrig_log "host check $name: FAILED"; fi
}
# The checks themselves are Java (dev.jvirtio.vmtests.host.HostCheck, unit-tested on the host), run from
# the compiled test classes. A full suite run also requires every planned write and at least one frame.
host_classes="$VMTESTS_DIR/target/test-classes"
full=; [ "$suite" = 1 ] && full=1
host_java() {
  "$java_home/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$host_classes" \
    dev.jvirtio.vmtests.host.HostCheck "$@"
}
disk_check() { # disk name, image: the rig's pattern except the regions the guest recorded in blk-writes.txt
  if [ -f "$host_classes/dev/jvirtio/vmtests/host/HostCheck.class" ]; then
    host_java disk "$2" "$1" "$disk_sectors" "$ctl/blk-writes.txt" ${full:+--require-plan}
  else # not built (a custom command with --no-build): all that can be checked is "nothing was written"
    vmrig_log "  HostCheck not compiled: only checking that $1 is unchanged"
    [ ! -s "$ctl/blk-writes.txt" ] && [ "$(sha256sum < "$2")" = "$disk_sum" ]
  fi
}
pcap_check() { # every frame the guest recorded in net-tx.txt is in QEMU's filter-dump capture
  [ -f "$host_classes/dev/jvirtio/vmtests/host/HostCheck.class" ] || { vmrig_log "  HostCheck not compiled"; return 1; }
  host_java pcap "$ctl/net.pcap" "$ctl/net-tx.txt" ${full:+--require-frames}
}
# After a rig failure the guest did not (fully) run, so the checks would prove nothing: skip them.
if [ -z "$rig_error" ]; then
  host_check disk-blk disk_check blk "$run/disk.img"
  host_check disk-blk-packed disk_check blk-packed "$run/disk-packed.img"
  if [ "$suite" = 1 ] || [ -s "$ctl/net-tx.txt" ]; then host_check net-pcap pcap_check; fi
fi

if [ "$suite" = 0 ] && [ ! -f "$ctl/junit.out" ]; then
  [ -n "$rig_error" ] && exit 2
  exit "$cmd_rc"
fi

# Totals from the JUnit Platform console launcher's summary box ("[   5 tests successful   ]").
read -r ok failed aborted skipped cfailed < <(awk '
  /\[ *[0-9]+ tests successful/ { ok = $2 }
  /\[ *[0-9]+ tests failed/ { f = $2 }
  /\[ *[0-9]+ tests aborted/ { a = $2 }
  /\[ *[0-9]+ tests skipped/ { s = $2 }
  /\[ *[0-9]+ containers failed/ { cf = $2 }
  END { if (ok == "") print "x x x x x"; else print ok + 0, f + 0, a + 0, s + 0, cf + 0 }
' "$ctl/junit.out" 2>/dev/null || echo "x x x x x")
if [ "$ok" = x ]; then
  if [ -z "$rig_error" ]; then rig_error="no JUnit summary in the guest output"; vmrig_log "rig failure: $rig_error"; fi
  ok=0 failed=0 aborted=0 skipped=0 cfailed=0
elif [ "$ok" = 0 ] && [ "$failed" = 0 ] && [ -z "$rig_error" ]; then
  # All guest tests skipped or aborted (e.g. VMRIG_GUEST lost on the way): a green line would lie.
  rig_error="no guest test passed"; vmrig_log "rig failure: $rig_error"
fi
passed=$((ok + host_pass))
failed=$((failed + cfailed + host_fail))
[ $((aborted + skipped)) -eq 0 ] || vmrig_log "$aborted aborted and $skipped skipped in the guest (not counted)"
if [ -n "$rig_error" ]; then failed=$((failed + 1)); fi
if [ "$failed" -eq 0 ] && [ "$cmd_rc" != 0 ]; then
  # e.g. the launcher's --fail-if-no-tests, or a JVM that died after printing its summary
  vmrig_log "the guest suite exited with status $cmd_rc although no test failed"
  failed=1
fi
echo "$passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then exit 1; fi
exit 0
