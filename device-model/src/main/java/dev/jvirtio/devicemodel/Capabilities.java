package dev.jvirtio.devicemodel;

import java.lang.foreign.MemorySegment;

/**
 * Device capabilities (fixed at construction, pre-encoded so DEVICE_CAP_GET is a copy) and the driver
 * capabilities set with DRIVER_CAP_SET (all zero / unset until set, and after a device reset).
 */
final class Capabilities {
    /** Selector types and mask lengths of the flow-filter selector table (index = type). */
    static final int[] FF_SELECTOR_LENGTH = {0, 14, 20, 40, 20, 8, 8};

    private final AdminEngineConfig cfg;
    private final MemorySegment capIdBitmap;
    private final MemorySegment devPartsCap;
    private final MemorySegment ffResourceCap;
    private final MemorySegment ffSelectorCap;
    private final MemorySegment ffActionCap;
    /** Device selector masks by type (null = type not offered). */
    private final byte[][] deviceMasks = new byte[FF_SELECTOR_LENGTH.length][];
    private final int deviceSelectorFlags;
    private final int deviceActions;

    // --- driver capabilities ---
    int drvPartsGet;
    int drvPartsSet;
    boolean ffResourceSet;
    long drvGroups;
    long drvClassifiers;
    long drvRules;
    long drvRulesPerGroup;
    int drvLastRulePriority;
    int drvSelectorsPerClassifier;
    boolean ffSelectorSet;
    /** Driver-enabled selector masks by type (null = not enabled). */
    final byte[][] drvMasks = new byte[FF_SELECTOR_LENGTH.length][];
    final int[] drvSelectorFlags = new int[FF_SELECTOR_LENGTH.length];
    boolean ffActionSet;
    /** Bit n set = action n enabled by the driver. */
    int drvActions;

    Capabilities(AdminEngineConfig cfg) {
        this.cfg = cfg;
        boolean ff = cfg.flowFilter;
        int words = ff ? AdminWire.CAP_NET_FF_ACTION / 64 + 1 : 1;
        capIdBitmap = MemorySegment.ofArray(new byte[words * 8]);
        if (cfg.devParts()) {
            setBit(capIdBitmap, AdminWire.CAP_DEV_PARTS);
        }
        devPartsCap = MemorySegment.ofArray(new byte[] {(byte) cfg.devPartsGetLimit, (byte) cfg.devPartsSetLimit});

        ffResourceCap = MemorySegment.ofArray(new byte[20]);
        Le.write(ffResourceCap, 0, 4, cfg.ffGroupsLimit);
        Le.write(ffResourceCap, 4, 4, cfg.ffClassifiersLimit);
        Le.write(ffResourceCap, 8, 4, cfg.ffRulesLimit);
        Le.write(ffResourceCap, 12, 4, cfg.ffRulesPerGroupLimit);
        Le.write(ffResourceCap, 16, 1, cfg.ffLastRulePriority);
        Le.write(ffResourceCap, 17, 1, cfg.ffSelectorsPerClassifierLimit);

        deviceSelectorFlags = cfg.ffPartialMask ? AdminWire.FF_MASK_F_PARTIAL_MASK : 0;
        // Matchable fields the model offers: full Ethernet header, IPv4 protocol + addresses, IPv6 next header +
        // addresses, TCP/UDP ports.
        deviceMasks[AdminWire.FF_MASK_TYPE_ETH] = ones(14, 0, 14);
        deviceMasks[AdminWire.FF_MASK_TYPE_IPV4] = ones(20, 9, 10, 12, 20);
        deviceMasks[AdminWire.FF_MASK_TYPE_IPV6] = ones(40, 6, 7, 8, 40);
        deviceMasks[AdminWire.FF_MASK_TYPE_TCP] = ones(20, 0, 4);
        deviceMasks[AdminWire.FF_MASK_TYPE_UDP] = ones(8, 0, 4);
        int count = 0;
        int len = 8;
        for (byte[] m : deviceMasks) {
            if (m != null) {
                count++;
                len += 8 + m.length;
            }
        }
        ffSelectorCap = MemorySegment.ofArray(new byte[len]);
        Le.write(ffSelectorCap, 0, 1, count);
        long p = 8;
        for (int t = 0; t < deviceMasks.length; t++) {
            byte[] m = deviceMasks[t];
            if (m != null) {
                Le.write(ffSelectorCap, p, 1, t);
                Le.write(ffSelectorCap, p + 1, 1, deviceSelectorFlags);
                Le.write(ffSelectorCap, p + 4, 1, m.length);
                MemorySegment.copy(MemorySegment.ofArray(m), 0, ffSelectorCap, p + 8, m.length);
                p += 8 + m.length;
            }
        }
        deviceActions = (1 << AdminWire.FF_ACTION_DROP) | (1 << AdminWire.FF_ACTION_DIRECT_RX_VQ);
        ffActionCap = MemorySegment.ofArray(new byte[] {2, 0, 0, 0, 0, 0, 0, 0,
            (byte) AdminWire.FF_ACTION_DROP, (byte) AdminWire.FF_ACTION_DIRECT_RX_VQ});
        if (ff) {
            setBit(capIdBitmap, AdminWire.CAP_NET_FF_RESOURCE);
            setBit(capIdBitmap, AdminWire.CAP_NET_FF_SELECTOR);
            setBit(capIdBitmap, AdminWire.CAP_NET_FF_ACTION);
        }
    }

