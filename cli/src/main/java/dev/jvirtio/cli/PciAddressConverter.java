package dev.jvirtio.cli;

import dev.jvirtio.pci.PciAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns a BDF argument into a {@link PciAddress}; a malformed one becomes a usage error with the reason. */
final class PciAddressConverter implements ITypeConverter<PciAddress> {
    @Override
    public PciAddress convert(String value) {
        try {
            return PciAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
