package dev.jvirtio.pci.sysfs;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.ConfigSpaceException;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything sysfs says about one PCI function, read in one go by {@link SysfsPci}.
 *
 * <pre>{@code
 * PciFunctionInfo f = new SysfsPci().read(PciAddress.parse("0000:00:02.0"));
 * f.virtio().map(VirtioIdentity::typeName);   // Optional["block"]
 * f.driver();                                 // Optional["virtio-pci"]
 * ConfigSpace cs = f.parseConfig();
 * }</pre>
 *
 * @param address           the function's address
 * @param vendorId          {@code vendor}
 * @param deviceId          {@code device}
 * @param classCode         {@code class} (24 bits: base class, subclass, prog-if)
 * @param subsystemVendorId {@code subsystem_vendor}
 * @param subsystemDeviceId {@code subsystem_device}
 * @param revision          {@code revision}
 * @param driver            name of the bound driver (basename of the {@code driver} link), empty if unbound
 * @param iommuGroup        number of the {@code iommu_group}, empty without an IOMMU
 * @param numaNode          {@code numa_node}, empty when absent or -1 (no affinity)
 * @param resources         lines of {@code resource}
 * @param sriov             SR-IOV state, present on functions with {@code sriov_totalvfs}
 * @param physfn            the PF of a virtual function ({@code physfn} link)
 * @param config            the bytes of {@code config} (64 bytes for non-root readers, 256 or 4096 for root)
 */
public record PciFunctionInfo(PciAddress address, int vendorId, int deviceId, int classCode,
                              int subsystemVendorId, int subsystemDeviceId, int revision,
                              Optional<String> driver, OptionalInt iommuGroup, OptionalInt numaNode,
                              List<PciResource> resources, Optional<SriovState> sriov,
                              Optional<PciAddress> physfn, byte[] config) {

    /** Null-checks and copies mutable inputs. */
    public PciFunctionInfo {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(iommuGroup, "iommuGroup");
        Objects.requireNonNull(numaNode, "numaNode");
        Objects.requireNonNull(sriov, "sriov");
        Objects.requireNonNull(physfn, "physfn");
        resources = List.copyOf(resources);
        config = config.clone();
    }

    /** A copy of the raw config bytes. */
    @Override
    public byte[] config() {
        return config.clone();
    }

    /** The function's virtio identity from its IDs; empty when it is not a virtio device. */
    public Optional<VirtioIdentity> virtio() {
        return VirtioIdentity.of(vendorId, deviceId, subsystemDeviceId);
    }

    /** Parses the config bytes. */
    public ConfigSpace parseConfig() throws ConfigSpaceException {
        return ConfigSpace.parse(config);
    }

    /** Compares all components, the config bytes by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PciFunctionInfo p
                && address.equals(p.address) && vendorId == p.vendorId && deviceId == p.deviceId
                && classCode == p.classCode && subsystemVendorId == p.subsystemVendorId
                && subsystemDeviceId == p.subsystemDeviceId && revision == p.revision
                && driver.equals(p.driver) && iommuGroup.equals(p.iommuGroup) && numaNode.equals(p.numaNode)
                && resources.equals(p.resources) && sriov.equals(p.sriov) && physfn.equals(p.physfn)
                && Arrays.equals(config, p.config);
    }

    /** Hashes all components, the config bytes by content. */
    @Override
    public int hashCode() {
        return Objects.hash(address, vendorId, deviceId, classCode, subsystemVendorId, subsystemDeviceId, revision,
                driver, iommuGroup, numaNode, resources, sriov, physfn) * 31 + Arrays.hashCode(config);
    }

    /** A one-line summary; the config bytes are shown by length only. */
    @Override
    public String toString() {
        HexFormat h = HexFormat.of();
        return "PciFunctionInfo[" + address + " " + h.toHexDigits((short) vendorId) + ":"
                + h.toHexDigits((short) deviceId) + " class " + String.format("%06x", classCode)
                + " driver " + driver.orElse("-") + " config " + config.length + " bytes]";
    }
}
