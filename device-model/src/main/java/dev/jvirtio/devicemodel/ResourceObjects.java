package dev.jvirtio.devicemodel;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Resource objects: device-parts objects (SR-IOV scoped, type 0) and virtio-net flow-filter groups, classifiers
 * and rules (self scoped). Every operation validates completely before it changes anything, so a failed command
 * has no side effects. Ids are driver-assigned and unique per type.
 */
final class ResourceObjects {
    /** Offsets within {@code command_specific_data}. */
    static final int D_TYPE = 0;
    static final int D_ID = 4;
    static final int D_FLAGS = 8;
    static final int D_SPECIFIC = 16;

    /** One live object. {@code data} is the normalised resource_obj_specific_data QUERY echoes. */
    static final class Obj {
        final int type;
        final long id;
        long member;
        byte[] data;
        int kind;          // device parts: GET or SET
        int priority;      // flow-filter group priority
        long groupId;      // flow-filter rule
        long classifierId; // flow-filter rule
        int dependants;

        Obj(int type, long id) {
            this.type = type;
            this.id = id;
        }
    }

    private final AdminEngineConfig cfg;
    private final Capabilities caps;
    private final Map<Long, Obj> devParts = new HashMap<>();
    private final Map<Long, Obj> groups = new HashMap<>();
    private final Map<Long, Obj> classifiers = new HashMap<>();
    private final Map<Long, Obj> rules = new HashMap<>();
    /** Result of the last successful {@link #query}. */
    private byte[] queryResult;

    ResourceObjects(AdminEngineConfig cfg, Capabilities caps) {
        this.cfg = cfg;
        this.caps = caps;
    }

    void clear() {
        devParts.clear();
        groups.clear();
        classifiers.clear();
        rules.clear();
    }

    boolean anyDevParts() {
        return !devParts.isEmpty();
    }

    boolean anyFlowFilter() {
        return !groups.isEmpty() || !classifiers.isEmpty() || !rules.isEmpty();
    }

    /** Number of live objects of every type (tests and reports). */
    int count() {
        return devParts.size() + groups.size() + classifiers.size() + rules.size();
    }

    /** The device-parts object {@code id} if it exists and belongs to {@code member}, else {@code null}. */
    Obj devPartsObject(long id, long member) {
        Obj o = devParts.get(id);
        return o != null && o.member == member ? o : null;
    }

    private Map<Long, Obj> table(int type) {
        return switch (type) {
            case AdminWire.OBJ_DEV_PARTS -> devParts;
            case AdminWire.OBJ_NET_FF_GROUP -> groups;
            case AdminWire.OBJ_NET_FF_CLASSIFIER -> classifiers;
            case AdminWire.OBJ_NET_FF_RULE -> rules;
            default -> null;
        };
    }

    /**
     * Checks that {@code type} is an object type this device supports for {@code groupType}: device parts for the
     * SR-IOV group, flow-filter objects for the self group of a net device.
     */
    private int checkType(int groupType, int type) {
        if (groupType == AdminWire.GROUP_SRIOV) {
            return type == AdminWire.OBJ_DEV_PARTS && cfg.devParts() ? Err.OK : Err.INVALID_FIELD;
        }
        boolean ff = type == AdminWire.OBJ_NET_FF_GROUP || type == AdminWire.OBJ_NET_FF_CLASSIFIER
                || type == AdminWire.OBJ_NET_FF_RULE;
        if (!ff || !cfg.flowFilter) {
            return Err.INVALID_FIELD;
        }
        // Spec (virtio-net flow filter): with a flow-filter capability not enabled, resource commands for these
        // types fail with Q_INVALID_OPCODE.
        return caps.flowFilterEnabled() ? Err.OK : Err.INVALID_OPCODE;
    }

    int create(int groupType, long member, MemorySegment in, long d) {
        int type = Le.u16(in, d + D_TYPE);
        long id = Le.u32(in, d + D_ID);
        long flags = Le.u64(in, d + D_FLAGS);
        int e = checkType(groupType, type);
        if (e != Err.OK) {
            return e;
        }
        Map<Long, Obj> t = table(type);
        if (t.containsKey(id)) {
            return Err.EXISTS;
        }
        Obj o = new Obj(type, id);
        o.member = member;
        e = build(o, null, in, d + D_SPECIFIC, flags);
        if (e != Err.OK) {
            return e;
        }
        link(o);
        t.put(id, o);
        return Err.OK;
    }

