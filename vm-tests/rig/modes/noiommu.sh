# Mode "noiommu": plain q35 without any IOMMU. vfio runs in its unsafe no-IOMMU mode: each function gets a
# /dev/vfio/noiommu-N group, the device DMAs to guest physical addresses, and the driver's IOVA must be the
# physical address of its buffer (VfioBackend.NOIOMMU takes it from /proc/self/pagemap).
# Stock Debian kernels lack CONFIG_VFIO_NOIOMMU, so the image carries VFIO modules rebuilt with it
# (rig/vfio-modules.sh); the guest loads vfio with enable_unsafe_noiommu_mode=1 (rig.vfio= below).
# Optional variables besides those of viommu.sh:
#   MODE_KERNEL_SUITE     Debian suite whose linux-image-amd64 the guest runs (empty: the host's apt sources)
#   MODE_VFIO_BUILD       rebuild the VFIO modules with extra options: noiommu or iommufd (vfio-modules.sh)
MODE_MACHINE="q35"
MODE_QEMU_ARGS=()
# Without an IOMMU the devices must not claim VIRTIO_F_ACCESS_PLATFORM: addresses are physical.
MODE_IOMMU_PLATFORM=off
MODE_APPEND="rig.vfio=enable_unsafe_noiommu_mode=1"
MODE_KERNEL_SUITE=
MODE_VFIO_BUILD=noiommu
