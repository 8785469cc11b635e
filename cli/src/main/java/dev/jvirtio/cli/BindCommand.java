package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.pci.takeover.Takeover;
import dev.jvirtio.pci.takeover.TakeoverHazard;
import dev.jvirtio.pci.takeover.TakeoverRefusedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code virtio-cli bind BDF}: hands a function to vfio-pci so {@code --device} can drive it, through
 * {@link Takeover}. Refuses, unless {@code --force}, a function the host uses (mounted file system or swap on
 * its disk, default route on its interface, IOMMU group shared with functions in use) and, as the project's
 * rule for the CLI, any function a kernel driver holds: taking a device from its driver needs an explicit
 * {@code --force} even when no hazard is found.
 */
@Command(name = "bind", description = {"Bind a PCI function to vfio-pci (needs root) so that --device can drive it.",
    "Refuses, and writes nothing (exit 9), when the host uses the function: a block device of it (or a"
        + " partition, or a device-mapper/md device on it) is mounted or used as swap; a network interface of it"
        + " (or a bridge/bond/VLAN on it) carries the IPv4 or IPv6 default route; its IOMMU group holds another"
        + " function bound to a kernel driver. It also refuses any function bound to a kernel driver at all:"
        + " taking a device away from its driver needs --force even when no hazard is found. One stderr line"
        + " names each reason. --force overrides all of these; only use it when losing that is acceptable.",
    "Writes vfio-pci to driver_override, the function's address to driver/unbind (when bound) and to"
        + " bus/pci/drivers_probe, then checks that vfio-pci took it. 'virtio-cli unbind BDF' undoes it."})
final class BindCommand extends TakeoverCommand {

    @Option(names = "--force", description = "Bind even when the checks find a reason not to (each is still"
            + " printed as a warning). The host loses what they name.")
    boolean force;

    @Option(names = "--proc-root", paramLabel = "DIR", defaultValue = "/proc",
            description = "Where the mount, swap and route tables are read: DIR/self/mountinfo, DIR/swaps,"
                    + " DIR/net/route, DIR/net/ipv6_route (default: ${DEFAULT-VALUE}).")
    Path procRoot;

    /** The refusal reason for a function a kernel driver holds; the other names come from {@link TakeoverHazard.Kind}. */
    static final String KERNEL_DRIVER = "kernel-driver";

    /** One reason not to take the function, with its name as printed ({@code mounted-filesystem}, ...). */
    record Reason(String name, String detail) {
    }

    @Override
    Path procRoot() {
        return procRoot;
    }

    /** The printed name of a hazard kind: {@code MOUNTED_FILESYSTEM} is {@code mounted-filesystem}. */
    static String name(TakeoverHazard.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    int run(ObjectNode result) throws Exception {
        result.put("force", force);
        Takeover reader = new Takeover(paths(), (file, value) -> {
            throw new IllegalStateException("the checks never write: " + file);
        });
        Optional<String> before = reader.driver(bdf);       // also: no such function -> exit 3
        Json.putOptional(result, "driverBefore", before);
        if (before.isPresent() && isVfio(before.get())) {
            result.put("result", "already-bound");
            result.put("driverAfter", before.get());
            result.putArray("reasons");
            result.putArray("writes");
            text(bdf + " is already bound to " + before.get() + ": nothing to do");
            return ExitCodes.OK;
        }
        List<Reason> reasons = reasons(reader, before);
        ArrayNode arr = result.putArray("reasons");
        for (Reason r : reasons) {
            arr.addObject().put("name", r.name()).put("detail", r.detail());
        }
        if (!reasons.isEmpty() && !force) {
            return refuse(reasons, result);
        }
        for (Reason r : reasons) {
            err.println("virtio-cli: warning: --force overrides " + r.name() + ": " + r.detail());
        }

        RecordingWriter rec = new RecordingWriter(dryRun ? null : writer);
        Takeover t = new Takeover(paths(), rec);
        try {
            // Without --force the reasons are empty here, and Takeover checks the hazards once more itself.
            t.bind(bdf, force);
        } catch (TakeoverRefusedException e) {
            // A hazard appeared after the check above (Takeover checks again when not forced).
            List<Reason> late = new ArrayList<>();
            for (TakeoverHazard h : e.hazards()) {
                late.add(new Reason(name(h.kind()), h.detail()));
            }
            return refuse(late, result);
        } catch (SysfsException e) {
            // A dry run writes nothing, so the kernel never binds vfio-pci and Takeover's check after the probe
            // must fail; that, and only that, is expected.
            if (!(dryRun && rec.probed())) {
                throw writeFailure(e);
            }
        } catch (IOException e) {
            throw cannotCheck(e);
        }
        reportWrites(rec, result);
        if (dryRun) {
            result.put("result", "would-bind");
            return ExitCodes.OK;
        }
        Optional<String> after = t.driver(bdf);
        Json.putOptional(result, "driverAfter", after);
        result.put("result", "bound");
        text(bdf + " is now bound to " + after.orElse("no driver") + " (was " + before.orElse("unbound")
                + "); 'virtio-cli unbind " + bdf + "' gives it back");
        return ExitCodes.OK;
    }

    /** Prints one line per reason and the verdict; the JSON result says {@code refused}. Exit 9. */
    private int refuse(List<Reason> reasons, ObjectNode result) {
        for (Reason r : reasons) {
            err.println("virtio-cli: bind refused: " + r.name() + ": " + r.detail());
        }
        err.println("virtio-cli: " + bdf + " was left as it is (nothing written); --force overrides these checks,"
                + " at the cost they name");
        ArrayNode arr = result.putArray("reasons");
        for (Reason r : reasons) {
            arr.addObject().put("name", r.name()).put("detail", r.detail());
        }
        result.put("result", "refused");
        result.putArray("writes");
        return ExitCodes.TAKEOVER_REFUSED;
    }

    /** Every reason not to take the function: {@link Takeover#hazards} plus a kernel driver holding it. */
    private List<Reason> reasons(Takeover reader, Optional<String> driver) throws Exception {
        List<TakeoverHazard> hazards;
        try {
            hazards = reader.hazards(bdf);
        } catch (SysfsException e) {
            throw e;
        } catch (IOException e) {
            throw cannotCheck(e);
        }
        List<Reason> out = new ArrayList<>();
        for (TakeoverHazard h : hazards) {
            out.add(new Reason(name(h.kind()), h.detail()));
        }
        if (driver.isPresent()) {
            out.add(new Reason(KERNEL_DRIVER, bdf + " is bound to the kernel driver " + driver.get()
                    + "; the CLI takes a function away from a kernel driver only with --force"));
        }
        return out;
    }

    /** A host table the checks need is missing or unreadable: never treated as "nothing in use". */
    private DataException cannotCheck(IOException e) {
        String what = e instanceof java.nio.file.NoSuchFileException ? e.getMessage() + " does not exist"
                : e.toString();
        return new DataException("cannot check whether the host uses " + bdf + ": " + what
                + " (a missing table is never taken as 'nothing in use')", e);
    }
}
