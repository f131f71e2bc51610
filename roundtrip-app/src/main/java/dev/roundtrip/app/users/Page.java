package dev.roundtrip.app.users;

import java.util.List;
import java.util.Optional;

/**
 * One page of users in id order, and where the next page starts.
 *
 * @param users at most the requested number of users, ids strictly increasing
 * @param next the cursor of the following page, empty on the last page
 */
public record Page(List<User> users, Optional<PageCursor> next) {
    public Page {
        users = List.copyOf(users);
    }
}
