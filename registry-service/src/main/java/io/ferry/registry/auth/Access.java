package io.ferry.registry.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One entry of a token's access list, as the Docker token spec writes it: type "repository", a
 * name, and actions ("pull", "push", "delete"). Parsed from {@code scope=repository:NAME:pull,push}.
 */
public record Access(String type, String name, Set<String> actions) {

    public static List<Access> parseScopes(List<String> scopes) {
        List<Access> out = new ArrayList<>();
        for (String scope : scopes) {
            for (String one : scope.split(" ")) {
                int first = one.indexOf(':');
                int last = one.lastIndexOf(':');
                if (first < 0 || last <= first) {
                    continue; // malformed scopes are ignored, as registries do
                }
                out.add(new Access(one.substring(0, first), one.substring(first + 1, last),
                        new LinkedHashSet<>(List.of(one.substring(last + 1).split(",")))));
            }
        }
        return out;
    }

    public String scope() {
        return type + ":" + name + ":" + String.join(",", actions);
    }
}
