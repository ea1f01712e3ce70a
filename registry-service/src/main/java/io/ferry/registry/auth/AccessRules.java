package io.ferry.registry.auth;

import io.ferry.registry.config.RegistryProperties;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ferry.registry.auth.access}: what each principal may do on which repositories. Nothing is
 * allowed that no rule allows. A token is granted the intersection of what was asked and what the
 * rules allow (the Docker token spec lets the granted access be smaller than the requested).
 */
@Component
public class AccessRules {
    /** The principal of a token request without credentials; only a rule naming it exactly matches it. */
    public static final String ANONYMOUS = "anonymous";
    static final Set<String> ACTIONS = Set.of("pull", "push", "delete");
    private static final Pattern VARIABLE = Pattern.compile("\\{([a-z][a-z0-9]*)}");
    /** What a "{name}" in a principal pattern captures: one repository path component's worth of a name. */
    private static final String CAPTURE = "([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)";

    private final List<Rule> rules;

    public AccessRules(RegistryProperties properties) {
        List<Rule> compiled = new ArrayList<>();
        int i = 0;
        for (RegistryProperties.Rule r : properties.auth().accessOrEmpty()) {
            compiled.add(Rule.compile("ferry.registry.auth.access[" + i++ + "]", r));
        }
        this.rules = List.copyOf(compiled);
    }

    /** Whether a request without credentials may do anything at all. */
    public boolean allowsAnonymous() {
        return rules.stream().anyMatch(r -> r.principals.stream().anyMatch(p -> p.pattern().equals(ANONYMOUS)));
    }

    /** The actions {@code principal} (null: anonymous) may do on {@code repository}. */
    public Set<String> allowed(String principal, String repository) {
        String who = principal == null ? ANONYMOUS : principal;
        Set<String> out = new LinkedHashSet<>();
        for (Rule rule : rules) {
            for (Principal p : rule.principals) {
                Optional<Map<String, String>> captured = p.match(who);
                if (captured.isPresent() && rule.repositories.stream().anyMatch(g -> g.matches(repository, captured.get()))) {
                    out.addAll(rule.actions);
                }
            }
        }
        return out;
    }

    /** What of {@code requested} the rules allow {@code principal}; entries left with no action are dropped. */
    public List<Access> grant(String principal, List<Access> requested) {
        List<Access> out = new ArrayList<>();
        for (Access a : requested) {
            Set<String> granted = new LinkedHashSet<>(a.actions());
            granted.retainAll(allowed(principal, a.name()));
            if (a.type().equals("repository") && !granted.isEmpty()) {
                out.add(new Access(a.type(), a.name(), granted));
            }
        }
        return out;
    }

    private record Rule(List<Principal> principals, List<Glob> repositories, Set<String> actions) {
        static Rule compile(String where, RegistryProperties.Rule r) {
            if (r.principals() == null || r.principals().isEmpty() || r.repositories() == null
                    || r.repositories().isEmpty() || r.actions() == null || r.actions().isEmpty()) {
                throw new IllegalStateException(where + " needs principals, repositories and actions, e.g."
                        + " {principals: [ferry-host-{host}], repositories: [ferry/migrations/{host}], actions: [pull, push]}");
            }
            Set<String> actions = new LinkedHashSet<>();
            for (String a : r.actions()) {
                String action = a.strip();
                if (!ACTIONS.contains(action)) {
                    throw new IllegalStateException(where + ".actions: unknown action \"" + a + "\" (use pull, push, delete)");
                }
                actions.add(action);
            }
            List<Principal> principals = r.principals().stream().map(p -> Principal.compile(where, p.strip())).toList();
            List<Glob> globs = r.repositories().stream().map(g -> Glob.compile(where, g.strip())).toList();
            for (Glob g : globs) {
                for (Principal p : principals) {
                    for (String v : g.variables) {
                        if (!p.variables.contains(v)) {
                            throw new IllegalStateException(where + ": repository \"" + g.pattern + "\" uses {" + v
                                    + "}, which principal \"" + p.pattern + "\" does not capture");
                        }
                    }
                }
            }
            return new Rule(principals, globs, Set.copyOf(actions));
        }
    }

    /** "alice", "*" (any authenticated user), "ferry-host-{host}" (captures host), or "anonymous". */
    private record Principal(String pattern, Pattern regex, List<String> variables) {
        static Principal compile(String where, String pattern) {
            if (pattern.isEmpty()) {
                throw new IllegalStateException(where + ".principals: an empty principal");
            }
            StringBuilder re = new StringBuilder();
            List<String> variables = new ArrayList<>();
            Matcher m = VARIABLE.matcher(pattern);
            int at = 0;
            while (m.find()) {
                re.append(literal(pattern.substring(at, m.start()))).append(CAPTURE);
                variables.add(m.group(1));
                at = m.end();
            }
            re.append(literal(pattern.substring(at)));
            return new Principal(pattern, Pattern.compile(re.toString()), List.copyOf(variables));
        }

        private static String literal(String s) {
            return Pattern.quote(s).replace("*", "\\E.*\\Q");
        }

        Optional<Map<String, String>> match(String principal) {
            if (principal.equals(ANONYMOUS) != pattern.equals(ANONYMOUS)) {
                return Optional.empty(); // "*" and "{x}" never match anonymous; "anonymous" only it
            }
            Matcher m = regex.matcher(principal);
            if (!m.matches()) {
                return Optional.empty();
            }
            Map<String, String> captured = new LinkedHashMap<>();
            for (int i = 0; i < variables.size(); i++) {
                captured.put(variables.get(i), m.group(i + 1));
            }
            return Optional.of(captured);
        }
    }

    /** A repository glob: "*" within one path component, "**" across components, "{name}" a captured value. */
    private record Glob(String pattern, List<String> variables) {
        static Glob compile(String where, String pattern) {
            if (pattern.isEmpty() || !pattern.matches("[a-z0-9._/*{}-]+")
                    || VARIABLE.matcher(pattern).replaceAll("").matches(".*[{}].*")) {
                throw new IllegalStateException(where + ".repositories: \"" + pattern
                        + "\" is not a repository glob (lower-case names, '/', '*', '**', '{name}')");
            }
            List<String> variables = new ArrayList<>();
            Matcher m = VARIABLE.matcher(pattern);
            while (m.find()) {
                variables.add(m.group(1));
            }
            return new Glob(pattern, List.copyOf(variables));
        }

        boolean matches(String repository, Map<String, String> captured) {
            StringBuilder re = new StringBuilder();
            int i = 0;
            while (i < pattern.length()) {
                char c = pattern.charAt(i);
                if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                    re.append(".*");
                    i += 2;
                } else if (c == '*') {
                    re.append("[^/]*");
                    i++;
                } else if (c == '{') {
                    int end = pattern.indexOf('}', i);
                    re.append(Pattern.quote(captured.get(pattern.substring(i + 1, end))));
                    i = end + 1;
                } else {
                    re.append(Pattern.quote(String.valueOf(c)));
                    i++;
                }
            }
            return repository.matches(re.toString());
        }
    }
}
