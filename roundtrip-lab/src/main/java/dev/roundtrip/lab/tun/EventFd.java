package dev.roundtrip.lab.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A non-blocking eventfd the wire's reader polls next to its TUN devices: writing to it is the only way
 * to wake a thread blocked in {@code poll(2)} (neither interrupt nor closing a polled fd does).
 */
public final class EventFd implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EventFd(int fd) {
        this.fd = fd;
    }

    public static EventFd create() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fd = Libc.eventfd(state, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (fd < 0) {
                throw new IOException("eventfd failed: " + Libc.describe(Libc.errno(state)));
            }
            return new EventFd(fd);
        }
    }

    public int fd() {
        return fd;
    }

    /** Makes the eventfd readable, waking every poll that includes it. */
    public void signal() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            Libc.write(Libc.newCallState(arena), fd, one, 8);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try (Arena arena = Arena.ofConfined()) {
                Libc.close(Libc.newCallState(arena), fd);
            }
        }
    }
}
