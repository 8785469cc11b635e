#!/usr/bin/env bash
# Runs benchmark P4 INSIDE the guest (run.sh --bench starts it): jvirtio's userspace virtio-blk (polled, via
# VFIO) against the guest kernel's virtio_blk under fio, 4 KiB random reads at QD1 and QD32, on two identical
# functions reading one image. The Java side (dev.jvirtio.vmtests.bench.P4Bench) runs both, alternating, and
# prints the table and the last line "P4 userspace/kernel iops ratio: <x.xx>".
# Arguments: seconds per measurement (10), userspace warm-up seconds (8).
set -uo pipefail
[ "${VMRIG_GUEST:-}" = 1 ] || { echo "guest-bench.sh: run me inside the guest (vm-tests/run.sh --bench)" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${VMRIG_BENCH_BDF:?the rig found no userspace bench function (run.sh --bench)}"
: "${VMRIG_KBLK_BDF:?the rig found no kernel bench function (run.sh --bench)}"
command -v fio >/dev/null || { echo "guest-bench.sh: no fio in the host root (rig/bench.sh installs it)" >&2; exit 2; }

# The kernel side: the virtio_blk disk of the function the rig left to the kernel.
kdev=
for b in /sys/bus/pci/devices/"$VMRIG_KBLK_BDF"/virtio*/block/*; do [ -e "$b" ] && kdev=${b##*/}; done
[ -n "$kdev" ] || { echo "guest-bench.sh: $VMRIG_KBLK_BDF has no virtio_blk disk" >&2; ls -lR "/sys/bus/pci/devices/$VMRIG_KBLK_BDF" | head -40 >&2; exit 2; }
q=/sys/block/$kdev/queue
# Compare drivers, not I/O schedulers: no elevator on the kernel side (the userspace side has none either).
echo none > "$q/scheduler" 2>/dev/null
vdev=$(ls -d /sys/bus/pci/devices/"$VMRIG_KBLK_BDF"/virtio* | head -n1)
echo "P4 kernel: $VMRIG_KBLK_BDF /dev/$kdev serial $(cat /sys/block/$kdev/serial 2>/dev/null || echo '?')," \
     "$(cat /sys/block/$kdev/size) sectors, ro $(cat /sys/block/$kdev/ro), scheduler $(cat $q/scheduler)," \
     "hw queues $(ls /sys/block/$kdev/mq | wc -l), features $(cat $vdev/features 2>/dev/null)"
echo "P4 guest: $(nproc) vCPUs, kernel $(uname -r), $(fio --version), load $(cat /proc/loadavg)"

out=target/vmrig
cp="target/test-classes:$(cat "$out/classpath.txt")"
# Full tiered JIT (C1 then C2): the measured loops are steady-state code, unlike the suite's short tests.
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:-UsePerfData --enable-native-access=ALL-UNNAMED -cp "$cp" \
    dev.jvirtio.vmtests.bench.P4Bench "$VMRIG_BENCH_BDF" "/dev/$kdev" \
    "${1:-10}" "${2:-8}" 1,32
