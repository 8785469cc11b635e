/**
 * Device side of split and packed virtqueues, for software device models, tests and benchmarks: pops
 * available chains through {@link dev.jvirtio.dma.DeviceMemory}, pushes used buffers, honours notification
 * suppression in both directions, and treats the driver as untrusted
 * ({@link dev.jvirtio.virtq.device.DriverFaultException}).
 */
package dev.jvirtio.virtq.device;
