/**
 * The HTTP side of the app tier: the Netty pipeline that carries bytes to requests
 * ({@link dev.roundtrip.app.api.AppServerInitializer}), the hand-off to virtual threads with the
 * headers every response carries ({@link dev.roundtrip.app.api.Dispatcher}), and the request
 * steps of the {@code /users} API ({@link dev.roundtrip.app.api.UsersApi}, routed by the pure
 * {@link dev.roundtrip.app.api.Router}).
 */
package dev.roundtrip.app.api;
