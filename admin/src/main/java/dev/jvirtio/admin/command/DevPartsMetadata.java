package dev.jvirtio.admin.command;

import dev.jvirtio.admin.parts.DevicePartHeader;
import java.util.List;

/** The result of DEV_PARTS_METADATA_GET, one variant per metadata type. */
public sealed interface DevPartsMetadata {
    /**
     * SIZE: the maximum total size in bytes of all device parts (size the DEV_PARTS_GET ALL buffer by it).
     *
     * @param size bytes, u32
     */
    record PartsSize(long size) implements DevPartsMetadata {
    }

    /**
     * COUNT: how many part headers a LIST request would return.
     *
     * @param count headers, u32
     */
    record PartsCount(long count) implements DevPartsMetadata {
    }

    /**
     * LIST: the headers of the parts the device has.
     *
     * @param headers the headers
     */
    record PartHeaders(List<DevicePartHeader> headers) implements DevPartsMetadata {
        /** Copies the list. */
        public PartHeaders {
            headers = List.copyOf(headers);
        }
    }
}
