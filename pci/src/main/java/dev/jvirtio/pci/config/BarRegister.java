package dev.jvirtio.pci.config;

/**
 * A decoded Base Address Register as config space shows it: its kind and programmed address.
 *
 * <p>Config space alone cannot give a BAR's size (that needs the write-ones sizing probe, which we never do
 * on a live device); sizes come from sysfs {@code resource}. A 64-bit BAR occupies two register slots; only
 * the lower one appears, with the full 64-bit address.
 *
 * @param index   BAR number 0-5 (the lower slot for 64-bit BARs)
 * @param kind    the address space and width the low bits declare
 * @param prefetchable the prefetchable bit of a memory BAR (always false for I/O)
 * @param address the base address with the flag bits masked off
 * @param raw     the raw 32-bit register value of the lower slot
 */
public record BarRegister(int index, Kind kind, boolean prefetchable, long address, int raw) {

    /** Address-space kinds a BAR's low bits encode. */
    public enum Kind {
        /** I/O space (bit 0 set). */
        IO,
        /** 32-bit memory space (type 00). */
        MEM32,
        /** 64-bit memory space (type 10); spans two register slots. */
        MEM64,
        /** Obsolete "below 1 MiB" memory type (01). */
        MEM_BELOW_1M,
        /** The reserved memory type (11). */
        MEM_RESERVED
    }

    /** True when the register is 64-bit and so also consumed slot {@code index + 1}. */
    public boolean is64Bit() {
        return kind == Kind.MEM64;
    }
}
