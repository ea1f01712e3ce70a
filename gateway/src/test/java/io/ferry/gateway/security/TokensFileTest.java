package io.ferry.gateway.security;

import io.ferry.gateway.ApiTokenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tokens file with a mistake stops the gateway, naming the line, instead of dropping or widening an account. */
class TokensFileTest {
    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("tokens"), content);
    }

    @Test
    void accountsCommentsAndBlankLinesAreRead() throws IOException {
        String token = ApiTokenFiles.newToken();
        Path f = file("# operators\n\nops operator " + ApiTokenFiles.sha256Hex(token) + "\n");

        ApiTokens tokens = new ApiTokens(f);

        assertThat(tokens.byToken(token)).get().extracting(TokensFile.Account::name).isEqualTo("ops");
        assertThat(tokens.byNameAndToken("ops", token)).isPresent();
        assertThat(tokens.byNameAndToken("ops", token + "x")).isEmpty();
        assertThat(tokens.byNameAndToken("nobody", token)).isEmpty();
    }

    @Test
    void aTokenWrittenInsteadOfItsHashIsRefused() throws IOException {
        Path f = file("ops operator ferry_abc\n");

        assertThatThrownBy(() -> TokensFile.read(f)).isInstanceOf(SecurityConfigException.class)
                .hasMessage("invalid tokens file: " + f + " line 1: the third field must be the token's SHA-256 as 64"
                        + " lower-case hex digits, not the token itself");
    }

    @Test
    void anUnknownRoleADuplicateAndASharedTokenAreRefused() throws IOException {
        String hash = ApiTokenFiles.sha256Hex("t");
        assertThatThrownBy(() -> TokensFile.read(file("a root " + hash + "\n"))).hasMessageEndingWith(
                "line 1: unknown role \"root\" (roles: metrics, viewer, operator, admin)");
        assertThatThrownBy(() -> TokensFile.read(file("a viewer " + hash + "\na admin " + ApiTokenFiles.sha256Hex("u"))))
                .hasMessageEndingWith("line 2: account a is listed twice");
        assertThatThrownBy(() -> TokensFile.read(file("a viewer " + hash + "\nb admin " + hash)))
                .hasMessageEndingWith("line 2: account b has the same token as a");
    }

    @Test
    void aFileThatBecomesInvalidLocksEveryTokenOutUntilFixed() throws IOException {
        String token = ApiTokenFiles.newToken();
        String line = "ops operator " + ApiTokenFiles.sha256Hex(token) + "\n";
        Path f = file(line);
        ApiTokens tokens = new ApiTokens(f);

        Files.writeString(f, line + "broken line here too\n");
        assertThat(tokens.byToken(token)).isEmpty();

        Files.writeString(f, line);
        assertThat(tokens.byToken(token)).isPresent();
    }
}