    private static byte[] ones(int len, int... ranges) {
        byte[] m = new byte[len];
        for (int i = 0; i < ranges.length; i += 2) {
            for (int j = ranges[i]; j < ranges[i + 1]; j++) {
                m[j] = (byte) 0xff;
            }
        }
        return m;
    }

    private static void setBit(MemorySegment bitmap, int bit) {
        long off = (bit / 64) * 8L;
        Le.write(bitmap, off, 8, Le.u64(bitmap, off) | 1L << (bit % 64));
    }

    /** Device-reset semantics: every driver capability back to unset / zero. */
    void resetDriver() {
        drvPartsGet = 0;
        drvPartsSet = 0;
        ffResourceSet = false;
        drvGroups = 0;
        drvClassifiers = 0;
        drvRules = 0;
        drvRulesPerGroup = 0;
        drvLastRulePriority = 0;
        drvSelectorsPerClassifier = 0;
        ffSelectorSet = false;
        for (int t = 0; t < drvMasks.length; t++) {
            drvMasks[t] = null;
            drvSelectorFlags[t] = 0;
        }
        ffActionSet = false;
        drvActions = 0;
    }

    /** Flow filter usable: the driver set all three flow-filter capabilities (driver-normative precondition). */
    boolean flowFilterEnabled() {
        return ffResourceSet && ffSelectorSet && ffActionSet;
    }

    MemorySegment capIdBitmap() {
        return capIdBitmap;
    }

    /** The encoded device capability, or {@code null} if the id is not reported by CAP_ID_LIST_QUERY. */
    MemorySegment deviceCap(int id) {
        if (id == AdminWire.CAP_DEV_PARTS) {
            return cfg.devParts() ? devPartsCap : null;
        }
        if (!cfg.flowFilter) {
            return null;
        }
        return switch (id) {
            case AdminWire.CAP_NET_FF_RESOURCE -> ffResourceCap;
            case AdminWire.CAP_NET_FF_SELECTOR -> ffSelectorCap;
            case AdminWire.CAP_NET_FF_ACTION -> ffActionCap;
            default -> null;
        };
    }

