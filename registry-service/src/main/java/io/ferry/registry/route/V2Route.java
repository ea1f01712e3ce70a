package io.ferry.registry.route;

import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code /v2/...} path: repository names contain slashes, so the kind of resource is read
 * from the end of the path. Shared by the API and the auth filter (which needs the repository).
 */
public record V2Route(Kind kind, String name, String reference) {
    public enum Kind { BASE, MANIFEST, BLOB, UPLOADS, UPLOAD, TAGS, REFERRERS }

    /** The spec's repository name grammar. */
    public static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    public static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private record Rule(Kind kind, Pattern pattern) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Kind.UPLOADS, Pattern.compile("/(.+)/blobs/uploads/?")),
            new Rule(Kind.UPLOAD, Pattern.compile("/(.+)/blobs/uploads/([^/]+)")),
            new Rule(Kind.BLOB, Pattern.compile("/(.+)/blobs/([^/]+)")),
            new Rule(Kind.MANIFEST, Pattern.compile("/(.+)/manifests/([^/]+)")),
            new Rule(Kind.TAGS, Pattern.compile("/(.+)/tags/list")),
            new Rule(Kind.REFERRERS, Pattern.compile("/(.+)/referrers/([^/]+)")));

    /** {@code path} is what follows "/v2". */
    public static V2Route parse(String path) {
        if (path.isEmpty() || path.equals("/")) {
            return new V2Route(Kind.BASE, null, null);
        }
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(path);
            if (m.matches()) {
                String name = m.group(1);
                if (!NAME.matcher(name).matches() || name.length() > 255) {
                    throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name \"" + name + "\"");
                }
                return new V2Route(rule.kind(), name, m.groupCount() > 1 ? m.group(2) : null);
            }
        }
        throw new RegistryException(ErrorCode.UNSUPPORTED, org.springframework.http.HttpStatus.NOT_FOUND,
                "no such endpoint: /v2" + path, null);
    }
}
