package dev.roundtrip.lab;

import dev.roundtrip.lab.ns.CommandResult;
import dev.roundtrip.lab.ns.IpCommand;
import dev.roundtrip.lab.ns.RunRegistry;
import dev.roundtrip.lab.tun.Libc;
import dev.roundtrip.lab.tun.NetNamespace;
import dev.roundtrip.lab.tun.TunDevice;
import dev.roundtrip.lab.wire.PathSpec;
import dev.roundtrip.lab.wire.Wire;
import dev.roundtrip.lab.wire.WireStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running lab: one Linux network namespace per host, each with a TUN device {@value #DEVICE} carrying
 * the host's lab addresses, and the user-space {@link Wire} that moves every packet between hosts with
 * the delay, jitter, loss and rate limit of its path. Kernel TCP, UDP and ICMP inside the namespaces see
 * a wide-area network.
 *
 * <p>Inside a host: {@code lo} up, the lab addresses on {@value #DEVICE} (MTU {@value #MTU}, txqueuelen
 * {@value #TX_QUEUE_LENGTH}, IPv6 without link-local address or DAD), routes for 198.18.0.0/15 and
 * 2001:db8::/32 through the device (each only when the host has an address of that family) and no
 * default route, so nothing can leave the machine.
 *
 * <p>{@link #close()} removes everything (also from a shutdown hook on Ctrl-C); after a crash the TUN
 * devices vanish with the process and {@link #clean()} removes the namespaces.
 */
public final class Lab implements AutoCloseable {
    /** Name of the TUN device inside every host namespace. */
    public static final String DEVICE = "lab0";
    public static final int MTU = 1500;
    public static final int TX_QUEUE_LENGTH = 5000;
    private static final Logger log = LoggerFactory.getLogger(Lab.class);
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    private final LabSpec spec;
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final List<String> createdNamespaces = new ArrayList<>();
    private final List<String> createdEtcDirs = new ArrayList<>();
    private final List<TunDevice> devices = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private boolean claimed;
    private Wire wire;

    private Lab(LabSpec spec) {
        this.spec = spec;
        for (int i = 0; i < spec.hosts().size(); i++) {
            String host = spec.hosts().get(i).name();
            namespaces.put(host, RunRegistry.namespaceName(spec.runId(), i));
        }
        this.shutdownHook = Thread.ofPlatform().name("lab-" + spec.runId() + "-cleanup").unstarted(this::closeFromHook);
    }

    /**
     * Creates the namespaces, TUN devices and routes of every host and starts the wire.
     *
     * @throws LabException naming the failed step and the command output; everything created before
     *                      the failure has been removed
     */
    public static Lab start(LabSpec spec) throws LabException {
        Privileges privileges = privileges();
        if (!privileges.ok()) {
            throw new LabException("check privileges", privileges.problem());
        }
        Lab lab = new Lab(spec);
        try {
            lab.build();
            return lab;
        } catch (LabException | RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    private synchronized void build() throws LabException {
        String runId = spec.runId();
        try {
            RunRegistry.claim(runId);
            claimed = true;
        } catch (IOException e) {
            throw new LabException("claim run id " + runId, e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        List<Wire.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < spec.hosts().size(); i++) {
            LabHost host = spec.hosts().get(i);
            String namespace = namespaces.get(host.name());

            CommandResult add = IpCommand.run("netns", "add", namespace);
            if (!add.ok()) {
                throw new LabException("create namespace " + namespace + " for host " + host.name(), add.describe()
                        + (Files.exists(RunRegistry.namespacePath(namespace))
                        ? " (a crashed run left it behind: `roundtrip lab clean` removes it)" : ""));
            }
            createdNamespaces.add(namespace);

            TunDevice device;
            try {
                device = TunDevice.create("rt" + runId + "-" + i);
            } catch (IOException e) {
                throw new LabException("create TUN device for host " + host.name(), e.getMessage(), e);
            }
            devices.add(device);

            CommandResult move = IpCommand.run("link", "set", "dev", device.name(), "netns", namespace);
            if (!move.ok()) {
                throw new LabException("move TUN device " + device.name() + " into " + namespace, move.describe());
            }
            CommandResult configure = IpCommand.batch(namespace, configuration(device.name(), host.addresses()));
            if (!configure.ok()) {
                throw new LabException("configure host " + host.name() + " in " + namespace, configure.describe());
            }
            if (spec.nameserver().isPresent()) {
                writeResolvConf(namespace, spec.nameserver().get());
            }
            endpoints.add(new Wire.Endpoint(host.name(), device, host.addresses()));
        }
        try {
            wire = Wire.start(endpoints, this::pathSpec, spec.seed());
        } catch (IOException | RuntimeException e) { // RuntimeException: the path table failed or gave no spec
            throw new LabException("start the wire", e.getMessage(), e);
        }
        log.info("lab {} up: {} hosts in namespaces {}", runId, spec.hosts().size(), namespaces.values());
    }

    private PathSpec pathSpec(String from, String to) {
        PathSpec path = spec.paths().path(from, to);
        if (path == null) {
            throw new IllegalArgumentException("the path table returned no PathSpec for " + from + " -> " + to);
        }
        return path;
    }

    /** The `ip -batch` lines that set up one host's device, addresses and routes. */
    static List<String> configuration(String createdName, List<InetAddress> addresses) {
        List<String> lines = new ArrayList<>();
        lines.add("link set dev " + createdName + " name " + DEVICE);
        lines.add("link set dev lo up");
        // before the device goes up: no link-local address, so no router solicitations or MLD reports cross the wire
        lines.add("link set dev " + DEVICE + " addrgenmode none");
        lines.add("link set dev " + DEVICE + " mtu " + MTU + " txqueuelen " + TX_QUEUE_LENGTH);
        for (InetAddress address : addresses) {
            lines.add(address instanceof Inet4Address
                    ? "address add " + address.getHostAddress() + "/32 dev " + DEVICE
                    : "address add " + address.getHostAddress() + "/128 dev " + DEVICE + " nodad");
        }
        lines.add("link set dev " + DEVICE + " up");
        // A route only for the families the host has: an IPv4-only host then fails an IPv6 connect at once
        // (network unreachable) and falls back, as on a real IPv4-only network, instead of timing out.
        if (addresses.stream().anyMatch(a -> a instanceof Inet4Address)) {
            lines.add("route add 198.18.0.0/15 dev " + DEVICE);
        }
        if (addresses.stream().anyMatch(a -> !(a instanceof Inet4Address))) {
            lines.add("route add 2001:db8::/32 dev " + DEVICE);
        }
        return lines;
    }

    private void writeResolvConf(String namespace, InetAddress nameserver) throws LabException {
        Path dir = RunRegistry.etcDir(namespace);
        try {
            Files.createDirectories(dir);
            createdEtcDirs.add(namespace);
            Files.writeString(dir.resolve("resolv.conf"), "nameserver " + nameserver.getHostAddress() + "\n");
        } catch (IOException e) {
            throw new LabException("write " + dir.resolve("resolv.conf"), e.toString(), e);
        }
    }

    public LabSpec spec() {
        return spec;
    }

    /** The namespace of {@code host}, for {@code ip netns exec}, e.g. "rtlab-ab12-0". */
    public String namespace(String host) {
        String namespace = namespaces.get(host);
        if (namespace == null) {
            throw new IllegalArgumentException("no host named '" + host + "' in this lab; hosts are " + namespaces.keySet());
        }
        return namespace;
    }

    /** The command prefix that runs a program inside {@code host}: {@code ip netns exec NAMESPACE}. */
    public List<String> execPrefix(String host) {
        return List.of("ip", "netns", "exec", namespace(host));
    }

    /**
     * Runs {@code task} on a new platform thread that first entered {@code host}'s network namespace
     * (setns), and returns its result. Sockets the task creates live in that namespace and stay there
     * after the task returns; threads it starts inherit the namespace.
     *
     * @throws Exception what the task threw, or an IOException if the namespace cannot be entered
     */
    public <T> T runIn(String host, Callable<T> task) throws Exception {
        Path path = RunRegistry.namespacePath(namespace(host));
        FutureTask<T> future = new FutureTask<>(() -> {
            NetNamespace.enter(path);
            return task.call();
        });
        Thread.ofPlatform().name("lab-" + host).daemon().start(future);
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** A snapshot of the wire's counters, with each host's TUN drop counters read inside the host. */
    public WireStats stats() {
        if (wire == null || closed.get()) {
            throw new IllegalStateException("lab " + spec.runId() + " is not running");
        }
        return wire.stats(this::deviceDrops);
    }

    private Wire.DeviceDrops deviceDrops(String host) {
        try {
            // /proc/thread-self/net follows the reading thread's namespace (/proc/self/net would not)
            String dev = runIn(host, () -> Files.readString(Path.of("/proc/thread-self/net/dev")));
            for (String line : dev.lines().toList()) {
                String trimmed = line.strip();
                if (trimmed.startsWith(DEVICE + ":")) {
                    String[] f = trimmed.substring(DEVICE.length() + 1).strip().split("\\s+");
                    return new Wire.DeviceDrops(Long.parseLong(f[11]), Long.parseLong(f[3]));
                }
            }
        } catch (Exception e) {
            log.debug("cannot read device counters of {}: {}", host, e.toString());
        }
        return Wire.DeviceDrops.UNKNOWN;
    }

    /**
     * Stops the wire, closes the TUN devices (the kernel removes them), deletes the namespaces and the
     * /etc/netns directories and forgets the run. Idempotent; also runs from a shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down (the hook itself may be running us) or never registered
        }
        teardown();
    }

    private void closeFromHook() {
        if (closed.compareAndSet(false, true)) {
            teardown();
        }
    }

    /** Synchronized with build(): a Ctrl-C during start waits for the step under way, then removes all. */
    private synchronized void teardown() {
        if (wire != null) {
            wire.close();
        }
        devices.forEach(TunDevice::close);
        boolean allGone = true;
        for (String namespace : createdNamespaces) {
            CommandResult result = RunRegistry.deleteNamespace(namespace);
            if (!result.ok()) {
                allGone = false;
                log.warn("lab {}: {}", spec.runId(), result.describe());
            }
        }
        for (String namespace : createdEtcDirs) {
            allGone &= RunRegistry.deleteEtcDir(namespace);
        }
        if (claimed && allGone) {
            RunRegistry.release(spec.runId());
        }
        log.info("lab {} removed", spec.runId());
    }

    /** Whether this process can run a lab; the problem says what is missing and what to do. */
    public static Privileges privileges() {
        List<String> missing = new ArrayList<>();
        long capabilities = effectiveCapabilities();
        if (capabilities >= 0) {
            if ((capabilities & (1L << CAP_NET_ADMIN)) == 0) {
                missing.add("CAP_NET_ADMIN (create TUN devices, set addresses and routes)");
            }
            if ((capabilities & (1L << CAP_SYS_ADMIN)) == 0) {
                missing.add("CAP_SYS_ADMIN (create and enter network namespaces)");
            }
        } else if (Libc.geteuid() != 0) {
            missing.add("root (effective capabilities unreadable and euid is " + Libc.geteuid() + ")");
        }
        String tun = TunDevice.openProblem();
        if (!tun.isEmpty()) {
            missing.add(tun);
        }
        String ip = IpCommand.availabilityProblem();
        if (!ip.isEmpty()) {
            missing.add(ip);
        }
        if (missing.isEmpty()) {
            return Privileges.granted();
        }
        return Privileges.missing("the lab cannot run here, missing: " + String.join("; ", missing)
                + ". Run as root (sudo), or rootless where /dev/net/tun is mode 0666 by starting the JVM inside"
                + " `unshare -Urnm sh -c 'mount -t tmpfs tmpfs /run && exec COMMAND'`.");
    }

    /** CapEff from /proc/self/status, or -1 when unreadable. */
    private static long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Removes what crashed runs left behind: every rtlab-* namespace and /etc/netns/rtlab-* directory
     * whose run's recorded owner process is dead, and their pid files.
     *
     * @return what was removed (and what could not be)
     */
    public static List<String> clean() {
        return RunRegistry.clean();
    }
}