    /**
     * DRIVER_CAP_SET: validates {@code cap_specific_data} at {@code in@off} and applies it.
     *
     * @param liveDevParts whether device-parts resource objects exist
     * @param liveFf       whether flow-filter resource objects exist
     * @return {@link Err#OK} or a packed error; nothing changes on error
     */
    int driverSet(int id, MemorySegment in, long off, boolean liveDevParts, boolean liveFf) {
        if (deviceCap(id) == null) {
            return Err.NO_SUCH;
        }
        switch (id) {
            case AdminWire.CAP_DEV_PARTS: {
                int get = Le.u8(in, off);
                int set = Le.u8(in, off + 1);
                if (get > cfg.devPartsGetLimit || set > cfg.devPartsSetLimit) {
                    return Err.INVALID_FIELD;
                }
                if (liveDevParts) {
                    return Err.BUSY;
                }
                drvPartsGet = get;
                drvPartsSet = set;
                return Err.OK;
            }
            case AdminWire.CAP_NET_FF_RESOURCE: {
                long groups = Le.u32(in, off);
                long classifiers = Le.u32(in, off + 4);
                long rules = Le.u32(in, off + 8);
                long perGroup = Le.u32(in, off + 12);
                int lastPrio = Le.u8(in, off + 16);
                int selectors = Le.u8(in, off + 17);
                if (groups > cfg.ffGroupsLimit || classifiers > cfg.ffClassifiersLimit || rules > cfg.ffRulesLimit
                        || perGroup > cfg.ffRulesPerGroupLimit || lastPrio > cfg.ffLastRulePriority
                        || selectors > cfg.ffSelectorsPerClassifierLimit) {
                    return Err.INVALID_FIELD;
                }
                if (liveFf) {
                    return Err.BUSY;
                }
                ffResourceSet = true;
                drvGroups = groups;
                drvClassifiers = classifiers;
                drvRules = rules;
                drvRulesPerGroup = perGroup;
                drvLastRulePriority = lastPrio;
                drvSelectorsPerClassifier = selectors;
                return Err.OK;
            }
            case AdminWire.CAP_NET_FF_SELECTOR:
                return setSelectors(in, off, liveFf);
            case AdminWire.CAP_NET_FF_ACTION: {
                int count = Le.u8(in, off);
                int actions = 0;
                int prev = 0;
                for (int i = 0; i < count; i++) {
                    int a = Le.u8(in, off + 8 + i);
                    // Ascending, each once, and only actions the device reported.
                    if (a <= prev || a >= 32 || (deviceActions & (1 << a)) == 0) {
                        return Err.INVALID_FIELD;
                    }
                    actions |= 1 << a;
                    prev = a;
                }
                if (liveFf) {
                    return Err.BUSY;
                }
                ffActionSet = true;
                drvActions = actions;
                return Err.OK;
            }
            default:
                return Err.NO_SUCH;
        }
    }

    private int setSelectors(MemorySegment in, long off, boolean liveFf) {
        int count = Le.u8(in, off);
        long p = off + 8;
        int prevType = 0;
        // First pass: validate only, so a rejected command changes nothing.
        for (int i = 0; i < count; i++) {
            int type = Le.u8(in, p);
            int flags = Le.u8(in, p + 1);
            int len = Le.u8(in, p + 4);
            if (type <= prevType || type >= deviceMasks.length || deviceMasks[type] == null) {
                return Err.INVALID_FIELD;
            }
            byte[] dm = deviceMasks[type];
            if (len != dm.length || (flags & ~deviceSelectorFlags) != 0) {
                return Err.INVALID_FIELD;
            }
            for (int j = 0; j < len; j++) {
                if ((Le.u8(in, p + 8 + j) & ~dm[j] & 0xff) != 0) {
                    return Err.INVALID_FIELD;
                }
            }
            prevType = type;
            p += 8 + len;
        }
        if (liveFf) {
            return Err.BUSY;
        }
        for (int t = 0; t < drvMasks.length; t++) {
            drvMasks[t] = null;
            drvSelectorFlags[t] = 0;
        }
        p = off + 8;
        for (int i = 0; i < count; i++) {
            int type = Le.u8(in, p);
            int len = Le.u8(in, p + 4);
            byte[] m = new byte[len];
            for (int j = 0; j < len; j++) {
                m[j] = (byte) Le.u8(in, p + 8 + j);
            }
            drvMasks[type] = m;
            drvSelectorFlags[type] = Le.u8(in, p + 1);
            p += 8 + len;
        }
        ffSelectorSet = true;
        return Err.OK;
    }
}
