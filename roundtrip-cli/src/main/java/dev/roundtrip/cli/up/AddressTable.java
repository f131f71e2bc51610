package dev.roundtrip.cli.up;

import dev.roundtrip.core.net.HostPort;
import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.ServiceGroup;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The table {@code roundtrip up} prints once everything is up: service, lab address, real address. */
final class AddressTable {
    private AddressTable() {}

    static void print(PrintWriter out, List<ServiceGroup.Started> started) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "PROTOCOL", "LAB ADDRESS", "REAL ADDRESS"});
        for (ServiceGroup.Started s : started) {
            for (BoundAddress a : s.addresses()) {
                rows.add(new String[] {s.service().name(), a.protocol(), HostPort.format(a.labAddress()), HostPort.format(a.real())});
            }
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + (i < row.length - 1 ? 2 : 0)));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
