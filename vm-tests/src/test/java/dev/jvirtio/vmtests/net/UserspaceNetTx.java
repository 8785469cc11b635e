package dev.jvirtio.vmtests.net;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.transport.CommonCfg;
import dev.jvirtio.transport.FeatureSet;
import dev.jvirtio.transport.TransportException;
import dev.jvirtio.transport.VirtioFeature;
import dev.jvirtio.transport.VirtioPciDevice;
import dev.jvirtio.virtq.ChainBuilder;
import dev.jvirtio.virtq.PollPolicy;
import dev.jvirtio.virtq.Virtqueue;
import dev.jvirtio.vmtests.BusMaster;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The transmit half of a userspace virtio-net driver (virtio 1.3 section 5.1), for the guest tests: it sets up
 * transmitq1 only and sends Ethernet frames, each preceded by a zeroed 12-byte {@code virtio_net_hdr_v1}
 * (no checksum offload, no GSO, num_buffers 0; with VIRTIO_F_VERSION_1 the header always has these 12
 * bytes). No receive queue is set up, so the device drops whatever arrives; the tests only transmit.
 *
 * <pre>{@code
 * try (UserspaceNetTx tx = UserspaceNetTx.open(function, pool, 64)) {
 *     tx.send(List.of(frame));     // returns when the device has used every buffer
 * }
 * }</pre>
 *
 * <p>A frame goes out as two buffers (header, frame) or, with {@code contiguous}, as one buffer holding
 * both: VERSION_1 implies VIRTIO_F_ANY_LAYOUT, so the device must accept either. Completion is by polling.
 */
public final class UserspaceNetTx implements AutoCloseable {
    /** Feature bit VIRTIO_NET_F_MAC: the device configuration holds the MAC address. */
    public static final int F_MAC = 5;
    /** sizeof(struct virtio_net_hdr_v1). */
    public static final int HEADER_SIZE = 12;
    /** receiveq1 and transmitq1 (no VIRTIO_NET_F_MQ). */
    static final int RX_QUEUE = 0;
    static final int TX_QUEUE = 1;
    private static final int SLOT_SIZE = 2048; // header + the longest frame, 8-byte aligned slots
    private static final PollPolicy POLL = PollPolicy.spinThenPark(200, 20_000);

    private final VirtioPciDevice device;
    private final FeatureSet features;
    private final Virtqueue queue;
    private final DmaRegion buffers;
    private final MemorySegment mem;
    private final byte[] mac;
    private final int slots;
    private final long timeoutNanos;
    private long sent;
    private boolean broken;
    private boolean closed;

