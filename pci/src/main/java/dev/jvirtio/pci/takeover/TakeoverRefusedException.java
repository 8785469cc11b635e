package dev.jvirtio.pci.takeover;

import dev.jvirtio.pci.PciAddress;

import java.io.IOException;
import java.util.List;

/**
 * {@link Takeover#bind} refused because taking the function would cost the host something it is using:
 * {@link #hazards()} says what. Passing {@code force = true} overrides the refusal.
 */
public class TakeoverRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient PciAddress address;
    private final transient List<TakeoverHazard> hazards;

    /** Creates the refusal for {@code address} with the hazards found (at least one). */
    public TakeoverRefusedException(PciAddress address, List<TakeoverHazard> hazards) {
        super(address + ": refusing to take the function from its kernel driver: " + describe(hazards)
                + ". Pass force=true only if losing that is acceptable.");
        this.address = address;
        this.hazards = List.copyOf(hazards);
    }

    private static String describe(List<TakeoverHazard> hazards) {
        StringBuilder sb = new StringBuilder();
        for (TakeoverHazard h : hazards) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(h.detail());
        }
        return sb.toString();
    }

    /** The function. */
    public PciAddress address() {
        return address;
    }

    /** What would be lost. */
    public List<TakeoverHazard> hazards() {
        return hazards;
    }
}
