package dev.roundtrip.trace.page;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Page loads as JSON, schema {@value #SCHEMA}:
 * <pre>
 * {"schema": "roundtrip-page/1",
 *  "pages": [ {"run": int, "warm_up": bool, "http": "1.1"|"2"|"3", "protocol": "HTTP/1.1"|"h2"|"h3",
 *              "connections": int, "objects": int, "bytes": int,
 *              "connect_ms": number (-1: not connected), "page_ms": number (-1: incomplete),
 *              "complete": bool, "failure": string | null,
 *              "object_timings": [ {"index", "connection", "queued_ms", "sent_ms", "first_byte_ms", "end_ms",
 *                                   "status", "bytes", "failure"} ] } ]}
 * </pre>
 * Times of objects are milliseconds since the page's first request; -1 where a moment did not happen.
 */
public final class PageJson {
    public static final String SCHEMA = "roundtrip-page/1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PageJson() {}

    /** One page load in a sequence of them. */
    public record Numbered(int run, boolean warmUp, PageResult result) {}

    public static String render(List<Numbered> pages) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        ArrayNode array = root.putArray("pages");
        for (Numbered n : pages) {
            PageResult r = n.result();
            ObjectNode o = array.addObject();
            o.put("run", n.run());
            o.put("warm_up", n.warmUp());
            o.put("http", switch (r.http()) {
                case HTTP_1_1 -> "1.1";
                case HTTP_2 -> "2";
                case HTTP_3 -> "3";
                default -> r.http().name();
            });
            o.put("protocol", r.protocol());
            o.put("connections", r.connections());
            o.put("objects", r.page().objects());
            o.put("bytes", r.page().bytes());
            o.put("connect_ms", ms(r.connectNanos()));
            o.put("page_ms", ms(r.pageNanos()));
            o.put("complete", r.complete());
            if (r.failure() == null) {
                o.putNull("failure");
            } else {
                o.put("failure", r.failure());
            }
            ArrayNode objects = o.putArray("object_timings");
            for (ObjectTiming t : r.objects()) {
                ObjectNode j = objects.addObject();
                j.put("index", t.index());
                j.put("connection", t.connection());
                j.put("queued_ms", ms(t.queuedNanos()));
                j.put("sent_ms", ms(t.sentNanos()));
                j.put("first_byte_ms", ms(t.firstByteNanos()));
                j.put("end_ms", ms(t.endNanos()));
                j.put("status", t.status());
                j.put("bytes", t.bytes());
                if (t.failure() == null) {
                    j.putNull("failure");
                } else {
                    j.put("failure", t.failure());
                }
            }
        }
        return root.toString();
    }

    /** Milliseconds with microsecond precision; -1 stays -1. */
    static double ms(long nanos) {
        return nanos < 0 ? -1 : Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
