# Shared helpers for the vm-tests rig. Sourced by run.sh and the host-side rig scripts (bash only).
# Never sourced inside the guest: the guest's /init is busybox sh and has its own small helpers.

VMRIG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"          # vm-tests/rig
VMTESTS_DIR="$(cd "$VMRIG_DIR/.." && pwd)"                          # vm-tests
REPO_DIR="$(cd "$VMTESTS_DIR/.." && pwd)"                           # project root, shared rw with the guest
VMRIG_CACHE="${VMRIG_CACHE:-$VMTESTS_DIR/.cache}"

vmrig_log() { printf 'vmrig: %s\n' "$*" >&2; }
vmrig_die() { printf 'vmrig: error: %s\n' "$*" >&2; exit 2; }

# Prints the wall time since the given start (from vmrig_now) in seconds with one decimal.
vmrig_now() { date +%s%N; }
vmrig_since() { local ns=$(( $(date +%s%N) - $1 )); printf '%d.%d' $(( ns / 1000000000 )) $(( ns / 100000000 % 10 )); }

# A short hash of every file that shapes the guest image (builder, module list, init). Part of the cache
# key together with the flavour and kernel version, so editing them rebuilds the image by itself; scripts
# that only act at run time (run.sh, all-modes.sh, guest-suite.sh, the modes' QEMU settings) do not.
vmrig_rig_hash() {
  (cd "$VMRIG_DIR" && sha256sum guest-image.sh init.sh extract-vmlinux.sh vfio-modules.sh guest-modules.list) \
    | sha256sum | cut -c1-12
}
