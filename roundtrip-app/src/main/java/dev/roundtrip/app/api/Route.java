package dev.roundtrip.app.api;

/** Where a request goes: the outcome of {@link Router#route}, one case per API operation. */
public sealed interface Route {
    record ListUsers() implements Route {}

    record GetUser(long id) implements Route {}

    record CreateUser() implements Route {}

    record UpdateUser(long id) implements Route {}

    record DeleteUser(long id) implements Route {}

    record Health() implements Route {}

    /** One static object of a page ({@link PageObjects}). */
    record PageObject(long index) implements Route {}

    /** No resource at this path. */
    record NotFound(String reason) implements Route {}

    /** The resource exists but not with this method; {@code allow} lists the ones it has. */
    record MethodNotAllowed(String method, String allow) implements Route {}
}