    int modify(int groupType, long member, MemorySegment in, long d) {
        int type = Le.u16(in, d + D_TYPE);
        long id = Le.u32(in, d + D_ID);
        long flags = Le.u64(in, d + D_FLAGS);
        int e = checkType(groupType, type);
        if (e != Err.OK) {
            return e;
        }
        Obj old = table(type).get(id);
        if (old == null || old.member != member) {
            return Err.NO_SUCH;
        }
        if (old.dependants > 0) {
            return Err.BUSY;
        }
        Obj o = new Obj(type, id);
        o.member = member;
        e = build(o, old, in, d + D_SPECIFIC, flags);
        if (e != Err.OK) {
            return e; // the old object is untouched
        }
        unlink(old);
        link(o);
        table(type).put(id, o);
        return Err.OK;
    }

    int query(int groupType, long member, MemorySegment in, long d) {
        int type = Le.u16(in, d + D_TYPE);
        long id = Le.u32(in, d + D_ID);
        int e = checkType(groupType, type);
        if (e != Err.OK) {
            return e;
        }
        Obj o = table(type).get(id);
        if (o == null || o.member != member) {
            return Err.NO_SUCH;
        }
        queryResult = o.data;
        return Err.OK;
    }

    byte[] lastQueryResult() {
        return queryResult;
    }

    int destroy(int groupType, long member, MemorySegment in, long d) {
        int type = Le.u16(in, d + D_TYPE);
        long id = Le.u32(in, d + D_ID);
        int e = checkType(groupType, type);
        if (e != Err.OK) {
            return e;
        }
        Map<Long, Obj> t = table(type);
        Obj o = t.get(id);
        if (o == null || o.member != member) {
            return Err.NO_SUCH;
        }
        if (o.dependants > 0) {
            return Err.BUSY;
        }
        unlink(o);
        t.remove(id);
        return Err.OK;
    }

    private void link(Obj o) {
        if (o.type == AdminWire.OBJ_NET_FF_RULE) {
            groups.get(o.groupId).dependants++;
            classifiers.get(o.classifierId).dependants++;
        }
    }

    private void unlink(Obj o) {
        if (o.type == AdminWire.OBJ_NET_FF_RULE) {
            groups.get(o.groupId).dependants--;
            classifiers.get(o.classifierId).dependants--;
        }
    }

    /**
     * Validates {@code resource_obj_specific_data} at {@code in@p} and fills {@code o}. {@code old} is the object
     * being modified (excluded from uniqueness and count checks), or {@code null} for CREATE.
     */
    private int build(Obj o, Obj old, MemorySegment in, long p, long flags) {
        switch (o.type) {
            case AdminWire.OBJ_DEV_PARTS: {
                int kind = Le.u8(in, p);
                if (kind != AdminWire.DEV_PARTS_OBJ_GET && kind != AdminWire.DEV_PARTS_OBJ_SET) {
                    return Err.INVALID_FIELD;
                }
                int limit = kind == AdminWire.DEV_PARTS_OBJ_GET ? caps.drvPartsGet : caps.drvPartsSet;
                if (o.id >= limit) {
                    return Err.NO_SPACE;
                }
                o.kind = kind;
                o.data = new byte[8];
                o.data[0] = (byte) kind;
                return Err.OK;
            }
            case AdminWire.OBJ_NET_FF_GROUP: {
                int prio = Le.u16(in, p);
                if (o.id >= caps.drvGroups) {
                    return Err.NO_SPACE;
                }
                for (Obj g : groups.values()) {
                    if (g != old && g.priority == prio) {
                        return Err.INVALID_FIELD; // spec: a group with this priority exists -> EINVAL
                    }
                }
                // Spec: ENOSPC once the group count reaches min(groups_limit, rules_per_group_limit).
                int others = groups.size() - (old != null ? 1 : 0);
                if (others >= Math.min(caps.drvGroups, caps.drvRulesPerGroup)) {
                    return Err.NO_SPACE;
                }
                o.priority = prio;
                o.data = new byte[] {(byte) prio, (byte) (prio >>> 8)};
                return Err.OK;
            }
            case AdminWire.OBJ_NET_FF_CLASSIFIER:
                return buildClassifier(o, in, p, flags);
            case AdminWire.OBJ_NET_FF_RULE:
                return buildRule(o, old, in, p);
            default:
                return Err.INVALID_FIELD;
        }
    }

