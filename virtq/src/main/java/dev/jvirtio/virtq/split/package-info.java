/** Split virtqueues (virtio 1.3 section 2.7): layout constants and the driver side. */
package dev.jvirtio.virtq.split;
