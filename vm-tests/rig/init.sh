#!/bin/sh
# /init of the vm-tests guest (busybox sh, PID 1). Steps:
#  1. steer every virtio function except the 9p transports to vfio-pci BEFORE any virtio driver loads,
#  2. load virtio_pci + 9p and mount the host root (ro), the project share (rw, same path), the control dir,
#  3. load vfio-pci and bind the steered functions, mount hugetlbfs,
#  4. chroot into the host root, run /run/vmrig/cmd between markers, store its exit code in the control dir,
#  5. power off. Any failure before the command runs leaves no rc file: the host reports a rig failure.
export PATH=/bin:/sbin

say() { echo "vmrig-init: $*"; }
die() { say "FATAL: $*"; echo "===VMRIG-FATAL==="; poweroff -f; sleep 5; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

MODE=viommu SHARE= HUGEPAGES=0 BENCH_PORT= KBLK_PORT= VFIO_ARGS=
for w in $(cat /proc/cmdline); do
  case "$w" in
    rig.mode=*) MODE=${w#rig.mode=} ;;
    rig.bench=*) BENCH_PORT=${w#rig.bench=} ;;
    rig.kblk=*) KBLK_PORT=${w#rig.kblk=} ;;
    rig.vfio=*) VFIO_ARGS=$(echo "${w#rig.vfio=}" | tr , ' ') ;;  # parameters for vfio.ko, comma-separated
    rig.share=*) SHARE=${w#rig.share=} ;;
    hugepages=*) HUGEPAGES=${w#hugepages=} ;;
  esac
done

# 1. Take the virtio functions over. 0x1009/0x1049 are virtio-9p (transitional/modern): they carry the
# shares and stay with virtio_pci. A kernel with virtio_pci built in may have bound the others already,
# so unbind those (driver_override alone only acts on the next probe).
# run.sh --bench adds two blk functions, known by the root port they sit behind: rig.bench= (taken over like
# the others, VMRIG_BENCH_BDF) and rig.kblk= (left to virtio_pci + virtio_blk, VMRIG_KBLK_BDF).
TARGETS= BLK= BLK_PACKED= NET= BENCH= KBLK=
for d in /sys/bus/pci/devices/*; do
  [ "$(cat "$d/vendor")" = 0x1af4 ] || continue
  dev=$(cat "$d/device")
  case "$dev" in 0x1009|0x1049) continue ;; esac
  bdf=${d##*/}
  port=$(readlink -f "$d"); port=${port%/*}; port=${port##*/}
  if [ -n "$KBLK_PORT" ] && [ "$port" = "$KBLK_PORT" ]; then KBLK=$bdf; continue; fi
  echo vfio-pci > "$d/driver_override" || die "driver_override failed for $bdf"
  [ -e "$d/driver" ] && echo "$bdf" > "$d/driver/unbind"
  TARGETS="$TARGETS $bdf"
  if [ -n "$BENCH_PORT" ] && [ "$port" = "$BENCH_PORT" ]; then BENCH=$bdf; continue; fi
  case "$dev" in
    # Two blk functions: the split-ring disk behind root port 1 comes first in BDF order, the packed=on disk
    # behind root port 3 second (the tests confirm which is which by the serial each answers to GET_ID).
    0x1042|0x1001) if [ -z "$BLK" ]; then BLK=$bdf; else BLK_PACKED=$bdf; fi ;;
    0x1041|0x1000) NET=$bdf ;;
  esac
