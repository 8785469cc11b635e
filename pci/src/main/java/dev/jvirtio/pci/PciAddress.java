package dev.jvirtio.pci;

/**
 * A PCI function address (domain, bus, device, function), the "BDF" that names a function in sysfs.
 *
 * <p>Parses both the full Linux form {@code 0000:00:02.0} and the short form {@code 00:02.0} (domain 0),
 * and always formats with the domain, exactly as the kernel names {@code /sys/bus/pci/devices/} entries:
 * <pre>{@code
 * PciAddress a = PciAddress.parse("00:02.0");
 * a.toString();   // "0000:00:02.0"
 * a.function();   // 0
 * }</pre>
 * Domains wider than 16 bits exist (for example Intel VMD uses 0x10000 and up), so the domain accepts up to
 * eight hex digits; Linux stores it in an {@code int}, and so do we.
 *
 * @param domain   PCI segment group, 0 to 0x7fffffff
 * @param bus      bus number, 0 to 0xff
 * @param device   device (slot) number, 0 to 0x1f
 * @param function function number, 0 to 7
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    /** Largest device (slot) number: the field is 5 bits wide. */
    public static final int MAX_DEVICE = 0x1f;
    /** Largest function number: the field is 3 bits wide (ARI is not modelled here). */
    public static final int MAX_FUNCTION = 7;
    /** Largest bus number: the field is 8 bits wide. */
    public static final int MAX_BUS = 0xff;

    /** Validates every field; each message names the field, its value and the allowed range. */
    public PciAddress {
        if (domain < 0) {
            throw new IllegalArgumentException("PCI domain " + domain + " is negative");
        }
        if (bus < 0 || bus > MAX_BUS) {
            throw new IllegalArgumentException("PCI bus " + bus + " out of range 0-255 (0x00-0xff)");
        }
        if (device < 0 || device > MAX_DEVICE) {
            throw new IllegalArgumentException("PCI device " + device + " out of range 0-31 (0x00-0x1f)");
        }
        if (function < 0 || function > MAX_FUNCTION) {
            throw new IllegalArgumentException("PCI function " + function + " out of range 0-7");
        }
    }

    /**
     * Parses {@code DDDD:BB:DD.F} (domain of 1 to 8 hex digits) or {@code BB:DD.F} (domain 0).
     * Bus and device take exactly two hex digits, the function one decimal digit 0-7; case is ignored.
     *
     * @throws IllegalArgumentException naming the text and the part that is wrong
     */
    public static PciAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("PCI address is null");
        }
        int dot = text.lastIndexOf('.');
        if (dot < 0) {
            throw bad(text, "missing '.' before the function number");
        }
        String fn = text.substring(dot + 1);
        String head = text.substring(0, dot);
        String[] parts = head.split(":", -1);
        String domainText;
        String busText;
        String deviceText;
        if (parts.length == 2) {
            domainText = null;
            busText = parts[0];
            deviceText = parts[1];
        } else if (parts.length == 3) {
            domainText = parts[0];
            busText = parts[1];
            deviceText = parts[2];
        } else {
            throw bad(text, "expected DDDD:BB:DD.F or BB:DD.F");
        }
        int domain = 0;
        if (domainText != null) {
            if (domainText.isEmpty() || domainText.length() > 8) {
                throw bad(text, "domain must have 1 to 8 hex digits, got '" + domainText + "'");
            }
            long d = hex(text, "domain", domainText);
            if (d > Integer.MAX_VALUE) {
                throw bad(text, "domain 0x" + domainText + " exceeds 0x7fffffff");
            }
            domain = (int) d;
        }
        if (busText.length() != 2) {
            throw bad(text, "bus must have exactly 2 hex digits, got '" + busText + "'");
        }
        int bus = (int) hex(text, "bus", busText);
        if (deviceText.length() != 2) {
            throw bad(text, "device must have exactly 2 hex digits, got '" + deviceText + "'");
        }
        int device = (int) hex(text, "device", deviceText);
        if (device > MAX_DEVICE) {
            throw bad(text, "device 0x" + deviceText + " out of range 0x00-0x1f");
        }
        if (fn.length() != 1 || fn.charAt(0) < '0' || fn.charAt(0) > '9') {
            throw bad(text, "function must be one digit 0-7, got '" + fn + "'");
        }
        int function = fn.charAt(0) - '0';
        if (function > MAX_FUNCTION) {
            throw bad(text, "function " + function + " out of range 0-7");
        }
        return new PciAddress(domain, bus, device, function);
    }

    private static long hex(String text, String field, String digits) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), 16);
            if (d < 0) {
                throw bad(text, field + " '" + digits + "' is not hexadecimal");
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("invalid PCI address '" + text + "': " + why);
    }

    /** The kernel's spelling: {@code %04x:%02x:%02x.%d}, e.g. {@code 0000:00:02.0}. */
    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%d", domain, bus, device, function);
    }

    /** Orders by domain, bus, device, function: the order {@code lspci} lists functions in. */
    @Override
    public int compareTo(PciAddress o) {
        int c = Integer.compare(domain, o.domain);
        if (c == 0) c = Integer.compare(bus, o.bus);
        if (c == 0) c = Integer.compare(device, o.device);
        if (c == 0) c = Integer.compare(function, o.function);
        return c;
    }
}
