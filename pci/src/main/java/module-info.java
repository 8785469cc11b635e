/**
 * PCI discovery, config space, and PCI function access: emulated, or real devices through VFIO.
 * Reads sysfs with java.nio only; native access lives in dev.jvirtio.ffm.
 */
module dev.jvirtio.pci {
    requires transitive dev.jvirtio.ffm;
    requires transitive dev.jvirtio.virtq;

    exports dev.jvirtio.pci;
    exports dev.jvirtio.pci.config;
    exports dev.jvirtio.pci.sysfs;
    exports dev.jvirtio.pci.virtio;
    exports dev.jvirtio.pci.vfio;
    exports dev.jvirtio.pci.sriov;
    exports dev.jvirtio.pci.takeover;
}
