package dev.jvirtio.pci.config;

/**
 * An extended capability whose structure could not be decoded; the problem is also in
 * {@link ConfigSpace#problems()}.
 *
 * @param offset  config offset
 * @param capId   extended capability ID
 * @param version capability version
 * @param next    next offset (low bits masked)
 * @param problem what is wrong with it
 */
public record MalformedExtendedCapability(int offset, int capId, int version, int next, ConfigProblem problem)
        implements ExtendedCapability {
}
