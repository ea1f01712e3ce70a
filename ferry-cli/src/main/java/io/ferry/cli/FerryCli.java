package io.ferry.cli;

import io.ferry.core.engine.EngineSettings;
import io.ferry.core.engine.FerryEngine;
import io.ferry.core.error.ConflictException;
import io.ferry.core.error.IncompatibleException;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.NotFoundException;
import io.ferry.core.error.ToolFailedException;
import io.ferry.core.host.Host;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code ferry} command: global options select the host; each subcommand parses, calls the engine, prints. */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = FerryCli.Version.class,
        description = "Run, checkpoint and restore containers with runc and CRIU, and move them between hosts.",
        subcommands = {RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class, RmCommand.class,
                CheckpointCommand.class, RestoreCommand.class, InspectCommand.class, ImageCommand.class,
                PullCommand.class, PushCommand.class, MigrateCommand.class, ReplayCommand.class,
                VolumeCommand.class, NetworkCommand.class, HostCommand.class, ContainerCommand.class,
                StartCommand.class, ExecCommand.class, PauseCommand.class, UnpauseCommand.class, DiffCommand.class,
                DoctorCommand.class, CommandLine.HelpCommand.class})
public final class FerryCli {
    /** Exit codes, one per kind of error (picocli uses 2 for usage errors). */
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_NOT_FOUND = 3;
    static final int EXIT_CONFLICT = 4;
    static final int EXIT_INVALID_ARCHIVE = 5;
    static final int EXIT_INCOMPATIBLE = 6;
    static final int EXIT_TOOL_FAILED = 7;

    @Option(names = "--host-id", description = "Host id (default: $FERRY_HOST_ID or \"local\").")
    String hostId;

    @Option(names = "--root", description = "State root (default: /var/lib/ferry/<host-id>).")
    Path root;

    @Option(names = "--creds", paramLabel = "HOST[:PORT]=USER:PASSWORD",
            description = "A registry's credentials, sent to that registry only (repeatable; also $FERRY_REGISTRY_AUTH).")
    List<String> creds = new ArrayList<>();

    @Option(names = "--authfile", paramLabel = "PATH",
            description = "Registry credentials per host, containers-auth.json format (default: $FERRY_REGISTRY_AUTH_FILE).")
    Path authFile;

    @Option(names = "--allow-registry", paramLabel = "HOST[:PORT]",
            description = "Also let restores pull an archive's image from this registry (repeatable; also"
                    + " $FERRY_ALLOWED_REGISTRIES); registries with credentials are allowed.")
    List<String> allowRegistries = new ArrayList<>();

    @Option(names = "--tls-verify", arity = "1", paramLabel = "true|false",
            description = "Use TLS with registries (default: true, except for localhost).")
    Boolean tlsVerify;

    @Option(names = "--trust-store", paramLabel = "PATH",
            description = "The hosts whose signed checkpoints this host accepts, one `ferry host key` line each"
                    + " (default: $FERRY_TRUST_STORE or <root>/trusted-hosts).")
    Path trustStore;

    @Option(names = "--host-netns", paramLabel = "PATH",
            description = "The network namespace holding this host's container networks (default: $FERRY_HOST_NETNS,"
                    + " else ferry's own).")
    Path hostNetns;

    /** Set by `restore --require-signed`: an archive without a valid signature is refused. */
    boolean requireSigned;

    private FerryEngine engine;

    /** The engine's settings: FERRY_* variables, overridden by the global flags. */
    EngineSettings settings() {
        EngineSettings settings = EngineSettings.fromEnvironment(System.getenv())
                .withRegistryAuthFile(authFile).withAllowedRegistries(allowRegistries);
        for (String c : creds) {
            settings = settings.withRegistryAuth(c, "--creds");
        }
        if (trustStore != null) {
            settings = settings.withTrustStore(trustStore);
        }
        if (requireSigned) {
            settings = settings.withRequireSigned(true);
        }
        if (hostNetns != null) {
            settings = settings.withHostNetworkNamespace(hostNetns);
        }
        return tlsVerify != null ? settings.withTlsVerify(tlsVerify) : settings;
    }

    FerryEngine engine() {
        if (engine == null) {
            String id = hostId != null ? hostId : System.getenv().getOrDefault("FERRY_HOST_ID", "local");
            engine = FerryEngine.open(Host.of(id, root), settings());
        }
        return engine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FerryCli());
        // everything after IMAGE belongs to the container's command: `ferry run busybox sh -c '...'`
        cli.getSubcommands().get("run").setStopAtPositional(true);
        cli.getSubcommands().get("exec").setStopAtPositional(true); // `ferry exec ctr ls -l`
        addHelpOption(cli);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("Error: " + ErrorMessages.of(e));
            if (ErrorMessages.debug(System.getenv())) {
                e.printStackTrace(cmd.getErr());
            }
            return exitCode(e);
        });
        return cli;
    }

    /**
     * {@code -h, --help} on every subcommand, at any depth: a usage-help option makes picocli print
     * the usage instead of complaining about the command's missing required arguments.
     */
    private static void addHelpOption(CommandLine parent) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null) { // aliases share one spec; picocli's help command has its own
                spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
            addHelpOption(sub);
        }
    }

    static int exitCode(Exception e) {
        if (e instanceof NotFoundException) {
            return EXIT_NOT_FOUND;
        } else if (e instanceof ConflictException) {
            return EXIT_CONFLICT;
        } else if (e instanceof InvalidArchiveException) {
            return EXIT_INVALID_ARCHIVE;
        } else if (e instanceof IncompatibleException) {
            return EXIT_INCOMPATIBLE;
        } else if (e instanceof io.ferry.core.registry.RegistryException r) {
            return r.status() == 404 ? EXIT_NOT_FOUND : EXIT_FAILURE;
        } else if (e instanceof ToolFailedException) {
            return EXIT_TOOL_FAILED;
        } else if (e instanceof IllegalArgumentException) {
            return EXIT_USAGE;
        }
        return EXIT_FAILURE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FerryCli.class.getPackage().getImplementationVersion();
            return new String[]{"ferry " + (v == null ? "dev" : v)};
        }
    }
}
