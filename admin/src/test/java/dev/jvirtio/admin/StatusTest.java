package dev.jvirtio.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Status and qualifier mapping (spec tables, typed in here), unknown values, exception text and retry rule. */
class StatusTest {
    @ParameterizedTest
    @CsvSource({"0,OK", "6,ENXIO", "11,EAGAIN", "12,ENOMEM", "16,EBUSY", "22,EINVAL", "28,ENOSPC"})
    void knownStatuses(int code, String name) {
        assertEquals(name, AdminStatus.fromCode(code).name());
        assertEquals(code, AdminStatus.valueOf(name).code());
        assertTrue(AdminStatus.isKnown(code));
    }

    @ParameterizedTest
    @CsvSource({"1", "5", "7", "13", "21", "23", "27", "29", "255", "65535", "-1"})
    void unknownStatusesAreTreatedAsEinval(int code) {
        assertEquals(AdminStatus.EINVAL, AdminStatus.fromCode(code));
        assertFalse(AdminStatus.isKnown(code));
    }

    @ParameterizedTest
    @CsvSource({"0,OK", "1,INVALID_COMMAND", "2,INVALID_OPCODE", "3,INVALID_FIELD", "4,INVALID_GROUP",
        "5,INVALID_MEMBER", "6,NORESOURCE", "7,TRYAGAIN"})
    void knownQualifiers(int code, String name) {
        assertEquals(name, StatusQualifier.fromCode(code).name());
        assertEquals(code, StatusQualifier.valueOf(name).code());
    }

    @ParameterizedTest
    @CsvSource({"8", "9", "255", "65535", "-3"})
    void reservedQualifiersAreTreatedAsInvalidCommand(int code) {
        assertEquals(StatusQualifier.INVALID_COMMAND, StatusQualifier.fromCode(code));
        assertFalse(StatusQualifier.isKnown(code));
    }

    @Test
    void exceptionMessages() {
        assertEquals("DEV_PARTS_SET on VF 3 failed: EINVAL / INVALID_FIELD",
                new AdminCommandException(AdminOpcode.DEV_PARTS_SET, GroupType.SR_IOV, 3, 22, 3).getMessage());
        assertEquals("DEVICE_CAP_GET on self failed: ENXIO / INVALID_COMMAND",
                new AdminCommandException(AdminOpcode.DEVICE_CAP_GET, GroupType.SELF, 0, 6, 1).getMessage());
        assertEquals("LIST_USE on SR-IOV group failed: EINVAL / INVALID_FIELD",
                new AdminCommandException(AdminOpcode.LIST_USE, GroupType.SR_IOV, 0, 22, 3).getMessage());
        var unknown = new AdminCommandException(AdminOpcode.DEV_MODE_SET, GroupType.SR_IOV, 12, 99, 0x42);
        assertEquals("DEV_MODE_SET on VF 12 failed: EINVAL (unknown status 99) / INVALID_COMMAND"
                + " (reserved qualifier 0x0042)", unknown.getMessage());
        assertEquals(99, unknown.rawStatus());
        assertEquals(0x42, unknown.rawQualifier());
        assertEquals(AdminStatus.EINVAL, unknown.status());
        assertEquals(StatusQualifier.INVALID_COMMAND, unknown.qualifier());
    }

    @Test
    void retryRule() {
        assertTrue(new AdminCommandException(AdminOpcode.DEV_MODE_SET, GroupType.SR_IOV, 1, 11, 0).isRetryable());
        assertTrue(new AdminCommandException(AdminOpcode.DEV_MODE_SET, GroupType.SR_IOV, 1, 12, 6).isRetryable());
        assertTrue(new AdminCommandException(AdminOpcode.DEV_MODE_SET, GroupType.SR_IOV, 1, 22, 7).isRetryable());
        assertFalse(new AdminCommandException(AdminOpcode.DEV_MODE_SET, GroupType.SR_IOV, 1, 12, 0).isRetryable());
        assertFalse(new AdminCommandException(AdminOpcode.DEV_MODE_SET, GroupType.SR_IOV, 1, 22, 1).isRetryable());
        assertFalse(new AdminCommandException(AdminOpcode.DEV_MODE_SET, GroupType.SR_IOV, 1, 16, 5).isRetryable());
    }
}
