package io.ferry.gateway.security;

/** The gateway cannot know its callers as configured (no tokens file nor JWT issuer, an invalid tokens file). */
public class SecurityConfigException extends RuntimeException {
    private final String action;

    public SecurityConfigException(String message, String action) {
        super(message);
        this.action = action;
    }

    /** What the operator should do about it. */
    public String action() {
        return action;
    }
}
