package dev.roundtrip.edge.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A header the balancer adds to what it forwards, chosen per listener ({@code add_headers}). All
 * of them by default; a listener in front of upstreams that must not learn client addresses, or
 * that should get exactly what the client sent (as HAProxy and nginx do unless told otherwise),
 * names fewer or none. Hop-by-hop headers are removed whatever this says, and a {@code traceparent}
 * the client sent passes through either way: {@link #TRACEPARENT} starts one in place of a
 * missing or malformed one.
 */
public enum AddedHeader {
    /** Request: the client's address appended (the de facto standard). */
    X_FORWARDED_FOR("x-forwarded-for"),
    /** Request: http or https, as the client connected. */
    X_FORWARDED_PROTO("x-forwarded-proto"),
    /** Request: the Host the client asked for. */
    X_FORWARDED_HOST("x-forwarded-host"),
    /** Request: RFC 7239's {@code for}, {@code host} and {@code proto} in one header. */
    FORWARDED("forwarded"),
    /** Request and response: the balancer named as an intermediary (RFC 9110 section 7.6.3). */
    VIA("via"),
    /** Request: a W3C trace context started when the client sent none, or a malformed one. */
    TRACEPARENT("traceparent"),
    /** Response: {@code Server-Timing: lb;dur=...}, the time the request spent in the balancer. */
    SERVER_TIMING("server-timing");

    /** Every header: the default. */
    public static final Set<AddedHeader> ALL = Collections.unmodifiableSet(EnumSet.allOf(AddedHeader.class));
    /** None: the upstream gets the client's request and the client the upstream's response, less hop-by-hop headers. */
    public static final Set<AddedHeader> NONE = Collections.unmodifiableSet(EnumSet.noneOf(AddedHeader.class));
    public static final String ALLOWED = "all, none, or a list of "
            + Arrays.stream(values()).map(AddedHeader::headerName).collect(Collectors.joining(", "));

    private final String headerName;

    AddedHeader(String headerName) {
        this.headerName = headerName;
    }

    /** The header's name, lower case, as the configuration spells it. */
    public String headerName() {
        return headerName;
    }

    /** One header by its name, whatever the case. */
    public static AddedHeader parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (AddedHeader h : values()) {
            if (h.headerName.equals(n)) {
                return h;
            }
        }
        throw new EdgeConfigException("", "'" + name + "' is not a header the balancer adds (allowed: " + ALLOWED + ")");
    }

    /** {@code all}, {@code none}, or the headers of {@code names}, each by name. */
    public static Set<AddedHeader> parseAll(List<String> names) {
        if (names.size() == 1 && names.getFirst().strip().equalsIgnoreCase("all")) {
            return ALL;
        }
        if (names.size() == 1 && names.getFirst().strip().equalsIgnoreCase("none")) {
            return NONE;
        }
        EnumSet<AddedHeader> set = EnumSet.noneOf(AddedHeader.class);
        for (String n : names) {
            set.add(parse(n));
        }
        return Collections.unmodifiableSet(set);
    }
}
