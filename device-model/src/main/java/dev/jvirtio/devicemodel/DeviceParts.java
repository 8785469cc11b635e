package dev.jvirtio.devicemodel;

import java.lang.foreign.MemorySegment;

/**
 * Encoding, selection and restoring of a member's device parts. Parts are indexed in the mandatory order of the
 * specification: DEV_FEATURES, DRV_FEATURES, PCI_COMMON_CFG (one per supported field), DEVICE_STATUS, VQ_CFG
 * (one per queue), VQ_NOTIFY_CFG (one per queue), then device-type parts (net: the MAC as a CVQ_CFG part for
 * VIRTIO_NET_CTRL_MAC / MAC_ADDR_SET). Encoding allocates nothing.
 */
final class DeviceParts {
    private DeviceParts() {}

    /** PCI_COMMON_CFG fields captured as parts: offsets in {@code struct virtio_pci_common_cfg} and sizes. */
    static final int[] COMMON_OFFSETS = {AdminWire.COMMON_DEVICE_FEATURE_SELECT, AdminWire.COMMON_DRIVER_FEATURE_SELECT,
        AdminWire.COMMON_CONFIG_MSIX_VECTOR, AdminWire.COMMON_NUM_QUEUES, AdminWire.COMMON_QUEUE_SELECT};
    static final int[] COMMON_SIZES = {4, 4, 2, 2, 2};
    static final int FEATURES_LEN = 16;
    static final int VQ_CFG_LEN = 32;
    static final int VQ_NOTIFY_LEN = 8;
    static final int MAC_LEN = 6;

    private static final int I_DEV_FEATURES = 0;
    private static final int I_DRV_FEATURES = 1;
    private static final int I_COMMON = 2;
    private static final int I_STATUS = I_COMMON + COMMON_OFFSETS.length;
    private static final int I_VQ = I_STATUS + 1;

    static int count(MemberState m) {
        return I_VQ + 2 * m.numQueues() + (m.deviceType() == DeviceType.NET ? 1 : 0);
    }

    static int partType(MemberState m, int i) {
        int q = m.numQueues();
        if (i == I_DEV_FEATURES) {
            return AdminWire.PART_DEV_FEATURES;
        } else if (i == I_DRV_FEATURES) {
            return AdminWire.PART_DRV_FEATURES;
        } else if (i < I_STATUS) {
            return AdminWire.PART_PCI_COMMON_CFG;
        } else if (i == I_STATUS) {
            return AdminWire.PART_DEVICE_STATUS;
        } else if (i < I_VQ + q) {
            return AdminWire.PART_VQ_CFG;
        } else if (i < I_VQ + 2 * q) {
            return AdminWire.PART_VQ_NOTIFY_CFG;
        }
        return AdminWire.PART_NET_CVQ_CFG;
    }

    static int valueLength(MemberState m, int i) {
        return switch (partType(m, i)) {
            case AdminWire.PART_DEV_FEATURES, AdminWire.PART_DRV_FEATURES -> FEATURES_LEN;
            case AdminWire.PART_PCI_COMMON_CFG -> COMMON_SIZES[i - I_COMMON];
            case AdminWire.PART_DEVICE_STATUS -> 1;
            case AdminWire.PART_VQ_CFG -> VQ_CFG_LEN;
            case AdminWire.PART_VQ_NOTIFY_CFG -> VQ_NOTIFY_LEN;
            default -> MAC_LEN;
        };
    }

    /** Bytes of all parts (headers included): the METADATA_GET SIZE answer and the PARTS_GET ALL length. */
    static long totalSize(MemberState m) {
        long n = 0;
        for (int i = 0, c = count(m); i < c; i++) {
            n += AdminWire.PART_HDR_SIZE + valueLength(m, i);
        }
        return n;
    }

