/** Kernel ABI bindings: jextract output plus hand-written syscalls. The only module that needs native access. */
module dev.jvirtio.ffm {
}
