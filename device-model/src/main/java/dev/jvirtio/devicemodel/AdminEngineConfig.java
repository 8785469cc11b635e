package dev.jvirtio.devicemodel;

import java.util.ArrayList;
import java.util.List;

/**
 * Immutable configuration of an {@link AdminCommandEngine}: device type, SR-IOV size, the opcodes supported per
 * group type, the RESOURCE_OBJ_QUERY/MODIFY numbering, resource limits the device advertises, legacy notify
 * addresses, and an optional processing latency.
 *
 * <pre>{@code
 * AdminEngineConfig cfg = AdminEngineConfig.builder(DeviceType.NET)
 *         .totalVfs(8)
 *         .numbering(AdminEngineConfig.ResourceOpcodeNumbering.COMMAND_TEXT)
 *         .build();
 * }</pre>
 */
public final class AdminEngineConfig {

    /**
     * Which opcodes RESOURCE_OBJ_QUERY and RESOURCE_OBJ_MODIFY use. Virtio 1.4 cs01 contradicts itself: the
     * opcode table in admin.tex says QUERY 0xb / MODIFY 0xc, the command text says MODIFY 0xb / QUERY 0xc.
     */
    public enum ResourceOpcodeNumbering {
        /** QUERY 0xb, MODIFY 0xc (the opcode table; the default). */
        OPCODE_TABLE(0xb, 0xc),
        /** MODIFY 0xb, QUERY 0xc (the per-command text). */
        COMMAND_TEXT(0xc, 0xb);

        private final int query;
        private final int modify;

        ResourceOpcodeNumbering(int query, int modify) {
            this.query = query;
            this.modify = modify;
        }

        /** The RESOURCE_OBJ_QUERY opcode. */
        public int queryOpcode() {
            return query;
        }

        /** The RESOURCE_OBJ_MODIFY opcode. */
        public int modifyOpcode() {
            return modify;
        }
    }

    /**
     * One LEGACY_NOTIFY_INFO entry: for member {@code m} the address is {@code offset + (m - 1) * memberStride}
     * in BAR {@code bar} of the owner ({@code flags} 1) or of the member ({@code flags} 2).
     *
     * @param flags        {@link AdminWire#NOTIFY_INFO_OWNER_DEVICE} or {@link AdminWire#NOTIFY_INFO_MEMBER_DEVICE}
     * @param bar          1..5 (BAR0 is hardwired to zero on the VF side when the command is supported)
     * @param offset       2-byte aligned offset within the BAR
     * @param memberStride per-member increment, 2-byte aligned (0 for a per-VF BAR)
     */
    public record NotifyInfoEntry(int flags, int bar, long offset, long memberStride) {
        /** Validates the entry against the specification's rules for valid entries. */
        public NotifyInfoEntry {
            if (flags != AdminWire.NOTIFY_INFO_OWNER_DEVICE && flags != AdminWire.NOTIFY_INFO_MEMBER_DEVICE) {
                throw new IllegalArgumentException("notify info flags must be 1 (owner) or 2 (member): " + flags);
            }
            if (bar < 1 || bar > 5) {
                throw new IllegalArgumentException("notify info bar must be 1..5: " + bar);
            }
            if ((offset & 1) != 0 || (memberStride & 1) != 0 || offset < 0 || memberStride < 0) {
                throw new IllegalArgumentException("notify info offset/stride must be non-negative and even");
            }
        }
    }

    /** The SR-IOV opcodes that must be supported all together or not at all (legacy common/dev cfg access). */
    static final long LEGACY_RW_MASK = bits(0x2, 0x3, 0x4, 0x5);

    final DeviceType deviceType;
    final int totalVfs;
    final long supportedSelf;
    final long supportedSriov;
    final ResourceOpcodeNumbering numbering;
    final int devPartsGetLimit;
    final int devPartsSetLimit;
    final boolean flowFilter;
    final long ffGroupsLimit;
    final long ffClassifiersLimit;
    final long ffRulesLimit;
    final long ffRulesPerGroupLimit;
    final int ffLastRulePriority;
    final int ffSelectorsPerClassifierLimit;
    final boolean ffPartialMask;
    final int ownerQueuePairs;
    final int queueMaxSize;
    final int msixVectorsPerVf;
    final long processingLatencyNanos;
    final boolean relaxedLegacyDeviceCfgAccess;
    final List<NotifyInfoEntry> notifyInfo;

