package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.parts.DevicePartsFormatException.Problem;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a sequence of parts, one at a time, against the spec's rules for multiple parts in one DEV_PARTS_GET
 * result or DEV_PARTS_SET input ("Device parts order"):
 * <ul>
 * <li>the common parts appear in the order DEV_FEATURES, DRV_FEATURES, PCI_COMMON_CFG, DEVICE_STATUS, VQ_CFG,
 *     VQ_NOTIFY_CFG (a type may be absent, never earlier than one already seen);</li>
 * <li>DEV_FEATURES, DRV_FEATURES and DEVICE_STATUS appear at most once, PCI_COMMON_CFG at most once per
 *     offset, VQ_CFG and VQ_NOTIFY_CFG at most once per queue index.</li>
 * </ul>
 * Device-type-specific and unknown parts are not constrained: the spec gives them no place in the order.
 * One instance checks one sequence; it is not thread-safe.
 */
public final class DevicePartsOrder {
    private static final String ORDER = "DEV_FEATURES, DRV_FEATURES, PCI_COMMON_CFG, DEVICE_STATUS, VQ_CFG, VQ_NOTIFY_CFG";

    private int lastRank = -1;
    private PartType lastRanked;
    private boolean seenDevFeatures;
    private boolean seenDrvFeatures;
    private boolean seenStatus;
    private final Set<Long> commonCfgOffsets = new HashSet<>();
    private final BitSet vqCfg = new BitSet();
    private final BitSet vqNotifyCfg = new BitSet();

    /** Creates a checker for a new sequence. */
    public DevicePartsOrder() {
    }

    /** Position of {@code type} in the mandatory order, or -1 for types the order does not mention. */
    public static int rank(PartType type) {
        int c = type.code();
        return c >= 0x100 && c <= 0x105 ? c - 0x100 : -1;
    }

    /**
     * Accepts the next part of the sequence.
     *
     * @param type      its type
     * @param selector  its selector
     * @param partIndex its 0-based index, for the error
     * @param offset    its byte offset, for the error
     * @throws DevicePartsFormatException with {@link Problem#OUT_OF_ORDER} or {@link Problem#DUPLICATE}
     */
    public void accept(PartType type, long selector, int partIndex, long offset) {
        int rank = rank(type);
        if (rank < 0) {
            return;
        }
        if (rank < lastRank) {
            throw new DevicePartsFormatException(Problem.OUT_OF_ORDER, partIndex, offset,
                    type + " after " + lastRanked + "; the required order is " + ORDER);
        }
        lastRank = rank;
        lastRanked = type;
        boolean fresh = switch (rank) {
            case 0 -> !seenDevFeatures && (seenDevFeatures = true);
            case 1 -> !seenDrvFeatures && (seenDrvFeatures = true);
            case 2 -> commonCfgOffsets.add(selector & 0xffff_ffffL);
            case 3 -> !seenStatus && (seenStatus = true);
            case 4 -> setOnce(vqCfg, (int) (selector & 0xffff));
            default -> setOnce(vqNotifyCfg, (int) (selector & 0xffff));
        };
        if (!fresh) {
            String which = switch (rank) {
                case 2 -> " for common-cfg offset " + (selector & 0xffff_ffffL);
                case 4, 5 -> " for virtqueue " + (selector & 0xffff);
                default -> "";
            };
            throw new DevicePartsFormatException(Problem.DUPLICATE, partIndex, offset,
                    "second " + type + which);
        }
    }

    private static boolean setOnce(BitSet set, int bit) {
        if (set.get(bit)) {
            return false;
        }
        set.set(bit);
        return true;
    }
}
