package dev.jvirtio.pci.config;

/**
 * A capability whose structure could not be decoded (too short, or running off the end of config space).
 * It keeps its place in the list; the same {@link ConfigProblem} is also in {@link ConfigSpace#problems()}.
 *
 * @param offset  config offset
 * @param capId   capability ID
 * @param next    next pointer as read
 * @param problem what is wrong with it
 */
public record MalformedCapability(int offset, int capId, int next, ConfigProblem problem) implements PciCapability {
}