    private AdminEngineConfig(Builder b) {
        deviceType = b.deviceType;
        totalVfs = b.totalVfs;
        numbering = b.numbering;
        devPartsGetLimit = b.devPartsGetLimit;
        devPartsSetLimit = b.devPartsSetLimit;
        flowFilter = b.flowFilter && b.deviceType == DeviceType.NET;
        ffGroupsLimit = b.ffGroupsLimit;
        ffClassifiersLimit = b.ffClassifiersLimit;
        ffRulesLimit = b.ffRulesLimit;
        ffRulesPerGroupLimit = b.ffRulesPerGroupLimit;
        ffLastRulePriority = b.ffLastRulePriority;
        ffSelectorsPerClassifierLimit = b.ffSelectorsPerClassifierLimit;
        ffPartialMask = b.ffPartialMask;
        ownerQueuePairs = b.ownerQueuePairs;
        queueMaxSize = b.queueMaxSize;
        msixVectorsPerVf = b.msixVectorsPerVf;
        processingLatencyNanos = b.processingLatencyNanos;
        relaxedLegacyDeviceCfgAccess = b.relaxedLegacyDeviceCfgAccess;
        notifyInfo = List.copyOf(b.notifyInfo);
        supportedSelf = b.supportedSelf != null ? b.supportedSelf : defaultSelf(flowFilter);
        supportedSriov = b.supportedSriov != null ? b.supportedSriov : defaultSriov(!notifyInfo.isEmpty());
        validate();
    }

    private static long defaultSelf(boolean flowFilter) {
        // Capabilities always exist (VIRTIO_DEV_PARTS_CAP); self-scoped resource objects only with flow filter.
        long m = bits(AdminWire.CMD_LIST_QUERY, AdminWire.CMD_LIST_USE, AdminWire.CMD_CAP_ID_LIST_QUERY,
                AdminWire.CMD_DEVICE_CAP_GET, AdminWire.CMD_DRIVER_CAP_SET);
        if (flowFilter) {
            m |= bits(0xa, 0xb, 0xc, 0xd);
        }
        return m;
    }

    private static long defaultSriov(boolean notifyInfo) {
        long m = bits(AdminWire.CMD_LIST_QUERY, AdminWire.CMD_LIST_USE) | LEGACY_RW_MASK
                | bits(0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11);
        if (notifyInfo) {
            m |= bits(AdminWire.CMD_LEGACY_NOTIFY_INFO);
        }
        return m;
    }

    static long bits(int... opcodes) {
        long m = 0;
        for (int op : opcodes) {
            m |= 1L << op;
        }
        return m;
    }

    private void validate() {
        for (long m : new long[] {supportedSelf, supportedSriov}) {
            if ((m & 3) != 3) {
                throw new IllegalArgumentException("LIST_QUERY and LIST_USE must always be supported");
            }
            if ((m & ~((1L << (AdminWire.CMD_MAX_DEFINED + 1)) - 1)) != 0) {
                throw new IllegalArgumentException("opcodes above 0x11 are not defined");
            }
        }
        long legacy = supportedSriov & LEGACY_RW_MASK;
        if (legacy != 0 && legacy != LEGACY_RW_MASK) {
            throw new IllegalArgumentException("the four legacy cfg commands are supported all together or not at all");
        }
        boolean notify = (supportedSriov & bits(AdminWire.CMD_LEGACY_NOTIFY_INFO)) != 0;
        if (notify && legacy == 0) {
            throw new IllegalArgumentException("LEGACY_NOTIFY_INFO requires the four legacy cfg commands");
        }
        if (notify && notifyInfo.isEmpty()) {
            throw new IllegalArgumentException("LEGACY_NOTIFY_INFO needs at least one notify address");
        }
        long selfLegacy = supportedSelf & bits(2, 3, 4, 5, 6, 0xe, 0xf, 0x10, 0x11);
        if (selfLegacy != 0) {
            throw new IllegalArgumentException("legacy and device-parts commands are defined for the SR-IOV group only");
        }
        if ((supportedSriov & bits(7, 8, 9)) != 0) {
            throw new IllegalArgumentException("capability commands are defined for the self group only");
        }
        long parts = bits(0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11);
        long sp = supportedSriov & parts;
        if (sp != 0 && sp != parts) {
            throw new IllegalArgumentException("device parts commands are supported all together or not at all");
        }
    }

