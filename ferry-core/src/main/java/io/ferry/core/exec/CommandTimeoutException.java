package io.ferry.core.exec;

import io.ferry.core.error.ToolFailedException;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** An external command ran past its timeout and was killed. */
public class CommandTimeoutException extends ToolFailedException {
    public CommandTimeoutException(List<String> command, Duration timeout, String stderr) {
        super(String.join(" ", command.subList(0, Math.min(3, command.size()))) + " timed out after "
                + timeout.toSeconds() + "s and was killed",
                Arrays.stream(stderr.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList());
    }
}
