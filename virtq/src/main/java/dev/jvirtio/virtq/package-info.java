/**
 * Ring-agnostic virtqueue API: {@link dev.jvirtio.virtq.Virtqueue} (driver side, implemented by
 * {@link dev.jvirtio.virtq.split.SplitVirtqueue} and {@link dev.jvirtio.virtq.packed.PackedVirtqueue}),
 * the reusable {@link dev.jvirtio.virtq.ChainBuilder}, the {@link dev.jvirtio.virtq.Doorbell} SPI,
 * {@link dev.jvirtio.virtq.PollPolicy} and the protocol errors.
 *
 * <h2>Memory ordering</h2>
 * Ring memory is shared with a device; ordering is expressed with VarHandle access modes on the segments
 * and explicit fences, each commented at its use with the spec section and the Linux function it mirrors:
 * <ul>
 *   <li>publish (driver): descriptors and ring slots with plain stores, then a <em>release</em> store of the
 *       avail idx (split) or of the first head's flags (packed): one per batch;</li>
 *   <li>notify decision: {@link java.lang.invoke.VarHandle#fullFence()} between that publishing store and the
 *       read of used flags / avail_event / the device event structure (store-load ordering);</li>
 *   <li>consume: an <em>acquire</em> load of used idx (split) or of the used descriptor's flags (packed)
 *       before reading the used entries; the device side mirrors all of this for the avail side.</li>
 * </ul>
 * These are Java memory model (SMP) fences. That is sufficient on x86-64, whose TSO ordering also covers
 * coherent DMA, and for emulated devices in the same or another process. On weakly ordered CPUs with
 * real hardware, and when VIRTIO_F_ORDER_PLATFORM is negotiated, the spec asks for platform (DMA) barriers
 * like Linux's {@code dma_wmb}/{@code dma_rmb}; whether Java's fences are strong enough there is an open
 * question this module does not answer yet.
 *
 * <h2>Threading</h2>
 * One owner thread per queue (driver side and device side separately), no locks; the driver side asserts
 * ownership when assertions are enabled. Nothing on the add / publish / poll / pop / push path allocates.
 */
package dev.jvirtio.virtq;
