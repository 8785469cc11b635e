/**
 * Software virtio-PCI device model used for tests, benchmarks and demos: the device side of every virtio 1.3/1.4
 * group administration command, as a pure-Java engine over {@link java.lang.foreign.MemorySegment}s.
 */
module dev.jvirtio.devicemodel {
    // The lead wires the engine to the device-side admin virtqueue (virtq) and an emulated PCI function (pci).
    requires transitive dev.jvirtio.virtq;
    requires dev.jvirtio.pci;

    exports dev.jvirtio.devicemodel;
}
