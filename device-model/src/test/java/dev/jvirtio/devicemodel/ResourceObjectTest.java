package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RESOURCE_OBJ_CREATE / QUERY / MODIFY / DESTROY for device-parts and flow-filter objects. */
class ResourceObjectTest {
    static final int QUERY = 0xb, MODIFY = 0xc; // opcode-table numbering (the default)

    private final AdminCommandEngine e = useAll(net(4));

    private R obj(int opcode, int group, long member, int type, long id, byte[] specific) {
        return run(e, cmd(opcode, group, member, objData(type, id, 0, specific)), 128);
    }

    private R destroy(int group, long member, int type, long id) {
        return run(e, cmd(0xd, group, member, w().u16(type).zeros(2).u32(id).done()), 8);
    }

    /** Enables the flow filter: resource limits, ETH+IPv4+UDP selectors, DROP+DIRECT_RX_VQ actions. */
    private void enableFlowFilter(long groups, long rules, long perGroup) {
        run(e, cmd(0x9, SELF, 0, w().u16(0x800).zeros(6)
                .bytes(CapabilityTest.ffResource(groups, 4, rules, perGroup, 10, 3)).done()), 8).ok();
        byte[] eth = w().u8(1).u8(1).zeros(2).u8(14).zeros(3).fill(14, 0xff).done();
        byte[] ipv4 = w().u8(2).u8(0).zeros(2).u8(20).zeros(3).zeros(9).u8(0xff).zeros(2).fill(8, 0xff).done();
        byte[] udp = w().u8(5).u8(0).zeros(2).u8(8).zeros(3).fill(4, 0xff).zeros(4).done();
        run(e, cmd(0x9, SELF, 0, w().u16(0x801).zeros(6).u8(3).zeros(7).bytes(eth).bytes(ipv4).bytes(udp).done()), 8)
                .ok();
        run(e, cmd(0x9, SELF, 0, w().u16(0x802).zeros(6).u8(2).zeros(7).u8(1).u8(2).done()), 8).ok();
    }

    private static byte[] group(int prio) {
        return w().u16(prio).zeros(6).done();
    }

    private static byte[] classifierEthIpv4Udp() {
        return w().u8(3).zeros(7)
                .u8(1).u8(0).zeros(2).u8(14).zeros(3).fill(12, 0).fill(2, 0xff) // EtherType
                .u8(2).u8(0).zeros(2).u8(20).zeros(3).zeros(9).u8(0xff).zeros(10) // protocol
                .u8(5).u8(0).zeros(2).u8(8).zeros(3).zeros(2).fill(2, 0xff).zeros(4) // dst port
                .done();
    }

    private static byte[] rule(long groupId, long classifierId, int prio, int keyLen, int action, int vq) {
        return w().u32(groupId).u32(classifierId).u8(prio).u8(keyLen).u8(action).u8(0).u16(vq).zeros(2)
                .fill(keyLen, 0x42).done();
    }

    @Test
    void devicePartsObjectLifecycle() {
        setPartsCap(e, 2, 2).ok();
        obj(0xa, SRIOV, 1, 0, 0, w().u8(0).zeros(7).done()).ok();
        R q = obj(QUERY, SRIOV, 1, 0, 0, new byte[0]).ok();
        assertEquals(16, q.used());
        assertArrayEquals(new byte[8], q.result());
        obj(0xa, SRIOV, 1, 0, 0, w().u8(1).zeros(7).done()).fails(EEXIST, Q_INVALID_FIELD);
        obj(0xa, SRIOV, 2, 0, 0, w().u8(1).zeros(7).done()).fails(EEXIST, Q_INVALID_FIELD); // ids are per type
        obj(0xa, SRIOV, 1, 0, 1, w().u8(2).zeros(7).done()).fails(EINVAL, Q_INVALID_FIELD); // kind 2
        obj(QUERY, SRIOV, 2, 0, 0, new byte[0]).fails(ENXIO, Q_INVALID_FIELD); // another member's object
        obj(MODIFY, SRIOV, 1, 0, 0, w().u8(1).zeros(7).done()).ok();
        assertEquals(1, obj(QUERY, SRIOV, 1, 0, 0, new byte[0]).ok().u8(8));
        destroy(SRIOV, 2, 0, 0).fails(ENXIO, Q_INVALID_FIELD);
        destroy(SRIOV, 1, 0, 0).ok();
        destroy(SRIOV, 1, 0, 0).fails(ENXIO, Q_INVALID_FIELD);
        obj(QUERY, SRIOV, 1, 0, 0, new byte[0]).fails(ENXIO, Q_INVALID_FIELD);
        obj(0xa, SRIOV, 1, 0, 0, w().u8(0).zeros(7).done()).ok(); // ids are reusable
        assertEquals(1, e.resourceObjectCount());
    }

