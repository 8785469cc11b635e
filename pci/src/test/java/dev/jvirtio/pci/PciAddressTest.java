package dev.jvirtio.pci;

import dev.jvirtio.pci.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PciAddressTest {

    @Test
    void parsesFullForm() {
        PciAddress a = PciAddress.parse("0000:00:02.0");
        assertEquals(new PciAddress(0, 0, 2, 0), a);
        assertEquals("0000:00:02.0", a.toString());
    }

    @Test
    void parsesShortFormAsDomainZero() {
        PciAddress a = PciAddress.parse("3b:1f.7");
        assertEquals(new PciAddress(0, 0x3b, 0x1f, 7), a);
        assertEquals("0000:3b:1f.7", a.toString());
    }

    @Test
    void parsesUpperCaseAndWideDomains() {
        assertEquals(new PciAddress(0xabcd, 0xef, 0x1a, 3), PciAddress.parse("ABCD:EF:1A.3"));
        PciAddress vmd = PciAddress.parse("10000:e1:00.0");
        assertEquals(0x10000, vmd.domain());
        assertEquals("10000:e1:00.0", vmd.toString());
        assertEquals(1, PciAddress.parse("1:00:00.0").domain());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0000:00:02.8   | function 8 out of range 0-7",
        "0000:00:20.0   | device 0x20 out of range 0x00-0x1f",
        "0000:00:2.0    | device must have exactly 2 hex digits, got '2'",
        "0000:000:02.0  | bus must have exactly 2 hex digits, got '000'",
        "0000:0g:02.0   | bus '0g' is not hexadecimal",
        "0000:00:02     | missing '.' before the function number",
        "0000:00:02.a   | function must be one digit 0-7, got 'a'",
        "0000:00:02.10  | function must be one digit 0-7, got '10'",
        "00:00:00:02.0  | expected DDDD:BB:DD.F or BB:DD.F",
        "02.0           | expected DDDD:BB:DD.F or BB:DD.F",
        ":00:02.0       | domain must have 1 to 8 hex digits, got ''",
        "123456789:00:02.0 | domain must have 1 to 8 hex digits, got '123456789'",
        "80000000:00:02.0  | domain 0x80000000 exceeds 0x7fffffff",
        "x000:00:02.0   | domain 'x000' is not hexadecimal",
    })
    void rejectsWithPreciseMessage(String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PciAddress.parse(text));
        assertEquals("invalid PCI address '" + text + "': " + why, e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertEquals("PCI address is null",
                assertThrows(IllegalArgumentException.class, () -> PciAddress.parse(null)).getMessage());
    }

    @Test
    void constructorValidatesEachField() {
        assertEquals("PCI function 8 out of range 0-7",
                assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 0, 0, 8)).getMessage());
        assertEquals("PCI device 32 out of range 0-31 (0x00-0x1f)",
                assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 0, 32, 0)).getMessage());
        assertEquals("PCI bus 256 out of range 0-255 (0x00-0xff)",
                assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 256, 0, 0)).getMessage());
        assertEquals("PCI domain -1 is negative",
                assertThrows(IllegalArgumentException.class, () -> new PciAddress(-1, 0, 0, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, -1, 0, 0));
    }

    @Test
    void sortsLikeLspci() {
        List<PciAddress> list = new ArrayList<>(List.of(
                PciAddress.parse("0001:00:00.0"), PciAddress.parse("0000:01:00.0"),
                PciAddress.parse("0000:00:02.1"), PciAddress.parse("0000:00:02.0"), PciAddress.parse("0000:00:1f.0")));
        Collections.sort(list);
        assertEquals(List.of("0000:00:02.0", "0000:00:02.1", "0000:00:1f.0", "0000:01:00.0", "0001:00:00.0"),
                list.stream().map(PciAddress::toString).toList());
    }

    @Test
    void randomAddressesRoundTrip() {
        long seed = Seeds.seed("PciAddressTest.randomAddressesRoundTrip");
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            PciAddress a = new PciAddress(r.nextInt(0, Integer.MAX_VALUE), r.nextInt(256), r.nextInt(32), r.nextInt(8));
            String s = a.toString();
            assertEquals(a, PciAddress.parse(s), "seed " + seed + ": " + s);
            assertEquals(a, PciAddress.parse(s.toUpperCase()), "seed " + seed + ": " + s);
            if (a.domain() == 0) {
                assertEquals(a, PciAddress.parse(s.substring(5)), "seed " + seed + ": " + s);
            }
            assertTrue(s.matches("[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]"), s);
        }
    }
}
