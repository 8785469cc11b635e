package dev.jvirtio.pci.config;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static dev.jvirtio.pci.config.ConfigProblem.Kind.ALL_ONES;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.BAR_UPPER_HALF_MISSING;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.CAPABILITY_OVERRUNS;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.CAP_LEN_TOO_SHORT;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.LOOP;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.POINTER_BEYOND_DATA;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.POINTER_INTO_HEADER;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.RESERVED_BITS_SET;
import static dev.jvirtio.pci.config.ConfigProblem.Kind.SPEC_VIOLATION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built config spaces: every decoded field and every malformed-input path. */
class ConfigSpaceParserTest {

    // ---- whole-input rejections -------------------------------------------------------------------------

    @Test
    void shorterThanHeaderIsRejected() {
        ConfigSpaceException e = assertThrows(ConfigSpaceException.class, () -> ConfigSpace.parse(new byte[63]));
        assertEquals(ConfigSpaceException.Reason.TRUNCATED_HEADER, e.reason());
        assertEquals(63, e.length());
        assertEquals("config space is 63 bytes; the standard header alone needs 64", e.getMessage());
        assertEquals(ConfigSpaceException.Reason.TRUNCATED_HEADER,
                assertThrows(ConfigSpaceException.class, () -> ConfigSpace.parse(new byte[0])).reason());
    }

    @Test
    void longerThanExtendedSpaceIsRejected() {
        ConfigSpaceException e = assertThrows(ConfigSpaceException.class, () -> ConfigSpace.parse(new byte[4097]));
        assertEquals(ConfigSpaceException.Reason.TOO_LONG, e.reason());
        assertEquals("config space is 4097 bytes; PCIe extended config space ends at 4096", e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment huge = arena.allocate(1 << 20);
            assertEquals(ConfigSpaceException.Reason.TOO_LONG,
                    assertThrows(ConfigSpaceException.class, () -> ConfigSpace.parse(huge)).reason());
        }
    }

    @Test
    void allOnesVendorMeansNoDevice() {
        byte[] b = new byte[256];
        java.util.Arrays.fill(b, (byte) 0xff);
        ConfigSpaceException e = assertThrows(ConfigSpaceException.class, () -> ConfigSpace.parse(b));
        assertEquals(ConfigSpaceException.Reason.NO_DEVICE, e.reason());
    }

    // ---- standard capability walk ---------------------------------------------------------------------

