package io.ferry.core.archive;

import io.ferry.core.error.InvalidArchiveException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config.dump of another shape is an invalid archive naming the field, never a null later on. */
class CheckpointedContainerTest {

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> CheckpointedContainer.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidArchiveException.class).hasMessage(message);
    }

    @Test
    void otherShapesAreNamed() {
        assertRefused("{\"id\":\"4a1b\",\"name\":\"looper\",\"rootfsImageName\":\"busybox\"}", // libpod's shape
                "config.dump is not a Podman container config Ferry can restore (\"rootfsImageID\" is missing or not"
                        + " a string)");
        assertRefused("{\"id\":\"4a1b\",\"name\":\"looper\"}",
                "config.dump is not a Ferry container config (\"container\" is missing; container id, name, image,"
                        + " command, volumes and checkpoint facts are required)");
        assertRefused("{\"container\":\"looper\"}",
                "config.dump is not a Ferry container config (\"container\" is missing or has the wrong type)");
        assertRefused("{\"container\":{\"command\":[{\"a\":1}]}}",
                "config.dump is not a Ferry container config (\"container.command[0]\" is missing or has the wrong type)");
        assertRefused("[1,2]", "config.dump is not a Ferry container config (it is not a JSON object of that shape)");
        assertRefused("null", "config.dump is not a Ferry container config (it is null)");
        assertRefused("{nope", "config.dump is not valid JSON: Unexpected character ('n' (code 110)): was expecting"
                + " double-quote to start property name");
    }

    @Test
    void missingFieldsAreNamed() {
        String container = "\"container\":{\"id\":\"i\",\"name\":\"n\",\"image\":\"busybox\",\"imageId\":\"x\","
                + "\"command\":[\"sh\",null],\"volumes\":[],\"created\":\"2026-11-29T12:00:00Z\"}";
        String checkpoint = "\"checkpoint\":{\"runtime\":\"runc\",\"criuVersion\":\"4.2\",\"arch\":\"amd64\","
                + "\"tcpEstablished\":false,\"leaveRunning\":false,\"rootfsIncluded\":false,\"volumesIncluded\":false}";
        assertRefused("{" + container + ",\"checkpoint\":{}}", "config.dump is not a Ferry container config"
                + " (\"checkpoint.tcpEstablished\" is missing or has the wrong type)");
        assertRefused("{" + container + "}", "config.dump is not a Ferry container config (\"checkpoint\" is missing;"
                + " container id, name, image, command, volumes and checkpoint facts are required)");
        assertRefused("{" + container + "," + checkpoint + "}", "config.dump is not a Ferry container config"
                + " (\"container.command[1]\" is missing; container id, name, image, command, volumes and checkpoint"
                + " facts are required)");
        assertRefused("{" + container.replace("\"sh\",null", "\"sh\"").replace("[]", "[{\"name\":\"v\",\"readOnly\":false}]") + ","
                + checkpoint + "}", "config.dump is not a Ferry container config (\"container.volumes[0].destination\""
                + " is missing; container id, name, image, command, volumes and checkpoint facts are required)");
    }
}
