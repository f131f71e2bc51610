package dev.roundtrip.edge.admin;

import dev.roundtrip.http.PlainResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import dev.roundtrip.edge.ReloadResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin listener's requests: {@code GET /metrics} (Prometheus text), {@code GET /healthz}
 * (200 "ok" while serving with at least one usable endpoint per cluster, else 503 naming the
 * problem), {@code GET /clusters} (one line per endpoint), {@code POST /reload} (reads the
 * configuration file again: 200 with what changed, 400 with the error when the file is invalid and
 * the old configuration keeps serving, 409 when there is no file). Anything else is 404.
 */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> metrics;
    private final BooleanSupplier healthy;
    private final Supplier<String> clusters;
    private final Supplier<CompletableFuture<ReloadResult>> reload;

    /** @param reload starts a reload from the configuration file; the future completes off the event loop */
    public AdminHandler(Supplier<String> metrics, BooleanSupplier healthy, Supplier<String> clusters,
            Supplier<CompletableFuture<ReloadResult>> reload) {
        this.metrics = metrics;
        this.healthy = healthy;
        this.clusters = clusters;
        this.reload = reload;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        FullHttpResponse response;
        if (path.equals("/reload")) {
            if (!request.method().equals(HttpMethod.POST)) {
                ctx.writeAndFlush(PlainResponses.of(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, "/reload accepts POST only"));
                return;
            }
            reload.get().whenComplete((result, failure) -> ctx.executor().execute(() -> {
                if (failure != null) {
                    ctx.writeAndFlush(PlainResponses.of(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "reload failed: " + failure));
                    return;
                }
                HttpResponseStatus status = switch (result.outcome()) {
                    case APPLIED -> HttpResponseStatus.OK;
                    case REJECTED -> HttpResponseStatus.BAD_REQUEST;
                    case NO_SOURCE -> HttpResponseStatus.CONFLICT;
                };
                ctx.writeAndFlush(PlainResponses.of(ctx.alloc(), status, result.message()));
            }));
            return;
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            response = PlainResponses.of(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, "admin endpoints accept GET only (POST for /reload)");
        } else {
            response = switch (path) {
                case "/metrics" -> {
                    FullHttpResponse r = PlainResponses.of(ctx.alloc(), HttpResponseStatus.OK, metrics.get().stripTrailing());
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    yield r;
                }
                case "/healthz" -> healthy.getAsBoolean()
                        ? PlainResponses.of(ctx.alloc(), HttpResponseStatus.OK, "ok")
                        : PlainResponses.of(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "unhealthy: a cluster has no usable endpoint\n"
                                + clusters.get().stripTrailing());
                case "/clusters" -> PlainResponses.of(ctx.alloc(), HttpResponseStatus.OK, clusters.get().stripTrailing());
                default -> PlainResponses.of(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "not found (try /metrics, /healthz, /clusters, POST /reload)");
            };
        }
        ctx.writeAndFlush(response);
    }
}
