package dev.jvirtio.devicemodel;

import dev.jvirtio.pci.PciAddress;
import java.util.Objects;

/**
 * Configuration of a {@link DeviceModel}: the admin engine's configuration plus what the PCI side
 * needs (where the PF sits, how many admin queues, how commands are processed).
 *
 * @param engine          device type, TotalVFs, opcode sets, QUERY/MODIFY numbering, limits, latency
 * @param pfAddress       address of the PF on the emulated bus
 * @param adminQueues     number of admin virtqueues the PF offers (admin_queue_num, at least 1)
 * @param adminQueueSize  largest admin queue size
 * @param mode            device thread (busy polling) or inline (processed in the notifying thread)
 * @param spinRounds      device thread: empty polling rounds before it re-enables notifications and parks
 * @param commonCfgLength length of the PF's common configuration (64, or 0x38 to emulate a 1.0 device
 *                        without admin fields)
 */
public record DeviceModelConfig(AdminEngineConfig engine, PciAddress pfAddress, int adminQueues, int adminQueueSize,
                                ProcessingMode mode, int spinRounds, int commonCfgLength) {

    /** How the device processes its admin queues. */
    public enum ProcessingMode {
        /** A device thread busy-polls the admin queues (spinning, then parking until a doorbell). */
        THREAD,
        /** Commands are processed synchronously inside the doorbell write: deterministic, single-threaded. */
        INLINE
    }

    /** Where the PF sits by default: a domain no real host uses, so it is never mistaken for hardware. */
    public static final PciAddress DEFAULT_PF = new PciAddress(0xF000, 0, 0, 0);

    /** Validates. */
    public DeviceModelConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(pfAddress, "pfAddress");
        Objects.requireNonNull(mode, "mode");
        if (adminQueues < 1 || adminQueues > 64) {
            throw new IllegalArgumentException("admin queues " + adminQueues + " outside 1..64");
        }
        if (adminQueueSize < 2 || adminQueueSize > 32768 || Integer.bitCount(adminQueueSize) != 1) {
            throw new IllegalArgumentException("admin queue size must be a power of two in 2..32768: " + adminQueueSize);
        }
        if (spinRounds < 0) {
            throw new IllegalArgumentException("negative spin rounds");
        }
        if (commonCfgLength != 0x38 && commonCfgLength != 64) {
            throw new IllegalArgumentException("common cfg length must be 0x38 or 64, not " + commonCfgLength);
        }
    }

    /** A PF of {@code type} with {@code totalVfs} VFs, one admin queue of 256, a polling device thread. */
    public static DeviceModelConfig of(DeviceType type, int totalVfs) {
        return new DeviceModelConfig(AdminEngineConfig.builder(type).totalVfs(totalVfs).build(), DEFAULT_PF, 1, 256,
                ProcessingMode.THREAD, 20_000, 64);
    }

    /** With another engine configuration. */
    public DeviceModelConfig withEngine(AdminEngineConfig e) {
        return new DeviceModelConfig(e, pfAddress, adminQueues, adminQueueSize, mode, spinRounds, commonCfgLength);
    }

    /** With another processing mode. */
    public DeviceModelConfig withMode(ProcessingMode m) {
        return new DeviceModelConfig(engine, pfAddress, adminQueues, adminQueueSize, m, spinRounds, commonCfgLength);
    }

    /** With another number of admin queues. */
    public DeviceModelConfig withAdminQueues(int n) {
        return new DeviceModelConfig(engine, pfAddress, n, adminQueueSize, mode, spinRounds, commonCfgLength);
    }

    /** With another PF address. */
    public DeviceModelConfig withAddress(PciAddress a) {
        return new DeviceModelConfig(engine, a, adminQueues, adminQueueSize, mode, spinRounds, commonCfgLength);
    }

    /** With another common configuration length (0x38 emulates a 1.0 layout without admin fields). */
    public DeviceModelConfig withCommonCfgLength(int len) {
        return new DeviceModelConfig(engine, pfAddress, adminQueues, adminQueueSize, mode, spinRounds, len);
    }

    /** With another number of empty polling rounds before the device thread parks. */
    public DeviceModelConfig withSpinRounds(int n) {
        return new DeviceModelConfig(engine, pfAddress, adminQueues, adminQueueSize, mode, n, commonCfgLength);
    }
}
