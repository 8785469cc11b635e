package dev.jvirtio.pci.sriov;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.pci.sysfs.SysfsWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SR-IOV control on a temporary sysfs tree whose writer behaves like the kernel: writing N to
 * {@code sriov_numvfs} creates VFs {@code 0000:03:00.1 ..} with {@code virtfnK}/{@code physfn} links,
 * and a change between two non-zero counts is refused with EBUSY, as the kernel does.
 */
class SriovControlTest {
    static final PciAddress PF = PciAddress.parse("0000:03:00.0");

    @TempDir
    Path tmp;
    Path sys;
    Path pfDir;
    final List<String> writes = new ArrayList<>();

    @BeforeEach
    void tree() throws IOException {
        sys = tmp.resolve("sys");
        Path devices = Files.createDirectories(sys.resolve("bus/pci/devices"));
        pfDir = Files.createDirectories(devices.resolve(PF.toString()));
        Files.writeString(pfDir.resolve("sriov_totalvfs"), "4\n");
        Files.writeString(pfDir.resolve("sriov_numvfs"), "0\n");
        bindPf("virtio-pci");
    }

    void bindPf(String driver) throws IOException {
        Path d = Files.createDirectories(sys.resolve("bus/pci/drivers").resolve(driver));
        Files.deleteIfExists(pfDir.resolve("driver"));
        Files.createSymbolicLink(pfDir.resolve("driver"), pfDir.relativize(d));
    }

    /** The kernel's side of sriov_numvfs on this tree. */
    final SysfsWriter kernel = (file, value) -> {
        writes.add(file.getFileName() + " <- " + value);
        int now = Integer.parseInt(Files.readString(file).trim());
        int want = Integer.parseInt(value.trim());
        if (now != 0 && want != 0) {
            throw new IOException("EBUSY: " + now + " VFs already enabled");
        }
        Path devices = sys.resolve("bus/pci/devices");
        for (int i = 0; i < now; i++) {
            Files.delete(pfDir.resolve("virtfn" + i));
            Path vf = devices.resolve(vf(i + 1).toString());
            Files.delete(vf.resolve("physfn"));
            Files.delete(vf);
        }
        for (int i = 0; i < want; i++) {
            Path vf = Files.createDirectories(devices.resolve(vf(i + 1).toString()));
            Files.createSymbolicLink(vf.resolve("physfn"), Path.of("../" + PF));
            Files.createSymbolicLink(pfDir.resolve("virtfn" + i), Path.of("../" + vf(i + 1)));
        }
        Files.writeString(file, want + "\n");
    };

    /** VF number n (1-based) sits at function n: first VF offset 1, stride 1. */
    static PciAddress vf(int n) {
        return new PciAddress(0, 3, 0, n);
    }

    @Test
    void enableMapsVfNumbersToAddressesAndBack() throws SysfsException {
        SriovControl s = new SriovControl(sys, kernel);
        assertEquals(4, s.totalVfs(PF));
        s.enable(PF, 3);
        assertEquals(3, s.numVfs(PF));
        assertEquals(List.of(vf(1), vf(2), vf(3)), s.vfs(PF));
        for (int n = 1; n <= 3; n++) {
            assertEquals(vf(n), s.vfAddress(PF, n), "VF " + n + " is virtfn" + (n - 1));
            assertEquals(n, s.vfNumber(vf(n)));
            assertEquals(PF, s.physicalFunction(vf(n)));
        }
    }

    @Test
    void changingANonZeroCountGoesThroughZero() throws SysfsException {
        SriovControl s = new SriovControl(sys, kernel);
        s.enable(PF, 2);
        s.enable(PF, 4);
        assertEquals(List.of("sriov_numvfs <- 2", "sriov_numvfs <- 0", "sriov_numvfs <- 4"), writes);
        s.enable(PF, 4);
        assertEquals(3, writes.size(), "same count: no write");
        s.disable(PF);
        s.disable(PF);
        assertEquals(List.of("sriov_numvfs <- 2", "sriov_numvfs <- 0", "sriov_numvfs <- 4", "sriov_numvfs <- 0"),
                writes);
        assertEquals(List.of(), s.vfs(PF));
    }

    @Test
    void badCountsAndNumbersAreRefused() throws SysfsException {
        SriovControl s = new SriovControl(sys, kernel);
        assertThrows(IllegalArgumentException.class, () -> s.enable(PF, 0));
        assertThrows(IllegalArgumentException.class, () -> s.enable(PF, 5));
        assertThrows(IllegalArgumentException.class, () -> s.vfAddress(PF, 0));
        s.enable(PF, 1);
        SysfsException e = assertThrows(SysfsException.class, () -> s.vfAddress(PF, 2));
        assertTrue(e.getMessage().contains("VF 2 of 0000:03:00.0 is not enabled (1 VFs are)"), e.getMessage());
        assertEquals(List.of("sriov_numvfs <- 1"), writes);
    }

    @Test
    void functionsThatAreNotPfOrVfAreNamed() throws IOException {
        SriovControl s = new SriovControl(sys, kernel);
        assertTrue(assertThrows(SysfsException.class, () -> s.vfNumber(PF)).getMessage()
                .contains("not a virtual function"));
        Files.createDirectories(sys.resolve("bus/pci/devices/0000:00:02.0"));
        assertTrue(assertThrows(SysfsException.class, () -> s.totalVfs(PciAddress.parse("0000:00:02.0")))
                .getMessage().contains("not an SR-IOV physical function"));
        assertThrows(SysfsException.class, () -> s.totalVfs(PciAddress.parse("0000:09:00.0")));
    }

    @Test
    void vfioPciPfNeedsEnableSriov() throws IOException {
        bindPf("vfio-pci");
        SriovControl s = new SriovControl(sys, kernel);
        SysfsException e = assertThrows(SysfsException.class, () -> s.enable(PF, 2));
        assertTrue(e.getMessage().contains("enable_sriov"), e.getMessage());
        assertEquals(List.of(), writes);

        Path param = Files.createDirectories(sys.resolve("module/vfio_pci/parameters")).resolve("enable_sriov");
        Files.writeString(param, "N\n");
        assertThrows(SysfsException.class, () -> s.enable(PF, 2));
        Files.writeString(param, "Y\n");
        s.enable(PF, 2);
        assertEquals(2, s.numVfs(PF));
    }

    @Test
    void pfWithoutDriverCannotEnableVfs() throws IOException {
        Files.delete(pfDir.resolve("driver"));
        SysfsException e = assertThrows(SysfsException.class, () -> new SriovControl(sys, kernel).enable(PF, 1));
        assertTrue(e.getMessage().contains("no driver"), e.getMessage());
    }

    @Test
    void kernelRefusalIsReportedWithTheFile() {
        SriovControl s = new SriovControl(sys, (f, v) -> {
            throw new IOException("EINVAL");
        });
        SysfsException e = assertThrows(SysfsException.class, () -> s.enable(PF, 1));
        assertEquals(pfDir.resolve("sriov_numvfs"), e.file());
        assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
    }

    @Test
    void directWriterReplacesContentAndNeverCreatesFiles() throws IOException {
        Path f = Files.writeString(tmp.resolve("attr"), "12345\n");
        SysfsWriter.direct().write(f, "7");
        assertEquals("7", Files.readString(f));
        assertThrows(IOException.class, () -> SysfsWriter.direct().write(tmp.resolve("typo"), "1"));
        assertTrue(!Files.exists(tmp.resolve("typo")));
    }
}
