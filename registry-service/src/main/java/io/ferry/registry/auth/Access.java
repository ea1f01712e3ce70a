package io.ferry.registry.auth;

import io.ferry.registry.route.V2Route;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One entry of a token's access list, as the Docker token spec writes it: type "repository", a
 * name, and actions ("pull", "push", "delete"). Parsed from {@code scope=repository:NAME:pull,push}.
 */
public record Access(String type, String name, Set<String> actions) {

    private static final Set<String> ACTIONS = Set.of("pull", "push", "delete");

    /**
     * The scopes a token request asks for. One that is not "repository:NAME:ACTIONS" with a valid
     * name and known actions is ignored, as registries do: a token never names what no route can.
     */
    public static List<Access> parseScopes(List<String> scopes) {
        List<Access> out = new ArrayList<>();
        for (String scope : scopes) {
            for (String one : scope.split(" ")) {
                String[] parts = one.split(":", -1);
                if (parts.length != 3 || !parts[0].equals("repository") || parts[1].length() > 255
                        || !V2Route.NAME.matcher(parts[1]).matches()) {
                    continue;
                }
                Set<String> actions = new LinkedHashSet<>(List.of(parts[2].split(",")));
                actions.retainAll(ACTIONS);
                if (!actions.isEmpty()) {
                    out.add(new Access(parts[0], parts[1], actions));
                }
            }
        }
        return out;
    }

    public String scope() {
        return type + ":" + name + ":" + String.join(",", actions);
    }
}
