package io.ferry.cli;

import io.ferry.core.error.InvalidArchiveException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMessagesTest {

    @Test
    void ferrysOwnErrorsKeepTheirMessage() {
        assertThat(ErrorMessages.of(new InvalidArchiveException("spec.dump: \"hooks\" is not allowed")))
                .isEqualTo("spec.dump: \"hooks\" is not allowed");
        assertThat(ErrorMessages.of(new IllegalArgumentException("invalid name \"a b\"")))
                .isEqualTo("invalid name \"a b\"");
    }

    @Test
    void aBugNeverShowsJavaText() {
        String npe = ErrorMessages.of(new NullPointerException("Cannot invoke \"Object.toString()\" because \"x\" is null"));
        String cce = ErrorMessages.of(new ClassCastException("class java.lang.String cannot be cast to class java.lang.Integer"));
        String oob = ErrorMessages.of(new StringIndexOutOfBoundsException("begin 0, end 12, length 3"));
        for (String m : new String[]{npe, cce, oob}) {
            assertThat(m).isEqualTo(ErrorMessages.INTERNAL).doesNotContain("java.", "Cannot invoke", "Exception");
        }
    }

    @Test
    void fileSystemFailuresAreSaidInWords() {
        assertThat(ErrorMessages.of(new UncheckedIOException(new NoSuchFileException("/tmp/x.tar"))))
                .isEqualTo("no such file or directory: /tmp/x.tar");
        assertThat(ErrorMessages.of(new UncheckedIOException(new AccessDeniedException("/root/a"))))
                .isEqualTo("permission denied: /root/a");
        assertThat(ErrorMessages.of(new UncheckedIOException(new IOException("No space left on device"))))
                .isEqualTo("I/O error: No space left on device");
    }

    @Test
    void aQuotedHostileValueCannotForgeALine() {
        assertThat(ErrorMessages.of(new InvalidArchiveException("archive entry \"a\nError: all good\u001b[2K\" is bad")))
                .isEqualTo("archive entry \"a\\nError: all good\\u001b[2K\" is bad");
    }

    @Test
    void debugIsOnlyOnWhenAsked() {
        assertThat(ErrorMessages.debug(Map.of())).isFalse();
        assertThat(ErrorMessages.debug(Map.of("FERRY_DEBUG", "0"))).isFalse();
        assertThat(ErrorMessages.debug(Map.of("FERRY_DEBUG", "1"))).isTrue();
    }
}