done
TARGETS=${TARGETS# }

# 2. Shares. The control dir holds env, cmd (written by the host) and rc (written here).
# virtio_pci is a module in Debian's 6.1 and built in from 6.12 on.
[ -d /sys/bus/pci/drivers/virtio-pci ] || modprobe virtio_pci || die "modprobe virtio_pci"
modprobe 9pnet_virtio && modprobe 9p || die "modprobe 9p"
if [ -n "$KBLK" ]; then modprobe virtio_blk || die "modprobe virtio_blk"; fi
O9P=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$O9P,cache=none" ctl /ctl || die "mount ctl"
mount -t 9p -o "$O9P,ro,cache=loose" hostroot /host || die "mount host root"
mount --bind /proc /host/proc
mount --bind /sys /host/sys
mkdir -p /dev/pts /dev/shm /dev/hugepages
mount --bind /dev /host/dev
mount -t devpts devpts /host/dev/pts
for t in /tmp /var/tmp /run /dev/shm; do mount -t tmpfs -o mode=1777 tmpfs "/host$t" || die "tmpfs $t"; done
if [ -n "$SHARE" ]; then
  # A project under /tmp, /var/tmp or /run sits on the fresh tmpfs just mounted: make the mount point.
  [ -d "/host$SHARE" ] || mkdir -p "/host$SHARE" || die "no mount point for the share at $SHARE"
  mount -t 9p -o "$O9P,cache=none" share "/host$SHARE" || die "mount share at $SHARE"
fi
mkdir -p /host/run/vmrig && mount --bind /ctl /host/run/vmrig || die "bind ctl"

# 3. VFIO. Loading vfio-pci probes the steered functions; drivers_probe covers an already loaded driver.
# The mode may pass parameters to vfio (noiommu: enable_unsafe_noiommu_mode=1); with the iommufd build
# modprobe loads iommufd first (vfio depends on it) and /dev/iommu appears.
# shellcheck disable=SC2086
modprobe vfio $VFIO_ARGS || die "modprobe vfio $VFIO_ARGS"
modprobe vfio_iommu_type1 || die "modprobe vfio_iommu_type1"
modprobe vfio-pci || die "modprobe vfio-pci"
for bdf in $TARGETS; do
  [ -e "/sys/bus/pci/devices/$bdf/driver" ] || echo "$bdf" > /sys/bus/pci/drivers_probe
  drv=$(readlink "/sys/bus/pci/devices/$bdf/driver"); drv=${drv##*/}
  grp=$(readlink "/sys/bus/pci/devices/$bdf/iommu_group"); grp=${grp##*/}
  # sysfs lists vfio-dev/vfioN from 6.1 on; only kernels with the device cdev also have /dev/vfio/devices/vfioN.
  cdev=$(ls "/sys/bus/pci/devices/$bdf/vfio-dev" 2>/dev/null | head -n1)
  [ -n "$cdev" ] && [ -e "/dev/vfio/devices/$cdev" ] || cdev=
  say "$bdf $(cat /sys/bus/pci/devices/$bdf/vendor):$(cat /sys/bus/pci/devices/$bdf/device) -> ${drv:-none} group ${grp:-none}${cdev:+ cdev $cdev}"
done
say "vfio nodes: $(ls /dev/vfio /dev/vfio/devices 2>/dev/null | tr '\n' ' ')$([ -e /dev/iommu ] && echo ' /dev/iommu')"
mount -t hugetlbfs -o mode=1777 hugetlbfs /host/dev/hugepages || die "mount hugetlbfs"

# 4. Run the command. env holds VMRIG_CWD, JAVA_HOME and VMRIG_DISK_SECTORS, shell-quoted by the host
# (guarded: a missing file given to "." would end this shell without a message).
[ -f /ctl/env ] || die "no env in control dir"
. /ctl/env
echo "===VMRIG-BEGIN==="
chroot /host /usr/bin/env -i \
  PATH="${JAVA_HOME:+$JAVA_HOME/bin:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  HOME=/root TERM=dumb LANG=C.UTF-8 JAVA_HOME="$JAVA_HOME" \
  VMRIG_GUEST=1 VMRIG_MODE="$MODE" VMRIG_BLK_BDF="$BLK" VMRIG_BLK_PACKED_BDF="$BLK_PACKED" VMRIG_NET_BDF="$NET" \
  VMRIG_TARGETS="$TARGETS" VMRIG_DISK_SECTORS="$VMRIG_DISK_SECTORS" VMRIG_BENCH_BDF="$BENCH" VMRIG_KBLK_BDF="$KBLK" \
  VMRIG_HUGEPAGES="$HUGEPAGES" VMRIG_SHARE="$SHARE" VMRIG_CTL=/run/vmrig \
  /bin/bash -c 'cd "$1" && exec /bin/bash /run/vmrig/cmd' vmrig "$VMRIG_CWD" </dev/console >/dev/console 2>&1
rc=$?
echo "===VMRIG-END=== rc=$rc"
echo "$rc" > /ctl/rc.tmp && mv /ctl/rc.tmp /ctl/rc
sync

# 5. Done.
poweroff -f
