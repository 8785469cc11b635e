package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.pci.takeover.Takeover;
import picocli.CommandLine.Command;

import java.util.Optional;

/**
 * {@code virtio-cli unbind BDF}: gives a function back from vfio-pci to its kernel driver, through
 * {@link Takeover#unbind}. Acts only on a function bound to vfio-pci (or to no driver, e.g. after a bind the
 * kernel did not complete): unbinding a kernel driver would take the device from the host, which is never
 * what undoing a {@code bind} means.
 */
@Command(name = "unbind", description = {"Give a function bound to vfio-pci back to its kernel driver (needs root).",
    "Writes the address to driver/unbind (when bound), a newline to driver_override (clearing it) and the address to"
        + " bus/pci/drivers_probe, so the kernel's own driver binds again. Refuses (exit 9, nothing written) a"
        + " function bound to any driver other than vfio-pci."})
final class UnbindCommand extends TakeoverCommand {

    @Override
    int run(ObjectNode result) throws Exception {
        RecordingWriter rec = new RecordingWriter(dryRun ? null : writer);
        Takeover t = new Takeover(paths(), rec);
        Optional<String> before = t.driver(bdf);            // also: no such function -> exit 3
        Json.putOptional(result, "driverBefore", before);
        if (before.isPresent() && !isVfio(before.get())) {
            err.println("virtio-cli: unbind refused: " + bdf + " is bound to " + before.get() + ", not vfio-pci;"
                    + " unbind only gives functions back from vfio-pci (nothing written)");
            result.put("result", "refused");
            result.putArray("writes");
            return ExitCodes.TAKEOVER_REFUSED;
        }
        try {
            t.unbind(bdf);
        } catch (SysfsException e) {
            throw writeFailure(e);
        }
        reportWrites(rec, result);
        if (dryRun) {
            result.put("result", "would-unbind");
            return ExitCodes.OK;
        }
        Optional<String> after = t.driver(bdf);
        Json.putOptional(result, "driverAfter", after);
        result.put("result", "unbound");
        text(bdf + " is now " + after.map(d -> "bound to " + d).orElse("bound to no driver (the kernel found none"
                + " that wants it)") + " (was " + before.orElse("unbound") + ")");
        return ExitCodes.OK;
    }
}
