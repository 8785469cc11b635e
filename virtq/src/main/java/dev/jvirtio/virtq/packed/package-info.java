/** Packed virtqueues (virtio 1.3 section 2.8): layout constants and the driver side. */
package dev.jvirtio.virtq.packed;
