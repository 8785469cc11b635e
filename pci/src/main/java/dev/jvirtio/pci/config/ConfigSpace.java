package dev.jvirtio.pci.config;

import dev.jvirtio.pci.VirtioIdentity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A parsed PCI configuration space: the standard header, the capability list and, when more than 256 bytes
 * are given, the PCIe extended capability list.
 *
 * <pre>{@code
 * ConfigSpace cs = ConfigSpace.parse(Files.readAllBytes(Path.of("/sys/bus/pci/devices/0000:00:02.0/config")));
 * cs.virtio();                                   // Optional[VirtioIdentity[deviceId=2, type=BLOCK, ...]]
 * cs.firstVirtio(VirtioCfgType.NOTIFY)           // notify cap, with notifyOffMultiplier()
 * cs.problems();                                 // empty for a well-formed device
 * }</pre>
 *
 * <p>Parsing is a pure function of the bytes (nothing is read from a device, no state is kept), so it is a
 * ready fuzz target. It never loops forever and never throws anything but {@link ConfigSpaceException}:
 * <ul>
 *   <li>bytes that cannot be a config space at all (shorter than the 64-byte header, longer than 4 KiB,
 *       vendor ID 0xffff) throw {@link ConfigSpaceException};</li>
 *   <li>a malformed single capability (cap_len too short for its type, body running off the end) becomes a
 *       {@link MalformedCapability} / {@link MalformedExtendedCapability} plus a {@link ConfigProblem}, and the
 *       walk continues with its next pointer, which is still readable;</li>
 *   <li>a pointer into the header, past the supplied bytes, a revisited offset (loop) or an all-ones entry
 *       ends that walk with a recorded {@link ConfigProblem}; every capability found before it is kept.</li>
 * </ul>
 * Termination: each step of a walk marks a new 4-byte-aligned slot as visited, so a walk takes at most
 * 48 steps (standard) or 960 steps (extended).
 *
 * <p>Vendor-specific capabilities (ID 0x09) are decoded as {@link VirtioCapability} only on functions with the
 * virtio vendor ID 0x1AF4; on other vendors' functions their layout is unknown and they stay generic.
 */
public final class ConfigSpace {

    /** Size of the standard header every function has. */
    public static final int HEADER_SIZE = 64;
    /** Size of conventional PCI config space; standard capabilities live below it. */
    public static final int STANDARD_SIZE = 256;
    /** Size of PCIe extended config space. */
    public static final int EXTENDED_SIZE = 4096;

    private static final ValueLayout.OfShort LE16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final byte[] bytes;
    private final ConfigHeader header;
    private final List<PciCapability> capabilities;
    private final List<ExtendedCapability> extendedCapabilities;
    private final List<ConfigProblem> problems;

    private ConfigSpace(byte[] bytes, ConfigHeader header, List<PciCapability> capabilities,
                        List<ExtendedCapability> extendedCapabilities, List<ConfigProblem> problems) {
        this.bytes = bytes;
        this.header = header;
        this.capabilities = List.copyOf(capabilities);
        this.extendedCapabilities = List.copyOf(extendedCapabilities);
        this.problems = List.copyOf(problems);
    }

    /**
     * Parses config-space bytes (little-endian, as read from sysfs {@code config} or a VFIO config region).
     * The array is copied; later changes to it do not affect the result.
     *
     * @throws ConfigSpaceException if the bytes cannot be a config space at all (see the class comment)
     */
    public static ConfigSpace parse(byte[] config) throws ConfigSpaceException {
        Objects.requireNonNull(config, "config");
        checkLength(config.length);
        return new Parser(config.clone()).run();
    }

    /**
     * Parses config-space bytes held in a segment; the bytes are copied out first, so the segment may be
     * changed or closed afterwards.
     *
     * @throws ConfigSpaceException if the bytes cannot be a config space at all (see the class comment)
     */
    public static ConfigSpace parse(MemorySegment config) throws ConfigSpaceException {
        Objects.requireNonNull(config, "config");
        if (config.byteSize() > EXTENDED_SIZE) {
            // Checked before copying so a huge segment is never copied just to be rejected.
            throw tooLong(config.byteSize());
        }
        byte[] copy = config.toArray(JAVA_BYTE);
        checkLength(copy.length);
        return new Parser(copy).run();
    }

