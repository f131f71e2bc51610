package dev.roundtrip.lab;

import dev.roundtrip.lab.wire.PathSpec;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A separate JVM that starts a two-host lab with the run id given as its argument, prints "up" and
 * waits to be signalled: {@link LabProcessExitTest} stops it with SIGTERM (shutdown hook) or SIGKILL (crash).
 */
public final class LabChild {
    private LabChild() {}

    public static void main(String[] args) throws Exception {
        Lab lab = Lab.start(new LabSpec(args[0], List.of(LabHost.of("a", "198.18.5.1"), LabHost.of("b", "198.18.5.2")),
                PathTable.uniform(PathSpec.IDEAL), 1, Optional.of(InetAddress.getByName("198.18.5.53"))));
        System.out.println("up " + lab.namespace("a"));
        System.out.flush();
        Thread.sleep(60_000); // bounded: the test signals long before
        lab.close();
    }
}
