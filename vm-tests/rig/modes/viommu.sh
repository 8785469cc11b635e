# Mode "viommu": q35 with an emulated Intel IOMMU. Each function under test sits alone behind its own
# pcie-root-port, gets its own IOMMU group and is driven through the VFIO type1 container.
# A mode file sets:
#   MODE_MACHINE          -machine value
#   MODE_QEMU_ARGS        extra QEMU arguments (array), placed before the devices
#   MODE_IOMMU_PLATFORM   iommu_platform= for the functions under test
#   MODE_APPEND           extra kernel command line
MODE_MACHINE="q35,kernel-irqchip=split"
# caching-mode=on is only needed when QEMU itself passes a host device through; harmless here and keeps
# the rig ready for that. intremap=on gives MSI-X remapping like real hardware (needs the split irqchip).
MODE_QEMU_ARGS=(-device intel-iommu,intremap=on,caching-mode=on)
# Mandatory: without it QEMU's virtio devices bypass the vIOMMU and treat IOVAs as guest physical addresses.
MODE_IOMMU_PLATFORM=on
# iommu=pt keeps the guest's own 9p transports identity-mapped (fast); vfio still gets real DMA domains.
MODE_APPEND="intel_iommu=on iommu=pt"
