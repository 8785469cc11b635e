package dev.jvirtio.admin.engine;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * A JFR event per admin command (off by default: enable {@code dev.jvirtio.AdminCommand} in a
 * recording's settings). The engine only creates it while a recording has it enabled, so the hot
 * path allocates nothing otherwise.
 */
@Name("dev.jvirtio.AdminCommand")
@Label("Virtio Admin Command")
@Category({"jvirtio", "Admin Queue"})
@Description("One virtio admin command: opcode, group, member, status, qualifier and latency")
@Enabled(false)
public final class AdminCommandEvent extends jdk.jfr.Event {
    @Label("Opcode")
    int opcode;

    @Label("Opcode Name")
    String opcodeName;

    @Label("Group Type")
    int groupType;

    @Label("Member")
    long member;

    @Label("Status")
    int status;

    @Label("Qualifier")
    int qualifier;

    @Label("Admin Queue")
    int queue;

    @Label("Latency")
    @Timespan(Timespan.NANOSECONDS)
    long latency;
}
