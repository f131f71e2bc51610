package dev.roundtrip.edge.health;

import dev.roundtrip.core.net.Network;
import dev.roundtrip.edge.cluster.Endpoint;
import dev.roundtrip.edge.config.HealthCheckConfig;
import dev.roundtrip.edge.config.UpstreamProtocol;
import dev.roundtrip.http.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checking of one endpoint: every interval, a fresh connection in the protocol the
 * cluster's requests use ({@link UpstreamProtocol}: HTTP/1.1 with {@code Connection: close}, or
 * cleartext HTTP/2 by prior knowledge, one stream), {@code GET path}; a 2xx within the timeout
 * passes, anything else (refused, reset, timeout, other status) fails. The result goes to the
 * endpoint's {@link EndpointHealth}; transitions are logged and handed to {@code onChange}.
 */
public final class HealthChecker {
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final Endpoint endpoint;
    private final HealthCheckConfig config;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Network network;
    private final Consumer<EndpointHealth.Change> onChange;
    private final UpstreamProtocol protocol;
    private ScheduledFuture<?> schedule;
    private volatile String lastResult = "not checked yet";

    public HealthChecker(Endpoint endpoint, HealthCheckConfig config, UpstreamProtocol protocol, EventLoop loop, Transport transport,
            Network network, Consumer<EndpointHealth.Change> onChange) {
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.config = config;
        this.loop = loop;
        this.network = network;
        this.onChange = onChange;
        this.bootstrap = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, config.timeout().toMillis()));
    }

    /** Starts checking now and every interval after. */
    public void start() {
        schedule = loop.scheduleWithFixedDelay(this::probe, 0, config.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    public void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    /** The outcome of the last probe, for the admin listener. */
    public String lastResult() {
        return lastResult;
    }

    private void probe() {
        InetSocketAddress target;
        try {
            target = network.connectAddress(endpoint.address());
        } catch (IllegalArgumentException e) {
            result(false, e.getMessage());
            return;
        }
        boolean[] reported = {false};
        Consumer<String> fail = why -> {
            if (!reported[0]) {
                reported[0] = true;
                result(false, why);
            }
        };
        SimpleChannelInboundHandler<FullHttpResponse> answer = new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                if (!reported[0]) {
                    reported[0] = true;
                    int code = response.status().code();
                    result(code >= 200 && code < 300, "GET " + config.path() + " answered " + code);
                }
                connectionOf(ctx.channel()).close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                fail.accept("connection closed before a response");
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail.accept(String.valueOf(cause.getMessage()));
                connectionOf(ctx.channel()).close();
            }
        };
        boolean h2c = protocol == UpstreamProtocol.H2C;
        ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (h2c) {
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                } else {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024), answer);
                }
            }
        }).connect(target);
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            fail.accept("no response within " + config.timeout().toMillis() + " ms");
            f.channel().close();
        }, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        f.addListener((ChannelFuture c) -> {
            if (!c.isSuccess()) {
                timeout.cancel(false);
                fail.accept("connect failed: " + c.cause().getMessage());
                return;
            }
            c.channel().closeFuture().addListener(x -> {
                timeout.cancel(false);
                fail.accept("connection closed before a response");
            });
            FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.path());
            get.headers().set(HttpHeaderNames.HOST, endpoint.label())
                    .set(HttpHeaderNames.USER_AGENT, "roundtrip-health-check")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            if (!h2c) {
                get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                c.channel().writeAndFlush(get);
                return;
            }
            get.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
            new Http2StreamChannelBootstrap(c.channel()).handler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new HttpObjectAggregator(64 * 1024), answer);
                }
            }).open().addListener((Future<Http2StreamChannel> opened) -> {
                if (opened.isSuccess()) {
                    opened.getNow().writeAndFlush(get);
                } else {
                    get.release();
                    fail.accept("no HTTP/2 stream: " + opened.cause().getMessage());
                    c.channel().close();
                }
            });
        });
    }

    /** The TCP connection a probe's handler runs on: the channel itself, or an HTTP/2 stream's parent. */
    private static Channel connectionOf(Channel ch) {
        return ch instanceof Http2StreamChannel stream ? stream.parent() : ch;
    }

    private void result(boolean passed, String detail) {
        lastResult = (passed ? "pass: " : "fail: ") + detail;
        EndpointHealth.Change change = endpoint.health().checkResult(passed);
        if (change == EndpointHealth.Change.BECAME_UNHEALTHY) {
            log.warn("cluster {}: {} is unhealthy ({})", endpoint.cluster(), endpoint.label(), detail);
        } else if (change == EndpointHealth.Change.BECAME_HEALTHY) {
            log.info("cluster {}: {} is healthy again", endpoint.cluster(), endpoint.label());
        }
        if (change != EndpointHealth.Change.NONE) {
            onChange.accept(change);
        }
    }
}
