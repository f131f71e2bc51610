package dev.roundtrip.cli.lab;

import dev.roundtrip.cli.up.Launch;
import dev.roundtrip.core.topology.TopologyException;
import dev.roundtrip.core.topology.TopologyLoader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scenario topology shipped in the jar with {@code {{NAME}}} placeholders for what the
 * experiment's options decide (a round trip, a seed, one client per loss rate): filled in,
 * then loaded and validated like any topology file, and written into the run's folder for the
 * host processes by {@link RunningLab}.
 */
final class ScenarioTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z-]+)}}");

    private ScenarioTemplate() {}

    /** The resource's text with every placeholder replaced; a placeholder without a value is a bug here. */
    static String fill(String resource, Map<String, String> values) {
        String text = Launch.resourceText(resource);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException(resource + ": no value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Loads the filled text as the topology {@code source}. */
    static Launch.Loaded load(String text, String source) {
        try {
            return new Launch.Loaded(new TopologyLoader().load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), source),
                    source, Path.of("").toAbsolutePath());
        } catch (TopologyException e) {
            throw new dev.roundtrip.cli.CommandFailure(2, e.getMessage());
        }
    }
}
