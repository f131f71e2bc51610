package dev.roundtrip.lab;

import dev.roundtrip.lab.wire.PathSpec;

/**
 * What the wire does between two hosts, per direction: {@code path("tokyo", "us-east")} may differ from
 * {@code path("us-east", "tokyo")}. Asked once per ordered host pair when the lab starts; must not
 * return null.
 */
@FunctionalInterface
public interface PathTable {
    PathSpec path(String fromHost, String toHost);

    /** The same spec for every direction of every pair. */
    static PathTable uniform(PathSpec spec) {
        return (from, to) -> spec;
    }
}
