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
MODE_QEMU_ARGS=(-device intel-iommu,intremap=on,caching-mode=on
  # An SR-IOV physical function nobody here wrote (NvmeSriovGuestTest): QEMU's nvme with two VFs (1b36:0010,
  # First VF Offset 1, VF Stride 1), alone behind its own root port. addr= keeps that port after the virtio
  # ports in slot order, so the virtio functions keep buses 1-3. No namespace: the tests never do NVMe I/O.
  # The guest has no nvme driver; the test binds the PF to vfio-pci itself (Takeover).
  -device pcie-root-port,id=rpnvme,chassis=8,slot=8,addr=0x10
  -device nvme-subsys,id=nvmesubsys0
  -device nvme,serial=vmrig-nvme,subsys=nvmesubsys0,bus=rpnvme,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=4)
# Mandatory: without it QEMU's virtio devices bypass the vIOMMU and treat IOVAs as guest physical addresses.
MODE_IOMMU_PLATFORM=on
# iommu=pt keeps the guest's own 9p transports identity-mapped (fast); vfio still gets real DMA domains.
MODE_APPEND="intel_iommu=on iommu=pt"
