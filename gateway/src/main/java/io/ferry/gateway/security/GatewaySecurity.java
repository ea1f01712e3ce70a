package io.ferry.gateway.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcherEntry;

import java.util.Set;

/**
 * Who may call the gateway. Bearer tokens (API tokens of the tokens file, or JWTs of the configured
 * issuer) are stateless and need no CSRF token: a browser never adds an Authorization header on its
 * own. The dashboard logs in with a form (account name + its token) into a session cookie, and its
 * posts carry the XSRF-TOKEN cookie's value in X-XSRF-TOKEN. /actuator/health stays open (status only).
 */
@Configuration(proxyBeanMethods = false)
class GatewaySecurity {
    static final String LOGIN_PAGE = "/login.html";

    @Bean
    static RoleHierarchy roleHierarchy() {
        return Role.hierarchy();
    }

    @Bean
    SecurityFilterChain gatewayFilterChain(HttpSecurity http, SecurityProperties properties,
                                           ObjectProvider<JwtDecoder> jwtDecoder) {
        JwtDecoder jwt = jwtDecoder.getIfAvailable();
        if (properties.tokensFile() == null && jwt == null) {
            throw new SecurityConfigException("the gateway has no way to authenticate its callers: neither"
                    + " ferry.gateway.security.tokens-file nor a JWT issuer (spring.security.oauth2.resourceserver.jwt."
                    + "issuer-uri, jwk-set-uri or public-key-location) is set, and there are no default accounts",
                    "Create a tokens file with scripts/new-token.sh -a FILE NAME admin and start the gateway with"
                            + " --ferry.gateway.security.tokens-file=FILE (or FERRY_GATEWAY_TOKENS_FILE=FILE), and/or"
                            + " configure a JWT issuer.");
        }
        ApiTokenAuthentication apiTokens = properties.tokensFile() == null ? null
                : new ApiTokenAuthentication(new ApiTokens(properties.tokensFile()));
        boolean formLogin = apiTokens != null;
        ProblemResponses problems = new ProblemResponses(formLogin);
        BearerTokens bearerTokens = new BearerTokens(apiTokens, jwt, properties.jwt());
        RequestMatcher bearer = GatewaySecurity::hasBearerToken;

        http.authorizeHttpRequests(a -> a
                // the request was authorized before it went async (SSE) or failed over to /error
                .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                .requestMatchers(HttpMethod.GET, LOGIN_PAGE, "/login.js", "/style.css", "/favicon.ico").permitAll()
                .requestMatchers("/actuator/prometheus").hasRole(Role.METRICS.id())
                .requestMatchers(HttpMethod.POST, "/api/migrations", "/api/migrations/*/cancel").hasRole(Role.OPERATOR.id())
                .requestMatchers(HttpMethod.GET, "/**").hasRole(Role.VIEWER.id())
                .requestMatchers(HttpMethod.HEAD, "/**").hasRole(Role.VIEWER.id())
                .anyRequest().hasRole(Role.ADMIN.id())); // replay, and whatever write is added later until it says otherwise
        http.oauth2ResourceServer(o -> o.authenticationManagerResolver(request -> bearerTokens)
                .authenticationEntryPoint(problems).accessDeniedHandler(problems));
        http.csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                // the token lives in a cookie, never in a page: no BREACH masking needed, so the login form's _csrf and
                // the dashboard's header carry the cookie's value as it is
                .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                .ignoringRequestMatchers(bearer));
        http.addFilterAfter(new CsrfCookieFilter(bearer), CsrfFilter.class);
        http.exceptionHandling(e -> e.authenticationEntryPoint(entryPoint(problems, formLogin)).accessDeniedHandler(problems));
        HttpSessionRequestCache requestCache = new HttpSessionRequestCache();
        requestCache.setRequestMatcher(browserPage());
        http.requestCache(r -> r.requestCache(requestCache));
        if (formLogin) {
            http.authenticationProvider(apiTokens);
            http.addFilterBefore(new RevokedSessions(apiTokens.tokens()), AuthorizationFilter.class);
            http.formLogin(f -> f.loginPage(LOGIN_PAGE).loginProcessingUrl("/login").failureUrl(LOGIN_PAGE + "?error")
                    .defaultSuccessUrl("/", false));
            http.logout(l -> l.logoutUrl("/logout").logoutSuccessUrl(LOGIN_PAGE + "?logout"));
        } else {
            http.formLogin(f -> f.disable());
            http.logout(l -> l.disable());
        }
        http.httpBasic(b -> b.disable());
        return http.build();
    }

    /** A browser asking for a page is sent to the login page; everything else (API clients, scripts, SSE) gets 401. */
    private static AuthenticationEntryPoint entryPoint(ProblemResponses problems, boolean formLogin) {
        if (!formLogin) {
            return problems;
        }
        return new DelegatingAuthenticationEntryPoint(problems,
                new RequestMatcherEntry<>(browserPage(), new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE)));
    }

    private static RequestMatcher browserPage() {
        MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        return request -> HttpMethod.GET.matches(request.getMethod()) && !hasBearerToken(request) && html.matches(request);
    }

    static boolean hasBearerToken(HttpServletRequest request) {
        String h = request.getHeader("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7);
    }
}
