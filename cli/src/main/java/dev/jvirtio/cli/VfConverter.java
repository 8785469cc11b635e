package dev.jvirtio.cli;

import dev.jvirtio.admin.VfNumber;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns a {@code --vf} argument into a {@link VfNumber}: 1-based, as the spec numbers SR-IOV members. Whether
 * the VF exists (at most NumVFs) is checked once the target is open.
 */
final class VfConverter implements ITypeConverter<VfNumber> {
    @Override
    public VfNumber convert(String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a VF number (1, 2, ...)");
        }
        if (n == 0) {
            throw new TypeConversionException("VF numbers start at 1 (VF 0 does not exist; sysfs virtfn0 is VF 1)");
        }
        try {
            return VfNumber.of(n);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
