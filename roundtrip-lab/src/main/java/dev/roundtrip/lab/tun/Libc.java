package dev.roundtrip.lab.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the lab needs, bound with the Foreign Function &amp; Memory API (no JNI): open,
 * close, read, write, ioctl, poll, eventfd, prctl, setns, geteuid.
 *
 * <p>Every call that can fail takes a call-state segment from {@link #newCallState(Arena)} as its first
 * argument, where the JVM captures {@code errno} right after the call; a thread keeps its own segment.
 * Results are the raw libc results (-1 on failure), so the packet loops never throw.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int PR_SET_TIMERSLACK = 29;
    public static final int CLONE_NEWNET = 0x40000000;

    /** {@code struct pollfd}: int fd, short events, short revents. */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), ValueLayout.JAVA_SHORT.withName("events"), ValueLayout.JAVA_SHORT.withName("revents"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno")).withInvokeExactBehavior();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    // read only copies a waiting packet off a non-blocking TUN ring, so it may skip the thread-state
    // transition. write stays a normal call: writing into a TUN device runs the host's whole receive path
    // and can be preempted for milliseconds, and a critical call would hold every safepoint that long.
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO, Linker.Option.critical(false));
    private static final MethodHandle WRITE = bind("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle IOCTL = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = bind("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle PRCTL = bind("prctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SETPRIORITY = bind("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETEUID = bind("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    @SuppressWarnings("restricted") // binding native functions is the point of this class
    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** A segment for the errno of calls made by one thread. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno captured by the last call that used {@code callState}. */
    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** The C library's text for an errno, e.g. "Operation not permitted (errno 1)". */
    @SuppressWarnings("restricted") // strerror returns a NUL-terminated string in libc's memory
    public static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    public static int open(MemorySegment callState, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(callState, path, flags, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("open failed in the FFM call itself", t);
        }
    }

    public static int close(MemorySegment callState, int fd) {
        try {
            return (int) CLOSE.invokeExact(callState, fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close failed in the FFM call itself", t);
        }
    }

    public static long read(MemorySegment callState, int fd, MemorySegment buffer, long length) {
        try {
            return (long) READ.invokeExact(callState, fd, buffer, length);
        } catch (Throwable t) {
            throw new IllegalStateException("read failed in the FFM call itself", t);
        }
    }

    public static long write(MemorySegment callState, int fd, MemorySegment buffer, long length) {
        try {
            return (long) WRITE.invokeExact(callState, fd, buffer, length);
        } catch (Throwable t) {
            throw new IllegalStateException("write failed in the FFM call itself", t);
        }
    }

    public static int ioctl(MemorySegment callState, int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(callState, fd, request, argument);
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl failed in the FFM call itself", t);
        }
    }

    /** Polls {@code count} pollfd structs in {@code fds}; {@code timeoutMillis} -1 waits forever. */
    public static int poll(MemorySegment callState, MemorySegment fds, long count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(callState, fds, count, timeoutMillis);
        } catch (Throwable t) {
            throw new IllegalStateException("poll failed in the FFM call itself", t);
        }
    }

    public static int eventfd(MemorySegment callState, int initial, int flags) {
        try {
            return (int) EVENTFD.invokeExact(callState, initial, flags);
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd failed in the FFM call itself", t);
        }
    }

    /** Sets the calling thread's timer slack (how late the kernel may wake it) in nanoseconds. */
    public static int setTimerSlack(MemorySegment callState, long nanos) {
        try {
            return (int) PRCTL.invokeExact(callState, PR_SET_TIMERSLACK, nanos, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("prctl failed in the FFM call itself", t);
        }
    }

    /** Moves the calling thread (only it) into the namespace behind {@code fd}. */
    public static int setns(MemorySegment callState, int fd, int nsType) {
        try {
            return (int) SETNS.invokeExact(callState, fd, nsType);
        } catch (Throwable t) {
            throw new IllegalStateException("setns failed in the FFM call itself", t);
        }
    }

    /**
     * Sets the nice value of the calling thread only (Linux applies PRIO_PROCESS to a thread id):
     * negative values need CAP_SYS_NICE.
     */
    public static int setThreadNice(MemorySegment callState, int nice) {
        try {
            int tid = (int) GETTID.invokeExact();
            return (int) SETPRIORITY.invokeExact(callState, 0 /* PRIO_PROCESS */, tid, nice);
        } catch (Throwable t) {
            throw new IllegalStateException("setpriority failed in the FFM call itself", t);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid failed in the FFM call itself", t);
        }
    }
}
