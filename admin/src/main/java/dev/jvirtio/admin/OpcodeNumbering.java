package dev.jvirtio.admin;

/**
 * Which wire values the two ambiguous resource-object opcodes get.
 *
 * <p>Virtio 1.4's opcode table lists RESOURCE_OBJ_QUERY = 0xb and RESOURCE_OBJ_MODIFY = 0xc, but the
 * per-command text says MODIFY is 0xb and QUERY is 0xc (both came in with the same spec commit; Linux defines
 * neither). {@link #OPCODE_TABLE} is the default; switch to {@link #COMMAND_TEXT} for devices built from the
 * text. Every other opcode is the same in both numberings.
 *
 * <pre>{@code
 * AdminCodec codec = new AdminCodec(OpcodeNumbering.COMMAND_TEXT);
 * }</pre>
 */
public enum OpcodeNumbering {
    /** The 1.4 opcode table: QUERY 0xb, MODIFY 0xc (default). */
    OPCODE_TABLE,
    /** The 1.4 command text: MODIFY 0xb, QUERY 0xc. */
    COMMAND_TEXT;

    /** The numbering used unless configured otherwise. */
    public static final OpcodeNumbering DEFAULT = OPCODE_TABLE;

    /** The value written to the {@code opcode} field for {@code op}. Allocation-free. */
    public int wireCode(AdminOpcode op) {
        if (this == COMMAND_TEXT) {
            if (op.equals(AdminOpcode.RESOURCE_OBJ_QUERY)) {
                return AdminOpcode.RESOURCE_OBJ_MODIFY.code();
            }
            if (op.equals(AdminOpcode.RESOURCE_OBJ_MODIFY)) {
                return AdminOpcode.RESOURCE_OBJ_QUERY.code();
            }
        }
        return op.code();
    }

    /** The opcode that {@code wireCode} names under this numbering (an unnamed opcode when not standard). */
    public AdminOpcode opcode(int wireCode) {
        if (this == COMMAND_TEXT) {
            if (wireCode == AdminOpcode.RESOURCE_OBJ_QUERY.code()) {
                return AdminOpcode.RESOURCE_OBJ_MODIFY;
            }
            if (wireCode == AdminOpcode.RESOURCE_OBJ_MODIFY.code()) {
                return AdminOpcode.RESOURCE_OBJ_QUERY;
            }
        }
        return AdminOpcode.of(wireCode);
    }
}
