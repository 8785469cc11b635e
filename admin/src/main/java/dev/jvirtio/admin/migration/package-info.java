/**
 * Moving a VF's device state between devices with the virtio 1.4 device-parts commands: stop a VF, read its
 * parts through a GET resource object, write them to a self-describing, CRC-protected file or channel, and
 * restore them into a stopped VF through a SET object, then resume it.
 *
 * <pre>{@code
 * VfMigrator src = VfMigrator.of(sourceClient);
 * src.saveTo(VfNumber.of(1), Path.of("vf1.parts"), MigrationProgress.NONE);   // stops VF 1 first
 *
 * VfMigrator dst = VfMigrator.of(destinationClient);
 * dst.restoreFrom(VfNumber.of(2), Path.of("vf1.parts"), MigrationProgress.NONE); // stops VF 2, sets parts
 * dst.resume(VfNumber.of(2));                                                    // parts take effect here
 * }</pre>
 *
 * <p>The entry point is {@link dev.jvirtio.admin.migration.VfMigrator}; the file format is
 * {@link dev.jvirtio.admin.migration.MigrationFile}; failures are a
 * {@link dev.jvirtio.admin.migration.MigrationException} (the device refused or failed a step) or a
 * {@link dev.jvirtio.admin.migration.MigrationFileException} (the stream is corrupt, truncated or of another
 * version).
 */
package dev.jvirtio.admin.migration;
