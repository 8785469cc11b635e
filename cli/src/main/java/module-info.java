/**
 * The {@code virtio-cli} tool: lists virtio PCI functions, decodes their configuration space, and drives a PF's
 * admin virtqueue (discovery, capabilities, legacy access, resource objects, device parts, migration, demo).
 * picocli fills the command objects reflectively, so the command package is opened to it; JSON is built with
 * Jackson's tree model, which needs no reflective access.
 */
module dev.jvirtio.cli {
    requires dev.jvirtio.pci;
    requires dev.jvirtio.admin;
    requires dev.jvirtio.devicemodel;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;

    opens dev.jvirtio.cli to info.picocli;
}
