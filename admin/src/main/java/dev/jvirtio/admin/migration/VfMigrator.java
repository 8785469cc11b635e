package dev.jvirtio.admin.migration;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.DevPartsMetadata;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartsFormatException;
import dev.jvirtio.admin.parts.DevicePartsWriter;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.pci.VirtioIdentity;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Saves and restores VF device state over one PF's admin queue with the virtio 1.4 device-parts commands.
 *
 * <pre>{@code
 * VfMigrator m = VfMigrator.of(admin);
 * DevicePartsSnapshot s = m.save(VfNumber.of(1), MigrationProgress.NONE);  // stop, then read the parts
 * other.restore(VfNumber.of(2), s, MigrationProgress.NONE);               // stop, then set the parts
 * other.resume(VfNumber.of(2));                                           // the parts take effect
 * }</pre>
 *
 * <p>Reading parts: the device-parts driver capability is set once (DEVICE_CAP_GET, then DRIVER_CAP_SET with
 * the device's own limits; again after the client had to reset the device, which clears it), a GET resource
 * object is created with the lowest free id below the GET limit, DEV_PARTS_METADATA_GET SIZE sizes the
 * buffer of one DEV_PARTS_GET ALL, and the object is destroyed. Writing parts mirrors it with a SET object and
 * DEV_PARTS_SET. Every object created is destroyed again on every path, failures included (a failed destroy
 * is attached to the original failure as suppressed, or reported on its own). Resuming is a separate step:
 * the spec applies restored parts when the VF leaves the stopped mode.
 *
 * <p>Failures at the device are {@link MigrationException}s naming the {@link MigrationException.Step};
 * stream problems are {@link MigrationFileException}s. A VF stopped by a failed operation stays stopped.
 *
 * <p>Thread-safe: object ids are allocated under a lock, commands go through the thread-safe client.
 */
public final class VfMigrator {
    /**
     * EEXIST: the 1.4 text has RESOURCE_OBJ_CREATE fail with VIRTIO_ADMIN_STATUS_EEXIST for an id in use but
     * never gives it a value; devices use Linux's errno, as the other statuses do.
     */
    static final int STATUS_EEXIST = 17;
    /** DEV_PARTS_GET answered ENOMEM (the parts grew past SIZE): ask SIZE again, at most this many times. */
    private static final int GET_ATTEMPTS = 3;

    private final AdminClient client;
    private final int deviceType;
    private final Object lock = new Object();
    /** Ids of device-parts objects this migrator holds (or leaked because destroying them failed). */
    private final BitSet ids = new BitSet();
    private DevicePartsCap driverCap;
    private long capEpoch = -1;

    private VfMigrator(AdminClient client, int deviceType) {
        this.client = client;
        this.deviceType = deviceType;
    }

    /** A migrator for the VFs of the PF behind {@code client}; the device type is read from its PCI IDs. */
    public static VfMigrator of(AdminClient client) {
        Objects.requireNonNull(client, "client");
        int type = client.device().configSpace().virtio().map(VirtioIdentity::deviceId)
                .orElse(DevicePartsSnapshot.UNKNOWN_TYPE);
        return new VfMigrator(client, type);
    }

    /** The admin client underneath. */
    public AdminClient client() {
        return client;
    }

    /** The Virtio Device ID of the PF (and so of its VFs), or {@link DevicePartsSnapshot#UNKNOWN_TYPE}. */
    public int deviceType() {
        return deviceType;
    }

    // ------------------------------------------------------------------------------------------
    // Modes

    /** DEV_MODE_SET STOPPED: the VF stops initiating DMA and interrupts. Idempotent. */
    public void stop(VfNumber vf) {
        exec(MigrationException.Step.STOP, vf, "stop", AdminCommands.devModeSet(vf, DevModeSet.Mode.STOPPED));
    }

    /** DEV_MODE_SET RUNNING: the VF runs again, with any parts restored since it was stopped. Idempotent. */
    public void resume(VfNumber vf) {
        exec(MigrationException.Step.RESUME, vf, "resume", AdminCommands.devModeSet(vf, DevModeSet.Mode.RUNNING));
    }

    // ------------------------------------------------------------------------------------------
    // Capability and objects

    /**
     * The device-parts driver capability in force, setting it first if this migrator has not yet (or the
     * device was reset since): the device's own limits, which the spec lets a driver choose.
     *
     * @throws MigrationException at {@link MigrationException.Step#CAPABILITY} if the device has no such
     *                            capability or refuses the setting
     */
    public DevicePartsCap driverCapability() {
        return driverCapability(null);
    }

    private DevicePartsCap driverCapability(VfNumber vf) {
        synchronized (lock) {
            long epoch = client.recoveries();
            if (driverCap != null && capEpoch == epoch) {
                return driverCap;
            }
            DevicePartsCap device;
            try {
                device = client.execute(AdminCommands.deviceCapGet(DevicePartsCap.KIND));
            } catch (AdminCommandException e) {
                String why = e.status() == AdminStatus.ENXIO
                        ? "the device has no device-parts capability (DEVICE_CAP_GET: ENXIO)" : e.getMessage();
                throw new MigrationException(MigrationException.Step.CAPABILITY, vf,
                        "device-parts capability: " + why, e);
            } catch (RuntimeException e) {
                throw new MigrationException(MigrationException.Step.CAPABILITY, vf,
                        "device-parts capability: " + e.getMessage(), e);
            }
            try {
                client.execute(AdminCommands.driverCapSet(device));
            } catch (AdminCommandException e) {
                // EBUSY: objects exist, so someone set the capability already and it cannot change now; the
                // device enforces whatever limits are in force when objects are created.
                if (e.status() != AdminStatus.EBUSY) {
                    throw new MigrationException(MigrationException.Step.CAPABILITY, vf,
                            "setting the device-parts capability: " + e.getMessage(), e);
                }
            } catch (RuntimeException e) {
                throw new MigrationException(MigrationException.Step.CAPABILITY, vf,
                        "setting the device-parts capability: " + e.getMessage(), e);
            }
            driverCap = device;
            capEpoch = epoch;
            return device;
        }
    }

    @FunctionalInterface
    private interface WithObject<T> {
        T run(long id);
    }

    /** Creates a device-parts object, runs {@code body} with its id, and destroys it on every path. */
    private <T> T withObject(VfNumber vf, DevicePartsObject.Mode mode, WithObject<T> body) {
        DevicePartsCap cap = driverCapability(vf);
        long id = create(vf, mode, cap);
        RuntimeException failure = null;
        try {
            return body.run(id);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                client.execute(AdminCommands.devPartsObjectDestroy(vf, id));
                release(id);
            } catch (RuntimeException e) {
                // The id stays marked: the object may still exist on the device.
                MigrationException d = new MigrationException(MigrationException.Step.DESTROY_OBJECT, vf,
                        "destroying device-parts object " + id + " of " + vf + ": " + e.getMessage(), e);
                if (failure != null) {
                    failure.addSuppressed(d);
                } else {
                    throw d;
                }
            }
        }
    }

    private long create(VfNumber vf, DevicePartsObject.Mode mode, DevicePartsCap cap) {
        int limit = mode == DevicePartsObject.Mode.GET ? cap.getPartsObjectsLimit() : cap.setPartsObjectsLimit();
        BitSet takenElsewhere = new BitSet();
        while (true) {
            long id;
            synchronized (lock) {
                int free = -1;
                for (int i = 0; i < limit; i++) {
                    if (!ids.get(i) && !takenElsewhere.get(i)) {
                        free = i;
                        break;
                    }
                }
                if (free < 0) {
                    throw new MigrationException(MigrationException.Step.CREATE_OBJECT, vf,
                            "no free device-parts object id for " + vf + ": the " + mode + " limit is " + limit
                                    + " and every id below it is in use", null);
                }
                ids.set(free);
                id = free;
            }
            try {
                client.execute(AdminCommands.devPartsObjectCreate(vf, id, mode));
                return id;
            } catch (AdminCommandException e) {
                release(id);
                if (e.rawStatus() == STATUS_EEXIST) {
                    takenElsewhere.set((int) id);   // another user holds this id: try the next one
                    continue;
                }
                throw new MigrationException(MigrationException.Step.CREATE_OBJECT, vf,
                        "creating a " + mode + " device-parts object for " + vf + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                release(id);
                throw new MigrationException(MigrationException.Step.CREATE_OBJECT, vf,
                        "creating a " + mode + " device-parts object for " + vf + ": " + e.getMessage(), e);
            }
        }
    }

    private void release(long id) {
        synchronized (lock) {
            ids.clear((int) id);
        }
    }

    private <R> R exec(MigrationException.Step step, VfNumber vf, String what, AdminCommand<R> cmd) {
        try {
            return client.execute(cmd);
        } catch (RuntimeException e) {
            throw new MigrationException(step, vf, what + " " + vf + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    /**
     * DEV_PARTS_METADATA_GET SIZE through a short-lived GET object: how many bytes the VF's parts take now.
     * Does not stop the VF.
     */
    public long partsSize(VfNumber vf) {
        return withObject(vf, DevicePartsObject.Mode.GET, id -> size(vf, id));
    }

    private long size(VfNumber vf, long id) {
        DevPartsMetadata m = exec(MigrationException.Step.METADATA, vf, "sizing the parts of",
                AdminCommands.devPartsSize(vf, id));
        return ((DevPartsMetadata.PartsSize) m).size();
    }

    /**
     * Stops {@code vf}, then reads all its parts. The VF stays stopped (resume it, or migrate it away).
     *
     * @throws MigrationException if the device refuses or fails a step
     */
    public DevicePartsSnapshot save(VfNumber vf, MigrationProgress progress) {
        stop(vf);
        return readParts(vf, progress);
    }

    /**
     * Reads all parts of {@code vf} without changing its mode. Parts of a running VF are a moment's view
     * (the spec allows it, for pre-copy); for a consistent state use {@link #save}.
     */
    public DevicePartsSnapshot readParts(VfNumber vf, MigrationProgress progress) {
        Objects.requireNonNull(progress, "progress");
        return withObject(vf, DevicePartsObject.Mode.GET, id -> {
            long size = size(vf, id);
            for (int attempt = 1; ; attempt++) {
                if (size > MigrationFile.MAX_PARTS_LENGTH) {
                    throw new MigrationException(MigrationException.Step.METADATA, vf, vf + " reports " + size
                            + " bytes of device parts, more than one command can carry", null);
                }
                progress.progress(MigrationProgress.Phase.DEVICE_READ, 0, size);
                List<DevicePart> parts;
                try {
                    parts = client.execute(AdminCommands.devPartsGetAll(vf, id, (int) size));
                } catch (AdminCommandException e) {
                    if (e.status() == AdminStatus.ENOMEM && attempt < GET_ATTEMPTS) {
                        size = Math.max(size(vf, id), size * 2);   // the parts grew since SIZE was answered
                        continue;
                    }
                    throw new MigrationException(MigrationException.Step.GET_PARTS, vf,
                            "reading the parts of " + vf + ": " + e.getMessage(), e);
                } catch (DevicePartsFormatException e) {
                    throw new MigrationException(MigrationException.Step.GET_PARTS, vf,
                            "reading the parts of " + vf + ": the device returned malformed parts: "
                                    + e.getMessage(), e);
                } catch (RuntimeException e) {
                    throw new MigrationException(MigrationException.Step.GET_PARTS, vf,
                            "reading the parts of " + vf + ": " + e.getMessage(), e);
                }
                long got = DevicePartsWriter.encodedLength(parts);
                progress.progress(MigrationProgress.Phase.DEVICE_READ, got, got);
                return new DevicePartsSnapshot(vf, deviceType, parts);
            }
        });
    }

    /**
     * {@link #save} into {@code file} in the {@link MigrationFile} format (written to a temporary file and
     * moved into place).
     *
     * @return the bytes written
     */
    public long saveTo(VfNumber vf, Path file, MigrationProgress progress) throws IOException {
        return MigrationFile.write(save(vf, progress), file, progress);
    }

    /** {@link #save} into {@code out} in the {@link MigrationFile} format; returns the bytes written. */
    public long saveTo(VfNumber vf, WritableByteChannel out, MigrationProgress progress) throws IOException {
        return MigrationFile.write(save(vf, progress), out, progress);
    }

    // ------------------------------------------------------------------------------------------
    // Writing

    /**
     * Stops {@code vf} and restores {@code snapshot} into it; the parts take effect on {@link #resume}.
     *
     * @throws IllegalArgumentException if the snapshot comes from another device type, or its parts break
     *                                  the spec's order
     * @throws MigrationException       if the device refuses or fails a step (nothing is applied then: a failed
     *                                  DEV_PARTS_SET has no side effects)
     */
    public void restore(VfNumber vf, DevicePartsSnapshot snapshot, MigrationProgress progress) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (!sameType(snapshot)) {
            throw new IllegalArgumentException(typeMismatch(vf, snapshot));
        }
        checkOrder(snapshot.parts());
        stop(vf);
        writeParts(vf, snapshot.parts(), progress);
    }

    /**
     * DEV_PARTS_SET of {@code parts} through a short-lived SET object; the VF must be stopped (a device answers
     * EBUSY otherwise).
     */
    public void writeParts(VfNumber vf, List<DevicePart> parts, MigrationProgress progress) {
        Objects.requireNonNull(progress, "progress");
        checkOrder(parts);
        long len = DevicePartsWriter.encodedLength(parts);
        withObject(vf, DevicePartsObject.Mode.SET, id -> {
            progress.progress(MigrationProgress.Phase.DEVICE_WRITE, 0, len);
            exec(MigrationException.Step.SET_PARTS, vf, "restoring the parts of",
                    AdminCommands.devPartsSet(vf, id, parts));
            progress.progress(MigrationProgress.Phase.DEVICE_WRITE, len, len);
            return null;
        });
    }

    /**
     * Reads a {@link MigrationFile} stream from {@code file} and {@linkplain #restore restores} it into
     * {@code vf}. The stream is checked completely (CRC, parts, device type) before the VF is touched.
     *
     * @return the snapshot restored
     * @throws MigrationFileException if the file is not a valid stream for this device type
     */
    public DevicePartsSnapshot restoreFrom(VfNumber vf, Path file, MigrationProgress progress) throws IOException {
        return restoreChecked(vf, MigrationFile.read(file, progress), progress);
    }

    /** As {@link #restoreFrom(VfNumber, Path, MigrationProgress)}, from a channel. */
    public DevicePartsSnapshot restoreFrom(VfNumber vf, ReadableByteChannel in, MigrationProgress progress)
            throws IOException {
        return restoreChecked(vf, MigrationFile.read(in, progress), progress);
    }

    private DevicePartsSnapshot restoreChecked(VfNumber vf, DevicePartsSnapshot s, MigrationProgress progress)
            throws MigrationFileException {
        if (!sameType(s)) {
            throw new MigrationFileException(MigrationFileException.Problem.DEVICE_TYPE_MISMATCH, typeMismatch(vf, s));
        }
        restore(vf, s, progress);
        return s;
    }

    private boolean sameType(DevicePartsSnapshot s) {
        return s.deviceType() == DevicePartsSnapshot.UNKNOWN_TYPE || deviceType == DevicePartsSnapshot.UNKNOWN_TYPE
                || s.deviceType() == deviceType;
    }

    private String typeMismatch(VfNumber vf, DevicePartsSnapshot s) {
        return "the parts come from a " + s.deviceTypeName() + " device (virtio id " + s.deviceType() + "), "
                + vf + " belongs to a " + new DevicePartsSnapshot(vf, deviceType, List.of()).deviceTypeName()
                + " device (virtio id " + deviceType + ")";
    }

    private static void checkOrder(List<DevicePart> parts) {
        try {
            DevicePartsWriter.checkOrder(parts);
        } catch (DevicePartsFormatException e) {
            throw new IllegalArgumentException("device parts out of the spec's order: " + e.getMessage(), e);
        }
    }
}
