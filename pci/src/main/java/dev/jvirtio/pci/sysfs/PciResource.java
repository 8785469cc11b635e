package dev.jvirtio.pci.sysfs;

/**
 * One line of a function's sysfs {@code resource} file: a BAR, the expansion ROM, an SR-IOV VF BAR or a
 * bridge window, with the kernel's {@code IORESOURCE_*} flags (include/linux/ioport.h).
 *
 * <pre>{@code
 * PciResource bar0 = info.resources().get(0);
 * bar0.size();          // 0x80000
 * bar0.isMemory();      // true
 * bar0.is64Bit();       // true
 * }</pre>
 *
 * @param index line number in the file: 0-5 BARs, 6 ROM, 7-12 VF BARs on SR-IOV capable functions
 * @param start first address (CPU physical for memory, port for I/O); 0 when unassigned
 * @param end   last address, inclusive
 * @param flags {@code IORESOURCE_*} flags; the low byte carries the BAR's own low bits
 */
public record PciResource(int index, long start, long end, long flags) {

    /** IORESOURCE_IO: I/O port space. */
    public static final long IORESOURCE_IO = 0x00000100L;
    /** IORESOURCE_MEM: memory space. */
    public static final long IORESOURCE_MEM = 0x00000200L;
    /** IORESOURCE_PREFETCH: prefetchable memory. */
    public static final long IORESOURCE_PREFETCH = 0x00002000L;
    /** IORESOURCE_READONLY: read-only (set for ROMs). */
    public static final long IORESOURCE_READONLY = 0x00004000L;
    /** IORESOURCE_SIZEALIGN: size indicates alignment. */
    public static final long IORESOURCE_SIZEALIGN = 0x00040000L;
    /** IORESOURCE_MEM_64: 64-bit memory BAR. */
    public static final long IORESOURCE_MEM_64 = 0x00100000L;
    /** IORESOURCE_UNSET: no address assigned yet. */
    public static final long IORESOURCE_UNSET = 0x20000000L;
    /** IORESOURCE_DISABLED: resource disabled. */
    public static final long IORESOURCE_DISABLED = 0x10000000L;
    /** Index of the expansion ROM line. */
    public static final int ROM_INDEX = 6;
    /** Index of the first SR-IOV VF BAR line (with CONFIG_PCI_IOV). */
    public static final int FIRST_VF_BAR_INDEX = 7;

    /** Size in bytes; 0 for an empty line (a BAR the function does not implement). */
    public long size() {
        if (start == 0 && end == 0) {
            return 0;
        }
        return end >= start ? end - start + 1 : 0;
    }

    /** True when the resource is in I/O port space. */
    public boolean isIo() {
        return (flags & IORESOURCE_IO) != 0;
    }

    /** True when the resource is in memory space. */
    public boolean isMemory() {
        return (flags & IORESOURCE_MEM) != 0;
    }

    /** True for prefetchable memory. */
    public boolean isPrefetchable() {
        return (flags & IORESOURCE_PREFETCH) != 0;
    }

    /** True for a 64-bit memory BAR. */
    public boolean is64Bit() {
        return (flags & IORESOURCE_MEM_64) != 0;
    }

    /** True when the line describes something (non-zero size or flags). */
    public boolean isPresent() {
        return size() != 0 || flags != 0;
    }

    /** "io", "mem" or "none". */
    public String typeName() {
        return isIo() ? "io" : isMemory() ? "mem" : "none";
    }
}