    @Test
    void objectTypesAreScopedToTheirGroupType() {
        setPartsCap(e, 2, 2).ok();
        obj(0xa, SELF, 0, 0, 0, w().u8(0).zeros(7).done()).fails(EINVAL, Q_INVALID_FIELD);
        enableFlowFilter(4, 8, 4);
        obj(0xa, SRIOV, 1, 0x200, 0, group(1)).fails(EINVAL, Q_INVALID_FIELD);
        obj(0xa, SELF, 0, 0x1ff, 0, group(1)).fails(EINVAL, Q_INVALID_FIELD);
        obj(0xa, SELF, 0, 0x203, 0, group(1)).fails(EINVAL, Q_INVALID_FIELD); // IPsec SA: not supported
    }

    @Test
    void flowFilterNeedsItsCapabilitiesEnabled() {
        obj(0xa, SELF, 0, 0x200, 0, group(1)).fails(EINVAL, Q_INVALID_OPCODE);
        enableFlowFilter(4, 8, 4);
        obj(0xa, SELF, 0, 0x200, 0, group(1)).ok();
    }

    @Test
    void flowFilterObjectsEchoTheirDataAndTrackDependants() {
        enableFlowFilter(4, 8, 4);
        obj(0xa, SELF, 0, 0x200, 0, group(5)).ok();
        obj(0xa, SELF, 0, 0x200, 1, group(5)).fails(EINVAL, Q_INVALID_FIELD); // priority taken
        obj(0xa, SELF, 0, 0x200, 4, group(6)).fails(ENOSPC, Q_NORESOURCE);  // id >= groups limit
        assertArrayEquals(new byte[] {5, 0, 0, 0, 0, 0, 0, 0}, obj(QUERY, SELF, 0, 0x200, 0, new byte[0]).ok()
                .result());
        byte[] cls = classifierEthIpv4Udp();
        obj(0xa, SELF, 0, 0x201, 0, cls).ok();
        R qc = obj(QUERY, SELF, 0, 0x201, 0, new byte[0]).ok();
        assertEquals(8 + 80, qc.used(), "8 + (8+14) + (8+20) + (8+8) = 74 bytes, padded to 80");
        for (int i = 0; i < cls.length; i++) {
            assertEquals(cls[i] & 0xff, qc.u8(8 + i), "classifier byte " + i);
        }
        byte[] r = rule(0, 0, 3, 42, 2, 2);
        obj(0xa, SELF, 0, 0x202, 0, r).ok();
        R qr = obj(QUERY, SELF, 0, 0x202, 0, new byte[0]).ok();
        for (int i = 0; i < r.length; i++) {
            assertEquals(r[i] & 0xff, qr.u8(8 + i), "rule byte " + i);
        }
        destroy(SELF, 0, 0x200, 0).fails(EBUSY, Q_INVALID_COMMAND);
        destroy(SELF, 0, 0x201, 0).fails(EBUSY, Q_INVALID_COMMAND);
        obj(MODIFY, SELF, 0, 0x200, 0, group(9)).fails(EBUSY, Q_INVALID_COMMAND);
        run(e, cmd(0x9, SELF, 0, w().u16(0x802).zeros(6).u8(1).zeros(7).u8(1).done()), 8)
                .fails(EBUSY, Q_INVALID_COMMAND); // capability change with live objects
        destroy(SELF, 0, 0x202, 0).ok();
        destroy(SELF, 0, 0x201, 0).ok();
        obj(MODIFY, SELF, 0, 0x200, 0, group(9)).ok();
        assertEquals(9, obj(QUERY, SELF, 0, 0x200, 0, new byte[0]).ok().u8(8));
        destroy(SELF, 0, 0x200, 0).ok();
        assertEquals(0, e.resourceObjectCount());
    }

    @Test
    void invalidRulesAreRejected() {
        enableFlowFilter(4, 8, 2);
        obj(0xa, SELF, 0, 0x200, 0, group(1)).ok();
        obj(0xa, SELF, 0, 0x201, 0, classifierEthIpv4Udp()).ok();
        obj(0xa, SELF, 0, 0x202, 0, rule(0, 0, 3, 41, 2, 2)).fails(EINVAL, Q_INVALID_FIELD); // key length
        obj(0xa, SELF, 0, 0x202, 0, rule(0, 0, 3, 42, 3, 2)).fails(EINVAL, Q_INVALID_FIELD); // action not enabled
        obj(0xa, SELF, 0, 0x202, 0, rule(0, 0, 3, 42, 2, 3)).fails(EINVAL, Q_INVALID_FIELD); // tx queue
        obj(0xa, SELF, 0, 0x202, 0, rule(0, 0, 3, 42, 2, 8)).fails(EINVAL, Q_INVALID_FIELD); // beyond 4 pairs
        obj(0xa, SELF, 0, 0x202, 0, rule(0, 0, 10, 42, 1, 0)).fails(EINVAL, Q_INVALID_FIELD); // prio >= last
        obj(0xa, SELF, 0, 0x202, 0, rule(1, 0, 3, 42, 1, 0)).fails(EINVAL, Q_INVALID_FIELD); // no group 1
        obj(0xa, SELF, 0, 0x202, 0, rule(0, 1, 3, 42, 1, 0)).fails(EINVAL, Q_INVALID_FIELD); // no classifier 1
        obj(0xa, SELF, 0, 0x202, 2, rule(0, 0, 3, 42, 1, 0)).fails(ENOSPC, Q_NORESOURCE); // id >= rules/group
        assertEquals(2, e.resourceObjectCount());
        obj(0xa, SELF, 0, 0x202, 0, rule(0, 0, 3, 42, 1, 0)).ok();
        obj(0xa, SELF, 0, 0x202, 1, rule(0, 0, 4, 42, 1, 0)).ok();
    }

