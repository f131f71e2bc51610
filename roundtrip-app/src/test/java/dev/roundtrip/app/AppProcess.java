package dev.roundtrip.app;

import dev.roundtrip.core.net.Network;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An app server as a process of its own, for tests that kill it: started by {@link CrashRecoveryTest}
 * with this module's test classpath. Prints {@code LISTENING <port>} once it serves, then runs
 * until killed.
 */
public final class AppProcess {
    private AppProcess() {}

    public static void main(String[] args) throws Exception {
        AppServer server = new AppServer(AppConfig.of(Network.embedded(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), args[0], args[1]));
        int port = server.start().get(60, TimeUnit.SECONDS).getFirst().real().getPort();
        System.out.println("LISTENING " + port);
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // a bound on its life even if the test dies first
        System.exit(3);
    }
}
