package io.ferry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The man pages and the bash completion come from the picocli definitions: every command has its page. */
class GenerateDocsTest {
    @TempDir
    Path out;

    @Test
    void everyCommandHasAManPageAndCompletion() throws Exception {
        GenerateDocs.main(new String[]{out.toString()});

        for (var sub : GenerateDocs.commands(FerryCli.commandLine())) {
            Path page = out.resolve("man1/ferry-" + sub.getCommandName() + ".1");
            assertThat(page).exists();
            assertThat(Files.readString(page)).startsWith(".TH \"FERRY-" + sub.getCommandName().toUpperCase())
                    .contains(".SH NAME", ".SH SYNOPSIS");
        }
        String checkpoint = Files.readString(out.resolve("man1/ferry-checkpoint.1"));
        assertThat(checkpoint).contains("\\fB\\-e, \\-\\-export\\fR", "\\-e=FILE|registry://HOST/REPO:TAG",
                "[\\-\\-encrypt\\-to=RECIPIENT]... [CONTAINER...]", "\\-\\-file\\-locks", "\\-\\-create\\-image");
        assertThat(out.resolve("man1/ferry-image-list.1")).as("aliases get no page of their own").doesNotExist();
        assertThat(out.resolve("man1/ferry-image-ls.1")).exists();
        String completion = Files.readString(out.resolve("ferry-completion.bash"));
        assertThat(completion).contains("complete -F", "checkpoint", "restore", "migrate", "--tcp-established");
    }
}