    /** Whether the SR-IOV group supports the device parts command set (and so VIRTIO_DEV_PARTS_CAP exists). */
    boolean devParts() {
        return (supportedSriov & bits(AdminWire.CMD_DEV_PARTS_GET)) != 0;
    }

    /** The device type. */
    public DeviceType deviceType() {
        return deviceType;
    }

    /** TotalVFs of the SR-IOV capability (0 = no SR-IOV capability). */
    public int totalVfs() {
        return totalVfs;
    }

    /** Opcode bitmap (bit n = opcode n) supported for the self group. */
    public long supportedSelf() {
        return supportedSelf;
    }

    /** Opcode bitmap supported for the SR-IOV group. */
    public long supportedSriov() {
        return supportedSriov;
    }

    /** The RESOURCE_OBJ_QUERY/MODIFY numbering. */
    public ResourceOpcodeNumbering numbering() {
        return numbering;
    }

    /** Processing latency added to every command, in nanoseconds (busy-waited on the device thread). */
    public long processingLatencyNanos() {
        return processingLatencyNanos;
    }

    /** Creates a builder with the defaults: 4 VFs, every command of virtio 1.4, table numbering. */
    public static Builder builder(DeviceType type) {
        return new Builder(type);
    }

    /** Builder for {@link AdminEngineConfig}. */
    public static final class Builder {
        private final DeviceType deviceType;
        private int totalVfs = 4;
        private Long supportedSelf;
        private Long supportedSriov;
        private ResourceOpcodeNumbering numbering = ResourceOpcodeNumbering.OPCODE_TABLE;
        private int devPartsGetLimit = 4;
        private int devPartsSetLimit = 4;
        private boolean flowFilter = true;
        private long ffGroupsLimit = 8;
        private long ffClassifiersLimit = 8;
        private long ffRulesLimit = 64;
        private long ffRulesPerGroupLimit = 16;
        private int ffLastRulePriority = 15;
        private int ffSelectorsPerClassifierLimit = 3;
        private boolean ffPartialMask = true;
        private int ownerQueuePairs = 4;
        private int queueMaxSize = 256;
        private int msixVectorsPerVf = 4;
        private long processingLatencyNanos;
        private boolean relaxedLegacyDeviceCfgAccess;
        private final List<NotifyInfoEntry> notifyInfo = new ArrayList<>(
                List.of(new NotifyInfoEntry(AdminWire.NOTIFY_INFO_MEMBER_DEVICE, 2, 0x3000, 0)));

        private Builder(DeviceType type) {
            if (type == null) {
                throw new IllegalArgumentException("device type is required");
            }
            this.deviceType = type;
        }

        /** TotalVFs (0..65535); 0 means the owner has no SR-IOV capability. */
        public Builder totalVfs(int n) {
            if (n < 0 || n > 0xffff) {
                throw new IllegalArgumentException("TotalVFs out of range: " + n);
            }
            totalVfs = n;
            return this;
        }

        /** Overrides the opcodes supported for the self group (bit n = opcode n; must include 0 and 1). */
        public Builder supportedSelf(long mask) {
            supportedSelf = mask;
            return this;
        }

        /** Overrides the opcodes supported for the SR-IOV group (bit n = opcode n; must include 0 and 1). */
        public Builder supportedSriov(long mask) {
            supportedSriov = mask;
            return this;
        }

        /** Selects the RESOURCE_OBJ_QUERY/MODIFY numbering. */
        public Builder numbering(ResourceOpcodeNumbering n) {
            numbering = java.util.Objects.requireNonNull(n);
            return this;
        }

