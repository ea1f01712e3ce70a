package io.ferry.cli;

import io.ferry.core.runtime.ExecFailedException;
import io.ferry.core.runtime.ExecRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "exec", description = "Run a command in a running container, in the foreground. Exit code: the"
        + " command's; 125 when ferry failed, 126 when the command cannot be invoked, 127 when it is not found.")
final class ExecCommand implements Callable<Integer> {
    /** Podman's exit codes of exec's own failures (libpod/define/exec_codes.go). */
    static final int EXIT_GENERIC = 125;

    @ParentCommand
    FerryCli ferry;

    @Spec
    CommandSpec spec;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workDir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]",
            description = "User name or UID, and optionally group name or GID, to run the command as.")
    String user;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Name or id of a running container.")
    String container;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() {
        try {
            return ferry.engine().containers().exec(container, new ExecRequest(command, env, workDir, user),
                    System.out, System.err);
        } catch (ExecFailedException e) {
            spec.commandLine().getErr().println("Error: " + ErrorMessages.of(e));
            return e.exitCode();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("Error: " + ErrorMessages.of(e));
            return EXIT_GENERIC;
        }
    }
}
