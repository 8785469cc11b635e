package dev.jvirtio.pci.config;

/** Builds config-space byte arrays by hand for parser tests (little-endian, as devices present them). */
final class ConfigBuilder {
    final byte[] b;

    /** A virtio block function (1af4:1042) with the capability-list status bit and pointer 0x40. */
    static ConfigBuilder virtio(int size) {
        return new ConfigBuilder(size).u16(0x00, 0x1af4).u16(0x02, 0x1042).u16(0x06, 0x0010).u8(0x34, 0x40)
                .u16(0x2c, 0x1af4).u16(0x2e, 0x1100);
    }

    ConfigBuilder(int size) {
        b = new byte[size];
    }

    ConfigBuilder u8(int off, int v) {
        b[off] = (byte) v;
        return this;
    }

    ConfigBuilder u16(int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        return this;
    }

    ConfigBuilder u32(int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** A struct virtio_pci_cap at {@code at}. */
    ConfigBuilder virtioCap(int at, int next, int capLen, int cfgType, int bar, int id, long offset, long length) {
        return u8(at, 0x09).u8(at + 1, next).u8(at + 2, capLen).u8(at + 3, cfgType).u8(at + 4, bar).u8(at + 5, id)
                .u32(at + 8, offset).u32(at + 12, length);
    }

    /** A generic capability header. */
    ConfigBuilder cap(int at, int id, int next) {
        return u8(at, id).u8(at + 1, next);
    }

    /** An extended capability header. */
    ConfigBuilder ext(int at, int id, int version, int next) {
        return u32(at, (id & 0xffffL) | (long) (version & 0xf) << 16 | (long) (next & 0xfff) << 20);
    }

    byte[] bytes() {
        return b.clone();
    }

    ConfigSpace parse() throws ConfigSpaceException {
        return ConfigSpace.parse(b);
    }
}
