package dev.jvirtio.pci;

/**
 * Virtio device types by Virtio Device ID (virtio spec 1.4, "Device Types").
 *
 * <p>An ID the spec does not list maps to {@link #UNKNOWN}; the number itself is kept by
 * {@link VirtioIdentity#deviceId()}, so nothing is lost:
 * <pre>{@code
 * VirtioDeviceType.fromId(2);    // BLOCK
 * VirtioDeviceType.fromId(99);   // UNKNOWN
 * }</pre>
 * {@link #shortName()} is the lower-case label the CLI prints ("block", "network", "vsock", ...).
 */
public enum VirtioDeviceType {
    /** ID 0 is reserved and marks an invalid device. */
    RESERVED(0, "reserved"),
    NET(1, "network"),
    BLOCK(2, "block"),
    CONSOLE(3, "console"),
    ENTROPY(4, "entropy"),
    /** Traditional memory balloon. */
    BALLOON(5, "balloon"),
    IO_MEMORY(6, "iomemory"),
    RPMSG(7, "rpmsg"),
    SCSI(8, "scsi"),
    NINE_P(9, "9p"),
    MAC80211_WLAN(10, "mac80211-wlan"),
    RPROC_SERIAL(11, "rproc-serial"),
    CAIF(12, "caif"),
    /** The newer (non-traditional) memory balloon. */
    MEMORY_BALLOON(13, "memory-balloon"),
    GPU(16, "gpu"),
    RTC(17, "rtc"),
    INPUT(18, "input"),
    VSOCK(19, "vsock"),
    CRYPTO(20, "crypto"),
    SIGNAL_DIST(21, "signal-dist"),
    PSTORE(22, "pstore"),
    IOMMU(23, "iommu"),
    MEM(24, "mem"),
    SOUND(25, "sound"),
    FS(26, "fs"),
    PMEM(27, "pmem"),
    RPMB(28, "rpmb"),
    MAC80211_HWSIM(29, "mac80211-hwsim"),
    VIDEO_ENCODER(30, "video-encoder"),
    VIDEO_DECODER(31, "video-decoder"),
    SCMI(32, "scmi"),
    NITRO_SECURE_MODULE(33, "nitro-sec-mod"),
    I2C(34, "i2c"),
    WATCHDOG(35, "watchdog"),
    CAN(36, "can"),
    PARAMETER_SERVER(38, "param-server"),
    AUDIO_POLICY(39, "audio-policy"),
    BLUETOOTH(40, "bluetooth"),
    GPIO(41, "gpio"),
    RDMA(42, "rdma"),
    CAMERA(43, "camera"),
    ISM(44, "ism"),
    SPI(45, "spi"),
    TEE(46, "tee"),
    CPU_BALLOON(47, "cpu-balloon"),
    MEDIA(48, "media"),
    USB(49, "usb"),
    /** Any ID not listed above; the number lives in {@link VirtioIdentity#deviceId()}. */
    UNKNOWN(-1, "unknown");

    private static final VirtioDeviceType[] BY_ID = new VirtioDeviceType[64];

    static {
        for (VirtioDeviceType t : values()) {
            if (t.id >= 0) {
                BY_ID[t.id] = t;
            }
        }
    }

    private final int id;
    private final String shortName;

    VirtioDeviceType(int id, String shortName) {
        this.id = id;
        this.shortName = shortName;
    }

    /** The Virtio Device ID, or -1 for {@link #UNKNOWN}. */
    public int id() {
        return id;
    }

    /** Lower-case label, e.g. "network" or "9p". */
    public String shortName() {
        return shortName;
    }

    /** The type for a Virtio Device ID; {@link #UNKNOWN} for IDs the spec does not list (or negative ones). */
    public static VirtioDeviceType fromId(int virtioDeviceId) {
        if (virtioDeviceId < 0 || virtioDeviceId >= BY_ID.length) {
            return UNKNOWN;
        }
        VirtioDeviceType t = BY_ID[virtioDeviceId];
        return t == null ? UNKNOWN : t;
    }
}
