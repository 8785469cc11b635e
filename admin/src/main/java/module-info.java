/**
 * The virtio admin command layer: typed group administration commands, their wire codec, device parts and
 * capabilities. It knows nothing about rings; the admin-queue engine builds on it.
 */
module dev.jvirtio.admin {
    requires transitive dev.jvirtio.pci;
    requires transitive dev.jvirtio.virtq;
    requires jdk.jfr;

    exports dev.jvirtio.admin;
    exports dev.jvirtio.admin.command;
    exports dev.jvirtio.admin.cap;
    exports dev.jvirtio.admin.resource;
    exports dev.jvirtio.admin.net;
    exports dev.jvirtio.admin.parts;
    exports dev.jvirtio.transport;
    exports dev.jvirtio.admin.engine;
    exports dev.jvirtio.admin.migration;
    opens dev.jvirtio.admin.engine to jdk.jfr;
}
