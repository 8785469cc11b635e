/** DMA memory and virtqueues (split and packed, driver and device side). Depends on no PCI code. */
module dev.jvirtio.virtq {
    requires transitive dev.jvirtio.ffm;
}
