package dev.jvirtio.transport;

/** Bits of the virtio {@code device_status} byte (virtio 1.x section 2.1). */
public final class DeviceStatus {
    private DeviceStatus() {
    }

    /** The driver has noticed the device. */
    public static final int ACKNOWLEDGE = 1;
    /** The driver knows how to drive the device. */
    public static final int DRIVER = 2;
    /** The driver is set up and ready to drive the device. */
    public static final int DRIVER_OK = 4;
    /** The driver has acknowledged the features it understands; negotiation is complete. */
    public static final int FEATURES_OK = 8;
    /** Virtio 1.4 with VIRTIO_F_SUSPEND: the driver asks the device to suspend. */
    public static final int SUSPEND = 16;
    /** The device hit an error it cannot recover from without a reset. */
    public static final int DEVICE_NEEDS_RESET = 64;
    /** The driver gave up on the device. */
    public static final int FAILED = 128;

    /** A readable rendering such as {@code ACKNOWLEDGE|DRIVER|FEATURES_OK}, or {@code RESET} for 0. */
    public static String describe(int status) {
        if (status == 0) {
            return "RESET";
        }
        StringBuilder sb = new StringBuilder();
        String[] names = {"ACKNOWLEDGE", "DRIVER", "DRIVER_OK", "FEATURES_OK", "SUSPEND", "0x20",
            "DEVICE_NEEDS_RESET", "FAILED"};
        for (int i = 0; i < 8; i++) {
            if ((status >>> i & 1) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(names[i]);
            }
        }
        return sb.toString();
    }
}