    private UserspaceNetTx(VirtioPciDevice device, FeatureSet features, Virtqueue queue, DmaRegion buffers,
                           byte[] mac, long timeoutNanos) {
        this.device = device;
        this.features = features;
        this.queue = queue;
        this.buffers = buffers;
        this.mem = buffers.segment();
        this.mac = mac;
        this.slots = (int) (buffers.byteSize() / SLOT_SIZE);
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Brings the virtio-net function up with VERSION_1, MAC (required: the tests check the rig's address)
     * and ACCESS_PLATFORM when offered, sets up transmitq1 with at most {@code queueSize} entries, and sets
     * DRIVER_OK. {@code pool} must map for {@code function}; the caller closes it after this driver.
     */
    public static UserspaceNetTx open(PciFunction function, DmaPool pool, int queueSize) throws IOException {
        Objects.requireNonNull(pool, "pool");
        VirtioPciDevice dev = VirtioPciDevice.attach(function);
        // The device must be allowed to DMA (Linux: pci_set_master in the probe); vfio-pci leaves that to us.
        BusMaster.enable(function);
        DmaRegion buffers = null;
        try {
            FeatureSet wanted = FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ACCESS_PLATFORM).with(F_MAC);
            FeatureSet got = dev.initialize(wanted, FeatureSet.of(VirtioFeature.VERSION_1).with(F_MAC));
            MmioRegion cfg = dev.deviceConfig();
            if (cfg == null || cfg.size() < 6) {
                throw new TransportException(function.address() + ": no virtio-net device configuration");
            }
            byte[] mac = readMac(dev.commonCfg(), cfg);
            Virtqueue q = dev.setupQueue(TX_QUEUE, queueSize, pool);
            // Each frame takes at most two descriptors; one slot per possible chain.
            int slots = Math.max(1, q.size() / 2);
            buffers = pool.allocate((long) slots * SLOT_SIZE, 4096);
            UserspaceNetTx tx = new UserspaceNetTx(dev, got, q, buffers, mac, TimeUnit.SECONDS.toNanos(30));
            dev.driverOk();
            return tx;
        } catch (IOException | RuntimeException e) {
            try {
                dev.close();
                if (buffers != null) {
                    buffers.close();
                }
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The 6 MAC bytes, read under one config_generation (section 2.5.1), byte by byte as Linux does. */
    private static byte[] readMac(CommonCfg cc, MmioRegion cfg) {
        byte[] mac = new byte[6];
        for (int attempt = 0; attempt < 100; attempt++) {
            int gen = cc.configGeneration();
            for (int i = 0; i < 6; i++) {
                mac[i] = (byte) cfg.read8(i);
            }
            if (gen == cc.configGeneration()) {
                return mac;
            }
        }
        throw new TransportException("virtio-net configuration keeps changing (config_generation never settles)");
    }

    /** The negotiated features. */
    public FeatureSet features() {
        return features;
    }

    /** The device's MAC address (from its configuration). */
    public byte[] mac() {
        return mac.clone();
    }

    /** The transmit queue. */
    public Virtqueue queue() {
        return queue;
    }

    /** Frames the device has consumed so far. */
    public long framesSent() {
        return sent;
    }

    /** The device's transport (for tests that look at registers). */
    public VirtioPciDevice device() {
        return device;
    }

    /**
     * Puts every frame on the ring in one batch (one doorbell), alternating the two layouts when
     * {@code alternateLayouts} is set (even frames as header + frame, odd ones as one contiguous buffer),
     * and waits until the device has used them all.
     *
     * @throws IOException if the device does not use them within 30 s (the driver is then unusable)
     */
    public void send(List<byte[]> frames, boolean alternateLayouts) throws IOException {
        if (closed || broken) {
            throw new IllegalStateException("UserspaceNetTx is " + (closed ? "closed" : "broken"));
        }
        if (frames.isEmpty() || frames.size() > slots) {
            throw new IllegalArgumentException("1.." + slots + " frames per batch: " + frames.size());
        }
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            if (f.length < 14 || f.length > SLOT_SIZE - HEADER_SIZE) {
                throw new IllegalArgumentException("frame " + i + " has " + f.length + " bytes");
            }
            long slot = (long) i * SLOT_SIZE;
            mem.asSlice(slot, HEADER_SIZE).fill((byte) 0); // flags 0, GSO_NONE, num_buffers 0
            MemorySegment.copy(f, 0, mem, ValueLayout.JAVA_BYTE, slot + HEADER_SIZE, f.length);
            ChainBuilder chain = queue.begin();
            if (alternateLayouts && (i & 1) == 1) {
                chain.readable(buffers, slot, HEADER_SIZE + f.length);
            } else {
                chain.readable(buffers, slot, HEADER_SIZE).readable(buffers, slot + HEADER_SIZE, f.length);
            }
            if (chain.commit(i) == Virtqueue.NO_SPACE) {
                throw new IllegalStateException("ring full although every slot fits: queue " + queue.size());
            }
        }
        queue.kick();
        long deadline = System.nanoTime() + timeoutNanos;
        int done = 0;
        while (done < frames.size()) {
            // A transmit chain is all device-readable, so the queue itself rejects any used length above 0.
            long token = queue.awaitUsed(POLL, deadline - System.nanoTime());
            if (token == Virtqueue.NONE) {
                broken = true;
                throw new IOException((frames.size() - done) + " frame(s) not used by the device after "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            done++;
            sent++;
        }
    }

    /** Resets the device (it stops all DMA), then frees the queue and the buffers. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.close();
        buffers.close();
    }
}
