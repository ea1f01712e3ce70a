package io.ferry.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** `ferry <command> --help` prints the command's usage and nothing else, whatever arguments it requires. */
class HelpCliTest {

    @TestFactory
    Stream<DynamicTest> everyCommandPrintsItsUsageOnHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(FerryCli.commandLine(), List.of(), paths);
        assertThat(paths).as("the walk finds nested commands").contains(List.of("image", "ls"),
                List.of("network", "create"), List.of("container", "inspect"));
        return paths.stream().map(path -> DynamicTest.dynamicTest("ferry " + String.join(" ", path) + " --help", () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = FerryCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            List<String> argv = new ArrayList<>(path);
            argv.add("--help");

            int exit = cli.execute(argv.toArray(String[]::new));

            assertThat(err.toString()).as("stderr").isEmpty();
            assertThat(exit).as("exit code").isZero();
            assertThat(out.toString()).as("stdout").startsWith("Usage: ferry " + String.join(" ", path) + " ");
        }));
    }

    /** Every command path under {@code cmd}, once per command (not per alias), without picocli's "help". */
    private static void collect(CommandLine cmd, List<String> path, List<List<String>> paths) {
        for (CommandLine sub : GenerateDocs.commands(cmd)) {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getCommandName());
            paths.add(subPath);
            collect(sub, subPath, paths);
        }
    }
}
