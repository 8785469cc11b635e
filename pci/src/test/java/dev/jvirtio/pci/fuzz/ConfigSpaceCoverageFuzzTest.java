package dev.jvirtio.pci.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.config.BarRegister;
import dev.jvirtio.pci.config.ConfigHeader;
import dev.jvirtio.pci.config.ConfigProblem;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.ConfigSpaceException;
import dev.jvirtio.pci.config.ExtendedCapability;
import dev.jvirtio.pci.config.GenericCapability;
import dev.jvirtio.pci.config.GenericExtendedCapability;
import dev.jvirtio.pci.config.MalformedCapability;
import dev.jvirtio.pci.config.MalformedExtendedCapability;
import dev.jvirtio.pci.config.MsiCapability;
import dev.jvirtio.pci.config.MsixCapability;
import dev.jvirtio.pci.config.PciCapability;
import dev.jvirtio.pci.config.PcieCapability;
import dev.jvirtio.pci.config.PowerManagementCapability;
import dev.jvirtio.pci.config.SriovCapability;
import dev.jvirtio.pci.config.VirtioCapability;
import dev.jvirtio.pci.config.VirtioCfgType;
import dev.jvirtio.pci.testing.FuzzStats;
import dev.jvirtio.pci.testing.SysfsFixtureTree;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the config-space and capability parser, {@link ConfigSpace#parse(byte[])}.
 *
 * <p>Contract under test: any byte array parses to a {@link ConfigSpace} or throws {@link ConfigSpaceException}
 * (with the reason the bytes justify); nothing else is ever thrown, and every accessor and {@code toString} of
 * everything decoded works. On top of that the structural invariants a caller relies on are asserted: each
 * capability lies where a walk can put it, no offset is visited twice, every malformed entry has its problem
 * recorded, at most one problem per walk ends it, and parsing is a pure function of the bytes (array and
 * segment entry points agree, the input is copied).
 *
 * <p>Regression mode (every {@code mvn verify}) runs the seeds below and the committed corpus in
 * {@code src/test/resources/dev/jvirtio/pci/fuzz/ConfigSpaceCoverageFuzzTestInputs/}; fuzzing mode:
 * {@code scripts/fuzz config-space --minutes 10}. Hangs are caught by libFuzzer's per-input timeout there.
 */
@ExtendWith(FuzzStats.class)
class ConfigSpaceCoverageFuzzTest {

    /** Seeds: the real snapshots of the build VM's functions plus hand-built spaces that reach every decoder. */
    static Stream<byte[]> parse() {
        List<byte[]> seeds = new ArrayList<>();
        for (String bdf : SysfsFixtureTree.FUNCTIONS) {
            seeds.add(SysfsFixtureTree.resource(bdf, "config"));
        }
        seeds.add(everyStandardCapability());
        seeds.add(sriovPf());
        seeds.add(bridgeWithLoop());
        return seeds.stream();
    }

    @MethodSource
    @FuzzTest(maxDuration = "10m")
    void parse(byte[] input) {
        FuzzStats.count();
        ConfigSpace cs;
        try {
            cs = ConfigSpace.parse(input);
        } catch (ConfigSpaceException e) {
            checkRejection(input, e);
            return;
        }
        assertTrue(input.length >= ConfigSpace.HEADER_SIZE && input.length <= ConfigSpace.EXTENDED_SIZE,
                "accepted " + input.length + " bytes");
        byte[] original = input.clone();
        input[0] ^= 0x5a; // the parser copied the input: the parsed bytes must not follow later changes
        assertArrayEquals(original, cs.bytes());
        input[0] ^= 0x5a;
        assertEquals(input.length, cs.length());

        checkHeader(cs.header(), input);
        checkStandardCapabilities(cs, input.length);
        checkExtendedCapabilities(cs, input.length);
        checkProblems(cs);
        checkLookups(cs);
        checkDeterminism(cs, input);
    }

    private static void checkRejection(byte[] input, ConfigSpaceException e) {
        assertNotNull(e.getMessage());
        assertEquals(input.length, e.length());
        switch (e.reason()) {
            case TRUNCATED_HEADER -> assertTrue(input.length < ConfigSpace.HEADER_SIZE);
            case TOO_LONG -> assertTrue(input.length > ConfigSpace.EXTENDED_SIZE);
            case NO_DEVICE -> assertTrue((input[0] & 0xff) == 0xff && (input[1] & 0xff) == 0xff);
        }
    }

    private static void checkHeader(ConfigHeader h, byte[] b) {
        assertEquals(u16(b, 0), h.vendorId());
        assertEquals(u16(b, 2), h.deviceId());
        assertEquals(u16(b, 6), h.status());
        assertEquals(b[0x0e] & 0x7f, h.headerType());
        assertEquals(h.classCode() >>> 16, h.baseClass());
        assertTrue(h.subClass() <= 0xff && h.progIf() <= 0xff);
        int slots = switch (h.headerType()) {
            case 0 -> 6;
            case 1 -> 2;
            default -> 0;
        };
        int used = 0;
        int lastIndex = -1;
        for (BarRegister bar : h.bars()) {
            assertTrue(bar.index() > lastIndex && bar.index() < slots, "BAR index " + bar.index());
            lastIndex = bar.index();
            used += bar.is64Bit() && bar.index() + 1 < slots ? 2 : 1;
            if (bar.kind() == BarRegister.Kind.IO) {
                assertFalse(bar.prefetchable());
                assertEquals(0, bar.address() & 0x3);
            } else {
                assertEquals(0, bar.address() & 0xf);
            }
            assertNotNull(bar.toString());
        }
        assertEquals(slots, used, "BAR slots covered");
        assertNotNull(h.toString());
    }

    private static void checkStandardCapabilities(ConfigSpace cs, int length) {
        List<PciCapability> caps = cs.capabilities();
        if (!cs.header().hasCapabilityList()) {
            assertTrue(caps.isEmpty(), "capabilities without the status bit");
        }
        assertTrue(caps.size() <= 48, "a walk visits at most 48 slots");
        int limit = Math.min(length, ConfigSpace.STANDARD_SIZE);
        Set<Integer> seen = new HashSet<>();
        for (PciCapability c : caps) {
            assertTrue(c.offset() >= ConfigSpace.HEADER_SIZE && c.offset() + 2 <= limit && c.offset() % 4 == 0,
                    "capability at " + c.offset());
            assertTrue(seen.add(c.offset()), "revisited " + c.offset());
            assertTrue(c.capId() >= 0 && c.capId() < 0xff && c.next() >= 0 && c.next() <= 0xff);
            assertFalse(c.name().isEmpty());
            assertNotNull(c.toString());
            switch (c) {
                case VirtioCapability v -> checkVirtio(v, cs, limit);
                case MsixCapability m -> {
                    assertTrue(m.tableSize() >= 1 && m.tableSize() <= 2048);
                    assertEquals(m.tableBir() <= 5 && m.pbaBir() <= 5, m.birsValid());
                    assertEquals(0, m.tableOffset() & 0x7);
                    assertEquals(0, m.pbaOffset() & 0x7);
                    assertTrue(m.offset() + 12 <= limit);
                }
                case MsiCapability m -> {
                    assertTrue(Integer.bitCount(m.vectorsCapable()) == 1 && Integer.bitCount(m.vectorsEnabled()) == 1);
                    assertTrue(m.offset() + m.structureLength() <= limit);
                }
                case PcieCapability p -> {
                    assertFalse(p.portTypeName().isEmpty());
                    assertTrue(p.offset() + 0x14 <= limit);
                }
                case PowerManagementCapability p -> {
                    assertFalse(p.powerStateName().isEmpty());
                    assertTrue(p.offset() + 6 <= limit);
                }
                case MalformedCapability m -> assertTrue(cs.problems().contains(m.problem()),
                        "malformed capability's problem is recorded");
                case GenericCapability g -> assertTrue(g.capId() != 0x11 && g.capId() != 0x05 && g.capId() != 0x10
                        && g.capId() != 0x01, "a decodable ID stayed generic");
            }
        }
    }

    private static void checkVirtio(VirtioCapability v, ConfigSpace cs, int limit) {
        assertEquals(VirtioIdentity.VIRTIO_PCI_VENDOR_ID, cs.header().vendorId(), "virtio cap on a non-virtio vendor");
        assertTrue(v.capLength() >= 4 && v.offset() + v.capLength() <= limit, "cap_len inside the region");
        VirtioCfgType t = v.type();
        assertTrue(v.capLength() >= t.minCapLen() || t == VirtioCfgType.UNKNOWN);
        assertSame(t, VirtioCfgType.fromValue(v.cfgType()));
        assertTrue(v.name().startsWith("virtio "));
        if (!v.describesRegion()) {
            assertTrue(v.barValid());
            assertEquals(0, v.barOffset());
            assertEquals(0, v.length());
        }
        assertEquals(!v.describesRegion() || v.bar() <= VirtioCapability.MAX_BAR, v.barValid());
        if (t != VirtioCfgType.VENDOR) {
            assertEquals(0, v.vendorId());
        }
        if (t != VirtioCfgType.NOTIFY) {
            assertEquals(0, v.notifyOffMultiplier());
        }
        if (t != VirtioCfgType.SHARED_MEMORY) {
            assertTrue(v.barOffset() >= 0 && v.barOffset() <= 0xffff_ffffL && v.length() <= 0xffff_ffffL);
        }
        assertEquals(t == VirtioCfgType.COMMON && v.length() >= 64, v.hasAdminQueueFields());
    }

    private static void checkExtendedCapabilities(ConfigSpace cs, int length) {
        List<ExtendedCapability> ext = cs.extendedCapabilities();
        if (length <= ConfigSpace.STANDARD_SIZE) {
            assertTrue(ext.isEmpty());
        }
        assertTrue(ext.size() <= (ConfigSpace.EXTENDED_SIZE - ConfigSpace.STANDARD_SIZE) / 4);
        Set<Integer> seen = new HashSet<>();
        for (ExtendedCapability c : ext) {
            assertTrue(c.offset() >= ConfigSpace.STANDARD_SIZE && c.offset() + 4 <= length && c.offset() % 4 == 0,
                    "extended capability at " + c.offset());
            assertTrue(seen.add(c.offset()), "revisited " + c.offset());
            assertTrue(c.capId() >= 0 && c.capId() <= 0xffff && c.version() >= 0 && c.version() <= 0xf);
            assertEquals(0, c.next() & 0x3, "next offset keeps its reserved bits masked");
            assertFalse(c.name().isEmpty());
            assertNotNull(c.toString());
            switch (c) {
                case SriovCapability s -> {
                    assertTrue(s.offset() + SriovCapability.SIZE <= length);
                    assertEquals((s.control() & 1) != 0, s.vfEnable());
                    s.vfMemorySpaceEnable();
                    s.vfMigrationEnable();
                    s.ariCapableHierarchy();
                    s.vfMigrationCapable();
                    assertTrue(s.vfMigrationInterruptMessageNumber() >= 0);
                    assertTrue(s.vfBars().size() <= 6);
                }
                case MalformedExtendedCapability m -> assertTrue(cs.problems().contains(m.problem()));
                case GenericExtendedCapability g -> assertTrue(g.capId() != SriovCapability.ID);
            }
        }
    }

    private static void checkProblems(ConfigSpace cs) {
        int walkEnders = 0;
        for (ConfigProblem p : cs.problems()) {
            assertNotNull(p.kind());
            assertFalse(p.message().isEmpty());
            assertTrue(p.offset() >= 0 && p.offset() < ConfigSpace.EXTENDED_SIZE, "problem offset " + p.offset());
            if (p.kind().stopsWalk()) {
                walkEnders++;
            }
        }
        assertTrue(walkEnders <= 2, "at most one walk-ending problem per walk");
    }

    private static void checkLookups(ConfigSpace cs) {
        Optional<VirtioIdentity> id = cs.virtio();
        id.ifPresent(v -> assertFalse(v.typeName().isEmpty()));
        List<VirtioCapability> virtio = cs.virtioCapabilities();
        for (VirtioCfgType t : VirtioCfgType.values()) {
            Optional<VirtioCapability> first = cs.firstVirtio(t);
            first.ifPresent(v -> {
                assertSame(t, v.type());
                assertTrue(v.barValid());
                assertTrue(virtio.contains(v));
            });
        }
        cs.msix().ifPresent(m -> assertTrue(cs.capabilities().contains(m)));
        cs.sriov().ifPresent(s -> assertTrue(cs.extendedCapabilities().contains(s)));
        assertEquals(cs.msix(), cs.find(MsixCapability.class));
    }

    private static void checkDeterminism(ConfigSpace cs, byte[] input) {
        ConfigSpace again;
        try {
            again = ConfigSpace.parse(MemorySegment.ofArray(input));
        } catch (ConfigSpaceException e) {
            fail("segment parse rejected what the array parse accepted", e);
            return;
        }
        assertEquals(cs.header(), again.header());
        assertEquals(cs.capabilities(), again.capabilities());
        assertEquals(cs.extendedCapabilities(), again.extendedCapabilities());
        assertEquals(cs.problems(), again.problems());
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    // ---- hand-built seeds -------------------------------------------------------------------------------

    private static void put(byte[] b, int off, long v, int width) {
        for (int i = 0; i < width; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** A virtio function header: vendor 0x1af4, the given device ID, capability list at 0x40. */
    private static byte[] virtioHeader(int size, int deviceId) {
        byte[] b = new byte[size];
        put(b, 0x00, 0x1af4, 2);
        put(b, 0x02, deviceId, 2);
        put(b, 0x06, 0x0010, 2);
        put(b, 0x2c, 0x1af4, 2);
        put(b, 0x2e, 0x0001, 2);
        put(b, 0x10, 0x0000_000cL, 4); // BAR0: 64-bit prefetchable memory
        put(b, 0x14, 0x0000_0001L, 4);
        put(b, 0x18, 0x0000_c001L, 4); // BAR2: I/O
        b[0x34] = 0x40;
        return b;
    }

    private static void virtioCap(byte[] b, int at, int next, int capLen, int cfgType, int bar, long off, long len) {
        b[at] = 0x09;
        b[at + 1] = (byte) next;
        b[at + 2] = (byte) capLen;
        b[at + 3] = (byte) cfgType;
        b[at + 4] = (byte) bar;
        put(b, at + 8, off, 4);
        put(b, at + 12, len, 4);
    }

    /** Every standard capability the parser decodes: virtio (all cfg types), MSI-X, MSI, PCIe, PM. */
    private static byte[] everyStandardCapability() {
        byte[] b = virtioHeader(256, 0x1041);
        virtioCap(b, 0x40, 0x50, 16, 1, 4, 0x0000, 0x40);     // common, with the admin queue fields
        virtioCap(b, 0x50, 0x64, 20, 2, 4, 0x3000, 0x1000);   // notify
        put(b, 0x60, 4, 4);                                   // notify_off_multiplier
        virtioCap(b, 0x64, 0x74, 16, 3, 4, 0x1000, 0x1000);   // ISR
        virtioCap(b, 0x74, 0x84, 16, 4, 4, 0x2000, 0x1000);   // device
        virtioCap(b, 0x84, 0x98, 20, 5, 0, 0, 0);             // pci_cfg access
        virtioCap(b, 0x98, 0xb0, 24, 8, 2, 0x10, 0x20);       // shared memory (cap64)
        b[0xb0] = 0x09;                                       // vendor data
        b[0xb1] = (byte) 0xb8;
        b[0xb2] = 8;
        b[0xb3] = 9;
        put(b, 0xb4, 0x8086, 2);
        b[0xb8] = 0x11;                                       // MSI-X, 3 vectors, table and PBA in BAR1
        b[0xb9] = (byte) 0xc4;
        put(b, 0xba, 0x0002, 2);
        put(b, 0xbc, 0x0000_0001L, 4);
        put(b, 0xc0, 0x0000_0801L, 4);
        b[0xc4] = 0x05;                                       // MSI, 64-bit with per-vector masking
        b[0xc5] = (byte) 0xdc;
        put(b, 0xc6, 0x0180, 2);
        b[0xdc] = 0x10;                                       // PCI Express endpoint
        b[0xdd] = (byte) 0xf0;
        put(b, 0xde, 0x0002, 2);
        b[0xf0] = 0x01;                                       // power management
        b[0xf1] = 0x00;
        put(b, 0xf2, 0x0003, 2);
        return b;
    }

    /** A 4 KiB virtio-net PF with an SR-IOV extended capability (VF BAR0 64-bit) followed by another one. */
    private static byte[] sriovPf() {
        byte[] b = virtioHeader(4096, 0x1041);
        virtioCap(b, 0x40, 0x00, 16, 1, 4, 0, 0x40);
        put(b, 0x100, 0x0010L | 1L << 16 | 0x140L << 20, 4);  // SR-IOV v1, next 0x140
        put(b, 0x108, 0x0019, 2);                             // VF Enable, VF MSE, ARI
        put(b, 0x10c, 4, 2);                                  // InitialVFs
        put(b, 0x10e, 4, 2);                                  // TotalVFs
        put(b, 0x110, 2, 2);                                  // NumVFs
        put(b, 0x114, 1, 2);                                  // First VF Offset
        put(b, 0x116, 1, 2);                                  // VF Stride
        put(b, 0x11a, 0x1041, 2);                             // VF Device ID
        put(b, 0x11c, 0x553, 4);                              // supported page sizes
        put(b, 0x120, 1, 4);                                  // system page size
        put(b, 0x124, 0x0000_000cL, 4);                       // VF BAR0, 64-bit
        put(b, 0x140, 0x000eL | 1L << 16, 4);                 // ARI, end of list
        return b;
    }

    /** A type 1 header (bridge) whose capability list loops. */
    private static byte[] bridgeWithLoop() {
        byte[] b = new byte[256];
        put(b, 0x00, 0x8086, 2);
        put(b, 0x02, 0x1234, 2);
        put(b, 0x06, 0x0010, 2);
        b[0x0e] = (byte) 0x81;
        b[0x34] = 0x48;
        b[0x48] = 0x0d;
        b[0x49] = 0x50;
        b[0x50] = 0x10;
        b[0x51] = 0x48;
        return b;
    }
}
