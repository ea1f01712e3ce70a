package io.ferry.gateway.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Optional;

/** {@code GET /api/me}: the caller's name and what its role lets it do (the dashboard hides what it may not). */
@RestController
class WhoAmIController {
    private final RoleHierarchy hierarchy;

    WhoAmIController(RoleHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    record Me(String name, List<String> roles) {
    }

    @GetMapping("/api/me")
    Me me(Authentication caller) {
        List<String> roles = hierarchy.getReachableGrantedAuthorities(caller.getAuthorities()).stream()
                .map(GrantedAuthority::getAuthority).map(Role::ofAuthority).flatMap(Optional::stream)
                .sorted().map(Role::id).toList();
        return new Me(caller.getName(), roles);
    }
}
