package dev.jvirtio.pci.config;

/**
 * An extended capability this parser names but does not decode further.
 *
 * @param offset  config offset
 * @param capId   extended capability ID
 * @param version capability version
 * @param next    next offset (low bits masked)
 */
public record GenericExtendedCapability(int offset, int capId, int version, int next) implements ExtendedCapability {
}
