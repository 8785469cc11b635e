/**
 * Kernel ABI bindings: jextract layouts and constants of jvirtio_kabi.h ({@code dev.jvirtio.ffm.gen})
 * plus hand-written, errno-capturing system calls ({@code dev.jvirtio.ffm}). The only jvirtio module
 * that performs restricted FFM operations, so the only one that needs {@code --enable-native-access}.
 */
module dev.jvirtio.ffm {
    exports dev.jvirtio.ffm;
    exports dev.jvirtio.ffm.gen;
}
