package dev.roundtrip.trace.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Checks a document against the HAR 1.2 specification's structure
 * (http://www.softwareishard.com/blog/har-12-spec/): every required field present with its type,
 * dates in ISO 8601, timings of -1 only where the spec allows it, and {@code time} equal to the
 * sum of the timings other than {@code ssl}.
 */
final class HarStructure {
    private HarStructure() {}

    static void validate(JsonNode doc) {
        JsonNode log = object(doc, "log");
        text(log, "version");
        assertThat(log.get("version").asText()).isEqualTo("1.2");
        JsonNode creator = object(log, "creator");
        text(creator, "name");
        text(creator, "version");
        if (log.has("pages")) {
            for (JsonNode page : array(log, "pages")) {
                date(page, "startedDateTime");
                text(page, "id");
                text(page, "title");
                object(page, "pageTimings");
            }
        }
        for (JsonNode e : array(log, "entries")) {
            entry(e);
        }
    }

    private static void entry(JsonNode e) {
        date(e, "startedDateTime");
        double time = number(e, "time");
        assertThat(time).isGreaterThanOrEqualTo(0);

        JsonNode req = object(e, "request");
        text(req, "method");
        text(req, "url");
        text(req, "httpVersion");
        nameValues(req, "cookies", false);
        nameValues(req, "headers", true);
        nameValues(req, "queryString", true);
        integer(req, "headersSize");
        integer(req, "bodySize");

        JsonNode res = object(e, "response");
        integer(res, "status");
        text(res, "statusText");
        text(res, "httpVersion");
        nameValues(res, "cookies", false);
        nameValues(res, "headers", true);
        JsonNode content = object(res, "content");
        integer(content, "size");
        text(content, "mimeType");
        text(res, "redirectURL");
        integer(res, "headersSize");
        integer(res, "bodySize");

        object(e, "cache");
        JsonNode t = object(e, "timings");
        double sum = 0;
        for (String name : List.of("send", "wait", "receive")) {
            double v = number(t, name);
            assertThat(v).as("timings.%s (required, never -1)", name).isGreaterThanOrEqualTo(0);
            sum += v;
        }
        for (String name : List.of("blocked", "dns", "connect", "ssl")) {
            if (t.has(name)) {
                double v = number(t, name);
                assertThat(v).as("timings.%s", name).isGreaterThanOrEqualTo(-1);
                if (v >= 0 && !name.equals("ssl")) {
                    sum += v;
                }
            }
        }
        if (t.has("ssl") && t.get("ssl").asDouble() >= 0) {
            assertThat(t.get("connect").asDouble()).as("ssl is part of connect").isGreaterThanOrEqualTo(t.get("ssl").asDouble());
        }
        assertThat(time).as("time is the sum of the timings except ssl").isCloseTo(sum, org.assertj.core.data.Offset.offset(0.0005));
    }

    private static JsonNode object(JsonNode parent, String field) {
        assertThat(parent.has(field)).as("required field '%s'", field).isTrue();
        assertThat(parent.get(field).isObject()).as("'%s' is an object", field).isTrue();
        return parent.get(field);
    }

    private static JsonNode array(JsonNode parent, String field) {
        assertThat(parent.has(field)).as("required field '%s'", field).isTrue();
        assertThat(parent.get(field).isArray()).as("'%s' is an array", field).isTrue();
        return parent.get(field);
    }

    private static void nameValues(JsonNode parent, String field, boolean check) {
        for (JsonNode nv : array(parent, field)) {
            if (check) {
                text(nv, "name");
                text(nv, "value");
            }
        }
    }

    private static void text(JsonNode parent, String field) {
        assertThat(parent.has(field)).as("required field '%s'", field).isTrue();
        assertThat(parent.get(field).isTextual()).as("'%s' is a string", field).isTrue();
    }

    private static double number(JsonNode parent, String field) {
        assertThat(parent.has(field)).as("required field '%s'", field).isTrue();
        assertThat(parent.get(field).isNumber()).as("'%s' is a number", field).isTrue();
        return parent.get(field).asDouble();
    }

    private static void integer(JsonNode parent, String field) {
        assertThat(parent.has(field)).as("required field '%s'", field).isTrue();
        assertThat(parent.get(field).isIntegralNumber()).as("'%s' is an integer", field).isTrue();
    }

    private static void date(JsonNode parent, String field) {
        text(parent, field);
        OffsetDateTime.parse(parent.get(field).asText()); // ISO 8601 with offset, as HAR requires
    }
}
