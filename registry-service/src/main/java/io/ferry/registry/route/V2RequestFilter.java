package io.ferry.registry.route;

import io.ferry.registry.error.ErrorCode;
import io.ferry.registry.error.RegistryErrorHandler;
import io.ferry.registry.error.RegistryException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * First of all filters: refuses a non-canonical path (400), and parses a /v2 request once into the
 * {@link V2Request} that authorization and the controller then both read.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class V2RequestFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        String problem = CanonicalPath.problem(path);
        if (problem != null) {
            RegistryErrorHandler.write(response, new RegistryException(ErrorCode.UNSUPPORTED, HttpStatus.BAD_REQUEST,
                    "the request path is not canonical: " + problem, null));
            return;
        }
        if (path.equals("/v2") || path.startsWith("/v2/")) {
            response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
            try {
                request.setAttribute(V2Request.ATTRIBUTE, V2Request.parse(path, request.getQueryString()));
            } catch (RegistryException e) {
                RegistryErrorHandler.write(response, e);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