    @Test
    void invalidClassifiersAreRejected() {
        enableFlowFilter(4, 8, 4);
        byte[] noEthFirst = w().u8(1).zeros(7).u8(2).u8(0).zeros(2).u8(20).zeros(3).zeros(20).done();
        obj(0xa, SELF, 0, 0x201, 0, noEthFirst).fails(EINVAL, Q_INVALID_FIELD);
        byte[] ipv6 = w().u8(2).zeros(7).u8(1).u8(0).zeros(2).u8(14).zeros(3).zeros(14)
                .u8(3).u8(0).zeros(2).u8(40).zeros(3).zeros(40).done(); // IPv6 not enabled by the driver
        obj(0xa, SELF, 0, 0x201, 0, ipv6).fails(EINVAL, Q_INVALID_FIELD);
        byte[] ttl = w().u8(2).zeros(7).u8(1).u8(0).zeros(2).u8(14).zeros(3).zeros(14)
                .u8(2).u8(0).zeros(2).u8(20).zeros(3).zeros(8).u8(0xff).zeros(11).done(); // TTL not allowed
        obj(0xa, SELF, 0, 0x201, 0, ttl).fails(EINVAL, Q_INVALID_FIELD);
        obj(0xa, SELF, 0, 0x201, 0, w().u8(0).zeros(7).done()).fails(EINVAL, Q_INVALID_FIELD); // no selectors
        // partial-mask flag: allowed for ETH (enabled with flag) but IPv4 was enabled without it
        byte[] eth = w().u8(1).zeros(7).u8(1).u8(0).zeros(2).u8(14).zeros(3).zeros(14).done();
        run(e, cmd(0xa, SELF, 0, objData(0x201, 0, 1, eth)), 8).ok();
        byte[] ethIp = w().u8(2).zeros(7).u8(1).u8(0).zeros(2).u8(14).zeros(3).zeros(14)
                .u8(2).u8(0).zeros(2).u8(20).zeros(3).zeros(20).done();
        run(e, cmd(0xa, SELF, 0, objData(0x201, 1, 1, ethIp)), 8).fails(EINVAL, Q_INVALID_FIELD);
    }

    @Test
    void failedModifyLeavesTheObjectUnchanged() {
        enableFlowFilter(4, 8, 4);
        obj(0xa, SELF, 0, 0x200, 0, group(1)).ok();
        obj(0xa, SELF, 0, 0x200, 1, group(2)).ok();
        obj(MODIFY, SELF, 0, 0x200, 1, group(1)).fails(EINVAL, Q_INVALID_FIELD);
        assertEquals(2, obj(QUERY, SELF, 0, 0x200, 1, new byte[0]).ok().u8(8));
        obj(MODIFY, SELF, 0, 0x200, 3, group(7)).fails(ENXIO, Q_INVALID_FIELD);
        setPartsCap(e, 1, 0).ok();
        obj(0xa, SRIOV, 1, 0, 0, w().u8(0).zeros(7).done()).ok();
        obj(MODIFY, SRIOV, 1, 0, 0, w().u8(1).zeros(7).done()).fails(ENOSPC, Q_NORESOURCE); // set limit 0
        assertEquals(0, obj(QUERY, SRIOV, 1, 0, 0, new byte[0]).ok().u8(8));
    }

    @Test
    void queryAndModifyOpcodesFollowTheConfiguredNumbering() {
        AdminCommandEngine text = useAll(new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET).totalVfs(2)
                .numbering(AdminEngineConfig.ResourceOpcodeNumbering.COMMAND_TEXT).build(), sriov(2)));
        setPartsCap(text, 1, 1).ok();
        createPartsObject(text, 1, 0, 0).ok();
        // command-text numbering: MODIFY 0xb, QUERY 0xc
        R q = run(text, cmd(0xc, SRIOV, 1, objData(0, 0, 0, new byte[0])), 64).ok();
        assertEquals(16, q.used());
        assertEquals(0, q.u8(8));
        run(text, cmd(0xb, SRIOV, 1, objData(0, 0, 0, w().u8(1).zeros(7).done())), 64).ok();
        assertEquals(8, run(text, cmd(0xb, SRIOV, 1, objData(0, 0, 0, w().u8(1).zeros(7).done())), 64).used(),
                "MODIFY has no result");
        assertEquals(1, run(text, cmd(0xc, SRIOV, 1, objData(0, 0, 0, new byte[0])), 64).ok().u8(8));
        // the default (opcode table) numbering reads with 0xb
        setPartsCap(e, 1, 1).ok();
        createPartsObject(e, 1, 0, 1).ok();
        assertEquals(1, run(e, cmd(0xb, SRIOV, 1, objData(0, 0, 0, new byte[0])), 64).ok().u8(8));
    }
}
