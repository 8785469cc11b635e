package dev.jvirtio.pci.sysfs;

import dev.jvirtio.pci.PciAddress;

import java.util.List;

/**
 * SR-IOV state of a physical function as the kernel reports it in sysfs.
 *
 * @param totalVfs {@code sriov_totalvfs}: how many VFs the PF supports
 * @param numVfs   {@code sriov_numvfs}: how many are enabled now
 * @param virtfns  targets of the {@code virtfnN} links, index N at position N (VF number N+1 in virtio admin
 *                 commands, whose SR-IOV member IDs are 1-based)
 */
public record SriovState(int totalVfs, int numVfs, List<PciAddress> virtfns) {
    /** Copies the VF list so the record stays immutable. */
    public SriovState {
        virtfns = List.copyOf(virtfns);
    }
}
