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

# A short hash of every file that shapes the guest image (scripts, module list, init). Part of the
# cache key together with the kernel version, so editing the rig rebuilds the image by itself.
vmrig_rig_hash() {
  (cd "$VMRIG_DIR" && find . -type f \( -name '*.sh' -o -name '*.list' \) -print | LC_ALL=C sort \
     | xargs sha256sum) | sha256sum | cut -c1-12
}