    private static void checkLength(long length) throws ConfigSpaceException {
        if (length > EXTENDED_SIZE) {
            throw tooLong(length);
        }
        if (length < HEADER_SIZE) {
            throw new ConfigSpaceException(ConfigSpaceException.Reason.TRUNCATED_HEADER, (int) length,
                    "config space is " + length + " bytes; the standard header alone needs " + HEADER_SIZE);
        }
    }

    private static ConfigSpaceException tooLong(long length) {
        return new ConfigSpaceException(ConfigSpaceException.Reason.TOO_LONG, (int) Math.min(length, Integer.MAX_VALUE),
                "config space is " + length + " bytes; PCIe extended config space ends at " + EXTENDED_SIZE);
    }

    /** The decoded standard header. */
    public ConfigHeader header() {
        return header;
    }

    /** The standard capabilities in list order (the order a device uses to state its preference). */
    public List<PciCapability> capabilities() {
        return capabilities;
    }

    /** The extended capabilities in list order; empty when 256 bytes or fewer were parsed. */
    public List<ExtendedCapability> extendedCapabilities() {
        return extendedCapabilities;
    }

    /** Everything found wrong while parsing; empty for a well-formed config space. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** Number of bytes parsed (64 to 4096). */
    public int length() {
        return bytes.length;
    }

    /** A copy of the parsed bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The function's virtio identity from its header IDs; empty when it is not a virtio device. */
    public Optional<VirtioIdentity> virtio() {
        return VirtioIdentity.of(header.vendorId(), header.deviceId(), header.subsystemId());
    }

