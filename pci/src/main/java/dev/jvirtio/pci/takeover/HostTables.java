package dev.jvirtio.pci.takeover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parsers for the /proc tables the takeover checks read: mounts, swaps and the routing tables. */
final class HostTables {
    private HostTables() {
    }

    /**
     * One mounted file system.
     *
     * @param source     the mount source as written ({@code /dev/vda1}, {@code /dev/root}, {@code /dev/mapper/x})
     * @param mountPoint where it is mounted
     * @param device     {@code major:minor} of the mounted device, or null (only mountinfo carries it)
     */
    record Mount(String source, String mountPoint, String device) {
    }

    /**
     * Reads {@code /proc/self/mountinfo} (preferred: it gives the device number, so even a root file system
     * shown as {@code /dev/root} is recognised) or {@code /proc/self/mounts}; the format is detected per line.
     */
    static List<Mount> mounts(Path file) throws IOException {
        List<Mount> out = new ArrayList<>();
        for (String line : lines(file, true)) {
            String[] f = line.trim().split("\\s+");
            int dash = indexOf(f, "-");
            if (dash >= 6 && f.length >= dash + 3 && f[2].matches("\\d+:\\d+")) {
                // mountinfo: id parent major:minor root mountpoint options [optional...] - fstype source superopts
                out.add(new Mount(unescape(f[dash + 2]), unescape(f[4]), f[2]));
            } else if (f.length >= 2) {
                // mounts: source mountpoint fstype options dump pass
                out.add(new Mount(unescape(f[0]), unescape(f[1]), null));
            }
        }
        return out;
    }

    /** Device paths of active swap areas from {@code /proc/swaps} (header line skipped). */
    static List<String> swaps(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = lines(file, false);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length >= 2 && !f[0].isEmpty()) {
                out.add(unescape(f[0]));
            }
        }
        return out;
    }

    /**
     * Interfaces with a usable IPv4 default route, from {@code /proc/net/route}: destination and mask 0,
     * flag RTF_UP (0x1) set.
     */
    static List<String> ipv4DefaultRouteInterfaces(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = lines(file, true);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                long dest = Long.parseLong(f[1], 16);
                int flags = Integer.parseInt(f[3], 16);
                long mask = Long.parseLong(f[7], 16);
                if (dest == 0 && mask == 0 && (flags & 0x1) != 0 && !out.contains(f[0])) {
                    out.add(f[0]);
                }
            } catch (NumberFormatException e) {
                // not a route line
            }
        }
        return out;
    }

    /**
     * Interfaces with a usable IPv6 default route, from {@code /proc/net/ipv6_route}: destination ::/0,
     * RTF_UP (0x1) set and RTF_REJECT (0x200) clear (the kernel lists unreachable defaults on {@code lo}).
     */
    static List<String> ipv6DefaultRouteInterfaces(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : lines(file, false)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10) {
                continue;
            }
            try {
                boolean defaultDest = f[0].chars().allMatch(c -> c == '0') && Integer.parseInt(f[1], 16) == 0;
                long flags = Long.parseLong(f[8], 16);
                if (defaultDest && (flags & 0x1) != 0 && (flags & 0x200) == 0 && !out.contains(f[9])) {
                    out.add(f[9]);
                }
            } catch (NumberFormatException e) {
                // not a route line
            }
        }
        return out;
    }

    private static int indexOf(String[] f, String s) {
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    /** Undoes the kernel's octal escaping of space, tab, newline and backslash in these tables. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }

    /**
     * All lines of a table. A missing optional table (no IPv6, no swap support) is empty; a missing required
     * one (mounts, IPv4 routes) is an error, because treating it as empty would switch a safety check off.
     */
    private static List<String> lines(Path file, boolean required) throws IOException {
        try {
            return List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
        } catch (NoSuchFileException e) {
            if (required) {
                throw e;
            }
            return List.of();
        }
    }
}
