package dev.jvirtio.virtq;

/**
 * The event-index notification test shared by both ring formats and both sides (virtio 1.3 sections
 * 2.7.7/2.7.10 and Linux {@code vring_need_event}): after moving an index from {@code oldIdx} to
 * {@code newIdx}, a notification is due iff {@code eventIdx} lies in {@code [oldIdx, newIdx)}, all
 * arithmetic modulo 2^16.
 */
public final class EventIdx {
    private EventIdx() {
    }

    /**
     * True iff the other side asked to be notified when the index passes {@code eventIdx} and the move from
     * {@code oldIdx} to {@code newIdx} passed it. Only the low 16 bits of each argument matter; negative
     * values (the packed ring's "event in the previous lap" adjustment) work as their 16-bit residues.
     */
    public static boolean needsEvent(int eventIdx, int newIdx, int oldIdx) {
        return ((newIdx - eventIdx - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
    }
}
