/**
 * The users domain: what a user is ({@link dev.roundtrip.app.users.User}), what a client may write
 * ({@link dev.roundtrip.app.users.UserInput}, validated in one step), how pages are addressed
 * ({@link dev.roundtrip.app.users.PageCursor}), and the SQL behind it all
 * ({@link dev.roundtrip.app.users.UserRepository}), whose writes report a sealed
 * {@link dev.roundtrip.app.users.WriteResult}.
 */
package dev.roundtrip.app.users;
