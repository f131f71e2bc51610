package dev.roundtrip.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * The Netty transport a roundtrip server or client runs on: native epoll on Linux (SO_REUSEPORT,
 * batched datagrams) by default, NIO elsewhere, or io_uring where a server is told to use it
 * ({@code transport: io_uring} in the balancer's configuration): the kernel then takes a whole
 * event loop turn's reads and writes in one system call. One place decides, so all modules agree.
 */
public enum Transport {
    EPOLL, NIO, IO_URING;

    /** Epoll when the native library loads, otherwise NIO. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** The name used in configuration files and on the command line: {@code epoll}, {@code nio}, {@code io_uring}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The transport named {@code name} (as in {@link #configName()}). */
    public static Optional<Transport> named(String name) {
        for (Transport t : values()) {
            if (t.configName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether this transport works here: its native library loads and the kernel allows it (NIO always). */
    public boolean isAvailable() {
        return switch (this) {
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> IoUring.isAvailable();
            case NIO -> true;
        };
    }

    /** Why this transport does not work here, in one line; empty when it does. */
    public String unavailabilityCause() {
        Throwable cause = switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            case NIO -> null;
        };
        if (cause == null) {
            return "";
        }
        while (cause.getCause() != null && (cause.getMessage() == null || cause.getMessage().isBlank())) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** An event loop group of {@code threads} threads (0 means Netty's default: 2 x cores). */
    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, factory);
    }

    /** An event loop group whose threads are daemon threads named {@code prefix-N}. */
    public EventLoopGroup newGroup(int threads, String prefix) {
        return newGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory(prefix, true));
    }

    /** Whether sockets of this transport take {@code SO_REUSEPORT} (several sockets on one port). */
    public boolean reusePort() {
        return this != NIO;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends Channel> socketChannel() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return switch (this) {
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }
}