    /** Writes the 16-byte header of part {@code i} at {@code out@off} (must fit). */
    static void writeHeader(MemberState m, int i, MemorySegment out, long off) {
        int type = partType(m, i);
        Le.zero(out, off, off + AdminWire.PART_HDR_SIZE);
        Le.write(out, off, 2, type);
        if (type == AdminWire.PART_DEV_FEATURES) {
            Le.write(out, off + 2, 1, AdminWire.PART_F_OPTIONAL);
        }
        switch (type) {
            case AdminWire.PART_PCI_COMMON_CFG -> Le.write(out, off + 4, 4, COMMON_OFFSETS[i - I_COMMON]);
            case AdminWire.PART_VQ_CFG -> Le.write(out, off + 4, 2, i - I_VQ);
            case AdminWire.PART_VQ_NOTIFY_CFG -> Le.write(out, off + 4, 2, i - I_VQ - m.numQueues());
            case AdminWire.PART_NET_CVQ_CFG -> {
                Le.write(out, off + 4, 1, AdminWire.NET_CTRL_MAC);
                Le.write(out, off + 5, 1, AdminWire.NET_CTRL_MAC_ADDR_SET);
            }
            default -> { }
        }
        Le.write(out, off + 12, 4, valueLength(m, i));
    }

    /** Writes header and value of part {@code i} at {@code out@off} (must fit); returns the bytes written. */
    static int writePart(MemberState m, int i, MemorySegment out, long off) {
        writeHeader(m, i, out, off);
        long v = off + AdminWire.PART_HDR_SIZE;
        MemberState.Registers r = m.live();
        int q = m.numQueues();
        int len = valueLength(m, i);
        switch (partType(m, i)) {
            case AdminWire.PART_DEV_FEATURES -> {
                Le.write(out, v, 8, m.deviceFeatures(0));
                Le.write(out, v + 8, 8, m.deviceFeatures(1));
            }
            case AdminWire.PART_DRV_FEATURES -> {
                Le.write(out, v, 8, r.driverFeatures[0]);
                Le.write(out, v + 8, 8, r.driverFeatures[1]);
            }
            case AdminWire.PART_PCI_COMMON_CFG -> Le.write(out, v, len, commonValue(m, r, COMMON_OFFSETS[i - I_COMMON]));
            case AdminWire.PART_DEVICE_STATUS -> Le.write(out, v, 1, r.deviceStatus);
            case AdminWire.PART_VQ_CFG -> {
                QueueState s = r.queues[i - I_VQ];
                Le.write(out, v, 2, s.size());
                Le.write(out, v + 2, 2, s.msixVector());
                Le.write(out, v + 4, 2, s.enabled() ? 1 : 0);
                Le.write(out, v + 6, 2, 0);
                Le.write(out, v + 8, 8, s.desc());
                Le.write(out, v + 16, 8, s.driver());
                Le.write(out, v + 24, 8, s.device());
            }
            case AdminWire.PART_VQ_NOTIFY_CFG -> {
                QueueState s = r.queues[i - I_VQ - q];
                Le.write(out, v, 2, s.notifyOff());
                Le.write(out, v + 2, 2, s.notifConfigData());
                Le.write(out, v + 4, 4, 0);
            }
            default -> {
                for (int b = 0; b < MAC_LEN; b++) {
                    Le.write(out, v + b, 1, r.config[b]);
                }
            }
        }
        return AdminWire.PART_HDR_SIZE + len;
    }

    private static long commonValue(MemberState m, MemberState.Registers r, int offset) {
        return switch (offset) {
            case AdminWire.COMMON_DEVICE_FEATURE_SELECT -> r.deviceFeatureSelect & 0xffffffffL;
            case AdminWire.COMMON_DRIVER_FEATURE_SELECT -> r.driverFeatureSelect & 0xffffffffL;
            case AdminWire.COMMON_CONFIG_MSIX_VECTOR -> r.msixConfigVector;
            case AdminWire.COMMON_NUM_QUEUES -> m.numQueues();
            default -> r.queueSelect;
        };
    }

    /** Whether a DEV_PARTS_GET SELECTED request header at {@code in@h} selects part {@code i}. */
    static boolean selects(MemberState m, int i, MemorySegment in, long h) {
        int type = Le.u16(in, h);
        if (type != partType(m, i)) {
            return false;
        }
        return switch (type) {
            case AdminWire.PART_PCI_COMMON_CFG -> Le.u32(in, h + 4) == COMMON_OFFSETS[i - I_COMMON];
            case AdminWire.PART_VQ_CFG -> Le.u16(in, h + 4) == i - I_VQ;
            case AdminWire.PART_VQ_NOTIFY_CFG -> Le.u16(in, h + 4) == i - I_VQ - m.numQueues();
            case AdminWire.PART_NET_CVQ_CFG -> Le.u8(in, h + 4) == AdminWire.NET_CTRL_MAC
                    && Le.u8(in, h + 5) == AdminWire.NET_CTRL_MAC_ADDR_SET;
            default -> true;
        };
    }

