package dev.roundtrip.lab.tun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One TUN device of the lab: a non-blocking file descriptor on which the wire reads the IP packets a
 * host sends and writes the packets delivered to it. Opened with {@code IFF_TUN | IFF_NO_PI}, so every
 * read or write is exactly one bare IPv4 or IPv6 packet.
 *
 * <p>The device is not persistent: it disappears when the descriptor closes, even if the JVM crashes.
 */
public final class TunDevice implements AutoCloseable {
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final int FLAGS_OFFSET = 16;
    private static final String DEVICE = "/dev/net/tun";

    private final String name;
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TunDevice(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    /**
     * Creates the TUN device {@code name} in the calling thread's network namespace.
     *
     * @throws IOException naming the step and the errno when /dev/net/tun cannot be opened or the
     *                     device cannot be created
     */
    public static TunDevice create(String name) throws IOException {
        if (name.isEmpty() || name.length() >= IFNAMSIZ) {
            throw new IllegalArgumentException("TUN device name '" + name + "' must have 1 to 15 characters");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fd = Libc.open(state, arena.allocateFrom(DEVICE), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot open " + DEVICE + ": " + Libc.describe(Libc.errno(state)));
            }
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
            ifreq.setString(0, name);
            ifreq.set(ValueLayout.JAVA_SHORT, FLAGS_OFFSET, (short) (IFF_TUN | IFF_NO_PI));
            if (Libc.ioctl(state, fd, TUNSETIFF, ifreq) < 0) {
                int errno = Libc.errno(state);
                Libc.close(state, fd);
                throw new IOException("cannot create TUN device " + name + " (ioctl TUNSETIFF): " + Libc.describe(errno));
            }
            return new TunDevice(ifreq.getString(0), fd);
        }
    }

    /** Whether this process may open /dev/net/tun read-write; empty when it can, else the reason. */
    public static String openProblem() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fd = Libc.open(state, arena.allocateFrom(DEVICE), Libc.O_RDWR | Libc.O_CLOEXEC);
            if (fd < 0) {
                return "cannot open " + DEVICE + ": " + Libc.describe(Libc.errno(state)) + mode();
            }
            Libc.close(state, fd);
            return "";
        }
    }

    private static String mode() {
        try {
            return " (its mode is " + PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(DEVICE)))
                    + "; without root it must be rw-rw-rw-)";
        } catch (IOException | RuntimeException e) {
            return " (" + e + ")";
        }
    }

    /** The kernel's name of the device (as created, before any rename inside its namespace). */
    public String name() {
        return name;
    }

    /** The non-blocking descriptor, for poll. */
    public int fd() {
        return fd;
    }

    /**
     * Reads one packet into {@code buffer}.
     *
     * @return its length, 0 when no packet is waiting, or -errno on failure
     */
    public int read(MemorySegment callState, MemorySegment buffer) {
        long n = Libc.read(callState, fd, buffer, buffer.byteSize());
        if (n >= 0) {
            return (int) n;
        }
        int errno = Libc.errno(callState);
        return errno == Libc.EAGAIN || errno == Libc.EINTR ? 0 : -errno;
    }

    /**
     * Writes one packet (the first {@code length} bytes of {@code buffer}) into the device, which hands it
     * to the host's network stack as if it had arrived on the wire.
     *
     * @return {@code length}, or -errno on failure
     */
    public int write(MemorySegment callState, MemorySegment buffer, int length) {
        long n = Libc.write(callState, fd, buffer, length);
        return n >= 0 ? (int) n : -Libc.errno(callState);
    }

    /** Closes the descriptor; the kernel removes the device. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try (Arena arena = Arena.ofConfined()) {
                Libc.close(Libc.newCallState(arena), fd);
            }
        }
    }
}
