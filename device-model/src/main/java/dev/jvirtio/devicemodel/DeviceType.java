package dev.jvirtio.devicemodel;

/**
 * The virtio device types the model can impersonate, with what the admin engine needs to know about each:
 * virtio device id, offered feature bits, virtqueue count and the legacy device-specific configuration layout.
 *
 * <pre>{@code
 * var cfg = AdminEngineConfig.builder(DeviceType.NET).totalVfs(4).build();
 * }</pre>
 */
public enum DeviceType {
    /**
     * virtio-net. Device config (as seen through the legacy interface): {@code u8 mac[6]} (writable, the legacy
     * way of setting the MAC), {@code le16 status}, {@code le16 max_virtqueue_pairs}, {@code le16 mtu}.
     * Queues: receiveq1, transmitq1, controlq.
     */
    NET(1, 3,
            // VIRTIO_NET_F_MTU(3) | MAC(5) | STATUS(16) | CTRL_VQ(17) | MQ(22) | CTRL_MAC_ADDR(23)
            // | VERSION_1(32) | ACCESS_PLATFORM(33). SR_IOV and ADMIN_VQ belong to the owner (PF), not to members.
            (1L << 3) | (1L << 5) | (1L << 16) | (1L << 17) | (1L << 22) | (1L << 23)
                    | (1L << 32) | (1L << 33),
            new CfgField[] {
                new CfgField(0, 6, 1, true),   // mac: one byte or all six at once
                new CfgField(6, 2, 2, false),  // status
                new CfgField(8, 2, 2, false),  // max_virtqueue_pairs
                new CfgField(10, 2, 2, false), // mtu
            }, 12),
    /**
     * virtio-blk. Device config: {@code le64 capacity}, {@code le32 size_max}, {@code le32 seg_max},
     * geometry {@code le16 cylinders, u8 heads, u8 sectors}, {@code le32 blk_size}; all read-only. One queue.
     */
    BLOCK(2, 1,
            // VIRTIO_BLK_F_SIZE_MAX(1) | SEG_MAX(2) | GEOMETRY(4) | BLK_SIZE(6) | VERSION_1 | ACCESS_PLATFORM
            (1L << 1) | (1L << 2) | (1L << 4) | (1L << 6) | (1L << 32) | (1L << 33),
            new CfgField[] {
                new CfgField(0, 8, 8, false),  // capacity
                new CfgField(8, 4, 4, false),  // size_max
                new CfgField(12, 4, 4, false), // seg_max
                new CfgField(16, 2, 2, false), // geometry.cylinders
                new CfgField(18, 1, 1, false), // geometry.heads
                new CfgField(19, 1, 1, false), // geometry.sectors
                new CfgField(20, 4, 4, false), // blk_size
            }, 24);

    private final int virtioId;
    private final int numQueues;
    private final long features;
    private final CfgField[] cfgFields;
    private final int cfgSize;

    DeviceType(int virtioId, int numQueues, long features, CfgField[] cfgFields, int cfgSize) {
        this.virtioId = virtioId;
        this.numQueues = numQueues;
        this.features = features;
        this.cfgFields = cfgFields;
        this.cfgSize = cfgSize;
    }

    /** The virtio device id (1 net, 2 block). */
    public int virtioId() {
        return virtioId;
    }

    /** Number of virtqueues a member function of this type exposes. */
    public int numQueues() {
        return numQueues;
    }

    /** Feature bits 0-63 a member (VF) function offers (bits 64-127 are zero). */
    public long features() {
        return features;
    }

    /** Size in bytes of the device-specific configuration the model exposes. */
    public int configSize() {
        return cfgSize;
    }

    CfgField[] cfgFields() {
        return cfgFields;
    }

    /**
     * Default device-specific configuration bytes of member {@code vf} (1-based).
     * Net: MAC 02:6a:76:00:hi(vf):lo(vf) (locally administered), link up, one queue pair, MTU 1500.
     * Block: 1 GiB capacity in 512-byte sectors, size_max 64 KiB, seg_max 126, geometry 1024/16/63, 4 KiB blocks.
     */
    byte[] defaultConfig(int vf) {
        byte[] c = new byte[cfgSize];
        switch (this) {
            case NET -> {
                c[0] = 0x02; c[1] = 0x6a; c[2] = 0x76; c[3] = 0x00;
                c[4] = (byte) (vf >>> 8); c[5] = (byte) vf;
                put(c, 6, 2, 1);      // VIRTIO_NET_S_LINK_UP
                put(c, 8, 2, 1);      // max_virtqueue_pairs
                put(c, 10, 2, 1500);  // mtu
            }
            case BLOCK -> {
                put(c, 0, 8, (1L << 30) / 512);
                put(c, 8, 4, 65536);
                put(c, 12, 4, 126);
                put(c, 16, 2, 1024);
                put(c, 18, 1, 16);
                put(c, 19, 1, 63);
                put(c, 20, 4, 4096);
            }
        }
        return c;
    }

    private static void put(byte[] c, int off, int n, long v) {
        for (int i = 0; i < n; i++) {
            c[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * One field of a register area. {@code elem} smaller than {@code size} marks a byte array whose single
     * elements are fields too (the MAC).
     */
    record CfgField(int offset, int size, int elem, boolean writable) {
        /** Whether an access of {@code len} bytes at {@code off} covers exactly this field or one element of it. */
        boolean covers(int off, int len) {
            if (off == offset && len == size) {
                return true;
            }
            return elem < size && len == elem && off >= offset && off + len <= offset + size
                    && (off - offset) % elem == 0;
        }
    }

    /** Legacy common-configuration fields (I/O BAR0 layout), MSI-X fields last. */
    static final CfgField[] LEGACY_COMMON_FIELDS = {
        new CfgField(AdminWire.LEGACY_HOST_FEATURES, 4, 4, false),
        new CfgField(AdminWire.LEGACY_GUEST_FEATURES, 4, 4, true),
        new CfgField(AdminWire.LEGACY_QUEUE_PFN, 4, 4, true),
        new CfgField(AdminWire.LEGACY_QUEUE_SIZE, 2, 2, false),
        new CfgField(AdminWire.LEGACY_QUEUE_SELECT, 2, 2, true),
        new CfgField(AdminWire.LEGACY_QUEUE_NOTIFY, 2, 2, true),
        new CfgField(AdminWire.LEGACY_STATUS, 1, 1, true),
        new CfgField(AdminWire.LEGACY_ISR, 1, 1, false),
        new CfgField(AdminWire.LEGACY_MSIX_CONFIG_VECTOR, 2, 2, true),
        new CfgField(AdminWire.LEGACY_MSIX_QUEUE_VECTOR, 2, 2, true),
    };

    /**
     * Finds the field an access refers to.
     *
     * @return the field, or {@code null} if the access is not exactly one field inside {@code areaSize}
     */
    static CfgField lookup(CfgField[] fields, int areaSize, int off, int len) {
        if (len <= 0 || off < 0 || off + len > areaSize) {
            return null;
        }
        for (CfgField f : fields) {
            if (f.covers(off, len)) {
                return f;
            }
        }
        return null;
    }
}
