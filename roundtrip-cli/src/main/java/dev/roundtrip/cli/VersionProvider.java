package dev.roundtrip.cli;

import picocli.CommandLine;

/** Prints roundtrip's version (from the jar manifest) and the JVM it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {
                "roundtrip " + (version == null ? "(development build)" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
        };
    }
}
