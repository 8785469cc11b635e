package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.pci.VirtioPciLayout.*;

import dev.jvirtio.devicemodel.virtio.CommonCfgModel;
import dev.jvirtio.pci.TrappedMmioRegion;

/**
 * BAR semantics of one emulated virtio-PCI function: BAR 0 holds the common configuration, ISR,
 * device-specific configuration and notification area; BAR 2 holds the MSI-X table and PBA as
 * plain memory. Every access runs under the owning {@link DeviceModel}'s lock.
 */
final class VirtioFunctionModel {

    /** Where notifications and device-config accesses go. */
    interface Device {
        /** A driver notification of {@code queue} with the written value. */
        void notified(int queue, int value);

        /** Device-specific configuration byte {@code offset}, or 0 past the end. */
        int configByte(int offset);

        /** A driver write of device-specific configuration bytes. */
        void configWrite(int offset, int width, int value);

        /** Reads and clears the ISR. */
        int readIsr();
    }

    final CommonCfgModel common;
    private final Device device;
    private final Object lock;
    private final RingFaults faults;
    private final byte[] msix = new byte[BAR2_SIZE];

    VirtioFunctionModel(CommonCfgModel common, Device device, Object lock, RingFaults faults) {
        this.common = common;
        this.device = device;
        this.lock = lock;
        this.faults = faults;
    }

    /** The trap handler of BAR 0. */
    TrappedMmioRegion.Handler bar0() {
        return new TrappedMmioRegion.Handler() {
            @Override
            public int read(long offset, int width) {
                if (faults.vanished) {
                    return width == 4 ? -1 : (1 << (8 * width)) - 1;
                }
                synchronized (lock) {
                    int off = (int) offset;
                    if (off < COMMON_OFFSET + COMMON_LENGTH) {
                        return common.read(off - COMMON_OFFSET, width);
                    }
                    if (off >= ISR_OFFSET && off < ISR_OFFSET + ISR_LENGTH) {
                        return off == ISR_OFFSET ? device.readIsr() : 0;
                    }
                    if (off >= DEVICE_OFFSET && off < DEVICE_OFFSET + DEVICE_LENGTH) {
                        int v = 0;
                        for (int i = width - 1; i >= 0; i--) {
                            v = v << 8 | device.configByte(off - DEVICE_OFFSET + i);
                        }
                        return v;
                    }
                    return 0;   // notification area and holes read as zero
                }
            }

            @Override
            public void write(long offset, int width, int value) {
                if (faults.vanished) {
                    return;
                }
                int off = (int) offset;
                if (off >= NOTIFY_OFFSET && off < NOTIFY_OFFSET + NOTIFY_LENGTH) {
                    // No lock: a doorbell must never wait for the device thread's current batch.
                    device.notified((off - NOTIFY_OFFSET) / NOTIFY_OFF_MULTIPLIER, value);
                    return;
                }
                synchronized (lock) {
                    if (off < COMMON_OFFSET + COMMON_LENGTH) {
                        common.write(off - COMMON_OFFSET, width, value);
                    } else if (off >= DEVICE_OFFSET && off < DEVICE_OFFSET + DEVICE_LENGTH) {
                        device.configWrite(off - DEVICE_OFFSET, width, value);
                    }
                }
            }
        };
    }

    /** The trap handler of BAR 2: MSI-X table and PBA as plain memory. */
    TrappedMmioRegion.Handler bar2() {
        return new TrappedMmioRegion.Handler() {
            @Override
            public int read(long offset, int width) {
                if (faults.vanished) {
                    return width == 4 ? -1 : (1 << (8 * width)) - 1;
                }
                synchronized (msix) {
                    int v = 0;
                    for (int i = width - 1; i >= 0; i--) {
                        v = v << 8 | (msix[(int) offset + i] & 0xFF);
                    }
                    return v;
                }
            }

            @Override
            public void write(long offset, int width, int value) {
                if (faults.vanished || offset >= MSIX_PBA_OFFSET) {
                    return;     // the PBA is read-only
                }
                synchronized (msix) {
                    for (int i = 0; i < width; i++) {
                        msix[(int) offset + i] = (byte) (value >>> (8 * i));
                    }
                }
            }
        };
    }
}
