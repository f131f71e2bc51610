package dev.roundtrip.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roundtrip.app.AppConfig;
import dev.roundtrip.app.db.Database;
import dev.roundtrip.app.users.InvalidUserException;
import dev.roundtrip.app.users.Page;
import dev.roundtrip.app.users.PageCursor;
import dev.roundtrip.app.users.User;
import dev.roundtrip.app.users.UserInput;
import dev.roundtrip.app.users.UserRepository;
import dev.roundtrip.app.users.WriteResult;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /users} API: one request in, one response out. {@link #handle} lists the steps every
 * request takes (route, read the body, validate, query, answer); each error along the way becomes
 * a JSON error with its status. Blocking: it runs on a virtual thread, never on an event loop.
 */
public final class UsersApi {
    private static final Logger log = LoggerFactory.getLogger(UsersApi.class);
    private static final Set<String> WRITABLE_FIELDS = Set.of("name", "email");
    private static final java.util.regex.Pattern FIELD_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> READ_ONLY_FIELDS = Set.of("id", "version", "createdAt", "updatedAt");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final UserRepository users;
    private final Database database;
    private final AppConfig.Limits limits;
    private final ServerLoad load;
    /** The last database failure a request saw, or null once a later request reached the database. */
    private volatile String databaseProblem;

    public UsersApi(UserRepository users, Database database, AppConfig.Limits limits, ServerLoad load) {
        this.users = users;
        this.database = database;
        this.limits = limits;
        this.load = load;
    }

    /** Serves one request; never throws. */
    public ApiResponse handle(ApiRequest request, RequestTiming timing) {
        try {
            Route route = Router.route(request.method(), request.path());
            ApiResponse response = switch (route) {
                case Route.ListUsers r -> list(request, timing);
                case Route.GetUser(long id) -> get(request, id, timing);
                case Route.CreateUser r -> create(request, timing);
                case Route.UpdateUser(long id) -> update(request, id, timing);
                case Route.DeleteUser(long id) -> delete(request, id, timing);
                case Route.Health r -> health(timing);
                case Route.PageObject(long index) -> PageObjects.serve(index, request.queryParameter("bytes"), request.header("if-none-match"));
                case Route.NotFound(String reason) -> throw new ApiException(ErrorCode.NOT_FOUND, reason);
                case Route.MethodNotAllowed(String method, String allow) -> throw new ApiException(
                        ErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed here; allowed: " + allow, Map.of("allow", allow));
            };
            if (touchesDatabase(route) && response.status() < 500) {
                databaseProblem = null;
            }
            return request.isHead() ? withoutBody(response) : response;
        } catch (ApiException e) {
            return error(e.code(), e.getMessage(), e.headers());
        } catch (SQLTransientException e) {
            databaseProblem = e.getMessage();
            log.warn("{} {}: database busy or unreachable: {}", request.method(), request.path(), e.getMessage());
            return error(ErrorCode.DATABASE_UNAVAILABLE, "the database did not answer in time; retry later", Map.of("retry-after", "1"));
        } catch (SQLException e) {
            databaseProblem = "SQLState " + e.getSQLState() + ": " + e.getMessage();
            log.warn("{} {}: database error {} ({})", request.method(), request.path(), e.getSQLState(), e.getMessage());
            return error(ErrorCode.DATABASE_UNAVAILABLE, "the database failed: SQLState " + e.getSQLState(), Map.of());
        } catch (RuntimeException e) {
            log.error("{} {}: unexpected failure", request.method(), request.path(), e);
            return error(ErrorCode.INTERNAL, "internal error", Map.of());
        }
    }

    /**
     * The database failure the last request to reach it saw, empty while requests get through: an
     * app server whose database is failing is still up, but degraded.
     */
    public Optional<String> databaseProblem() {
        return Optional.ofNullable(databaseProblem);
    }

    private static boolean touchesDatabase(Route route) {
        return !(route instanceof Route.NotFound || route instanceof Route.MethodNotAllowed || route instanceof Route.PageObject);
    }

    private ApiResponse list(ApiRequest request, RequestTiming timing) throws SQLException {
        int limit = request.queryParameter("limit").map(this::parseLimit).orElse(limits.defaultPageSize());
        PageCursor cursor = request.queryParameter("cursor").map(UsersApi::parseCursor).orElse(PageCursor.FIRST);
        Page page = users.list(timing, cursor, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users", page.users().stream().map(UserView::of).toList());
        body.put("nextCursor", page.next().map(PageCursor::encode).orElse(null));
        Map<String, String> headers = new LinkedHashMap<>();
        page.next().ifPresent(next -> headers.put("link", "</users?limit=" + limit + "&cursor=" + next.encode() + ">; rel=\"next\""));
        return ApiResponse.json(200, write(body), headers);
    }

    private ApiResponse get(ApiRequest request, long id, RequestTiming timing) throws SQLException {
        User user = users.find(timing, id).orElseThrow(() -> notFound(id));
        Optional<String> ifNoneMatch = request.header("if-none-match");
        if (ifNoneMatch.isPresent() && EntityTag.matches(EntityTag.parse("If-None-Match", ifNoneMatch.get()), user.version())) {
            return ApiResponse.empty(304, Map.of("etag", EntityTag.of(user.version())));
        }
        return ApiResponse.json(200, write(UserView.of(user)), Map.of("etag", EntityTag.of(user.version())));
    }

    private ApiResponse create(ApiRequest request, RequestTiming timing) throws SQLException {
        UserInput input = readUser(request);
        return switch (users.create(timing, input)) {
            case WriteResult.Written(User user) -> ApiResponse.json(201, write(UserView.of(user)),
                    Map.of("location", "/users/" + user.id(), "etag", EntityTag.of(user.version())));
            case WriteResult.DuplicateEmail(String email) -> throw duplicate(email);
            case WriteResult other -> throw new IllegalStateException("create returned " + other);
        };
    }

    private ApiResponse update(ApiRequest request, long id, RequestTiming timing) throws SQLException {
        String ifMatch = request.header("if-match").orElseThrow(() -> new ApiException(ErrorCode.PRECONDITION_REQUIRED,
                "PUT needs If-Match with the ETag you read (or *), so that no one's update is lost"));
        OptionalLong expected = EntityTag.expectedVersion(EntityTag.parse("If-Match", ifMatch));
        UserInput input = readUser(request);
        return switch (users.update(timing, id, expected, input)) {
            case WriteResult.Written(User user) -> ApiResponse.json(200, write(UserView.of(user)),
                    Map.of("etag", EntityTag.of(user.version())));
            case WriteResult.NotFound n -> throw notFound(id);
            case WriteResult.VersionMismatch(User current) -> throw stale(current);
            case WriteResult.DuplicateEmail(String email) -> throw duplicate(email);
        };
    }

    private ApiResponse delete(ApiRequest request, long id, RequestTiming timing) throws SQLException {
        OptionalLong expected = request.header("if-match")
                .map(v -> EntityTag.expectedVersion(EntityTag.parse("If-Match", v)))
                .orElse(OptionalLong.empty());
        return switch (users.delete(timing, id, expected)) {
            case WriteResult.Written w -> ApiResponse.empty(204, Map.of());
            case WriteResult.NotFound n -> throw notFound(id);
            case WriteResult.VersionMismatch(User current) -> throw stale(current);
            case WriteResult.DuplicateEmail d -> throw new IllegalStateException("delete returned " + d);
        };
    }

    private ApiResponse health(RequestTiming timing) {
        boolean up = database.isReachable(timing, Duration.ofSeconds(1));
        if (!up) {
            databaseProblem = "the database does not answer";
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "serving" : "failing");
        body.put("database", up ? "up" : "down");
        body.put("pool", database.poolState());
        body.put("connections", load.connections() + "/" + limits.maxConnections());
        body.put("requestsInFlight", load.requestsInFlight() + "/" + limits.maxInFlight());
        return ApiResponse.json(up ? 200 : 503, write(body), Map.of());
    }

    /** Content type, then JSON syntax, then fields: the first failure is the one reported. */
    private UserInput readUser(ApiRequest request) {
        String contentType = request.header("content-type").orElse("");
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !(mediaType.startsWith("application/") && mediaType.endsWith("+json"))) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the user as application/json"
                    + (contentType.isEmpty() ? " (no Content-Type given)" : ", not '" + contentType + "'"),
                    Map.of("accept", ApiResponse.JSON));
        }
        if (request.body().length == 0) {
            throw new ApiException(ErrorCode.INVALID_JSON, "the request body is empty: send {\"name\": ..., \"email\": ...}");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            throw new ApiException(ErrorCode.INVALID_JSON, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(ErrorCode.INVALID_JSON, "the body could not be read as JSON");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ApiException(ErrorCode.INVALID_JSON, "the body must be a JSON object such as {\"name\": ..., \"email\": ...}");
        }
        for (String field : (Iterable<String>) object::fieldNames) {
            if (!WRITABLE_FIELDS.contains(field) && !READ_ONLY_FIELDS.contains(field)) {
                String shown = field.length() > 64 ? field.substring(0, 64) + "..." : field;
                throw invalidField(field, "unknown field '" + shown + "'; a user has name and email");
            }
        }
        try {
            return new UserInput(text(object, "name"), text(object, "email"));
        } catch (InvalidUserException e) {
            throw invalidField(e.field(), e.getMessage());
        }
    }

    private static String text(ObjectNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalidField(field, field + " must be a string, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return node.textValue();
    }

    private int parseLimit(String text) {
        long limit = Router.parseId(text);
        if (limit < 1 || limit > limits.maxPageSize()) {
            throw new ApiException(ErrorCode.INVALID_QUERY, "limit must be a whole number from 1 to " + limits.maxPageSize()
                    + ", got '" + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "'");
        }
        return (int) limit;
    }

    private static PageCursor parseCursor(String text) {
        try {
            return PageCursor.decode(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_QUERY, e.getMessage() + ": pass back nextCursor from the previous page");
        }
    }

    private static ApiException notFound(long id) {
        return new ApiException(ErrorCode.NOT_FOUND, "no user " + id);
    }

    private static ApiException stale(User current) {
        return new ApiException(ErrorCode.PRECONDITION_FAILED, "user " + current.id() + " is now at version "
                + current.version() + ": read it again and reapply your change", Map.of("etag", EntityTag.of(current.version())));
    }

    private static ApiException duplicate(String email) {
        return new ApiException(ErrorCode.DUPLICATE_EMAIL, "another user already has the email " + email);
    }

    private static ApiException invalidField(String field, String message) {
        // The field name may be the client's own (an unknown field): only a plain name goes into a header.
        Map<String, String> headers = FIELD_NAME.matcher(field).matches() ? Map.of("x-invalid-field", field) : Map.of();
        return new ApiException(ErrorCode.INVALID_FIELD, message, headers);
    }

    /** The JSON error body for {@code code}; also used by the transport for errors found before routing. */
    public static ApiResponse error(ErrorCode code, String message, Map<String, String> headers) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.code());
        error.put("message", message);
        return ApiResponse.json(code.status(), write(Map.of("error", error)), headers);
    }

    private static ApiResponse withoutBody(ApiResponse response) {
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.put("content-length", Integer.toString(response.body().length));
        return new ApiResponse(response.status(), headers, new byte[0]);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    /** A user as the API shows it. */
    public record UserView(long id, String name, String email, long version, String createdAt, String updatedAt) {
        public static UserView of(User u) {
            return new UserView(u.id(), u.name(), u.email(), u.version(), u.createdAt().toString(), u.updatedAt().toString());
        }
    }
}
