package dev.jvirtio.vmtests.bench;

import dev.jvirtio.vmtests.Guest;
import dev.jvirtio.vmtests.VfioSession;
import dev.jvirtio.vmtests.blk.UserspaceBlk;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark P4, run inside the vm-tests guest by {@code rig/guest-bench.sh} ({@code vm-tests/run.sh --bench}):
 * 4 KiB random-read IOPS at queue depth 1 and 32, jvirtio's userspace virtio-blk driver ({@link UserspaceBlk},
 * busy polling, through VFIO) against the guest kernel's virtio_blk driver under fio (libaio, O_DIRECT). Both
 * read the same image file through two identical QEMU virtio-blk-pci functions.
 *
 * <p>The two sides alternate per depth (kernel then userspace at QD1, userspace then kernel at QD32), so a
 * change in the host's load during the run does not favour one side. The userspace loop is warmed up (JIT)
 * before the first measurement; fio gets a ramp time. Output: one line per measurement, a table, and last
 * {@code P4 userspace/kernel iops ratio: <x.xx>}, the smaller of the two depths' ratios.
 *
 * <p>Not a JMH benchmark: it measures a device through a whole emulated machine, which JMH cannot drive. It
 * records, not gates.
 */
public final class P4Bench {
    /** QEMU serial of the function the userspace driver takes (run.sh --bench). */
    public static final String USER_SERIAL = "vmrig-bench-user";
    private static final int BLOCK_SECTORS = 8; // 4 KiB
    private static final long SEED = 0x5eed_0004L;

    private P4Bench() {}

    /** Arguments: userspace BDF, kernel block device, seconds per measurement, warm-up seconds, depths. */
    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !Guest.inGuest()) {
            System.err.println("usage (inside the guest): P4Bench <user-bdf> </dev/vdX> <seconds> <warmup-seconds> <qd,qd>");
            System.exit(2);
        }
        String bdf = args[0];
        String kernelDev = args[1];
        int seconds = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        List<Integer> depths = new ArrayList<>();
        for (String d : args[4].split(",")) {
            depths.add(Integer.parseInt(d.strip()));
        }
        int maxDepth = depths.stream().mapToInt(Integer::intValue).max().orElseThrow();
        long window = TimeUnit.SECONDS.toNanos(seconds);

        // Split ring and EVENT_IDX, as the kernel driver negotiates them; one request queue; 4 KiB per request.
        // 3 descriptors per request: a 128-entry ring holds 42 requests, enough for QD32.
        UserspaceBlk.Options options = new UserspaceBlk.Options(128, BLOCK_SECTORS, false, true, null,
                UserspaceBlk.NO_VECTOR, true, TimeUnit.SECONDS.toNanos(30));
        double[] user = new double[depths.size()];
        double[] kernel = new double[depths.size()];
        try (VfioSession s = VfioSession.open(bdf);
             UserspaceBlk blk = UserspaceBlk.open(s.function(), s.pool(), options)) {
            String id = blk.id();
            if (!id.equals(USER_SERIAL)) {
                throw new IllegalStateException(bdf + " answers GET_ID with '" + id + "', not " + USER_SERIAL);
            }
            System.out.printf(Locale.ROOT, "P4 userspace: %s serial %s, %d sectors (%d MiB), read-only %s, "
                            + "features 0x%016x, %d slots%n", bdf, id, blk.capacity(), blk.capacity() >> 11,
                    blk.readOnly(), blk.features().low(), blk.slots());
            if (blk.slots() < maxDepth) {
                throw new IllegalStateException("queue holds " + blk.slots() + " requests, QD" + maxDepth + " asked");
            }
            // JIT warm-up of the loop at both ends of the depth range (not measured).
            long t0 = System.nanoTime();
            blk.randomReads(maxDepth, BLOCK_SECTORS, TimeUnit.SECONDS.toNanos(warmup), SEED ^ 1, true);
            blk.randomReads(1, BLOCK_SECTORS, TimeUnit.SECONDS.toNanos(Math.max(1, warmup / 2)), SEED ^ 2, true);
            System.out.printf(Locale.ROOT, "P4 userspace warm-up: %.1f s%n", (System.nanoTime() - t0) / 1e9);

            for (int i = 0; i < depths.size(); i++) {
                int qd = depths.get(i);
                boolean kernelFirst = i % 2 == 0;
                if (kernelFirst) {
                    kernel[i] = fio(kernelDev, qd, seconds);
                }
                user[i] = userspace(blk, qd, window, seconds);
                if (!kernelFirst) {
                    kernel[i] = fio(kernelDev, qd, seconds);
                }
            }
        }

        System.out.println();
        System.out.println("P4  qd  userspace-iops  kernel-iops  ratio");
        double worst = Double.MAX_VALUE;
        for (int i = 0; i < depths.size(); i++) {
            double r = user[i] / kernel[i];
            worst = Math.min(worst, r);
            System.out.printf(Locale.ROOT, "P4  %2d  %14.0f  %11.0f  %5.2f%n", depths.get(i), user[i], kernel[i], r);
        }
        System.out.printf(Locale.ROOT, "P4 userspace/kernel iops ratio: %.2f%n", worst);
    }

    private static double userspace(UserspaceBlk blk, int qd, long window, int seconds) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // What one reading of the counter costs itself, so that it is not charged to the loop.
        long c0 = threads.getCurrentThreadAllocatedBytes();
        long probe = threads.getCurrentThreadAllocatedBytes() - c0;
        long before = threads.getCurrentThreadAllocatedBytes();
        long reads = blk.randomReads(qd, BLOCK_SECTORS, window, SEED + qd, true);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - probe;
        double iops = reads / (window / 1e9);
        System.out.printf(Locale.ROOT, "P4 userspace qd=%d reads=%d seconds=%d iops=%.0f allocated-bytes=%d (%.4f per read)%n",
                qd, reads, seconds, iops, allocated, reads == 0 ? 0.0 : (double) allocated / reads);
        return iops;
    }

    /** Runs fio against the kernel's block device and returns its read IOPS. */
    private static double fio(String dev, int qd, int seconds) throws IOException, InterruptedException {
        List<String> cmd = List.of("fio", "--name=p4-qd" + qd, "--filename=" + dev, "--readonly", "--direct=1",
                "--ioengine=libaio", "--rw=randread", "--bs=4k", "--iodepth=" + qd, "--numjobs=1",
                "--time_based", "--runtime=" + seconds, "--ramp_time=3", "--norandommap", "--randrepeat=0",
                "--output-format=terse", "--terse-version=3");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String terse = out.lines().filter(l -> l.startsWith("3;")).findFirst().orElse(null);
        if (rc != 0 || terse == null) {
            throw new IOException("fio failed (exit " + rc + "): " + String.join(" ", cmd) + "\n" + out);
        }
        // terse v3: 1 version, 2 fio version, 3 job name, 4 group, 5 error, 6 read KiB, 7 read KiB/s, 8 read IOPS
        String[] f = terse.split(";");
        if (!f[4].equals("0")) {
            throw new IOException("fio reports error " + f[4] + ": " + terse);
        }
        double iops = Double.parseDouble(f[7]);
        System.out.printf(Locale.ROOT, "P4 kernel qd=%d fio=%s reads-KiB=%s seconds=%d iops=%.0f%n", qd, f[1], f[5],
                seconds, iops);
        return iops;
    }
}
