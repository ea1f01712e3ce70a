package io.ferry.gateway.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A start refused for want of a way to authenticate says so in two lines, not in a stack trace. */
class SecurityConfigFailureAnalyzer extends AbstractFailureAnalyzer<SecurityConfigException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SecurityConfigException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
