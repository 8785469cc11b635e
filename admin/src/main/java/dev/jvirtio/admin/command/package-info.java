/** One immutable record per standard admin command (virtio 1.3 and 1.4), with its data and result layout. */
package dev.jvirtio.admin.command;