    private int buildClassifier(Obj o, MemorySegment in, long p, long flags) {
        if (o.id >= caps.drvClassifiers) {
            return Err.NO_SPACE;
        }
        int count = Le.u8(in, p);
        if (count < 1 || count > caps.drvSelectorsPerClassifier || count > 3) {
            return Err.INVALID_FIELD;
        }
        boolean partial = (flags & AdminWire.FF_MASK_F_PARTIAL_MASK) != 0;
        long q = p + 8;
        int total = 8;
        for (int i = 0; i < count; i++) {
            int type = Le.u8(in, q);
            int len = Le.u8(in, q + 4);
            boolean placeOk = switch (i) {
                case 0 -> type == AdminWire.FF_MASK_TYPE_ETH;
                case 1 -> type == AdminWire.FF_MASK_TYPE_IPV4 || type == AdminWire.FF_MASK_TYPE_IPV6;
                default -> type == AdminWire.FF_MASK_TYPE_TCP || type == AdminWire.FF_MASK_TYPE_UDP
                        || type == AdminWire.FF_MASK_TYPE_ESP;
            };
            if (!placeOk || caps.drvMasks[type] == null) {
                return Err.INVALID_FIELD;
            }
            byte[] allowed = caps.drvMasks[type];
            if (len != allowed.length) {
                return Err.INVALID_FIELD;
            }
            if (partial && (caps.drvSelectorFlags[type] & AdminWire.FF_MASK_F_PARTIAL_MASK) == 0) {
                return Err.INVALID_FIELD;
            }
            for (int j = 0; j < len; j++) {
                if ((Le.u8(in, q + 8 + j) & ~allowed[j] & 0xff) != 0) {
                    return Err.INVALID_FIELD;
                }
            }
            q += 8 + len;
            total += 8 + len;
        }
        // Normalised copy: reserved bytes zero, exactly the structure's length.
        byte[] data = new byte[total];
        data[0] = (byte) count;
        q = p + 8;
        int w = 8;
        for (int i = 0; i < count; i++) {
            int len = Le.u8(in, q + 4);
            data[w] = (byte) Le.u8(in, q);
            data[w + 1] = (byte) Le.u8(in, q + 1);
            data[w + 4] = (byte) len;
            for (int j = 0; j < len; j++) {
                data[w + 8 + j] = (byte) Le.u8(in, q + 8 + j);
            }
            q += 8 + len;
            w += 8 + len;
        }
        o.data = data;
        return Err.OK;
    }

    private int buildRule(Obj o, Obj old, MemorySegment in, long p) {
        long groupId = Le.u32(in, p);
        long classifierId = Le.u32(in, p + 4);
        int prio = Le.u8(in, p + 8);
        int keyLen = Le.u8(in, p + 9);
        int action = Le.u8(in, p + 10);
        int vq = Le.u16(in, p + 12);
        if (o.id >= Math.min(caps.drvRules, caps.drvRulesPerGroup)) {
            return Err.NO_SPACE;
        }
        Obj g = groups.get(groupId);
        Obj c = classifiers.get(classifierId);
        if (g == null || c == null) {
            return Err.INVALID_FIELD;
        }
        // Device-normative: fail when priority >= last_rule_priority (the field text says "highest priority";
        // the normative statement is what devices implement).
        if (prio >= caps.drvLastRulePriority) {
            return Err.INVALID_FIELD;
        }
        if (keyLen != classifierKeyLength(c)) {
            return Err.INVALID_FIELD;
        }
        if (action >= 32 || (caps.drvActions & (1 << action)) == 0) {
            return Err.INVALID_FIELD;
        }
        if (action == AdminWire.FF_ACTION_DIRECT_RX_VQ && ((vq & 1) != 0 || vq >= 2 * cfg.ownerQueuePairs)) {
            return Err.INVALID_FIELD;
        }
        int inGroup = 0;
        for (Obj r : rules.values()) {
            if (r != old && r.groupId == groupId) {
                inGroup++;
            }
        }
        if (inGroup >= caps.drvRulesPerGroup) {
            return Err.NO_SPACE;
        }
        byte[] data = new byte[16 + keyLen];
        for (int i = 0; i < 4; i++) {
            data[i] = (byte) (groupId >>> (8 * i));
            data[4 + i] = (byte) (classifierId >>> (8 * i));
        }
        data[8] = (byte) prio;
        data[9] = (byte) keyLen;
        data[10] = (byte) action;
        data[12] = (byte) vq;
        data[13] = (byte) (vq >>> 8);
        for (int j = 0; j < keyLen; j++) {
            data[16 + j] = (byte) Le.u8(in, p + 16 + j);
        }
        o.groupId = groupId;
        o.classifierId = classifierId;
        o.data = data;
        return Err.OK;
    }

    private static int classifierKeyLength(Obj c) {
        int count = c.data[0] & 0xff;
        int w = 8;
        int sum = 0;
        for (int i = 0; i < count; i++) {
            int len = c.data[w + 4] & 0xff;
            sum += len;
            w += 8 + len;
        }
        return sum;
    }
}
