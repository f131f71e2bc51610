package dev.roundtrip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code roundtrip} command: the only place that knows every module. Each subcommand is a
 * small class that parses its flags, builds the module's config record and runs it.
 */
@Command(name = "roundtrip",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "The request path of \"How the Internet Works\", built for real and measured.",
                "",
                "Root, TLD and authoritative DNS servers, a recursive resolver, a TLS-terminating",
                "load balancer, app servers and a database come up on lab addresses",
                "(198.18.0.0/15, 2001:db8::/32); then a request crosses them and every",
                "millisecond of its latency budget is shown.",
                ""},
        subcommands = {
                CommandLine.HelpCommand.class,
                dev.roundtrip.cli.up.DemoCommand.class,
                dev.roundtrip.cli.up.UpCommand.class,
                TraceCommand.class,
                dev.roundtrip.cli.dns.DigCommand.class,
                dev.roundtrip.cli.dns.DnsCommand.class,
                LbCommand.class,
                AppCommand.class,
                CaCommand.class,
                dev.roundtrip.cli.lab.LabCommand.class,
        },
        footer = {"", "Start with: roundtrip demo", "Details of one command: roundtrip help COMMAND"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        quietLeakDetector();
        System.exit(run(args));
    }

    /**
     * Turns Netty's buffer leak detector off unless {@code -Dio.netty.leakDetection.level} chose a
     * level: by default it records a stack trace of one buffer in 128 and wraps the buffers it
     * tracks in a second class, which cost the balancer 7-20% of its requests per second on
     * keep-alive HTTP/1.1 (see roundtrip-edge/README.md). The tests run with it on, through
     * {@link #run}; {@code ROUNDTRIP_JAVA_OPTS=-Dio.netty.leakDetection.level=simple} brings it
     * back for a command.
     */
    static void quietLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
    }

    /** Runs the command line and returns the exit code (2 for usage errors, as picocli does). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, for {@link #run} and tests. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler(Main::usageError);
        return cli;
    }

    /** A usage error: one line saying what is wrong, a suggestion if there is one, the usage, exit 2. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println();
        cmd.usage(err, cmd.getColorScheme());
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