    /** All virtio structure capabilities in list order, including ones with reserved cfg_type or BAR. */
    public List<VirtioCapability> virtioCapabilities() {
        List<VirtioCapability> out = new ArrayList<>();
        for (PciCapability c : capabilities) {
            if (c instanceof VirtioCapability v) {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The capability a driver should use for {@code type}: the first one of that type whose BAR is valid
     * (the spec asks drivers to prefer the first and to ignore those naming a reserved BAR).
     */
    public Optional<VirtioCapability> firstVirtio(VirtioCfgType type) {
        for (PciCapability c : capabilities) {
            if (c instanceof VirtioCapability v && v.type() == type && v.barValid()) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The first standard capability of the given record type. */
    public <T extends PciCapability> Optional<T> find(Class<T> kind) {
        for (PciCapability c : capabilities) {
            if (kind.isInstance(c)) {
                return Optional.of(kind.cast(c));
            }
        }
        return Optional.empty();
    }

    /** The MSI-X capability, if present and well-formed. */
    public Optional<MsixCapability> msix() {
        return find(MsixCapability.class);
    }

    /** The SR-IOV extended capability, if present and well-formed. */
    public Optional<SriovCapability> sriov() {
        for (ExtendedCapability c : extendedCapabilities) {
            if (c instanceof SriovCapability s) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** One parse; all state lives here so {@link ConfigSpace#parse} stays a pure function. */
    private static final class Parser {
        private final byte[] bytes;
        private final MemorySegment seg;
        private final int len;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Parser(byte[] bytes) {
            this.bytes = bytes;
            this.seg = MemorySegment.ofArray(bytes);
            this.len = bytes.length;
        }

        int u8(int off) {
            return Byte.toUnsignedInt(bytes[off]);
        }

        int u16(int off) {
            return Short.toUnsignedInt(seg.get(LE16, off));
        }

        int u32(int off) {
            return seg.get(LE32, off);
        }

        long u32L(int off) {
            return Integer.toUnsignedLong(seg.get(LE32, off));
        }

        ConfigProblem problem(ConfigProblem.Kind kind, int offset, String message) {
            ConfigProblem p = new ConfigProblem(kind, offset, message);
            problems.add(p);
            return p;
        }

        ConfigSpace run() throws ConfigSpaceException {
            int vendor = u16(0x00);
            if (vendor == 0xffff) {
                throw new ConfigSpaceException(ConfigSpaceException.Reason.NO_DEVICE, len,
                        "vendor ID reads 0xffff: no function answered (absent, or config read failed)");
            }
            ConfigHeader header = header(vendor);
            List<PciCapability> caps = standardCapabilities(header);
            List<ExtendedCapability> ext = extendedCapabilities();
            return new ConfigSpace(bytes, header, caps, ext, problems);
        }

        ConfigHeader header(int vendor) {
            int type = u8(0x0e) & 0x7f;
            boolean multi = (u8(0x0e) & 0x80) != 0;
            List<BarRegister> bars = switch (type) {
                case 0 -> bars(0x10, 6, "BAR");
                case 1 -> bars(0x10, 2, "BAR");
                default -> List.of();
            };
            int capPtr = type == 2 ? u8(0x14) : u8(0x34);
            int ssvid = type == 0 ? u16(0x2c) : 0;
            int ssid = type == 0 ? u16(0x2e) : 0;
            int classCode = u8(0x09) | u8(0x0a) << 8 | u8(0x0b) << 16;
            return new ConfigHeader(vendor, u16(0x02), u16(0x04), u16(0x06), u8(0x08), classCode,
                    u8(0x0c), u8(0x0d), type, multi, u8(0x0f), bars, ssvid, ssid, capPtr, u8(0x3c), u8(0x3d));
        }

        /** Decodes {@code count} consecutive BAR registers at {@code base}, pairing 64-bit halves. */
        List<BarRegister> bars(int base, int count, String what) {
            List<BarRegister> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int regOff = base + 4 * i;
                int raw = u32(regOff);
                if ((raw & 0x1) != 0) {
                    out.add(new BarRegister(i, BarRegister.Kind.IO, false, Integer.toUnsignedLong(raw) & ~0x3L, raw));
                    continue;
                }
                boolean prefetch = (raw & 0x8) != 0;
                long low = Integer.toUnsignedLong(raw) & ~0xfL;
                int memType = (raw >>> 1) & 0x3;
                switch (memType) {
                    case 0 -> out.add(new BarRegister(i, BarRegister.Kind.MEM32, prefetch, low, raw));
                    case 1 -> out.add(new BarRegister(i, BarRegister.Kind.MEM_BELOW_1M, prefetch, low, raw));
                    case 3 -> out.add(new BarRegister(i, BarRegister.Kind.MEM_RESERVED, prefetch, low, raw));
                    default -> {
                        if (i + 1 < count) {
                            long high = u32L(regOff + 4);
                            out.add(new BarRegister(i, BarRegister.Kind.MEM64, prefetch, high << 32 | low, raw));
                            i++; // the next slot is this BAR's upper half, not a BAR of its own
                        } else {
                            problem(ConfigProblem.Kind.BAR_UPPER_HALF_MISSING, regOff, String.format(
                                    "%s%d at 0x%03x is 64-bit but is the last slot; no register holds its upper half",
                                    what, i, regOff));
                            out.add(new BarRegister(i, BarRegister.Kind.MEM64, prefetch, low, raw));
                        }
                    }
                }
            }
            return out;
        }

        List<PciCapability> standardCapabilities(ConfigHeader header) {
            List<PciCapability> caps = new ArrayList<>();
            if (!header.hasCapabilityList()) {
                return caps;
            }
            int limit = Math.min(len, STANDARD_SIZE);
            boolean[] visited = new boolean[STANDARD_SIZE];
            int from = header.headerType() == 2 ? 0x14 : 0x34; // where the pointer being followed was read
            int ptr = header.capabilitiesPointer();
            while (ptr != 0) {
                if ((ptr & 0x3) != 0) {
                    // PCI: the low two bits of a capability pointer are reserved and software masks them.
                    problem(ConfigProblem.Kind.RESERVED_BITS_SET, from, String.format(
                            "capability pointer 0x%02x at 0x%02x has its reserved low bits set; using 0x%02x",
                            ptr, from, ptr & ~0x3));
                    ptr &= ~0x3;
                }
                if (ptr < HEADER_SIZE) {
                    problem(ConfigProblem.Kind.POINTER_INTO_HEADER, from, String.format(
                            "capability pointer at 0x%02x points to 0x%02x, inside the 64-byte header", from, ptr));
                    break;
                }
                if (ptr + 2 > limit) {
                    problem(ConfigProblem.Kind.POINTER_BEYOND_DATA, from, String.format(
                            "capability pointer at 0x%02x points to 0x%02x, beyond the %d bytes of config space"
                                    + " supplied (config space truncated; non-root sysfs reads return only 64 bytes)",
                            from, ptr, len));
                    break;
                }
                if (visited[ptr]) {
                    problem(ConfigProblem.Kind.LOOP, from, String.format(
                            "capability list loops: pointer at 0x%02x leads back to 0x%02x", from, ptr));
                    break;
                }
                visited[ptr] = true;
                int id = u8(ptr);
                int next = u8(ptr + 1);
                if (id == 0xff) {
                    problem(ConfigProblem.Kind.ALL_ONES, ptr, String.format(
                            "capability at 0x%02x has ID 0xff: the function stopped answering config reads", ptr));
                    break;
                }
                caps.add(standardCapability(header, ptr, id, next, limit));
                from = ptr + 1;
                ptr = next;
            }
            return caps;
        }

        /** Returns a problem if {@code size} bytes at {@code ptr} do not fit below {@code limit}, else null. */
        ConfigProblem overrun(String what, int ptr, int size, int limit) {
            if (ptr + size <= limit) {
                return null;
            }
            String end = limit < STANDARD_SIZE
                    ? "the " + len + " bytes of config space supplied"
                    : "standard config space (0x100)";
            return problem(ConfigProblem.Kind.CAPABILITY_OVERRUNS, ptr, String.format(
                    "%s capability at 0x%02x needs %d bytes and runs past the end of %s", what, ptr, size, end));
        }

        PciCapability standardCapability(ConfigHeader header, int ptr, int id, int next, int limit) {
            ConfigProblem p;
            switch (id) {
                case VirtioCapability.ID:
                    if (header.vendorId() == VirtioIdentity.VIRTIO_PCI_VENDOR_ID) {
                        return virtio(ptr, next, limit);
                    }
                    return new GenericCapability(ptr, id, next);
                case MsixCapability.ID:
                    if ((p = overrun("MSI-X", ptr, MsixCapability.SIZE, limit)) != null) {
                        return new MalformedCapability(ptr, id, next, p);
                    }
                    int ctl = u16(ptr + 2);
                    int table = u32(ptr + 4);
                    int pba = u32(ptr + 8);
                    return new MsixCapability(ptr, next, (ctl & 0x7ff) + 1, (ctl & 0x8000) != 0,
                            (ctl & 0x4000) != 0, table & 0x7, Integer.toUnsignedLong(table) & ~0x7L,
                            pba & 0x7, Integer.toUnsignedLong(pba) & ~0x7L);
                case MsiCapability.ID:
                    if ((p = overrun("MSI", ptr, 4, limit)) != null) {
                        return new MalformedCapability(ptr, id, next, p);
                    }
                    int mc = u16(ptr + 2);
                    boolean a64 = (mc & 0x80) != 0;
                    boolean pvm = (mc & 0x100) != 0;
                    if ((p = overrun("MSI", ptr, MsiCapability.sizeOf(a64, pvm), limit)) != null) {
                        return new MalformedCapability(ptr, id, next, p);
                    }
                    return new MsiCapability(ptr, next, (mc & 0x1) != 0, 1 << ((mc >>> 1) & 0x7),
                            1 << ((mc >>> 4) & 0x7), a64, pvm);
                case PcieCapability.ID:
                    if ((p = overrun("PCI Express", ptr, PcieCapability.SIZE, limit)) != null) {
                        return new MalformedCapability(ptr, id, next, p);
                    }
                    int flags = u16(ptr + 2);
                    int devcap = u32(ptr + 4);
                    int lnksta = u16(ptr + 0x12);
                    return new PcieCapability(ptr, next, flags & 0xf, (flags >>> 4) & 0xf, 128 << (devcap & 0x7),
                            lnksta & 0xf, (lnksta >>> 4) & 0x3f);
                case PowerManagementCapability.ID:
                    if ((p = overrun("Power Management", ptr, PowerManagementCapability.SIZE, limit)) != null) {
                        return new MalformedCapability(ptr, id, next, p);
                    }
                    return new PowerManagementCapability(ptr, next, u16(ptr + 2) & 0x7, u16(ptr + 4) & 0x3);
                default:
                    return new GenericCapability(ptr, id, next);
            }
        }

        PciCapability virtio(int ptr, int next, int limit) {
            ConfigProblem p = overrun("virtio", ptr, 4, limit);
            if (p != null) {
                return new MalformedCapability(ptr, VirtioCapability.ID, next, p);
            }
            int capLen = u8(ptr + 2);
            int cfgType = u8(ptr + 3);
            VirtioCfgType type = VirtioCfgType.fromValue(cfgType);
            if (capLen < 4) {
                p = problem(ConfigProblem.Kind.CAP_LEN_TOO_SHORT, ptr, String.format(
                        "virtio capability at 0x%02x has cap_len %d, shorter than its own 4-byte header", ptr, capLen));
                return new MalformedCapability(ptr, VirtioCapability.ID, next, p);
            }
            if (ptr + capLen > limit) {
                String end = limit < STANDARD_SIZE
                        ? "the " + len + " bytes of config space supplied"
                        : "standard config space (0x100)";
                p = problem(ConfigProblem.Kind.CAPABILITY_OVERRUNS, ptr, String.format(
                        "virtio %s capability at 0x%02x has cap_len %d and runs past the end of %s",
                        type.label(), ptr, capLen, end));
                return new MalformedCapability(ptr, VirtioCapability.ID, next, p);
            }
            if (capLen < type.minCapLen()) {
                p = problem(ConfigProblem.Kind.CAP_LEN_TOO_SHORT, ptr, String.format(
                        "virtio %s capability (cfg_type %d) at 0x%02x has cap_len %d; its structure needs %d",
                        type.label(), cfgType, ptr, capLen, type.minCapLen()));
                return new MalformedCapability(ptr, VirtioCapability.ID, next, p);
            }
            if (type == VirtioCfgType.VENDOR) {
                int vendorId = u16(ptr + 4);
                if (vendorId == VirtioIdentity.VIRTIO_PCI_VENDOR_ID) {
                    problem(ConfigProblem.Kind.SPEC_VIOLATION, ptr, String.format(
                            "virtio vendor data capability at 0x%02x has vendor_id 0x1af4, which the spec forbids", ptr));
                }
                if (capLen % 4 != 0) {
                    problem(ConfigProblem.Kind.SPEC_VIOLATION, ptr, String.format(
                            "virtio vendor data capability at 0x%02x has cap_len %d, not a multiple of 4", ptr, capLen));
                }
                return new VirtioCapability(ptr, next, capLen, cfgType, 0, 0, 0, 0, 0, vendorId);
            }
            if (type == VirtioCfgType.UNKNOWN && capLen < VirtioCapability.CAP_SIZE) {
                // A reserved cfg_type has no known layout; it is only malformed if it claims more than it has.
                return new VirtioCapability(ptr, next, capLen, cfgType, 0, 0, 0, 0, 0, 0);
            }
            int bar = u8(ptr + 4);
            int id = u8(ptr + 5);
            long offset = u32L(ptr + 8);
            long length = u32L(ptr + 12);
            long multiplier = 0;
            if (type == VirtioCfgType.SHARED_MEMORY) {
                // virtio_pci_cap64: offset_hi and length_hi carry the upper 32 bits.
                offset |= u32L(ptr + 16) << 32;
                length |= u32L(ptr + 20) << 32;
            } else if (type == VirtioCfgType.NOTIFY) {
                multiplier = u32L(ptr + 16);
                if (multiplier != 0 && (multiplier & (multiplier - 1)) != 0) {
                    problem(ConfigProblem.Kind.SPEC_VIOLATION, ptr, String.format(
                            "virtio notify capability at 0x%02x has notify_off_multiplier %d, neither 0 nor a power of 2",
                            ptr, multiplier));
                }
            }
            return new VirtioCapability(ptr, next, capLen, cfgType, bar, id, offset, length, multiplier, 0);
        }

        List<ExtendedCapability> extendedCapabilities() {
            List<ExtendedCapability> caps = new ArrayList<>();
            if (len <= STANDARD_SIZE) {
                return caps;
            }
            if (len < STANDARD_SIZE + 4) {
                problem(ConfigProblem.Kind.POINTER_BEYOND_DATA, STANDARD_SIZE, String.format(
                        "config space is %d bytes: extended config space is cut inside its first header at 0x100", len));
                return caps;
            }
            boolean[] visited = new boolean[EXTENDED_SIZE / 4];
            int ptr = STANDARD_SIZE;
            while (true) {
                int hdr = u32(ptr);
                if (ptr == STANDARD_SIZE && (hdr == 0 || hdr == -1)) {
                    break; // no extended capabilities: conventional PCI function, or nothing behind 0x100
                }
                if (hdr == -1) {
                    problem(ConfigProblem.Kind.ALL_ONES, ptr, String.format(
                            "extended capability at 0x%03x reads 0xffffffff: the function stopped answering", ptr));
                    break;
                }
                if (visited[ptr >>> 2]) {
                    problem(ConfigProblem.Kind.LOOP, ptr, String.format(
                            "extended capability list loops back to 0x%03x", ptr));
                    break;
                }
                visited[ptr >>> 2] = true;
                int id = hdr & 0xffff;
                int version = (hdr >>> 16) & 0xf;
                int rawNext = hdr >>> 20;
                int next = rawNext & 0xffc;
                if ((rawNext & 0x3) != 0) {
                    problem(ConfigProblem.Kind.RESERVED_BITS_SET, ptr, String.format(
                            "extended capability at 0x%03x has next offset 0x%03x with reserved low bits set; using 0x%03x",
                            ptr, rawNext, next));
                }
                caps.add(extendedCapability(ptr, id, version, next));
                if (next == 0) {
                    break;
                }
                if (next < STANDARD_SIZE) {
                    problem(ConfigProblem.Kind.POINTER_INTO_HEADER, ptr, String.format(
                            "extended capability at 0x%03x points to 0x%03x, below extended config space (0x100)",
                            ptr, next));
                    break;
                }
                if (next + 4 > len) {
                    problem(ConfigProblem.Kind.POINTER_BEYOND_DATA, ptr, String.format(
                            "extended capability at 0x%03x points to 0x%03x, beyond the %d bytes of config space supplied",
                            ptr, next, len));
                    break;
                }
                ptr = next;
            }
            return caps;
        }

        ExtendedCapability extendedCapability(int ptr, int id, int version, int next) {
            if (id != SriovCapability.ID) {
                return new GenericExtendedCapability(ptr, id, version, next);
            }
            if (ptr + SriovCapability.SIZE > len) {
                ConfigProblem p = problem(ConfigProblem.Kind.CAPABILITY_OVERRUNS, ptr, String.format(
                        "SR-IOV capability at 0x%03x needs %d bytes and runs past the end of the %d bytes supplied",
                        ptr, SriovCapability.SIZE, len));
                return new MalformedExtendedCapability(ptr, id, version, next, p);
            }
            return new SriovCapability(ptr, version, next, u32(ptr + 0x04), u16(ptr + 0x08), u16(ptr + 0x0a),
                    u16(ptr + 0x0c), u16(ptr + 0x0e), u16(ptr + 0x10), u8(ptr + 0x12), u16(ptr + 0x14),
                    u16(ptr + 0x16), u16(ptr + 0x1a), u32(ptr + 0x1c), u32(ptr + 0x20),
                    bars(ptr + 0x24, 6, "VF BAR"), u32(ptr + 0x3c));
        }
    }
}
