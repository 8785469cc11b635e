package dev.jvirtio.devicemodel;

/**
 * What the admin engine needs to know about the owner's SR-IOV Extended Capability. The emulated PCI function
 * implements it later; {@link MutableSrIovState} serves tests and demos.
 */
public interface SrIovState {
    /** The {@code NumVFs} register: how many VFs are currently instantiated (member ids 1..numVfs). */
    int numVfs();

    /** The {@code VF Enable} bit of the SR-IOV Control register; the SR-IOV group exists only while it is set. */
    boolean vfEnable();
}
