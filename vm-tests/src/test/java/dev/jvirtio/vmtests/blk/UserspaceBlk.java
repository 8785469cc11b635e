package dev.jvirtio.vmtests.blk;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.pci.vfio.InterruptVector;
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
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small userspace virtio-blk driver (virtio 1.3 section 5.2) for the guest tests: one request queue,
 * split or packed ring (whatever is negotiated), completions by busy polling or by an MSI-X interrupt.
 *
 * <pre>{@code
 * try (UserspaceBlk blk = UserspaceBlk.open(function, pool, UserspaceBlk.Options.defaults())) {
 *     blk.write(2048, data);                 // VIRTIO_BLK_T_OUT requests, pipelined
 *     byte[] back = blk.read(2048, 16);      // VIRTIO_BLK_T_IN
 *     blk.flush();
 * }
 * }</pre>
 *
 * <p>Every request is one chain: a device-readable 16-byte header {type le32, reserved le32, sector le64},
 * the data (device-readable for OUT, device-writable for IN and GET_ID, absent for FLUSH), and one
 * device-writable status byte. Each request owns a fixed slot (header, status byte, data area) in a
 * single DMA region; the slot number is the chain's token, so completions may arrive in any order.
 *
 * <p>Strictness: a completion must report the request's whole device-writable part as written (the status
 * byte is its last byte, so a shorter used length means the status cannot be trusted), and the status byte
 * is pre-filled with 0xff so a device that never writes it is noticed. A failed request does not stop the
 * ones already in flight: they are all reaped before the first failure is thrown. After a timeout the
 * device may still own the buffers, so the driver refuses further use; {@link #close()} resets the device
 * before any memory is released.
 *
 * <p>One thread at a time (the queue's owner thread).
 */
public final class UserspaceBlk implements AutoCloseable {
    /** VIRTIO_BLK_T_IN: read sectors. */
    public static final int T_IN = 0;
    /** VIRTIO_BLK_T_OUT: write sectors. */
    public static final int T_OUT = 1;
    /** VIRTIO_BLK_T_FLUSH: make earlier writes durable. */
    public static final int T_FLUSH = 4;
    /** VIRTIO_BLK_T_GET_ID: the device's serial, up to 20 bytes. */
    public static final int T_GET_ID = 8;
    /** Status: success. */
    public static final int S_OK = 0;
    /** Status: I/O error (also a sector range beyond the capacity). */
    public static final int S_IOERR = 1;
    /** Status: request type not supported. */
    public static final int S_UNSUPP = 2;
    /** virtio-blk addresses data in 512-byte sectors whatever the device's block size. */
    public static final int SECTOR_SIZE = 512;
    /** Length of the GET_ID answer (VIRTIO_BLK_ID_BYTES). */
    public static final int ID_BYTES = 20;
    /** Feature bit VIRTIO_BLK_F_RO: the device is read-only. */
    public static final int F_RO = 5;
    /** Feature bit VIRTIO_BLK_F_BLK_SIZE: blk_size in the configuration is valid. */
    public static final int F_BLK_SIZE = 6;
    /** Feature bit VIRTIO_BLK_F_FLUSH: the device has a write cache and accepts T_FLUSH. */
    public static final int F_FLUSH = 9;
    /** queue_msix_vector value meaning "no interrupt". */
    public static final int NO_VECTOR = 0xFFFF;

    /** The request queue (requestq1). */
    static final int QUEUE = 0;
    private static final int HEADER_SIZE = 16;
    private static final int DESCRIPTORS_PER_REQUEST = 3;
    private static final int CFG_CAPACITY = 0;
    private static final int CFG_BLK_SIZE = 20;
    private static final int STATUS_UNWRITTEN = 0xff;
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final PollPolicy POLL = PollPolicy.spinThenPark(200, 20_000);

    /**
     * How the driver sets itself up.
     *
     * @param queueSize             ring size to ask for (the device may offer less; split rings round down
     *                              to a power of two)
     * @param maxSectorsPerRequest  longer transfers are split into requests of at most this many sectors
     * @param packedRing            offer VIRTIO_F_RING_PACKED (used only if the device offers it too)
     * @param eventIdx              offer VIRTIO_F_EVENT_IDX
     * @param interrupt             completion by this MSI-X vector's eventfd; null: busy polling
     * @param msixVector            the MSI-X table entry {@code interrupt} is wired to (queue_msix_vector)
     * @param localRangeCheck       refuse requests beyond the capacity before sending them; false lets the
     *                              device answer (tests of the device's own error path)
     * @param timeoutNanos          per operation
     */
    public record Options(int queueSize, int maxSectorsPerRequest, boolean packedRing, boolean eventIdx,
                          InterruptVector interrupt, int msixVector, boolean localRangeCheck, long timeoutNanos) {
        /** Validates. */
        public Options {
            if (queueSize < DESCRIPTORS_PER_REQUEST || queueSize > 0x8000) {
                throw new IllegalArgumentException("queue size out of 3..32768: " + queueSize);
            }
            if (maxSectorsPerRequest < 1 || maxSectorsPerRequest > 2048) {
                throw new IllegalArgumentException("sectors per request out of 1..2048: " + maxSectorsPerRequest);
            }
            if (interrupt != null && (msixVector < 0 || msixVector >= NO_VECTOR)) {
                throw new IllegalArgumentException("MSI-X vector out of 0..0xfffe: " + msixVector);
            }
            if (timeoutNanos <= 0) {
                throw new IllegalArgumentException("timeout must be positive");
            }
        }

        /** Queue of 64, 16 sectors per request, packed ring offered, no EVENT_IDX, polling, 30 s timeout. */
        public static Options defaults() {
            return new Options(64, 16, true, false, null, NO_VECTOR, true, TimeUnit.SECONDS.toNanos(30));
        }

        /** With VIRTIO_F_RING_PACKED offered or not. */
        public Options withPackedRing(boolean on) {
            return new Options(queueSize, maxSectorsPerRequest, on, eventIdx, interrupt, msixVector, localRangeCheck,
                    timeoutNanos);
        }

        /** With VIRTIO_F_EVENT_IDX offered or not. */
        public Options withEventIdx(boolean on) {
            return new Options(queueSize, maxSectorsPerRequest, packedRing, on, interrupt, msixVector, localRangeCheck,
                    timeoutNanos);
        }

        /** Completion by {@code irq}, which is wired to MSI-X table entry {@code vector}. */
        public Options withInterrupt(InterruptVector irq, int vector) {
            return new Options(queueSize, maxSectorsPerRequest, packedRing, eventIdx, Objects.requireNonNull(irq),
                    vector, localRangeCheck, timeoutNanos);
        }

        /** With the local capacity check on or off. */
        public Options withLocalRangeCheck(boolean on) {
            return new Options(queueSize, maxSectorsPerRequest, packedRing, eventIdx, interrupt, msixVector, on,
                    timeoutNanos);
        }

        /** With another request size limit. */
        public Options withMaxSectorsPerRequest(int sectors) {
            return new Options(queueSize, sectors, packedRing, eventIdx, interrupt, msixVector, localRangeCheck,
                    timeoutNanos);
        }
    }

    private final VirtioPciDevice device;
    private final Options options;
    private final FeatureSet features;
    private final Virtqueue queue;
    private final DmaRegion buffers;
    private final MemorySegment mem;
    private final long capacity;
    private final int blockSize;
    private final int slots;
    private final int slotDataBytes;
    private final long dataBase;
    private final int[] freeSlots;
    private int freeCount;
    private final int[] slotType;
    private final long[] slotSector;
    private final int[] slotLength;
    private final boolean[] slotWritable;
    private final int[] slotCallerOffset;
    private boolean interruptsWanted;
    private BlkException failure;
    private boolean broken;
    private boolean closed;
    private long requests;
    private long wakeups;
    private long emptyWakeups;
    private int maxInFlight;

    private UserspaceBlk(VirtioPciDevice device, Options options, FeatureSet features, Virtqueue queue,
                         DmaRegion buffers, long capacity, int blockSize, int slots, int slotDataBytes, long dataBase) {
        this.device = device;
        this.options = options;
        this.features = features;
        this.queue = queue;
        this.buffers = buffers;
        this.mem = buffers.segment();
        this.capacity = capacity;
        this.blockSize = blockSize;
        this.slots = slots;
        this.slotDataBytes = slotDataBytes;
        this.dataBase = dataBase;
        this.freeSlots = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeSlots[i] = slots - 1 - i;
        }
        this.freeCount = slots;
        this.slotType = new int[slots];
        this.slotSector = new long[slots];
        this.slotLength = new int[slots];
        this.slotWritable = new boolean[slots];
        this.slotCallerOffset = new int[slots];
        this.interruptsWanted = options.interrupt() != null;
    }

    /**
     * Brings the virtio-blk function up: feature negotiation, queue_msix_vector (when an interrupt is
     * given; before the queue is enabled, as section 4.1.5.1.3 orders it), the request queue in the
     * negotiated ring format, the request buffers, DRIVER_OK. {@code pool} must map for {@code function}'s
     * IOMMU; the caller closes it after this driver.
     *
     * @throws TransportException if the function is no usable virtio-blk device or refuses the MSI-X vector
     */
    public static UserspaceBlk open(PciFunction function, DmaPool pool, Options options) throws IOException {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(options, "options");
        VirtioPciDevice dev = VirtioPciDevice.attach(function);
        // The device must be allowed to DMA (Linux: pci_set_master in the probe); vfio-pci leaves that to us.
        BusMaster.enable(function);
        DmaRegion buffers = null;
        try {
            FeatureSet wanted = FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ACCESS_PLATFORM,
                    VirtioFeature.RING_RESET).with(F_FLUSH).with(F_BLK_SIZE).with(F_RO);
            if (options.packedRing()) {
                wanted = wanted.with(VirtioFeature.RING_PACKED);
            }
            if (options.eventIdx()) {
                wanted = wanted.with(VirtioFeature.EVENT_IDX);
            }
            // ACCESS_PLATFORM is not required, but it is accepted whenever offered: with VFIO the device
            // must translate our IOVAs through the IOMMU, not treat them as physical addresses.
            FeatureSet got = dev.initialize(wanted, FeatureSet.of(VirtioFeature.VERSION_1));
            MmioRegion cfg = dev.deviceConfig();
            if (cfg == null || cfg.size() < CFG_BLK_SIZE + 4) {
                throw new TransportException(function.address() + ": no virtio-blk device configuration");
            }
            long cap = readCapacity(dev.commonCfg(), cfg);
            int bs = got.contains(F_BLK_SIZE) ? cfg.read32(CFG_BLK_SIZE) : SECTOR_SIZE;
            if (options.interrupt() != null) {
                CommonCfg cc = dev.commonCfg();
                cc.queueSelect(QUEUE);
                cc.queueMsixVector(options.msixVector());
                int back = cc.queueMsixVector();
                if (back != options.msixVector()) {
                    throw new TransportException(function.address() + ": queue " + QUEUE + " refused MSI-X vector "
                            + options.msixVector() + " (queue_msix_vector reads back 0x" + Integer.toHexString(back)
                            + "); is MSI-X enabled with that many vectors?");
                }
            }
            Virtqueue q = dev.setupQueue(QUEUE, options.queueSize(), pool);
            int slots = Math.max(1, q.size() / DESCRIPTORS_PER_REQUEST);
            int slotData = Math.max(ID_BYTES, options.maxSectorsPerRequest() * SECTOR_SIZE);
            long dataBase = align(slots * (long) (HEADER_SIZE + 1), 4096);
            buffers = pool.allocate(dataBase + (long) slots * slotData, 4096);
            UserspaceBlk blk = new UserspaceBlk(dev, options, got, q, buffers, cap, bs, slots, slotData, dataBase);
            dev.driverOk();
            if (options.interrupt() != null) {
                q.enableUsedNotifications();
            }
            return blk;
        } catch (IOException | RuntimeException e) {
            try {
                dev.close(); // reset first: no DMA can hit the buffers when they go
                if (buffers != null) {
                    buffers.close();
                }
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static long align(long v, long a) {
        return (v + a - 1) & -a;
    }

    /** capacity is 64 bits wide: read both halves under one config_generation (section 2.5.1). */
    private static long readCapacity(CommonCfg cc, MmioRegion cfg) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int gen = cc.configGeneration();
            long lo = Integer.toUnsignedLong(cfg.read32(CFG_CAPACITY));
            long hi = Integer.toUnsignedLong(cfg.read32(CFG_CAPACITY + 4));
            if (gen == cc.configGeneration()) {
                return hi << 32 | lo;
            }
        }
        throw new TransportException("virtio-blk configuration keeps changing (config_generation never settles)");
    }

    /** The transport underneath (for tests that look at registers). */
    public VirtioPciDevice device() {
        return device;
    }

    /** The request queue. */
    public Virtqueue queue() {
        return queue;
    }

    /** The negotiated features. */
    public FeatureSet features() {
        return features;
    }

    /** Whether the packed ring layout was negotiated. */
    public boolean packedRing() {
        return features.contains(VirtioFeature.RING_PACKED);
    }

    /** Device size in 512-byte sectors. */
    public long capacity() {
        return capacity;
    }

    /** The device's block size (blk_size, or 512 without VIRTIO_BLK_F_BLK_SIZE); a hint only. */
    public int blockSize() {
        return blockSize;
    }

    /** Whether the device is read-only (VIRTIO_BLK_F_RO). */
    public boolean readOnly() {
        return features.contains(F_RO);
    }

    /** Requests that fit the queue at once (each takes three descriptors). */
    public int slots() {
        return slots;
    }

    /** Requests completed so far. */
    public long requestsCompleted() {
        return requests;
    }

    /** The most requests the device held at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Times the interrupt woke the driver. */
    public long interruptWakeups() {
        return wakeups;
    }

    /** Wake-ups that found no used buffer (an interrupt for buffers an earlier wake-up already reaped). */
    public long emptyWakeups() {
        return emptyWakeups;
    }

    /**
     * Switches between interrupt and polled completion (only with an interrupt configured). Off suppresses
     * used-buffer notifications in the ring (VIRTQ_AVAIL_F_NO_INTERRUPT or used_event), so the device
     * should not raise the vector at all.
     */
    public void interruptsWanted(boolean on) {
        checkUsable();
        if (options.interrupt() == null) {
            throw new IllegalStateException("no interrupt configured");
        }
        interruptsWanted = on;
        if (on) {
            queue.enableUsedNotifications();
        } else {
            queue.disableUsedNotifications();
        }
    }

    /**
     * Resets the request queue alone (VIRTIO_F_RING_RESET, through {@link VirtioPciDevice#resetQueue}): the
     * device forgets the ring, the driver's ring state returns to its initial values, and the queue is enabled
     * again at the same addresses. Only between operations, when nothing is in flight. Refused with an MSI-X
     * vector: a queue reset also clears queue_msix_vector, and the transport re-enables the queue without a
     * chance to set the vector again.
     */
    public void resetQueue() {
        checkUsable();
        if (!features.contains(VirtioFeature.RING_RESET)) {
            throw new IllegalStateException("VIRTIO_F_RING_RESET was not negotiated");
        }
        if (options.interrupt() != null) {
            throw new IllegalStateException("queue reset with an MSI-X vector would lose queue_msix_vector");
        }
        int abandoned = device.resetQueue(queue, null);
        if (abandoned != 0) {
            throw new IllegalStateException(abandoned + " request(s) were in flight between operations");
        }
    }

    /** Writes {@code data} (a whole number of sectors) from {@code sector} on. */
    public void write(long sector, byte[] data) throws IOException {
        if (readOnly()) {
            throw new BlkException(BlkException.Kind.REFUSED, T_OUT, sector, -1, "the device is read-only");
        }
        transfer(T_OUT, sector, data);
    }

    /** Reads {@code count} sectors from {@code sector} on. */
    public byte[] read(long sector, int count) throws IOException {
        if (count < 1 || count > Integer.MAX_VALUE / SECTOR_SIZE) {
            throw new IllegalArgumentException("sector count out of range: " + count);
        }
        byte[] into = new byte[count * SECTOR_SIZE];
        transfer(T_IN, sector, into);
        return into;
    }

    private void transfer(int type, long sector, byte[] buf) throws IOException {
        if (buf.length == 0 || buf.length % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("data must be a positive whole number of 512-byte sectors: "
                    + buf.length + " bytes");
        }
        long count = buf.length / SECTOR_SIZE;
        if (options.localRangeCheck() && (sector < 0 || sector > capacity - count)) {
            throw new BlkException(BlkException.Kind.REFUSED, type, sector, -1, "sectors " + sector + "+" + count
                    + " lie outside the device's " + capacity + " sectors");
        }
        run(type, sector, buf, buf.length, options.maxSectorsPerRequest() * SECTOR_SIZE, type == T_IN);
    }

    /** Sends VIRTIO_BLK_T_FLUSH (only if VIRTIO_BLK_F_FLUSH was negotiated; otherwise there is no cache). */
    public void flush() throws IOException {
        if (features.contains(F_FLUSH)) {
            run(T_FLUSH, 0, null, 0, 0, false);
        }
    }

    /**
     * Sends one request of {@code type} with no data buffer (header and status byte only), e.g. to see how
     * the device answers a type it does not know.
     */
    public void requestWithoutData(int type) throws IOException {
        run(type, 0, null, 0, 0, false);
    }

    /** The device's serial (VIRTIO_BLK_T_GET_ID), without the NUL padding. */
    public String id() throws IOException {
        byte[] id = new byte[ID_BYTES];
        run(T_GET_ID, 0, id, ID_BYTES, ID_BYTES, true);
        int n = 0;
        while (n < ID_BYTES && id[n] != 0) {
            n++;
        }
        return new String(id, 0, n, StandardCharsets.US_ASCII);
    }

    /**
     * Sends requests of {@code type} for {@code bytes} bytes of {@code buf} from {@code sector} on, at most
     * {@code requestBytes} each (one request without data when {@code bytes} is 0), keeping as many in
     * flight as there are slots, and waits until every request is back.
     */
    private void run(int type, long sector, byte[] buf, int bytes, int requestBytes, boolean dataWritable)
            throws IOException {
        checkUsable();
        failure = null;
        long deadline = System.nanoTime() + options.timeoutNanos();
        int total = bytes == 0 ? 1 : (bytes + requestBytes - 1) / requestBytes;
        int next = 0;
        while (true) {
            boolean added = false;
            while (failure == null && next < total && freeCount > 0) {
                int offset = next * requestBytes;
                int len = Math.min(requestBytes, bytes - offset);
                int slot = freeSlots[--freeCount];
                long reqSector = type == T_IN || type == T_OUT ? sector + offset / SECTOR_SIZE : 0;
                prepare(slot, type, reqSector, len, dataWritable, offset);
                if (type == T_OUT) {
                    MemorySegment.copy(buf, offset, mem, ValueLayout.JAVA_BYTE, dataOffset(slot), len);
                }
                ChainBuilder chain = queue.begin().readable(buffers, headerOffset(slot), HEADER_SIZE);
                if (len > 0) {
                    if (dataWritable) {
                        chain.writable(buffers, dataOffset(slot), len);
                    } else {
                        chain.readable(buffers, dataOffset(slot), len);
                    }
                }
                chain.writable(buffers, statusOffset(slot), 1);
                if (chain.commit(slot) == Virtqueue.NO_SPACE) {
                    queue.begin(); // drop the chain; the slot goes back and we retry after reaping
                    freeSlots[freeCount++] = slot;
                    break;
                }
                next++;
                added = true;
            }
            if (added) {
                queue.kick();
                maxInFlight = Math.max(maxInFlight, queue.inFlight());
            }
            if (queue.inFlight() == 0) {
                if (failure != null || next == total) {
                    break;
                }
                throw new IllegalStateException("the ring has no room for a single " + DESCRIPTORS_PER_REQUEST
                        + "-descriptor request");
            }
            reap(deadline, buf);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The benchmark loop of P4 (vm-tests/run.sh --bench): keeps {@code depth} reads of {@code blockSectors}
     * sectors each in flight at uniformly random block-aligned positions for {@code nanos}, busy polling the used
     * ring, and refills every slot as soon as its read completes (one doorbell per batch of completions, as a
     * polled driver does). Completions after the window are reaped but not counted.
     *
     * <p>Allocation-free once running: slots, chains and the random generator are set up before the loop, and
     * the loop only touches primitives, the ring and the DMA region. Each completion is checked as strictly as
     * {@link #read} checks it (used length, status byte); with {@code tagged}, the first 8 bytes of every block
     * must also hold its block number (little-endian), as in the rig's bench image, so a read of the wrong
     * block or no DMA at all is caught, not counted. A failed check leaves requests in flight: the driver is
     * then unusable until closed (which resets the device).
     *
     * @param depth        requests in flight, 1..{@link #slots()}
     * @param blockSectors sectors per read (8 for 4 KiB), at most the request size limit
     * @param nanos        length of the measured window
     * @param seed         seed of the block sequence
     * @return the reads completed inside the window
     * @throws BlkException on a failed or short completion, a wrong block tag, or no completion for the
     *                      driver's timeout
     */
    public long randomReads(int depth, int blockSectors, long nanos, long seed, boolean tagged) throws IOException {
        checkUsable();
        if (depth < 1 || depth > slots || depth > freeCount) {
            throw new IllegalArgumentException("depth must be 1.." + Math.min(slots, freeCount) + ", got " + depth);
        }
        if (blockSectors < 1 || blockSectors > options.maxSectorsPerRequest() || capacity < blockSectors) {
            throw new IllegalArgumentException("block of " + blockSectors + " sectors does not fit the request limit "
                    + options.maxSectorsPerRequest() + " or the capacity " + capacity);
        }
        if (nanos <= 0) {
            throw new IllegalArgumentException("the window must be positive");
        }
        int len = blockSectors * SECTOR_SIZE;
        long blocks = capacity / blockSectors;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < depth; i++) {
            submitRead(freeSlots[--freeCount], rng.nextLong(blocks) * blockSectors, len);
        }
        queue.kick();
        long start = System.nanoTime();
        long end = start + nanos;
        long lastProgress = start;
        long counted = 0;
        boolean open = true;
        while (true) {
            int reaped = 0;
            for (long token = queue.poll(); token != Virtqueue.NONE; token = queue.poll()) {
                int slot = (int) token;
                checkRead(slot, len, blockSectors, tagged);
                reaped++;
                if (open) {
                    counted++;
                    submitRead(slot, rng.nextLong(blocks) * blockSectors, len);
                } else {
                    freeSlots[freeCount++] = slot;
                }
            }
            long now = System.nanoTime();
            if (reaped > 0) {
                requests += reaped;
                lastProgress = now;
                if (open) {
                    queue.kick();
                }
            } else if (now - lastProgress > options.timeoutNanos()) {
                throw timeout();
            }
            if (open && now - end >= 0) {
                open = false;
            }
            if (!open && queue.inFlight() == 0) {
                break;
            }
            if (reaped == 0) {
                Thread.onSpinWait();
            }
        }
        return counted;
    }

    /** Fills {@code slot} with a T_IN of {@code len} bytes at {@code sector} and adds it to the ring (not kicked). */
    private void submitRead(int slot, long sector, int len) {
        prepare(slot, T_IN, sector, len, true, 0);
        long data = dataOffset(slot);
        mem.set(LE64, data, -1L); // the device must overwrite it (the block tag check notices if it did not)
        long chain = queue.begin().readable(buffers, headerOffset(slot), HEADER_SIZE)
                .writable(buffers, data, len)
                .writable(buffers, statusOffset(slot), 1)
                .commit(slot);
        if (chain == Virtqueue.NO_SPACE) {
            throw new IllegalStateException("ring full with " + queue.inFlight() + " request(s) in flight");
        }
    }

    /** Checks a completed benchmark read; a failure breaks the driver (other reads are still in flight). */
    private void checkRead(int slot, int len, int blockSectors, boolean tagged) throws BlkException {
        BlkException e = readProblem(slot, len, blockSectors, tagged);
        if (e != null) {
            broken = true;
            throw e;
        }
    }

    private BlkException readProblem(int slot, int len, int blockSectors, boolean tagged) {
        int used = queue.lastUsedLength();
        int status = mem.get(ValueLayout.JAVA_BYTE, statusOffset(slot)) & 0xff;
        if (used != len + 1) {
            return error(BlkException.Kind.SHORT_COMPLETION, slot, -1, "used length " + Integer.toUnsignedString(used)
                    + ", expected " + (len + 1));
        }
        if (status != S_OK) {
            return error(status == S_IOERR ? BlkException.Kind.IOERR : status == S_UNSUPP ? BlkException.Kind.UNSUPP
                    : BlkException.Kind.BAD_STATUS, slot, status, "status " + status);
        }
        if (tagged) {
            long tag = mem.get(LE64, dataOffset(slot));
            long block = slotSector[slot] / blockSectors;
            if (tag != block) {
                return error(BlkException.Kind.WRONG_DATA, slot, status, "block " + block + " starts with 0x"
                        + Long.toHexString(tag) + ", not its number: wrong block read, or no data written");
            }
        }
        return null;
    }

    private void prepare(int slot, int type, long sector, int len, boolean writable, int callerOffset) {
        slotType[slot] = type;
        slotSector[slot] = sector;
        slotLength[slot] = len;
        slotWritable[slot] = writable;
        slotCallerOffset[slot] = callerOffset;
        long h = headerOffset(slot);
        mem.set(LE32, h, type);
        mem.set(LE32, h + 4, 0);
        mem.set(LE64, h + 8, sector);
        mem.set(ValueLayout.JAVA_BYTE, statusOffset(slot), (byte) STATUS_UNWRITTEN);
    }

    /** Waits for at least one completion (by polling, or by the interrupt) and reaps every one available. */
    private void reap(long deadline, byte[] buf) throws IOException {
        if (!interruptsWanted) {
            long token = queue.awaitUsed(POLL, deadline - System.nanoTime());
            if (token == Virtqueue.NONE) {
                throw timeout();
            }
            complete((int) token, buf);
            drain(buf);
            return;
        }
        // Interrupt mode: sleep on the eventfd, and look at the ring only after it fired. The eventfd counts,
        // so an interrupt that fires between the last look at the ring and this wait is not lost.
        InterruptVector irq = options.interrupt();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timeout();
            }
            long fired;
            try {
                fired = irq.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                broken = true;
                throw new InterruptedIOException("interrupted with " + queue.inFlight() + " request(s) in flight");
            }
            if (fired == 0) {
                continue; // the loop re-checks the deadline
            }
            wakeups++;
            if (drain(buf) > 0) {
                return;
            }
            emptyWakeups++;
        }
    }

    private int drain(byte[] buf) {
        int n = 0;
        for (long token = queue.poll(); token != Virtqueue.NONE; token = queue.poll()) {
            complete((int) token, buf);
            n++;
        }
        return n;
    }

    private void complete(int slot, byte[] buf) {
        int used = queue.lastUsedLength();
        int expected = (slotWritable[slot] ? slotLength[slot] : 0) + 1;
        int status = mem.get(ValueLayout.JAVA_BYTE, statusOffset(slot)) & 0xff;
        BlkException e = null;
        if (used != expected) {
            e = error(BlkException.Kind.SHORT_COMPLETION, slot, -1, "used length " + Integer.toUnsignedString(used)
                    + ", expected " + expected + " (data plus status byte)");
        } else if (status == S_IOERR) {
            e = error(BlkException.Kind.IOERR, slot, status, "VIRTIO_BLK_S_IOERR");
        } else if (status == S_UNSUPP) {
            e = error(BlkException.Kind.UNSUPP, slot, status, "VIRTIO_BLK_S_UNSUPP");
        } else if (status != S_OK) {
            e = error(BlkException.Kind.BAD_STATUS, slot, status, "undefined status 0x" + Integer.toHexString(status));
        } else if (slotWritable[slot] && buf != null) {
            MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, dataOffset(slot), buf, slotCallerOffset[slot],
                    slotLength[slot]);
        }
        freeSlots[freeCount++] = slot;
        requests++;
        if (e != null && failure == null) {
            failure = e;
        }
    }

    private BlkException error(BlkException.Kind kind, int slot, int status, String detail) {
        int type = slotType[slot];
        String what = type == T_IN || type == T_OUT
                ? name(type) + " of " + slotLength[slot] / SECTOR_SIZE + " sector(s) at " + slotSector[slot]
                : name(type);
        return new BlkException(kind, type, slotSector[slot], status, what + " failed: " + detail);
    }

    private static String name(int type) {
        return switch (type) {
            case T_IN -> "T_IN";
            case T_OUT -> "T_OUT";
            case T_FLUSH -> "T_FLUSH";
            case T_GET_ID -> "T_GET_ID";
            default -> "type " + type;
        };
    }

    private BlkException timeout() {
        broken = true;
        return new BlkException(BlkException.Kind.TIMEOUT, -1, -1, -1, queue.inFlight() + " request(s) still in "
                + "flight after " + TimeUnit.NANOSECONDS.toMillis(options.timeoutNanos()) + " ms; the driver is "
                + "unusable until the device is reset (close it)");
    }

    private long headerOffset(int slot) {
        return (long) slot * HEADER_SIZE;
    }

    private long statusOffset(int slot) {
        return (long) slots * HEADER_SIZE + slot;
    }

    private long dataOffset(int slot) {
        return dataBase + (long) slot * slotDataBytes;
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("UserspaceBlk is closed");
        }
        if (broken) {
            throw new IllegalStateException("UserspaceBlk is broken (a request timed out or was interrupted); "
                    + "close it, which resets the device");
        }
    }

    /**
     * Resets the device (it stops all DMA), then frees the queue and the request buffers. If the reset does
     * not complete, the buffers stay mapped and the transport's exception is thrown. Idempotent.
     */
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
