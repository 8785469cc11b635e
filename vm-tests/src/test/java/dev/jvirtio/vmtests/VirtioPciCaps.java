package dev.jvirtio.vmtests;

import java.util.ArrayList;
import java.util.List;

/**
 * Minimal walker of the PCI capability list that collects the virtio vendor capabilities
 * ({@code struct virtio_pci_cap}, virtio spec "Virtio Structure PCI Capabilities"). It exists so the
 * first guest tests can check QEMU's layout before the project's own parser lands; switching to that
 * parser means replacing {@link #parse(byte[])} calls, the tests only look at {@link Cap}'s fields.
 *
 * <pre>{@code
 * for (VirtioPciCaps.Cap c : VirtioPciCaps.parse(PciFunction.of(bdf).config())) { ... c.cfgType() ... }
 * }</pre>
 */
public final class VirtioPciCaps {
    /** VIRTIO_PCI_CAP_COMMON_CFG. */
    public static final int COMMON_CFG = 1;
    /** VIRTIO_PCI_CAP_NOTIFY_CFG. */
    public static final int NOTIFY_CFG = 2;
    /** VIRTIO_PCI_CAP_ISR_CFG. */
    public static final int ISR_CFG = 3;
    /** VIRTIO_PCI_CAP_DEVICE_CFG. */
    public static final int DEVICE_CFG = 4;
    /** VIRTIO_PCI_CAP_PCI_CFG. */
    public static final int PCI_CFG = 5;

    static final int PCI_STATUS = 0x06;
    static final int PCI_STATUS_CAP_LIST = 0x10;
    static final int PCI_CAPABILITY_LIST = 0x34;
    static final int PCI_CAP_ID_VNDR = 0x09;
    /** Standard config space ends here; the classic capability list lives below it. */
    static final int STD_CONFIG_END = 256;
    /** First byte after the standard header: a capability pointer below this is invalid. */
    static final int FIRST_CAP = 0x40;
    /** sizeof(struct virtio_pci_cap). */
    static final int VIRTIO_CAP_LEN = 16;
    /** sizeof(struct virtio_pci_notify_cap): the cap plus notify_off_multiplier. */
    static final int NOTIFY_CAP_LEN = 20;

    /**
     * One virtio vendor capability.
     *
     * @param capOffset  where the capability sits in config space
     * @param capLen     cap_len as the device reports it
     * @param cfgType    cfg_type (1 common, 2 notify, 3 isr, 4 device, 5 pci cfg, ...)
     * @param bar        BAR index the structure lives in
     * @param id         id, tells several capabilities of one type apart
     * @param offset     offset of the structure inside the BAR
     * @param length     length of the structure
     * @param notifyOffMultiplier notify_off_multiplier for cfg_type 2, else -1
     */
    public record Cap(int capOffset, int capLen, int cfgType, int bar, int id, long offset, long length,
                      long notifyOffMultiplier) {}

    /** The config space does not hold a well-formed capability list. */
    public static final class MalformedCapabilityListException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedCapabilityListException(String message) {
            super(message);
        }
    }

    private VirtioPciCaps() {}

    /**
     * Virtio capabilities in list order. An empty list when the function has no capability list.
     *
     * @throws MalformedCapabilityListException on a pointer into the header or past the data, a loop,
     *         or a virtio capability too short for its type
     */
    public static List<Cap> parse(byte[] config) {
        if (config.length < FIRST_CAP) {
            throw new MalformedCapabilityListException("config space too short: " + config.length + " bytes");
        }
        List<Cap> caps = new ArrayList<>();
        if ((u16(config, PCI_STATUS) & PCI_STATUS_CAP_LIST) == 0) {
            return caps;
        }
        boolean[] seen = new boolean[STD_CONFIG_END];
        int ptr = u8(config, PCI_CAPABILITY_LIST) & ~3; // the low two bits are reserved
        while (ptr != 0) {
            if (ptr < FIRST_CAP) {
                throw new MalformedCapabilityListException(String.format("capability pointer 0x%02x points into the header", ptr));
            }
            if (ptr + 2 > config.length) {
                throw new MalformedCapabilityListException(String.format(
                        "capability at 0x%02x lies past the %d bytes read (reading all of config space needs root)",
                        ptr, config.length));
            }
            if (seen[ptr]) {
                throw new MalformedCapabilityListException(String.format("capability list loops back to 0x%02x", ptr));
            }
            seen[ptr] = true;
            int next = u8(config, ptr + 1) & ~3;
            if (u8(config, ptr) == PCI_CAP_ID_VNDR) {
                caps.add(virtioCap(config, ptr));
            }
            ptr = next;
        }
        return caps;
    }

    private static Cap virtioCap(byte[] c, int at) {
        int len = u8(c, at + 2);
        int cfgType = at + 3 < c.length ? u8(c, at + 3) : -1;
        int need = cfgType == NOTIFY_CFG ? NOTIFY_CAP_LEN : VIRTIO_CAP_LEN;
        if (len < need) {
            throw new MalformedCapabilityListException(String.format(
                    "virtio capability at 0x%02x (cfg_type %d) has cap_len %d, needs at least %d", at, cfgType, len, need));
        }
        if (at + len > Math.min(c.length, STD_CONFIG_END)) {
            throw new MalformedCapabilityListException(String.format(
                    "virtio capability at 0x%02x with cap_len %d runs past standard config space", at, len));
        }
        long mult = cfgType == NOTIFY_CFG ? u32(c, at + 16) : -1;
        return new Cap(at, len, cfgType, u8(c, at + 4), u8(c, at + 5), u32(c, at + 8), u32(c, at + 12), mult);
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    private static int u16(byte[] b, int at) {
        return u8(b, at) | u8(b, at + 1) << 8; // PCI config space is little-endian
    }

    private static long u32(byte[] b, int at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xffff_ffffL;
    }
}
