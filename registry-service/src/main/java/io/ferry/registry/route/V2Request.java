package io.ferry.registry.route;

import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A /v2 request read once, from its canonical path and its query string only (never from a form
 * body), by {@link V2RequestFilter}; the auth filter and the controller both take this value, so
 * what is authorized is what is served.
 */
public record V2Request(V2Route route, Map<String, String> query) {
    static final String ATTRIBUTE = V2Request.class.getName();
    static final int MAX_QUERY = 4096;

    /** The parsed request; present for every request to /v2 that reached a filter or controller after it. */
    public static V2Request of(HttpServletRequest request) {
        Object parsed = request.getAttribute(ATTRIBUTE);
        if (!(parsed instanceof V2Request v)) {
            throw new IllegalStateException("/v2 request was not parsed by V2RequestFilter");
        }
        return v;
    }

    public static V2Request orNull(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof V2Request v ? v : null;
    }

    public String param(String name) {
        return query.get(name);
    }

    /** {@code path} is canonical and starts with /v2. */
    static V2Request parse(String path, String rawQuery) {
        V2Request parsed = new V2Request(V2Route.parse(path.substring(3)), query(rawQuery));
        String from = parsed.param("from");
        if (from != null && (!V2Route.NAME.matcher(from).matches() || from.length() > 255)) {
            // it is named in the 401 challenge's scope: only a name may get there
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name in from=\"" + from + "\"");
        }
        return parsed;
    }

    /** Each parameter at most once: a repeated one could be read as the first by one reader and all by another. */
    static Map<String, String> query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        if (raw.length() > MAX_QUERY) {
            throw invalid("the query string is longer than " + MAX_QUERY + " characters");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.putIfAbsent(key, value) != null) {
                throw invalid("query parameter \"" + key + "\" is given more than once");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid("malformed percent-encoding in the query string");
        }
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.UNSUPPORTED, HttpStatus.BAD_REQUEST, message, null);
    }
}
