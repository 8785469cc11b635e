/**
 * The virtio group administration command layer: the {@link dev.jvirtio.admin.AdminCommand} SPI, the
 * {@link dev.jvirtio.admin.AdminCodec} that frames commands into {@code struct virtio_admin_cmd}, status
 * handling and group/member addressing. Typed commands live in {@code dev.jvirtio.admin.command}; the
 * {@link dev.jvirtio.admin.AdminCommands} facade creates them.
 */
package dev.jvirtio.admin;
