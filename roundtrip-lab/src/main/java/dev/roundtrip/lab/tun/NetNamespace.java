package dev.roundtrip.lab.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Moves the calling thread into a named network namespace with {@code setns(2)}. Network namespaces
 * belong to threads, so only this thread moves; sockets it creates afterwards, and threads it starts,
 * live in that namespace.
 */
public final class NetNamespace {
    private NetNamespace() {}

    /**
     * Enters the network namespace bound at {@code path} (e.g. /run/netns/rtlab-abc-0).
     *
     * @throws IOException naming the path and errno when the namespace cannot be opened or entered
     */
    public static void enter(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fd = Libc.open(state, arena.allocateFrom(path.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot open network namespace " + path + ": " + Libc.describe(Libc.errno(state)));
            }
            try {
                if (Libc.setns(state, fd, Libc.CLONE_NEWNET) < 0) {
                    throw new IOException("setns into " + path + " failed: " + Libc.describe(Libc.errno(state)));
                }
            } finally {
                Libc.close(state, fd);
            }
        }
    }
}
