package dev.jvirtio.pci.config;

/**
 * A capability this parser names but does not decode further (AGP, VPD, PCI-X, ...).
 *
 * @param offset config offset
 * @param capId  capability ID
 * @param next   next pointer as read
 */
public record GenericCapability(int offset, int capId, int next) implements PciCapability {
}
