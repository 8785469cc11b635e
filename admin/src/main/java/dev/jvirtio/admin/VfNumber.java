package dev.jvirtio.admin;

/**
 * An SR-IOV VF number: the 1-based member id of the SR-IOV group.
 *
 * <p>Linux names VFs in sysfs by a 0-based index ({@code /sys/bus/pci/devices/<pf>/virtfn0} is the first VF), so
 * {@code virtfnN} is VF number {@code N + 1}. Mixing the two up addresses the wrong VF, so this type refuses 0
 * and negative numbers outright and converts explicitly:
 * <pre>{@code
 * VfNumber vf = VfNumber.fromVirtfnIndex(2);   // virtfn2
 * vf.value();        // 3, the group_member_id on the wire
 * vf.virtfnName();   // "virtfn2"
 * }</pre>
 *
 * @param value the VF number, 1..65535 (NumVFs is a 16-bit register)
 */
public record VfNumber(int value) implements Comparable<VfNumber> {
    /** Largest possible VF number: TotalVFs/NumVFs are 16-bit. */
    public static final int MAX = 0xffff;

    /** Validates the number. */
    public VfNumber {
        if (value < 1) {
            throw new IllegalArgumentException("VF numbers are 1-based (sysfs virtfn0 is VF 1), got " + value);
        }
        if (value > MAX) {
            throw new IllegalArgumentException("VF number " + value + " exceeds the SR-IOV maximum of " + MAX);
        }
    }

    /** Same as the constructor. */
    public static VfNumber of(int value) {
        return new VfNumber(value);
    }

    /** The VF behind sysfs link {@code virtfn<index>} (0-based). */
    public static VfNumber fromVirtfnIndex(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("virtfn index must be >= 0, got " + index);
        }
        if (index >= MAX) {
            throw new IllegalArgumentException("virtfn index " + index + " exceeds the SR-IOV maximum of " + (MAX - 1));
        }
        return new VfNumber(index + 1);
    }

    /** Parses a sysfs link name such as {@code virtfn7}. */
    public static VfNumber fromVirtfnName(String name) {
        if (name == null || !name.startsWith("virtfn") || name.length() == 6) {
            throw new IllegalArgumentException("not a sysfs virtfn link name: " + name);
        }
        String digits = name.substring(6);
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new IllegalArgumentException("not a sysfs virtfn link name: " + name);
            }
        }
        if (digits.length() > 6) {
            throw new IllegalArgumentException("virtfn index out of range in " + name);
        }
        return fromVirtfnIndex(Integer.parseInt(digits));
    }

    /** The wire group_member_id for this VF. */
    public long memberId() {
        return value;
    }

    /** The 0-based index of the sysfs {@code virtfnN} link (and of Linux {@code pci_iov_vf_id()}). */
    public int virtfnIndex() {
        return value - 1;
    }

    /** The sysfs link name, {@code virtfn<index>}. */
    public String virtfnName() {
        return "virtfn" + virtfnIndex();
    }

    @Override
    public int compareTo(VfNumber o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public String toString() {
        return "VF " + value;
    }
}
