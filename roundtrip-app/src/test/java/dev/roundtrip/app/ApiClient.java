package dev.roundtrip.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client (the JDK's) pointed at one app server, with JSON helpers for tests. */
public final class ApiClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String base;

    public ApiClient(InetSocketAddress address, HttpClient.Version version) {
        this.http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "http://" + dev.roundtrip.core.net.HostPort.format(address);
    }

    public ApiClient(InetSocketAddress address) {
        this(address, HttpClient.Version.HTTP_1_1);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(request(path).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> put(String path, String json, String ifMatch) {
        HttpRequest.Builder b = request(path).header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        if (ifMatch != null) {
            b.header("if-match", ifMatch);
        }
        return send(b.build());
    }

    public HttpResponse<String> delete(String path, String ifMatch) {
        HttpRequest.Builder b = request(path).DELETE();
        if (ifMatch != null) {
            b.header("if-match", ifMatch);
        }
        return send(b.build());
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    public static String userJson(String name, String email) {
        return JSON.createObjectNode().put("name", name).put("email", email).toString();
    }

    @Override
    public void close() {
        http.close();
    }
}
