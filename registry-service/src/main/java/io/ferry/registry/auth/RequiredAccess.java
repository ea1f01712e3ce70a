package io.ferry.registry.auth;

import io.ferry.registry.route.V2Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What a /v2 request needs: reads need pull; writes need push; a mount also needs pull on its source. */
public final class RequiredAccess {
    private RequiredAccess() {
    }

    public static List<Access> of(String method, V2Route route, String mountFrom) {
        if (route.kind() == V2Route.Kind.BASE) {
            return List.of();
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        String action = read ? "pull" : method.equals("DELETE") ? "delete" : "push";
        List<Access> needed = new ArrayList<>();
        needed.add(new Access("repository", route.name(), read ? Set.of("pull") : Set.of(action)));
        if (mountFrom != null && route.kind() == V2Route.Kind.UPLOADS) {
            needed.add(new Access("repository", mountFrom, Set.of("pull")));
        }
        return needed;
    }

    /** True when {@code granted} covers every needed action. "delete" is also covered by "push". */
    public static boolean covered(List<Access> needed, List<Access> granted) {
        for (Access n : needed) {
            boolean ok = granted.stream().anyMatch(g -> g.type().equals(n.type()) && g.name().equals(n.name())
                    && n.actions().stream().allMatch(a -> g.actions().contains(a)
                    || (a.equals("delete") && g.actions().contains("push"))));
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
