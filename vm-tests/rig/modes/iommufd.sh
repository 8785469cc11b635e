# Mode "iommufd": the vIOMMU machine of viommu.sh, but the guest runs Debian's bookworm-backports kernel
# (6.12) with iommufd and the VFIO device cdev: /dev/iommu and /dev/vfio/devices/vfioN exist next to the
# legacy /dev/vfio/N groups, and VfioBackend.AUTO must choose iommufd (IOMMU_IOAS_MAP for DMA).
# Debian builds neither CONFIG_IOMMUFD nor CONFIG_VFIO_DEVICE_CDEV, so the image carries iommufd.ko and
# the VFIO modules rebuilt with both (rig/vfio-modules.sh). The kernel comes through a private apt state in
# the cache; nothing is installed on the host. See noiommu.sh for MODE_KERNEL_SUITE and MODE_VFIO_BUILD.
MODE_MACHINE="q35,kernel-irqchip=split"
MODE_QEMU_ARGS=(-device intel-iommu,intremap=on,caching-mode=on)
MODE_IOMMU_PLATFORM=on
MODE_APPEND="intel_iommu=on iommu=pt"
MODE_KERNEL_SUITE=bookworm-backports
MODE_VFIO_BUILD=iommufd
