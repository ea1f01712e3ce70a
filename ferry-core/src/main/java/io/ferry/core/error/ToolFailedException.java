package io.ferry.core.error;

import java.util.List;

/** runc, CRIU or ip failed; carries the tool's own error lines so the user sees the real cause. */
public class ToolFailedException extends FerryException {
    private final List<String> toolLines;

    public ToolFailedException(String message, List<String> toolLines) {
        super(toolLines.isEmpty() ? message : message + ":\n  " + String.join("\n  ", toolLines));
        this.toolLines = List.copyOf(toolLines);
    }

    public List<String> toolLines() {
        return toolLines;
    }
}
