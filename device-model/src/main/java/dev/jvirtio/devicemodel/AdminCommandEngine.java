package dev.jvirtio.devicemodel;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * The device side of the virtio group administration commands (virtio 1.3 and 1.4, opcodes 0x0-0x11) for a
 * software owner device (a PF with SR-IOV VFs), independent of rings and PCI: it takes one command's
 * device-readable bytes and device-writable buffer and returns the used length.
 *
 * <pre>{@code
 * var sriov = new MutableSrIovState(4, true);
 * var engine = new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET).totalVfs(4).build(), sriov);
 * int used = engine.process(readable, writable); // status at writable[0..2), qualifier at [2..4)
 * }</pre>
 *
 * <p>Buffer rules (spec "Administration Virtqueues"): input shorter than a structure reads as zeros and excess
 * input is ignored; output is written only up to the writable size; status and qualifier are always written
 * (when the writable part has room for them); the used length is {@code 8 + result} rounded up to a multiple
 * of 8 with zero padding, clipped to the writable size. A writable part whose size is a multiple of 8 therefore
 * always gets a used length that is a multiple of 8. The one exception is a successful legacy cfg read, whose
 * access length is by definition the result length ({@code writable size - 8}), as Linux sizes it.
 *
 * <p>Validation order (spec "Group administration commands", device normative): group type, then opcode
 * (supported for the group type and in the in-use list), then member, all EINVAL with the qualifier
 * Q_INVALID_GROUP / Q_INVALID_OPCODE / Q_INVALID_MEMBER. No command that fails with EINVAL, EAGAIN or ENOMEM has
 * any side effect; no failing command of this model has one.
 *
 * <p>Threading: one device thread at a time drives an engine and its {@link MemberState}s; the engine is not
 * thread-safe and takes no locks. Only {@link #faults()} may be poked from other threads.
 *
 * <p>Allocation: LIST_QUERY, the legacy cfg reads and writes, LEGACY_NOTIFY_INFO, CAP_ID_LIST_QUERY,
 * DEVICE_CAP_GET and DEV_MODE_SET allocate nothing; resource-object commands allocate the objects they keep.
 */
public final class AdminCommandEngine {
    /** Returned by {@link #process} when an injected fault swallows the command: post no used element. */
    public static final int NO_COMPLETION = -1;

    private static final int D = AdminWire.HDR_DATA;
    private static final long LIST_BASE = AdminEngineConfig.bits(AdminWire.CMD_LIST_QUERY, AdminWire.CMD_LIST_USE);

    private final AdminEngineConfig cfg;
    private final SrIovState sriov;
    private final MemberState[] members;
    private final FaultInjector faults = new FaultInjector();
    private final Capabilities caps;
    private final ResourceObjects objects;
    private final int queryOpcode;
    private final int modifyOpcode;
    private long inUseSelf = LIST_BASE;
    private long inUseSriov = LIST_BASE;

    // Per-command scratch, valid during one process() call.
    private int resultLen;
    private boolean exactLength;

    /**
     * Creates an engine with every member in its reset state.
     *
     * @param cfg   the device configuration
     * @param sriov the owner's SR-IOV capability registers (NumVFs, VF Enable)
     */
    public AdminCommandEngine(AdminEngineConfig cfg, SrIovState sriov) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        this.sriov = Objects.requireNonNull(sriov, "sriov");
        this.members = new MemberState[cfg.totalVfs];
        for (int i = 0; i < members.length; i++) {
            members[i] = new MemberState(i + 1, cfg.deviceType, cfg.queueMaxSize, cfg.msixVectorsPerVf);
        }
        this.caps = new Capabilities(cfg);
        this.objects = new ResourceObjects(cfg, caps);
        this.queryOpcode = cfg.numbering.queryOpcode();
        this.modifyOpcode = cfg.numbering.modifyOpcode();
    }

    /** The configuration. */
    public AdminEngineConfig config() {
        return cfg;
    }

    /** Fault injection knobs. */
    public FaultInjector faults() {
        return faults;
    }

    /**
     * The state of member {@code vf} (1..TotalVFs), whether or not it is currently enabled.
     *
     * @throws IllegalArgumentException if {@code vf} is outside 1..TotalVFs
     */
    public MemberState member(int vf) {
        if (vf < 1 || vf > members.length) {
            throw new IllegalArgumentException("no VF " + vf + " (TotalVFs " + members.length + ")");
        }
        return members[vf - 1];
    }

    /** The opcodes in use for a group type (bit n = opcode n), as set by LIST_USE or reset. */
    public long inUse(int groupType) {
        return switch (groupType) {
            case AdminWire.GROUP_SELF -> inUseSelf;
            case AdminWire.GROUP_SRIOV -> inUseSriov;
            default -> throw new IllegalArgumentException("unknown group type " + groupType);
        };
    }

    /** Number of live resource objects of all types. */
    public int resourceObjectCount() {
        return objects.count();
    }

    /**
     * Device reset of the owner: the in-use lists go back to {LIST_QUERY, LIST_USE}, every driver capability is
     * unset and every resource object destroyed. Members keep their state (a PF virtio reset does not reset VFs).
     */
    public void reset() {
        inUseSelf = LIST_BASE;
        inUseSriov = LIST_BASE;
        caps.resetDriver();
        objects.clear();
    }

    /** Member reset or FLR of VF {@code vf}: all its parts back to defaults, running, nothing staged. */
    public void resetMember(int vf) {
        member(vf).reset();
    }

    /**
     * Processes one admin command.
     *
     * @param in  the device-readable part: header and command_specific_data, any length
     * @param out the device-writable part: status block and result area, any length
     * @return the used length (bytes written from the start of {@code out}), or {@link #NO_COMPLETION} when an
     *         injected fault swallows the command
     */
    public int process(MemorySegment in, MemorySegment out) {
        // Faults may be aimed at one opcode; a request too short to carry one reads as opcode 0 (as
        // missing input reads as zero).
        int opcode = in.byteSize() >= 2 ? Le.u16(in, 0) : 0;
        if (faults.takeDrop(opcode)) {
            return NO_COMPLETION;
        }
        long latency = cfg.processingLatencyNanos;
        if (latency > 0) {
            long deadline = System.nanoTime() + latency;
            while (System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        }
        resultLen = 0;
        exactLength = false;
        if (faults.takeGarbage(opcode)) {
            return complete(out, faults.garbageStatusValue(), faults.garbageQualifierValue());
        }
        if (faults.takeEagain(opcode)) {
            return complete(out, AdminWire.STATUS_EAGAIN, AdminWire.Q_TRYAGAIN);
        }
        int e = execute(in, out);
        if (e != Err.OK) {
            resultLen = 0;
            exactLength = false;
            return complete(out, Err.status(e), Err.qualifier(e));
        }
        return complete(out, AdminWire.STATUS_OK, AdminWire.Q_OK);
    }

    /** Writes the status block and padding; returns the used length. */
    private int complete(MemorySegment out, int status, int qualifier) {
        Le.write(out, AdminWire.STS_STATUS, 2, status);
        Le.write(out, AdminWire.STS_QUALIFIER, 2, qualifier);
        Le.write(out, 4, 4, 0); // reserved2
        long want = AdminWire.STS_RESULT + (long) resultLen;
        if (!exactLength) {
            want = Le.roundUp8(want);
        }
        long used = Math.min(want, out.byteSize());
        Le.zero(out, AdminWire.STS_RESULT + (long) resultLen, used);
        return (int) used;
    }

    private boolean sriovGroupExists() {
        return cfg.totalVfs > 0 && sriov.vfEnable() && sriov.numVfs() > 0;
    }

    private long supported(int groupType) {
        long base = groupType == AdminWire.GROUP_SELF ? cfg.supportedSelf : cfg.supportedSriov;
        return base & ~faults.removed(groupType) | LIST_BASE & base;
    }

    private int execute(MemorySegment in, MemorySegment out) {
        int opcode = Le.u16(in, AdminWire.HDR_OPCODE);
        int group = Le.u16(in, AdminWire.HDR_GROUP_TYPE);
        long member = Le.u64(in, AdminWire.HDR_GROUP_MEMBER_ID);

        // 1. group type
        long inUse;
        if (group == AdminWire.GROUP_SELF) {
            inUse = inUseSelf;
        } else if (group == AdminWire.GROUP_SRIOV && sriovGroupExists()) {
            inUse = inUseSriov;
        } else {
            return Err.of(AdminWire.STATUS_EINVAL, AdminWire.Q_INVALID_GROUP);
        }
        // 2. opcode: supported for this group type and enabled by LIST_USE
        long supported = supported(group);
        if (opcode > 63 || ((supported & inUse) & (1L << opcode)) == 0) {
            return Err.INVALID_OPCODE;
        }
        // 3. member, for the commands that use it (LIST_QUERY/LIST_USE leave it unused)
        if (opcode != AdminWire.CMD_LIST_QUERY && opcode != AdminWire.CMD_LIST_USE) {
            boolean ok = group == AdminWire.GROUP_SELF
                    ? member == 0
                    : member >= 1 && member <= Math.min(sriov.numVfs(), cfg.totalVfs);
            if (!ok) {
                return Err.of(AdminWire.STATUS_EINVAL, AdminWire.Q_INVALID_MEMBER);
            }
        }
        if (opcode == queryOpcode) {
            return resourceQuery(group, member, in, out);
        }
        if (opcode == modifyOpcode) {
            return objects.modify(group, member, in, D);
        }
        MemberState m = group == AdminWire.GROUP_SRIOV && opcode != AdminWire.CMD_LIST_QUERY
                && opcode != AdminWire.CMD_LIST_USE ? members[(int) member - 1] : null;
        return switch (opcode) {
            case AdminWire.CMD_LIST_QUERY -> {
                Le.write(out, AdminWire.STS_RESULT, 8, supported);
                resultLen = 8;
                yield Err.OK;
            }
            case AdminWire.CMD_LIST_USE -> listUse(group, supported, in);
            case AdminWire.CMD_LEGACY_COMMON_CFG_WRITE -> legacyCommon(m, true, in, out);
            case AdminWire.CMD_LEGACY_COMMON_CFG_READ -> legacyCommon(m, false, in, out);
            case AdminWire.CMD_LEGACY_DEV_CFG_WRITE -> legacyDevice(m, true, in, out);
            case AdminWire.CMD_LEGACY_DEV_CFG_READ -> legacyDevice(m, false, in, out);
            case AdminWire.CMD_LEGACY_NOTIFY_INFO -> notifyInfo(member, out);
            case AdminWire.CMD_CAP_ID_LIST_QUERY -> {
                MemorySegment bitmap = caps.capIdBitmap();
                Le.copyClipped(bitmap, 0, out, AdminWire.STS_RESULT, bitmap.byteSize());
                resultLen = (int) bitmap.byteSize();
                yield Err.OK;
            }
            case AdminWire.CMD_DEVICE_CAP_GET -> {
                MemorySegment cap = caps.deviceCap(Le.u16(in, D));
                if (cap == null) {
                    yield Err.NO_SUCH;
                }
                Le.copyClipped(cap, 0, out, AdminWire.STS_RESULT, cap.byteSize());
                resultLen = (int) cap.byteSize();
                yield Err.OK;
            }
            case AdminWire.CMD_DRIVER_CAP_SET -> caps.driverSet(Le.u16(in, D), in, D + 8,
                    objects.anyDevParts(), objects.anyFlowFilter());
            case AdminWire.CMD_RESOURCE_OBJ_CREATE -> objects.create(group, member, in, D);
            case AdminWire.CMD_RESOURCE_OBJ_DESTROY -> objects.destroy(group, member, in, D);
            case AdminWire.CMD_DEV_PARTS_METADATA_GET -> metadataGet(m, member, in, out);
            case AdminWire.CMD_DEV_PARTS_GET -> partsGet(m, member, in, out);
            case AdminWire.CMD_DEV_PARTS_SET -> partsSet(m, member, in);
            case AdminWire.CMD_DEV_MODE_SET -> {
                if ((Le.u8(in, D) & AdminWire.DEV_MODE_F_STOPPED) != 0) {
                    m.stopped(true);
                } else if (m.stopped()) {
                    m.applyStaged(); // parts restored by DEV_PARTS_SET take effect on resume
                    m.stopped(false);
                }
                yield Err.OK;
            }
            // Unreachable for a valid configuration: every supported opcode has a case above.
            default -> Err.INVALID_OPCODE;
        };
    }

    private int listUse(int group, long supported, MemorySegment in) {
        long w0 = Le.u64(in, D);
        // The list is the whole command_specific_data; any bit beyond word 0 names an unsupported opcode.
        for (long off = D + 8; off < in.byteSize(); off += 8) {
            if (Le.u64(in, off) != 0) {
                return Err.INVALID_FIELD;
            }
        }
        if ((w0 & ~supported) != 0) {
            return Err.INVALID_FIELD;
        }
        if (group == AdminWire.GROUP_SRIOV) {
            // Dependencies the device enforces (allowed by the spec): the four legacy cfg commands go together,
            // and LEGACY_NOTIFY_INFO needs them.
            long legacy = w0 & AdminEngineConfig.LEGACY_RW_MASK;
            if (legacy != 0 && legacy != AdminEngineConfig.LEGACY_RW_MASK) {
                return Err.INVALID_FIELD;
            }
            if ((w0 & (1L << AdminWire.CMD_LEGACY_NOTIFY_INFO)) != 0 && legacy == 0) {
                return Err.INVALID_FIELD;
            }
            inUseSriov = w0;
        } else {
            inUseSelf = w0;
        }
        return Err.OK;
    }

    // ---------------------------------------------------------------- legacy interface

    private int legacyCommon(MemberState m, boolean write, MemorySegment in, MemorySegment out) {
        int off = Le.u8(in, D);
        long len = write ? in.byteSize() - (D + 8) : out.byteSize() - AdminWire.STS_RESULT;
        int area = m.msixEnabled() ? AdminWire.LEGACY_COMMON_SIZE_MSIX : AdminWire.LEGACY_COMMON_SIZE_NO_MSIX;
        if (len < 1 || len > 8) {
            return Err.INVALID_FIELD;
        }
        DeviceType.CfgField f = DeviceType.lookup(DeviceType.LEGACY_COMMON_FIELDS, area, off, (int) len);
        if (f == null) {
            return Err.INVALID_FIELD;
        }
        if (write) {
            if (!f.writable()) {
                return Err.INVALID_FIELD;
            }
            legacyWrite(m, off, Le.read(in, D + 8, (int) len));
            return Err.OK;
        }
        Le.write(out, AdminWire.STS_RESULT, (int) len, legacyRead(m, off));
        resultLen = (int) len;
        exactLength = true;
        return Err.OK;
    }

    private static long legacyRead(MemberState m, int off) {
        MemberState.Registers r = m.live();
        QueueState q = m.queue(r.queueSelect);
        return switch (off) {
            case AdminWire.LEGACY_HOST_FEATURES -> m.deviceFeatures(0) & 0xffffffffL;
            case AdminWire.LEGACY_GUEST_FEATURES -> r.driverFeatures[0] & 0xffffffffL;
            case AdminWire.LEGACY_QUEUE_PFN -> q == null ? 0 : (q.desc() >>> AdminWire.LEGACY_PFN_SHIFT) & 0xffffffffL;
            case AdminWire.LEGACY_QUEUE_SIZE -> q == null ? 0 : q.maxSize();
            case AdminWire.LEGACY_QUEUE_SELECT -> r.queueSelect;
            case AdminWire.LEGACY_QUEUE_NOTIFY -> 0; // write-only in practice; reads as zero
            case AdminWire.LEGACY_STATUS -> r.deviceStatus;
            case AdminWire.LEGACY_ISR -> m.readAndClearIsr(); // read-to-clear
            case AdminWire.LEGACY_MSIX_CONFIG_VECTOR -> r.msixConfigVector;
            default -> q == null ? AdminWire.NO_VECTOR : q.msixVector();
        };
    }

    private static void legacyWrite(MemberState m, int off, long v) {
        MemberState.Registers r = m.live();
        QueueState q = m.queue(r.queueSelect);
        switch (off) {
            case AdminWire.LEGACY_GUEST_FEATURES -> {
                // Legacy drivers see feature bits 0-31 only; bits the device does not offer are not accepted.
                r.driverFeatures[0] = v & m.deviceFeatures(0) & 0xffffffffL;
                r.driverFeatures[1] = 0;
            }
            case AdminWire.LEGACY_QUEUE_PFN -> {
                if (q == null) {
                    return; // no such queue: the write has no effect
                }
                if (v == 0) {
                    q.desc(0);
                    q.driver(0);
                    q.device(0);
                    q.enabled(false);
                    return;
                }
                // Legacy single-block ring layout: descriptors, avail ring (+ used_event), then the used ring at
                // the next 4096-byte boundary (VIRTIO_PCI_VRING_ALIGN).
                int n = q.maxSize();
                long desc = v << AdminWire.LEGACY_PFN_SHIFT;
                long avail = desc + 16L * n;
                long used = (avail + 2L * (3 + n) + 4095) & ~4095L;
                q.size(n);
                q.desc(desc);
                q.driver(avail);
                q.device(used);
                q.enabled(true);
            }
            case AdminWire.LEGACY_QUEUE_SELECT -> r.queueSelect = (int) v;
            case AdminWire.LEGACY_QUEUE_NOTIFY -> {
                if (v < m.numQueues()) {
                    m.notifyQueue((int) v);
                }
            }
            case AdminWire.LEGACY_STATUS -> {
                if (v == 0) {
                    m.reset(); // writing 0 resets the member
                } else {
                    r.deviceStatus = (int) v;
                }
            }
            case AdminWire.LEGACY_MSIX_CONFIG_VECTOR ->
                    r.msixConfigVector = DeviceParts.validVector(m, (int) v) ? (int) v : AdminWire.NO_VECTOR;
            default -> { // LEGACY_MSIX_QUEUE_VECTOR; an unmappable vector reads back as NO_VECTOR
                if (q != null) {
                    q.msixVector(DeviceParts.validVector(m, (int) v) ? (int) v : AdminWire.NO_VECTOR);
                }
            }
        }
    }

    private int legacyDevice(MemberState m, boolean write, MemorySegment in, MemorySegment out) {
        int off = Le.u8(in, D);
        long len = write ? in.byteSize() - (D + 8) : out.byteSize() - AdminWire.STS_RESULT;
        DeviceType type = m.deviceType();
        int area = type.configSize();
        if (len < 1 || len > 8 || off + len > area) {
            return Err.INVALID_FIELD;
        }
        int n = (int) len;
        DeviceType.CfgField f;
        if (cfg.relaxedLegacyDeviceCfgAccess) {
            f = null;
            for (DeviceType.CfgField c : type.cfgFields()) {
                if (off >= c.offset() && off < c.offset() + c.size()) {
                    f = c;
                }
            }
            // Reads may span fields; writes must stay inside one writable field.
            if (write && (f == null || off + n > f.offset() + f.size())) {
                return Err.INVALID_FIELD;
            }
        } else {
            f = DeviceType.lookup(type.cfgFields(), area, off, n);
            if (f == null) {
                return Err.INVALID_FIELD;
            }
        }
        byte[] config = m.live().config;
        if (write) {
            if (!f.writable()) {
                return Err.INVALID_FIELD;
            }
            for (int i = 0; i < n; i++) {
                config[off + i] = (byte) Le.u8(in, D + 8 + i);
            }
            return Err.OK;
        }
        for (int i = 0; i < n; i++) {
            Le.write(out, AdminWire.STS_RESULT + i, 1, config[off + i]);
        }
        resultLen = n;
        exactLength = true;
        return Err.OK;
    }

    private int notifyInfo(long member, MemorySegment out) {
        List<AdminEngineConfig.NotifyInfoEntry> entries = cfg.notifyInfo;
        int size = AdminWire.NOTIFY_INFO_ENTRIES * AdminWire.NOTIFY_INFO_ENTRY_SIZE;
        Le.zero(out, AdminWire.STS_RESULT, AdminWire.STS_RESULT + size); // unused entries: flags 0 = end
        for (int i = 0; i < entries.size(); i++) {
            AdminEngineConfig.NotifyInfoEntry e = entries.get(i);
            long base = AdminWire.STS_RESULT + (long) i * AdminWire.NOTIFY_INFO_ENTRY_SIZE;
            Le.write(out, base, 1, e.flags());
            Le.write(out, base + 1, 1, e.bar());
            Le.write(out, base + 8, 8, e.offset() + (member - 1) * e.memberStride());
        }
        resultLen = size;
        return Err.OK;
    }

    // ---------------------------------------------------------------- resource objects and device parts

    private int resourceQuery(int group, long member, MemorySegment in, MemorySegment out) {
        int e = objects.query(group, member, in, D);
        if (e != Err.OK) {
            return e;
        }
        byte[] data = objects.lastQueryResult();
        Le.copyClipped(MemorySegment.ofArray(data), 0, out, AdminWire.STS_RESULT, data.length);
        resultLen = data.length;
        return Err.OK;
    }

    /** Looks up the device-parts object named by the command's resource header; packed error or OK. */
    private int partsObject(long member, MemorySegment in, int kind) {
        if (Le.u16(in, D + ResourceObjects.D_TYPE) != AdminWire.OBJ_DEV_PARTS) {
            return Err.INVALID_FIELD;
        }
        ResourceObjects.Obj o = objects.devPartsObject(Le.u32(in, D + ResourceObjects.D_ID), member);
        if (o == null) {
            return Err.NO_SUCH;
        }
        return o.kind == kind ? Err.OK : Err.INVALID_FIELD;
    }

    private int metadataGet(MemberState m, long member, MemorySegment in, MemorySegment out) {
        int e = partsObject(member, in, AdminWire.DEV_PARTS_OBJ_GET);
        if (e != Err.OK) {
            return e;
        }
        long room = out.byteSize() - AdminWire.STS_RESULT;
        switch (Le.u8(in, D + 8)) {
            case AdminWire.METADATA_TYPE_SIZE -> {
                Le.write(out, AdminWire.STS_RESULT, 4, DeviceParts.totalSize(m));
                Le.write(out, AdminWire.STS_RESULT + 4, 4, 0);
                resultLen = 8;
            }
            case AdminWire.METADATA_TYPE_COUNT -> {
                Le.write(out, AdminWire.STS_RESULT, 4, DeviceParts.count(m));
                Le.write(out, AdminWire.STS_RESULT + 4, 4, 0);
                resultLen = 8;
            }
            case AdminWire.METADATA_TYPE_LIST -> {
                int count = DeviceParts.count(m);
                long need = 8 + (long) count * AdminWire.PART_HDR_SIZE;
                if (room < need) {
                    return Err.NO_MEMORY; // spec: result buffer too small for the response
                }
                Le.write(out, AdminWire.STS_RESULT, 4, count);
                Le.write(out, AdminWire.STS_RESULT + 4, 4, 0);
                for (int i = 0; i < count; i++) {
                    DeviceParts.writeHeader(m, i, out, AdminWire.STS_RESULT + 8 + (long) i * AdminWire.PART_HDR_SIZE);
                }
                resultLen = (int) need;
            }
            default -> {
                return Err.INVALID_FIELD;
            }
        }
        return Err.OK;
    }

    private int partsGet(MemberState m, long member, MemorySegment in, MemorySegment out) {
        int e = partsObject(member, in, AdminWire.DEV_PARTS_OBJ_GET);
        if (e != Err.OK) {
            return e;
        }
        int type = Le.u8(in, D + 8);
        if (type != AdminWire.PARTS_GET_ALL && type != AdminWire.PARTS_GET_SELECTED) {
            return Err.INVALID_FIELD;
        }
        boolean all = type == AdminWire.PARTS_GET_ALL;
        long list = D + 16;
        long requests = all ? 0 : Math.max(0, (in.byteSize() - list + AdminWire.PART_HDR_SIZE - 1))
                / AdminWire.PART_HDR_SIZE;
        int count = DeviceParts.count(m);
        long total = 0;
        for (int i = 0; i < count; i++) {
            if (all || selected(m, i, in, list, requests)) {
                total += AdminWire.PART_HDR_SIZE + DeviceParts.valueLength(m, i);
            }
        }
        if (out.byteSize() - AdminWire.STS_RESULT < total) {
            // Not in the spec for PARTS_GET (it is for METADATA_GET): a truncated part list would silently lose
            // state, so the model reports ENOMEM (no side effects, retry with a larger buffer).
            return Err.NO_MEMORY;
        }
        long p = AdminWire.STS_RESULT;
        for (int i = 0; i < count; i++) {
            if (all || selected(m, i, in, list, requests)) {
                p += DeviceParts.writePart(m, i, out, p);
            }
        }
        resultLen = (int) total;
        return Err.OK;
    }

    private static boolean selected(MemberState m, int i, MemorySegment in, long list, long requests) {
        for (long r = 0; r < requests; r++) {
            if (DeviceParts.selects(m, i, in, list + r * AdminWire.PART_HDR_SIZE)) {
                return true;
            }
        }
        return false;
    }

    private int partsSet(MemberState m, long member, MemorySegment in) {
        int e = partsObject(member, in, AdminWire.DEV_PARTS_OBJ_SET);
        if (e != Err.OK) {
            return e;
        }
        if (!m.stopped()) {
            return Err.BUSY; // the driver must stop the device first
        }
        e = DeviceParts.set(m, in, D + 8, false);
        if (e != Err.OK) {
            return e;
        }
        DeviceParts.set(m, in, D + 8, true);
        return Err.OK;
    }
}