    private static int rank(MemberState m, int type) {
        return switch (type) {
            case AdminWire.PART_DEV_FEATURES -> 0;
            case AdminWire.PART_DRV_FEATURES -> 1;
            case AdminWire.PART_PCI_COMMON_CFG -> 2;
            case AdminWire.PART_DEVICE_STATUS -> 3;
            case AdminWire.PART_VQ_CFG -> 4;
            case AdminWire.PART_VQ_NOTIFY_CFG -> 5;
            case AdminWire.PART_NET_CVQ_CFG -> m.deviceType() == DeviceType.NET ? 6 : -1;
            default -> -1;
        };
    }

    /**
     * DEV_PARTS_SET: walks the parts at {@code in@start}. With {@code commit} false it only validates; with
     * {@code commit} true it writes the (already validated) values to the staged registers. Order must follow the
     * mandatory order, each part at most once (per selector), lengths must equal the device's. DEV_FEATURES and
     * the read-only num_queues are verified, not applied. Unknown parts fail unless marked optional. Fewer than
     * 16 trailing bytes, or an all-zero header, end the list (drivers pad to a multiple of 8 bytes).
     */
    static int set(MemberState m, MemorySegment in, long start, boolean commit) {
        MemberState.Registers r = commit ? m.stagedForWrite() : null;
        long end = in.byteSize();
        long p = start;
        int lastRank = -1;
        long seenSub = 0; // selectors seen within the current rank (bit per common field / queue)
        int q = m.numQueues();
        while (end - p >= AdminWire.PART_HDR_SIZE) {
            int type = Le.u16(in, p);
            int flags = Le.u8(in, p + 2);
            long sel = Le.u64(in, p + 4);
            long len = Le.u32(in, p + 12);
            if (type == 0 && flags == 0 && sel == 0 && len == 0 && Le.u8(in, p + 3) == 0) {
                break;
            }
            long v = p + AdminWire.PART_HDR_SIZE;
            if (len > end - v) {
                return Err.INVALID_FIELD; // value runs past the data: a length mismatch
            }
            p = v + len;
            boolean optional = (flags & AdminWire.PART_F_OPTIONAL) != 0;
            int rank = rank(m, type);
            if (rank < 0) {
                if (optional) {
                    continue; // the device may ignore optional parts it does not know
                }
                return Err.INVALID_FIELD;
            }
            if (rank < lastRank) {
                return Err.INVALID_FIELD;
            }
            if (rank > lastRank) {
                seenSub = 0;
            }
            boolean singleton = rank == 0 || rank == 1 || rank == 3;
            if (singleton && rank == lastRank) {
                return Err.INVALID_FIELD;
            }
            lastRank = rank;
            switch (type) {
                case AdminWire.PART_DEV_FEATURES -> {
                    if (len != FEATURES_LEN || Le.u64(in, v) != m.deviceFeatures(0)
                            || Le.u64(in, v + 8) != m.deviceFeatures(1)) {
                        return Err.INVALID_FIELD;
                    }
                }
                case AdminWire.PART_DRV_FEATURES -> {
                    long w0 = Le.u64(in, v);
                    long w1 = Le.u64(in, v + 8);
                    if (len != FEATURES_LEN || (w0 & ~m.deviceFeatures(0)) != 0 || (w1 & ~m.deviceFeatures(1)) != 0) {
                        return Err.INVALID_FIELD;
                    }
                    if (commit) {
                        r.driverFeatures[0] = w0;
                        r.driverFeatures[1] = w1;
                    }
                }
                case AdminWire.PART_PCI_COMMON_CFG -> {
                    long off = sel & 0xffffffffL;
                    int f = -1;
                    for (int k = 0; k < COMMON_OFFSETS.length; k++) {
                        if (COMMON_OFFSETS[k] == off) {
                            f = k;
                        }
                    }
                    if (f < 0) {
                        if (optional) {
                            continue;
                        }
                        return Err.INVALID_FIELD;
                    }
                    if ((seenSub & (1L << f)) != 0 || len != COMMON_SIZES[f]) {
                        return Err.INVALID_FIELD;
                    }
                    seenSub |= 1L << f;
                    long val = Le.read(in, v, COMMON_SIZES[f]);
                    switch ((int) off) {
                        case AdminWire.COMMON_NUM_QUEUES -> {
                            if (val != q) {
                                return Err.INVALID_FIELD; // read-only: verified, never applied
                            }
                        }
                        case AdminWire.COMMON_CONFIG_MSIX_VECTOR -> {
                            if (!validVector(m, (int) val)) {
                                return Err.INVALID_FIELD;
                            }
                            if (commit) {
                                r.msixConfigVector = (int) val;
                            }
                        }
                        case AdminWire.COMMON_DEVICE_FEATURE_SELECT -> {
                            if (commit) {
                                r.deviceFeatureSelect = (int) val;
                            }
                        }
                        case AdminWire.COMMON_DRIVER_FEATURE_SELECT -> {
                            if (commit) {
                                r.driverFeatureSelect = (int) val;
                            }
                        }
                        default -> {
                            if (commit) {
                                r.queueSelect = (int) val;
                            }
                        }
                    }
                }
                case AdminWire.PART_DEVICE_STATUS -> {
                    if (len != 1) {
                        return Err.INVALID_FIELD;
                    }
                    if (commit) {
                        r.deviceStatus = Le.u8(in, v);
                    }
                }
                case AdminWire.PART_VQ_CFG, AdminWire.PART_VQ_NOTIFY_CFG -> {
                    int idx = (int) (sel & 0xffff);
                    boolean cfgPart = type == AdminWire.PART_VQ_CFG;
                    if (idx >= q) {
                        if (optional) {
                            continue;
                        }
                        return Err.INVALID_FIELD;
                    }
                    if ((seenSub & (1L << idx)) != 0 || len != (cfgPart ? VQ_CFG_LEN : VQ_NOTIFY_LEN)) {
                        return Err.INVALID_FIELD;
                    }
                    seenSub |= 1L << idx;
                    if (cfgPart) {
                        int size = Le.u16(in, v);
                        int vector = Le.u16(in, v + 2);
                        int enabled = Le.u16(in, v + 4);
                        QueueState live = m.live().queues[idx];
                        if (size < 1 || size > live.maxSize() || !validVector(m, vector) || enabled > 1) {
                            return Err.INVALID_FIELD;
                        }
                        if (commit) {
                            QueueState s = r.queues[idx];
                            s.size(size);
                            s.msixVector(vector);
                            s.enabled(enabled == 1);
                            s.desc(Le.u64(in, v + 8));
                            s.driver(Le.u64(in, v + 16));
                            s.device(Le.u64(in, v + 24));
                        }
                    } else if (commit) {
                        QueueState s = r.queues[idx];
                        s.notifyOff(Le.u16(in, v));
                        s.notifConfigData(Le.u16(in, v + 2));
                    }
                }
                default -> { // PART_NET_CVQ_CFG
                    int cls = (int) (sel & 0xff);
                    int cmd = (int) ((sel >>> 8) & 0xff);
                    if (cls != AdminWire.NET_CTRL_MAC || cmd != AdminWire.NET_CTRL_MAC_ADDR_SET) {
                        if (optional) {
                            continue;
                        }
                        return Err.INVALID_FIELD;
                    }
                    if ((seenSub & 1) != 0 || len != MAC_LEN) {
                        return Err.INVALID_FIELD;
                    }
                    seenSub |= 1;
                    if (commit) {
                        for (int b = 0; b < MAC_LEN; b++) {
                            r.config[b] = (byte) Le.u8(in, v + b);
                        }
                    }
                }
            }
        }
        return Err.OK;
    }

    static boolean validVector(MemberState m, int vector) {
        return vector == AdminWire.NO_VECTOR || vector < m.msixVectors();
    }
}
