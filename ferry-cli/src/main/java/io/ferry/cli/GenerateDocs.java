package io.ferry.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Build-time generator (run by Maven at package): man pages in troff for {@code ferry} and each of
 * its commands, and the bash completion script, all from the picocli definitions, so they cannot
 * drift from the code. Usage: {@code GenerateDocs OUTDIR}.
 */
public final class GenerateDocs {
    private GenerateDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/generated-docs");
        io.ferry.core.os.FileTrees.deleteRecursively(out.resolve("man1")); // no page of a removed command stays
        Path man = Files.createDirectories(out.resolve("man1"));
        CommandLine ferry = FerryCli.commandLine();
        write(man, ferry, "ferry");
        for (CommandLine sub : commands(ferry)) {
            String name = sub.getCommandName();
            write(man, sub, "ferry-" + name);
            for (CommandLine nested : commands(sub)) {
                write(man, nested, "ferry-" + name + "-" + nested.getCommandName());
            }
        }
        Files.writeString(out.resolve("ferry-completion.bash"), AutoComplete.bash("ferry", ferry));
    }

    /** Subcommands once each (aliases such as "ls"/"list" map to the same command), without "help". */
    static java.util.List<CommandLine> commands(CommandLine parent) {
        return parent.getSubcommands().values().stream().distinct()
                .filter(c -> !c.getCommandName().equals("help")).toList();
    }

    private static void write(Path dir, CommandLine cmd, String page) throws IOException {
        Files.writeString(dir.resolve(page + ".1"), manPage(cmd.getCommandSpec(), page));
    }

    static String manPage(CommandSpec spec, String page) {
        StringBuilder m = new StringBuilder();
        m.append(".TH \"").append(page.toUpperCase()).append("\" 1 \"").append(LocalDate.now().getYear())
                .append("\" \"Ferry\" \"Ferry Manual\"\n");
        m.append(".SH NAME\n").append(esc(page)).append(" \\- ").append(esc(String.join(" ", spec.usageMessage().description())))
                .append('\n');
        CommandLine wide = new CommandLine(spec).setUsageHelpWidth(1000); // one line: man wraps it itself
        m.append(".SH SYNOPSIS\n.nf\n").append(esc(wide.getHelp().synopsis(0).strip())).append("\n.fi\n");
        m.append(".SH DESCRIPTION\n").append(esc(String.join("\n", spec.usageMessage().description()))).append('\n');
        if (!spec.positionalParameters().isEmpty()) {
            m.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                m.append(".TP\n\\fB").append(esc(p.paramLabel())).append("\\fR\n")
                        .append(esc(String.join(" ", p.description()))).append('\n');
            }
        }
        if (!spec.options().isEmpty()) {
            m.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                m.append(".TP\n\\fB").append(esc(String.join(", ", o.names()))).append("\\fR");
                if (o.arity().max() > 0) {
                    m.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                String description = String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
                m.append('\n').append(esc(description)).append('\n');
            }
        }
        if (!spec.subcommands().isEmpty()) {
            m.append(".SH COMMANDS\n");
            spec.subcommands().forEach((name, sub) -> {
                if (!name.equals("help")) {
                    m.append(".TP\n\\fB").append(esc(name)).append("\\fR\n")
                            .append(esc(String.join(" ", sub.getCommandSpec().usageMessage().description()))).append('\n');
                }
            });
        }
        m.append(".SH SEE ALSO\nferry(1), the README of Ferry's repository\n");
        return m.toString();
    }

    /** troff escaping: backslashes, and a leading dot or quote that troff would take for a request. */
    private static String esc(String s) {
        String out = s.replace("\\", "\\e").replace("-", "\\-");
        return out.lines().map(l -> l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l)
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
