package io.ferry.gateway.security;

import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a caller may do. Each role includes the ones below it: admin (replay) ⊇ operator (migrate,
 * cancel) ⊇ viewer (read the API, the streams, the dashboard, the docs) ⊇ metrics (only
 * /actuator/prometheus, for a scraper).
 */
public enum Role {
    METRICS, VIEWER, OPERATOR, ADMIN;

    /** The name in tokens files, JWT claims and messages: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public SimpleGrantedAuthority authority() {
        return new SimpleGrantedAuthority("ROLE_" + id());
    }

    public static Optional<Role> of(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst();
    }

    /** The role behind an authority ("ROLE_operator" -> operator), for messages. */
    public static Optional<Role> ofAuthority(String authority) {
        return authority.startsWith("ROLE_") ? of(authority.substring(5)) : Optional.empty();
    }

    public static String ids() {
        return Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "));
    }

    static RoleHierarchy hierarchy() {
        RoleHierarchyImpl.Builder b = RoleHierarchyImpl.withDefaultRolePrefix();
        for (int i = values().length - 1; i > 0; i--) {
            b = b.role(values()[i].id()).implies(values()[i - 1].id());
        }
        return b.build();
    }
}
