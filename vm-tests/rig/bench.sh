# Benchmark P4 on the host side (sourced by run.sh for --bench): the image both bench devices read, and their
# QEMU arguments. Userspace and kernel side get identical virtio-blk-pci functions on one image file, each
# behind its own root port at a fixed slot; the guest's /init tells them apart by that port (rig.bench=,
# rig.kblk= on the kernel command line): the first goes to vfio-pci like every function under test, the
# second stays with virtio_pci + virtio_blk.

VMRIG_BENCH_USER_PORT=0000:00:11.0
VMRIG_BENCH_KERNEL_PORT=0000:00:12.0

# fio is Debian's, installed on the host; the guest runs it from the read-only host root.
vmrig_bench_deps() {
  vmrig_need_pkgs fio:fio perl:perl-base
}

# vmrig_bench_image FILE MIB: every 4 KiB block starts with its block number (little-endian 64 bits), the rest
# is filler, so the userspace loop can check that each read returned the block it asked for. Real data, not a
# sparse file: a hole would be served without touching the disk.
vmrig_bench_image() {
  local file=$1 mib=$2
  perl -e 'my $n = $ARGV[0] * 256; my $fill = "\xa5" x 4088; binmode STDOUT;
           for (my $i = 0; $i < $n; $i++) { print pack("Q<", $i), $fill }' "$mib" > "$file" \
    || vmrig_die "cannot write the bench image $file"
}

# Sets VMRIG_BENCH_QEMU_ARGS for an image. Same drive options on both sides: read-only (both only read; two
# read-only users of one file share it), raw, cache=none so that QEMU reads the file with O_DIRECT and the
# host page cache serves neither side. The split ring is the default on both.
vmrig_bench_qemu_args() {
  local img=$1 drive="format=raw,readonly=on,cache=none"
  VMRIG_BENCH_QEMU_ARGS=(
    -device "pcie-root-port,id=rpbu,chassis=9,slot=9,addr=${VMRIG_BENCH_USER_PORT##*:}"
    -drive "if=none,id=bu,file=$img,$drive"
    -device "virtio-blk-pci,drive=bu,bus=rpbu,iommu_platform=$MODE_IOMMU_PLATFORM,serial=vmrig-bench-user"
    -device "pcie-root-port,id=rpbk,chassis=10,slot=10,addr=${VMRIG_BENCH_KERNEL_PORT##*:}"
    -drive "if=none,id=bk,file=$img,$drive"
    -device "virtio-blk-pci,drive=bk,bus=rpbk,iommu_platform=$MODE_IOMMU_PLATFORM,serial=vmrig-bench-kernel"
  )
}