        /** Device capability VIRTIO_DEV_PARTS_CAP: get and set object limits (0..255 each). */
        public Builder devPartsLimits(int get, int set) {
            if (get < 0 || get > 255 || set < 0 || set > 255) {
                throw new IllegalArgumentException("device parts limits are u8");
            }
            devPartsGetLimit = get;
            devPartsSetLimit = set;
            return this;
        }

        /** Enables or disables the virtio-net flow filter (ignored for other device types). */
        public Builder flowFilter(boolean on) {
            flowFilter = on;
            return this;
        }

        /** Device capability VIRTIO_NET_FF_RESOURCE_CAP limits. */
        public Builder flowFilterLimits(long groups, long classifiers, long rules, long rulesPerGroup,
                                        int lastRulePriority, int selectorsPerClassifier) {
            if (groups < 0 || groups > 0xffffffffL || classifiers < 0 || classifiers > 0xffffffffL
                    || rules < 0 || rules > 0xffffffffL || rulesPerGroup < 0 || rulesPerGroup > 0xffffffffL
                    || lastRulePriority < 0 || lastRulePriority > 255
                    || selectorsPerClassifier < 0 || selectorsPerClassifier > 255) {
                throw new IllegalArgumentException("flow filter limits out of range");
            }
            ffGroupsLimit = groups;
            ffClassifiersLimit = classifiers;
            ffRulesLimit = rules;
            ffRulesPerGroupLimit = rulesPerGroup;
            ffLastRulePriority = lastRulePriority;
            ffSelectorsPerClassifierLimit = selectorsPerClassifier;
            return this;
        }

        /** Whether the flow-filter selectors advertise VIRTIO_NET_FF_MASK_F_PARTIAL_MASK. */
        public Builder flowFilterPartialMask(boolean on) {
            ffPartialMask = on;
            return this;
        }

        /** Queue pairs of the owner device (receive queues are 0, 2, ... for DIRECT_RX_VQ validation). */
        public Builder ownerQueuePairs(int n) {
            if (n < 1 || n > 0x8000) {
                throw new IllegalArgumentException("owner queue pairs out of range: " + n);
            }
            ownerQueuePairs = n;
            return this;
        }

        /** Maximum queue size of member queues (1..32768). */
        public Builder queueMaxSize(int n) {
            if (n < 1 || n > 32768) {
                throw new IllegalArgumentException("queue size out of range: " + n);
            }
            queueMaxSize = n;
            return this;
        }

        /** MSI-X vectors per VF (0..2048). */
        public Builder msixVectorsPerVf(int n) {
            if (n < 0 || n > 2048) {
                throw new IllegalArgumentException("MSI-X vectors out of range: " + n);
            }
            msixVectorsPerVf = n;
            return this;
        }

        /** Latency added to every command, busy-waited (0 = none). */
        public Builder processingLatencyNanos(long nanos) {
            if (nanos < 0) {
                throw new IllegalArgumentException("negative latency");
            }
            processingLatencyNanos = nanos;
            return this;
        }

        /**
         * Accepts any legacy device-config access that lies inside the area, not only single fields. Departs from
         * the specification; Linux legacy guests access device config byte by byte, which a real device in front
         * of such guests must allow.
         */
        public Builder relaxedLegacyDeviceCfgAccess(boolean on) {
            relaxedLegacyDeviceCfgAccess = on;
            return this;
        }

        /** Replaces the LEGACY_NOTIFY_INFO entries (at most 3: the fourth slot must stay the end marker). */
        public Builder notifyInfo(List<NotifyInfoEntry> entries) {
            if (entries.size() > AdminWire.NOTIFY_INFO_ENTRIES - 1) {
                throw new IllegalArgumentException("at most 3 notify entries: the last entry must have flags 0");
            }
            notifyInfo.clear();
            notifyInfo.addAll(entries);
            return this;
        }

        /** Builds and validates the configuration. */
        public AdminEngineConfig build() {
            return new AdminEngineConfig(this);
        }
    }
}
