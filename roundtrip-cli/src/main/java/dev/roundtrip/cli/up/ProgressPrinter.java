package dev.roundtrip.cli.up;

import dev.roundtrip.core.service.BoundAddress;
import dev.roundtrip.core.service.Service;
import dev.roundtrip.core.service.ServiceGroup;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints one line per service as a topology starts and stops: what {@code roundtrip up} shows. */
final class ProgressPrinter implements ServiceGroup.Listener {
    private final PrintWriter out;
    private final int total;
    private int index;

    ProgressPrinter(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public void serviceStarted(Service service, List<BoundAddress> addresses, long startNanos) {
        index++;
        String where = addresses.isEmpty() ? "" : addresses.getFirst().toString();
        out.printf(Locale.ROOT, "  [%d/%d] %-34s up in %5.1f ms  %s%n", index, total, service.name(), startNanos / 1e6, where);
        out.flush();
    }

    @Override
    public void serviceStopped(Service service) {
        out.printf(Locale.ROOT, "  stopped %s%n", service.name());
        out.flush();
    }
}
