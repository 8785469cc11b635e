package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.pci.PciAddress;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * The SR-IOV VF token: a UUID shared between whoever owns a vfio-pci physical function and the users of
 * its virtual functions. The PF owner sets it ({@code VFIO_DEVICE_FEATURE} with {@code PCI_VF_TOKEN});
 * a VF user presents it when opening the VF, appended to the device name given to
 * {@code VFIO_GROUP_GET_DEVICE_FD} ({@code "0000:01:00.1 vf_token=<uuid>"}) or, on the cdev path, to
 * {@code VFIO_DEVICE_BIND_IOMMUFD}.
 *
 * <pre>{@code
 * UUID token = UUID.randomUUID();
 * pf.setVfToken(token);                                       // on the PF's VfioDevice
 * VfioOptions vfOptions = VfioOptions.defaults().withVfToken(token);
 * }</pre>
 */
public final class VfToken {
    private VfToken() {
    }

    /** Size of a token on the wire. */
    public static final int SIZE = Kabi.KABI_VFIO_VF_TOKEN_SIZE();

    /**
     * The device name for {@code VFIO_GROUP_GET_DEVICE_FD}: the BDF, plus {@code " vf_token=<uuid>"} when a
     * token is given. The UUID is in the canonical lower-case 8-4-4-4-12 form the kernel's
     * {@code uuid_parse} reads.
     */
    public static String deviceName(PciAddress address, UUID token) {
        Objects.requireNonNull(address, "address");
        return token == null ? address.toString() : address + " vf_token=" + format(token);
    }

    /** Canonical lower-case text of a token, e.g. {@code 2ab74924-c335-45f4-9b16-8569e5b08258}. */
    public static String format(UUID token) {
        return Objects.requireNonNull(token, "token").toString();
    }

    /**
     * The 16 bytes the kernel stores for a token ({@code uuid_t}): the UUID's bytes in the order they are
     * written in its text form, most significant first.
     */
    public static byte[] bytes(UUID token) {
        Objects.requireNonNull(token, "token");
        return ByteBuffer.allocate(SIZE).putLong(token.getMostSignificantBits())
                .putLong(token.getLeastSignificantBits()).array();
    }

    /** Inverse of {@link #bytes(UUID)}. */
    public static UUID fromBytes(byte[] raw) {
        if (raw == null || raw.length != SIZE) {
            throw new IllegalArgumentException("a VF token has " + SIZE + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        return new UUID(b.getLong(), b.getLong());
    }
}
