/**
 * jvirtio-internal DMA plumbing, not exported from {@code dev.jvirtio.virtq}: the process-wide DMA address
 * space ({@link dev.jvirtio.dma.internal.DmaSpace}) that every allocator places its memory in, and that the
 * ring engines address through one constant segment. Nothing here is API; it may change without notice.
 */
package dev.jvirtio.dma.internal;
