/** PCI discovery, config space, and PCI function access (emulated now, VFIO later). */
module dev.jvirtio.pci {
    requires transitive dev.jvirtio.ffm;
    requires transitive dev.jvirtio.virtq;

    exports dev.jvirtio.pci;
    exports dev.jvirtio.pci.virtio;
}