    @Test
    void loopIsDetectedAndCapsBeforeItKept() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .virtioCap(0x40, 0x50, 16, 1, 0, 0, 0, 0x40)
                .virtioCap(0x50, 0x40, 16, 3, 0, 0, 0x1000, 1)
                .parse();
        assertEquals(List.of(0x40, 0x50), cs.capabilities().stream().map(PciCapability::offset).toList());
        assertEquals(List.of(new ConfigProblem(LOOP, 0x51,
                "capability list loops: pointer at 0x51 leads back to 0x40")), cs.problems());
        assertTrue(LOOP.stopsWalk());
    }

    @Test
    void selfLoopIsDetected() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256).virtioCap(0x40, 0x40, 16, 1, 0, 0, 0, 0x40).parse();
        assertEquals(1, cs.capabilities().size());
        assertEquals(LOOP, cs.problems().get(0).kind());
        assertEquals(0x41, cs.problems().get(0).offset());
    }

    @Test
    void pointerIntoHeaderStopsTheWalk() throws Exception {
        ConfigSpace first = ConfigBuilder.virtio(256).u8(0x34, 0x3c).parse();
        assertEquals(List.of(), first.capabilities());
        assertEquals(List.of(new ConfigProblem(POINTER_INTO_HEADER, 0x34,
                "capability pointer at 0x34 points to 0x3c, inside the 64-byte header")), first.problems());

        ConfigSpace later = ConfigBuilder.virtio(256).virtioCap(0x40, 0x10, 16, 1, 0, 0, 0, 0x40).parse();
        assertEquals(1, later.capabilities().size());
        assertEquals(new ConfigProblem(POINTER_INTO_HEADER, 0x41,
                "capability pointer at 0x41 points to 0x10, inside the 64-byte header"), later.problems().get(0));
    }

    @Test
    void pointerBeyondTruncatedConfigStopsTheWalk() throws Exception {
        // What a non-root reader of sysfs config gets: only the 64-byte header.
        ConfigSpace cs = ConfigBuilder.virtio(64).parse();
        assertEquals(List.of(), cs.capabilities());
        ConfigProblem p = cs.problems().get(0);
        assertEquals(POINTER_BEYOND_DATA, p.kind());
        assertEquals(0x34, p.offset());
        assertTrue(p.message().startsWith(
                "capability pointer at 0x34 points to 0x40, beyond the 64 bytes of config space supplied"), p.message());

        ConfigSpace mid = ConfigBuilder.virtio(0x80).virtioCap(0x40, 0xc0, 16, 1, 0, 0, 0, 0x40).parse();
        assertEquals(1, mid.capabilities().size());
        assertEquals(POINTER_BEYOND_DATA, mid.problems().get(0).kind());
        assertEquals(0x41, mid.problems().get(0).offset());
    }

    @Test
    void capabilityCutByTruncationIsMalformedAndWalkEnds() throws Exception {
        // 0x48 bytes: the 16-byte virtio cap at 0x40 is cut after 8 bytes; its next pointer (0) is readable.
        byte[] full = ConfigBuilder.virtio(256).virtioCap(0x40, 0x00, 16, 1, 0, 0, 0, 0x38).bytes();
        ConfigSpace cs = ConfigSpace.parse(java.util.Arrays.copyOf(full, 0x48));
        MalformedCapability m = (MalformedCapability) cs.capabilities().get(0);
        assertEquals(CAPABILITY_OVERRUNS, m.problem().kind());
        assertEquals("virtio common cfg capability at 0x40 has cap_len 16 and runs past the end of the 72 bytes"
                + " of config space supplied", m.problem().message());
        assertEquals(List.of(m.problem()), cs.problems());
    }

    @Test
    void capabilityRunningPastStandardSpaceIsMalformed() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(4096).u8(0x34, 0xf8).virtioCap(0xf8, 0, 16, 1, 0, 0, 0, 0).parse();
        MalformedCapability m = (MalformedCapability) cs.capabilities().get(0);
        assertEquals("virtio common cfg capability at 0xf8 has cap_len 16 and runs past the end of standard"
                + " config space (0x100)", m.problem().message());

        ConfigSpace msix = ConfigBuilder.virtio(256).cap(0x40, 0x11, 0xf8)
                .cap(0xf8, 0x11, 0).parse();
        assertEquals(MsixCapability.class, msix.capabilities().get(0).getClass());
        MalformedCapability mm = (MalformedCapability) msix.capabilities().get(1);
        assertEquals("MSI-X capability at 0xf8 needs 12 bytes and runs past the end of standard config space (0x100)",
                mm.problem().message());
    }

    @Test
    void capLenTooShortForTypeIsRecordedAndWalkContinues() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .virtioCap(0x40, 0x54, 16, 2, 0, 0, 0x3000, 0x1000) // notify needs 20 bytes
                .virtioCap(0x54, 0x64, 16, 1, 0, 0, 0x0, 0x40)
                .virtioCap(0x64, 0x74, 3, 4, 0, 0, 0, 0)            // shorter than the 4-byte header
                .virtioCap(0x74, 0x00, 20, 8, 0, 0, 0, 0)           // shared memory needs 24
                .parse();
        assertEquals(4, cs.capabilities().size());
        MalformedCapability notify = (MalformedCapability) cs.capabilities().get(0);
        assertEquals(new ConfigProblem(CAP_LEN_TOO_SHORT, 0x40,
                "virtio notify cfg capability (cfg_type 2) at 0x40 has cap_len 16; its structure needs 20"),
                notify.problem());
        assertEquals(new VirtioCapability(0x54, 0x64, 16, 1, 0, 0, 0, 0x40, 0, 0), cs.capabilities().get(1));
        assertEquals("virtio capability at 0x64 has cap_len 3, shorter than its own 4-byte header",
                ((MalformedCapability) cs.capabilities().get(2)).problem().message());
        assertEquals(CAP_LEN_TOO_SHORT, ((MalformedCapability) cs.capabilities().get(3)).problem().kind());
        assertEquals(3, cs.problems().size());
        assertFalse(CAP_LEN_TOO_SHORT.stopsWalk());
        assertTrue(cs.firstVirtio(VirtioCfgType.NOTIFY).isEmpty());
        assertEquals(0x54, cs.firstVirtio(VirtioCfgType.COMMON).orElseThrow().offset());
    }

    @Test
    void unknownCfgTypeIsKeptAsUnknown() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .virtioCap(0x40, 0x50, 16, 7, 2, 3, 0x100, 0x200)
                .u8(0x50, 0x09).u8(0x51, 0).u8(0x52, 4).u8(0x53, 0x42) // reserved type, bare 4-byte header
                .parse();
        VirtioCapability seven = (VirtioCapability) cs.capabilities().get(0);
        assertEquals(VirtioCfgType.UNKNOWN, seven.type());
        assertEquals(7, seven.cfgType());
        assertTrue(seven.describesRegion());
        assertEquals(2, seven.bar());
        assertEquals(3, seven.id());
        assertEquals(0x100, seven.barOffset());
        assertEquals(0x200, seven.length());
        VirtioCapability bare = (VirtioCapability) cs.capabilities().get(1);
        assertEquals(new VirtioCapability(0x50, 0, 4, 0x42, 0, 0, 0, 0, 0, 0), bare);
        assertFalse(bare.describesRegion());
        assertEquals("virtio unknown", bare.name());
        assertEquals(List.of(), cs.problems());
    }

    @Test
    void reservedBarIsFlaggedAndSkippedByFirstVirtio() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .virtioCap(0x40, 0x50, 16, 1, 6, 0, 0, 0x40)
                .virtioCap(0x50, 0x00, 16, 1, 4, 0, 0x1000, 0x40)
                .parse();
        VirtioCapability bad = (VirtioCapability) cs.capabilities().get(0);
        assertEquals(6, bad.bar());
        assertFalse(bad.barValid());
        VirtioCapability used = cs.firstVirtio(VirtioCfgType.COMMON).orElseThrow();
        assertEquals(0x50, used.offset());
        assertEquals(4, used.bar());
        assertTrue(used.barValid());
        assertTrue(used.hasAdminQueueFields());
    }

    @Test
    void commonCfgAdminFieldsNeed64Bytes() throws Exception {
        for (long len : new long[] {0x38, 0x3a, 0x3c, 63, 64, 0x1000}) {
            ConfigSpace cs = ConfigBuilder.virtio(256).virtioCap(0x40, 0, 16, 1, 0, 0, 0, len).parse();
            assertEquals(len >= 64, cs.firstVirtio(VirtioCfgType.COMMON).orElseThrow().hasAdminQueueFields(),
                    "length " + len);
        }
        ConfigSpace notCommon = ConfigBuilder.virtio(256).virtioCap(0x40, 0, 16, 4, 0, 0, 0, 0x1000).parse();
        assertFalse(((VirtioCapability) notCommon.capabilities().get(0)).hasAdminQueueFields());
    }

    @Test
    void sharedMemoryUses64BitOffsetAndLength() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .virtioCap(0x40, 0, 24, 8, 2, 1, 0x8000_0000L, 0x4000_0000L)
                .u32(0x50, 0x1).u32(0x54, 0x2)
                .parse();
        VirtioCapability shm = cs.firstVirtio(VirtioCfgType.SHARED_MEMORY).orElseThrow();
        assertEquals(0x1_8000_0000L, shm.barOffset());
        assertEquals(0x2_4000_0000L, shm.length());
        assertEquals(1, shm.id());
        assertEquals(2, shm.bar());
        assertEquals(List.of(), cs.problems());
    }

    @Test
    void notifyMultiplierMustBeZeroOrPowerOfTwo() throws Exception {
        ConfigSpace ok = ConfigBuilder.virtio(256).virtioCap(0x40, 0, 20, 2, 0, 0, 0x3000, 0x1000)
                .u32(0x50, 0).parse();
        assertEquals(0, ok.firstVirtio(VirtioCfgType.NOTIFY).orElseThrow().notifyOffMultiplier());
        assertEquals(List.of(), ok.problems());
        ConfigSpace big = ConfigBuilder.virtio(256).virtioCap(0x40, 0, 20, 2, 0, 0, 0x3000, 0x1000)
                .u32(0x50, 0x8000_0000L).parse();
        assertEquals(0x8000_0000L, big.firstVirtio(VirtioCfgType.NOTIFY).orElseThrow().notifyOffMultiplier());
        assertEquals(List.of(), big.problems());
        ConfigSpace bad = ConfigBuilder.virtio(256).virtioCap(0x40, 0, 20, 2, 0, 0, 0x3000, 0x1000)
                .u32(0x50, 12).parse();
        assertEquals(List.of(new ConfigProblem(SPEC_VIOLATION, 0x40,
                "virtio notify capability at 0x40 has notify_off_multiplier 12, neither 0 nor a power of 2")),
                bad.problems());
        assertEquals(12, bad.firstVirtio(VirtioCfgType.NOTIFY).orElseThrow().notifyOffMultiplier());
    }

    @Test
    void vendorDataCapability() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .u8(0x40, 0x09).u8(0x41, 0x50).u8(0x42, 8).u8(0x43, 9).u16(0x44, 0x15b3)
                .u8(0x50, 0x09).u8(0x51, 0x00).u8(0x52, 6).u8(0x53, 9).u16(0x54, 0x1af4)
                .parse();
        VirtioCapability v = (VirtioCapability) cs.capabilities().get(0);
        assertEquals(new VirtioCapability(0x40, 0x50, 8, 9, 0, 0, 0, 0, 0, 0x15b3), v);
        assertEquals(VirtioCfgType.VENDOR, v.type());
        assertFalse(v.describesRegion());
        assertTrue(v.barValid());
        assertEquals(List.of(
                new ConfigProblem(SPEC_VIOLATION, 0x50,
                        "virtio vendor data capability at 0x50 has vendor_id 0x1af4, which the spec forbids"),
                new ConfigProblem(SPEC_VIOLATION, 0x50,
                        "virtio vendor data capability at 0x50 has cap_len 6, not a multiple of 4")),
                cs.problems());
    }

    @Test
    void vendorSpecificCapOnNonVirtioFunctionStaysGeneric() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256).u16(0x00, 0x8086)
                .virtioCap(0x40, 0, 16, 1, 0, 0, 0, 0x38).parse();
        assertEquals(List.of(new GenericCapability(0x40, 0x09, 0)), cs.capabilities());
        assertEquals("Vendor Specific", cs.capabilities().get(0).name());
        assertTrue(cs.virtio().isEmpty());
    }

    @Test
    void reservedPointerBitsAreMaskedAndRecorded() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256).u8(0x34, 0x43).virtioCap(0x40, 0, 16, 1, 0, 0, 0, 0x38).parse();
        assertEquals(0x40, cs.capabilities().get(0).offset());
        assertEquals(List.of(new ConfigProblem(RESERVED_BITS_SET, 0x34,
                "capability pointer 0x43 at 0x34 has its reserved low bits set; using 0x40")), cs.problems());
    }

    @Test
    void allOnesCapabilityStopsTheWalk() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256).cap(0x40, 0xff, 0xff).parse();
        assertEquals(List.of(), cs.capabilities());
        assertEquals(ALL_ONES, cs.problems().get(0).kind());
    }

    @Test
    void noCapabilityListBitMeansNoWalk() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256).u16(0x06, 0).virtioCap(0x40, 0, 16, 1, 0, 0, 0, 0x38).parse();
        assertEquals(List.of(), cs.capabilities());
        assertEquals(List.of(), cs.problems());
    }

    @Test
    void msiPcieAndPowerManagementAreDecoded() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .cap(0x40, 0x01, 0x48).u16(0x42, 0x0003).u16(0x44, 0x0003)                 // PM v3, D3hot
                .cap(0x48, 0x05, 0x60).u16(0x4a, 0x01a5)                                    // MSI
                .cap(0x60, 0x10, 0xa0).u16(0x62, 0x0002).u32(0x64, 0x2).u16(0x72, 0x0043)  // PCIe v2 endpoint
                .cap(0xa0, 0x11, 0x00).u16(0xa2, 0x403f).u32(0xa4, 0x2003).u32(0xa8, 0x3803)
                .parse();
        assertEquals(new PowerManagementCapability(0x40, 0x48, 3, 3), cs.capabilities().get(0));
        assertEquals("D3hot", ((PowerManagementCapability) cs.capabilities().get(0)).powerStateName());
        assertEquals("Power Management", cs.capabilities().get(0).name());
        // 0x01a5: enable, MMC=2 (4 vectors), MME=2 (4 vectors), 64-bit, per-vector masking
        MsiCapability msi = (MsiCapability) cs.capabilities().get(1);
        assertEquals(new MsiCapability(0x48, 0x60, true, 4, 4, true, true), msi);
        assertEquals(24, msi.structureLength());
        PcieCapability pcie = (PcieCapability) cs.capabilities().get(2);
        assertEquals(new PcieCapability(0x60, 0xa0, 2, 0, 512, 3, 4), pcie);
        assertEquals("Endpoint", pcie.portTypeName());
        // 0x403f: table size 64, function mask, not enabled; table in BAR3 at 0x2000, PBA in BAR3 at 0x3800
        assertEquals(new MsixCapability(0xa0, 0, 64, false, true, 3, 0x2000, 3, 0x3800), cs.capabilities().get(3));
        assertEquals(List.of(), cs.problems());
    }

    @Test
    void otherCapabilitiesAreNamedById() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256).cap(0x40, 0x03, 0x48).cap(0x48, 0x14, 0x50).cap(0x50, 0x7e, 0)
                .parse();
        assertEquals(List.of("Vital Product Data", "Enhanced Allocation", "Unknown (0x7e)"),
                cs.capabilities().stream().map(PciCapability::name).toList());
        assertEquals("Flattening Portal Bridge", CapabilityNames.standard(0x15));
    }

    @Test
    void bridgeHeaderHasTwoBars() throws Exception {
        ConfigSpace cs = new ConfigBuilder(256).u16(0, 0x8086).u16(2, 0x1234).u8(0x0e, 0x81)
                .u32(0x10, 0xfe000000L).u32(0x14, 0xe001).u32(0x18, 0x00020100).parse();
        ConfigHeader h = cs.header();
        assertEquals(1, h.headerType());
        assertTrue(h.multiFunction());
        assertEquals(List.of(new BarRegister(0, BarRegister.Kind.MEM32, false, 0xfe000000L, 0xfe000000),
                new BarRegister(1, BarRegister.Kind.IO, false, 0xe000, 0xe001)), h.bars());
        assertEquals(0, h.subsystemVendorId());
    }

    @Test
    void barKindsAndMissingUpperHalf() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(256)
                .u32(0x10, 0xc000000cL).u32(0x14, 0x2)  // BAR0 64-bit prefetchable at 0x2_c000_0000
                .u32(0x18, 0xd0000002L)                  // BAR2 below-1M type
                .u32(0x1c, 0xd0000006L)                  // BAR3 reserved type
                .u32(0x20, 0xc001)                       // BAR4 I/O at 0xc000
                .u32(0x24, 0xe0000004L)                  // BAR5 64-bit, but no BAR6 for its upper half
                .u8(0x34, 0).u16(0x06, 0).parse();
        assertEquals(List.of(
                new BarRegister(0, BarRegister.Kind.MEM64, true, 0x2_c000_0000L, 0xc000000c),
                new BarRegister(2, BarRegister.Kind.MEM_BELOW_1M, false, 0xd0000000L, 0xd0000002),
                new BarRegister(3, BarRegister.Kind.MEM_RESERVED, false, 0xd0000000L, 0xd0000006),
                new BarRegister(4, BarRegister.Kind.IO, false, 0xc000, 0xc001),
                new BarRegister(5, BarRegister.Kind.MEM64, false, 0xe0000000L, 0xe0000004)), cs.header().bars());
        assertEquals(List.of(new ConfigProblem(BAR_UPPER_HALF_MISSING, 0x24,
                "BAR5 at 0x024 is 64-bit but is the last slot; no register holds its upper half")), cs.problems());
    }

    // ---- extended capabilities -------------------------------------------------------------------------

    @Test
    void sriovExtendedCapabilityIsFullyDecoded() throws Exception {
        ConfigBuilder b = ConfigBuilder.virtio(4096)
                .ext(0x100, 0x0010, 1, 0x140)
                .u32(0x104, 0x0020_0001L)  // VF Migration Capable, interrupt message number 1
                .u16(0x108, 0x0019)        // VF Enable, VF MSE, ARI Capable Hierarchy
                .u16(0x10a, 0x0001)        // VF Migration Status
                .u16(0x10c, 8)             // InitialVFs
                .u16(0x10e, 16)            // TotalVFs
                .u16(0x110, 4)             // NumVFs
                .u8(0x112, 0)              // Function Dependency Link
                .u16(0x114, 0x80)          // First VF Offset
                .u16(0x116, 2)             // VF Stride
                .u16(0x11a, 0x1041)        // VF Device ID
                .u32(0x11c, 0x553)         // Supported Page Sizes
                .u32(0x120, 0x1)           // System Page Size: 4 KiB
                .u32(0x124, 0xe000000cL).u32(0x128, 0x1)  // VF BAR0/1: 64-bit prefetchable at 0x1_e000_0000
                .u32(0x12c, 0xfd000000L)                  // VF BAR2: 32-bit at 0xfd00_0000
                .u32(0x130, 0xfc000004L).u32(0x134, 0x0)  // VF BAR3/4: 64-bit at 0xfc00_0000
                .u32(0x138, 0x0)                          // VF BAR5 unused
                .u32(0x13c, 0x0000_1003L)                 // VF Migration State Array: BIR 3, offset 0x1000
                .ext(0x140, 0x000e, 1, 0);                // ARI, end of list
        ConfigSpace cs = b.parse();
        SriovCapability s = cs.sriov().orElseThrow();
        assertEquals(new SriovCapability(0x100, 1, 0x140, 0x0020_0001, 0x0019, 0x0001, 8, 16, 4, 0, 0x80, 2,
                0x1041, 0x553, 0x1, List.of(
                        new BarRegister(0, BarRegister.Kind.MEM64, true, 0x1_e000_0000L, 0xe000000c),
                        new BarRegister(2, BarRegister.Kind.MEM32, false, 0xfd00_0000L, 0xfd000000),
                        new BarRegister(3, BarRegister.Kind.MEM64, false, 0xfc00_0000L, 0xfc000004),
                        new BarRegister(5, BarRegister.Kind.MEM32, false, 0, 0)), 0x1003), s);
        assertTrue(s.vfEnable());
        assertTrue(s.vfMemorySpaceEnable());
        assertFalse(s.vfMigrationEnable());
        assertTrue(s.ariCapableHierarchy());
        assertTrue(s.vfMigrationCapable());
        assertEquals(1, s.vfMigrationInterruptMessageNumber());
        assertEquals("SR-IOV", s.name());
        assertEquals(List.of(new GenericExtendedCapability(0x140, 0x000e, 1, 0)),
                cs.extendedCapabilities().subList(1, 2));
        assertEquals("Alternative Routing-ID Interpretation", cs.extendedCapabilities().get(1).name());
        assertEquals(List.of(), cs.problems());
    }

    @Test
    void sriovControlBitsOff() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(4096).ext(0x100, 0x10, 1, 0).u16(0x10e, 7).parse();
        SriovCapability s = cs.sriov().orElseThrow();
        assertFalse(s.vfEnable());
        assertFalse(s.vfMemorySpaceEnable());
        assertFalse(s.vfMigrationCapable());
        assertEquals(7, s.totalVfs());
        assertEquals(0, s.numVfs());
    }

    @Test
    void truncatedSriovCapabilityIsMalformed() throws Exception {
        ConfigSpace cs = ConfigBuilder.virtio(4096).ext(0x100, 0x1, 1, 0xfe0).ext(0xfe0, 0x10, 1, 0).parse();
        assertEquals(new GenericExtendedCapability(0x100, 1, 1, 0xfe0), cs.extendedCapabilities().get(0));
        assertEquals("Advanced Error Reporting", cs.extendedCapabilities().get(0).name());
        MalformedExtendedCapability m = (MalformedExtendedCapability) cs.extendedCapabilities().get(1);
        assertEquals(new ConfigProblem(CAPABILITY_OVERRUNS, 0xfe0,
                "SR-IOV capability at 0xfe0 needs 64 bytes and runs past the end of the 4096 bytes supplied"),
                m.problem());
        assertTrue(cs.sriov().isEmpty());
    }

    @Test
    void extendedLoopAndBadPointers() throws Exception {
        ConfigSpace loop = ConfigBuilder.virtio(4096).ext(0x100, 0x1, 1, 0x200).ext(0x200, 0x3, 1, 0x100).parse();
        assertEquals(2, loop.extendedCapabilities().size());
        assertEquals(List.of(new ConfigProblem(LOOP, 0x100, "extended capability list loops back to 0x100")),
                loop.problems());

        ConfigSpace low = ConfigBuilder.virtio(4096).ext(0x100, 0x1, 1, 0x0f0).parse();
        assertEquals(List.of(new ConfigProblem(POINTER_INTO_HEADER, 0x100,
                "extended capability at 0x100 points to 0x0f0, below extended config space (0x100)")), low.problems());

        ConfigSpace reserved = ConfigBuilder.virtio(4096).ext(0x100, 0x1, 1, 0x203).parse();
        assertEquals(RESERVED_BITS_SET, reserved.problems().get(0).kind());
        assertEquals(0x200, reserved.extendedCapabilities().get(0).next());

        ConfigSpace beyond = ConfigBuilder.virtio(0x180).ext(0x100, 0x1, 1, 0x200).parse();
        assertEquals(List.of(new ConfigProblem(POINTER_BEYOND_DATA, 0x100,
                "extended capability at 0x100 points to 0x200, beyond the 384 bytes of config space supplied")),
                beyond.problems());

        ConfigSpace cut = ConfigBuilder.virtio(258).parse();
        assertEquals(POINTER_BEYOND_DATA, cut.problems().get(0).kind());

        ConfigSpace ones = ConfigBuilder.virtio(4096).ext(0x100, 0x1, 1, 0x200).u32(0x200, 0xffffffffL).parse();
        assertEquals(ALL_ONES, ones.problems().get(0).kind());

        ConfigSpace none = ConfigBuilder.virtio(4096).u32(0x100, 0xffffffffL).parse();
        assertEquals(List.of(), none.extendedCapabilities());
        assertEquals(List.of(), none.problems());
        assertEquals("Data Object Exchange", CapabilityNames.extended(0x2e));
        assertEquals("Designated Vendor-Specific", CapabilityNames.extended(0x23));
        assertEquals("Unknown (0x0040)", CapabilityNames.extended(0x40));
    }

    // ---- API contract ----------------------------------------------------------------------------------

    @Test
    void segmentAndArrayParsesAgreeAndInputIsCopied() throws Exception {
        byte[] bytes = ConfigBuilder.virtio(256).virtioCap(0x40, 0, 20, 2, 0, 0, 0x3000, 0x1000).u32(0x50, 4).bytes();
        ConfigSpace fromArray = ConfigSpace.parse(bytes);
        ConfigSpace fromSegment;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(bytes.length);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, seg, 0, bytes.length);
            fromSegment = ConfigSpace.parse(seg);
        } // the segment is gone; the result must not depend on it
        assertEquals(fromArray.capabilities(), fromSegment.capabilities());
        assertEquals(fromArray.header(), fromSegment.header());
        java.util.Arrays.fill(bytes, (byte) 0);
        assertEquals(4, fromArray.firstVirtio(VirtioCfgType.NOTIFY).orElseThrow().notifyOffMultiplier());
        byte[] copy = fromArray.bytes();
        copy[0] = 0;
        assertEquals(0x1af4, fromArray.header().vendorId());
        assertEquals((byte) 0xf4, fromArray.bytes()[0]);
        assertArrayEquals(fromSegment.bytes(), fromArray.bytes());
    }
}
