/**
 * The {@code virtio-cli} tool: lists virtio PCI functions and decodes their configuration space.
 * picocli fills the command objects reflectively, so the command package is opened to it; JSON is built with
 * Jackson's tree model, which needs no reflective access.
 */
module dev.jvirtio.cli {
    requires dev.jvirtio.pci;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;

    opens dev.jvirtio.cli to info.picocli;
}
