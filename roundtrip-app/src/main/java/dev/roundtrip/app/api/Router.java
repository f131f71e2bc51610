package dev.roundtrip.app.api;

/**
 * Maps a method and a path to a {@link Route}: a pure function, so every path and method the API
 * knows (and every one it refuses) is decided here and tested without a server.
 *
 * <pre>
 *   GET|HEAD /users            list, ?limit=&amp;cursor=
 *   POST     /users            create
 *   GET|HEAD /users/{id}       read
 *   PUT      /users/{id}       replace, If-Match required
 *   DELETE   /users/{id}       delete, If-Match optional
 *   GET|HEAD /healthz          health, including the database
 *   GET|HEAD /objects/{i}      a page's static object, ?bytes=N (no database)
 * </pre>
 */
public final class Router {
    private static final String USERS = "/users";
    private static final String USERS_PREFIX = "/users/";
    private static final String OBJECTS_PREFIX = "/objects/";
    private static final int MAX_ID_DIGITS = 18;

    private Router() {}

    public static Route route(String method, String path) {
        if (path.equals("/healthz")) {
            return isRead(method) ? new Route.Health() : new Route.MethodNotAllowed(method, "GET, HEAD");
        }
        if (path.equals(USERS)) {
            if (isRead(method)) {
                return new Route.ListUsers();
            }
            return method.equals("POST") ? new Route.CreateUser() : new Route.MethodNotAllowed(method, "GET, HEAD, POST");
        }
        if (path.startsWith(OBJECTS_PREFIX)) {
            String segment = path.substring(OBJECTS_PREFIX.length());
            long index = parseId(segment);
            if (index < 0 || index > PageObjects.MAX_INDEX) {
                return new Route.NotFound("no object '" + shorten(segment) + "': objects are numbered 0 to " + PageObjects.MAX_INDEX);
            }
            return isRead(method) ? new Route.PageObject(index) : new Route.MethodNotAllowed(method, "GET, HEAD");
        }
        if (path.startsWith(USERS_PREFIX)) {
            String segment = path.substring(USERS_PREFIX.length());
            long id = parseId(segment);
            if (id <= 0) {
                return new Route.NotFound("no user '" + shorten(segment) + "': user ids are positive integers");
            }
            return switch (method) {
                case "GET", "HEAD" -> new Route.GetUser(id);
                case "PUT" -> new Route.UpdateUser(id);
                case "DELETE" -> new Route.DeleteUser(id);
                default -> new Route.MethodNotAllowed(method, "GET, HEAD, PUT, DELETE");
            };
        }
        return new Route.NotFound("nothing at '" + shorten(path) + "': the API serves /users, /objects/{i} and /healthz");
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    /** The id in a path segment, or -1 when the segment is not a positive decimal number. */
    static long parseId(String segment) {
        if (segment.isEmpty() || segment.length() > MAX_ID_DIGITS) {
            return -1;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(segment);
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
