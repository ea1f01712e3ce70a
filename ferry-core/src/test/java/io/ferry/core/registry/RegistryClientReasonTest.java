package io.ferry.core.registry;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** A registry that is down is reported with a reason, never as "null" (the chaos suite saw that). */
class RegistryClientReasonTest {
    @Test
    void aConnectExceptionWithoutAMessageIsNamedByItsKind() {
        assertThat(RegistryClient.reason(new ConnectException())).isEqualTo("ConnectException");
    }

    @Test
    void theFirstMessageInTheCauseChainIsTheReason() {
        assertThat(RegistryClient.reason(new IOException(null, new ConnectException("Connection refused"))))
                .isEqualTo("Connection refused");
        assertThat(RegistryClient.reason(new IOException("HTTP/1.1 header parser received no bytes")))
                .isEqualTo("HTTP/1.1 header parser received no bytes");
    }
}
