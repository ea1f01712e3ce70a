package io.ferry.spring.kafka;

import io.ferry.protocol.Identifiers;
import io.ferry.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Who may do what on Ferry's Kafka topics: the one definition of principals and ACLs, applied with
 * Kafka's Admin API (by the in-process broker at start, by the gateway on an external broker when it
 * has admin credentials) and listed for operators in docs/security.md. A principal's kind follows
 * from its name: {@value #GATEWAY}; {@code ferry-host-<hostId>} (both services of that host); any
 * other name not starting with {@code ferry-} is a requester (another system that asks for migrations).
 */
public final class KafkaAccess {
    public static final String GATEWAY = "ferry-gateway";
    /** The in-process broker's own principal (its only super user); never in a users file. */
    public static final String BROKER = "ferry-broker";
    public static final String HOST_PRINCIPAL_PREFIX = "ferry-host-";
    /** Kafka's minimum for SCRAM-SHA-512, as kafka-configs.sh uses by default. */
    static final int SCRAM_ITERATIONS = 4096;
    private static final Logger log = LoggerFactory.getLogger(KafkaAccess.class);

    private KafkaAccess() {
    }

    public static String hostPrincipal(String hostId) {
        return HOST_PRINCIPAL_PREFIX + Identifiers.hostId("host id", hostId);
    }

    /** Checks a principal name: a refused name says why; returns it. */
    public static String check(String principal) {
        if (principal == null || principal.isEmpty()) {
            throw new IllegalArgumentException("a Kafka principal name is empty");
        }
        if (principal.equals(GATEWAY)) {
            return principal;
        }
        if (principal.startsWith(HOST_PRINCIPAL_PREFIX)) {
            hostPrincipal(principal.substring(HOST_PRINCIPAL_PREFIX.length()));
            return principal;
        }
        if (principal.startsWith("ferry-")) {
            throw new IllegalArgumentException("Kafka principal " + Identifiers.quote(principal) + " is reserved: names "
                    + "starting with ferry- are " + GATEWAY + " and " + HOST_PRINCIPAL_PREFIX + "<hostId> only");
        }
        Topics.requests(principal); // a requester: its name must make a topic name
        return principal;
    }

    /** The ACLs of these principals (all allow; what is not allowed is refused: allow.everyone.if.no.acl.found=false). */
    public static List<AclBinding> bindings(Collection<String> principals) {
        List<AclBinding> acls = new ArrayList<>();
        for (String p : principals) {
            check(p);
            if (p.equals(GATEWAY)) {
                // writes every host's commands, reads every host's events and heartbeats (a prefix cannot
                // say "only .checkpoint and .restore"; the gateway is trusted with the whole family)
                topic(acls, p, PatternType.PREFIXED, Topics.HOST_PREFIX, AclOperation.READ, AclOperation.WRITE,
                        AclOperation.CREATE);
                topic(acls, p, PatternType.PREFIXED, Topics.REQUESTS_PREFIX, AclOperation.READ);
                topic(acls, p, PatternType.LITERAL, Topics.EVENTS, AclOperation.WRITE, AclOperation.CREATE,
                        AclOperation.DESCRIBE_CONFIGS);
                group(acls, p, PatternType.PREFIXED, GATEWAY);
            } else if (p.startsWith(HOST_PRINCIPAL_PREFIX)) {
                String host = p.substring(HOST_PRINCIPAL_PREFIX.length());
                for (String commands : List.of(Topics.checkpointCommands(host), Topics.restoreCommands(host))) {
                    topic(acls, p, PatternType.LITERAL, commands, AclOperation.READ, AclOperation.CREATE,
                            AclOperation.DESCRIBE_CONFIGS);
                    group(acls, p, PatternType.LITERAL, commands); // the group id is the topic's name
                }
                for (String reports : List.of(Topics.hostEvents(host), Topics.hostHeartbeats(host))) {
                    topic(acls, p, PatternType.LITERAL, reports, AclOperation.WRITE, AclOperation.CREATE,
                            AclOperation.DESCRIBE_CONFIGS);
                }
            } else {
                // literal, not a prefix: requester "crm" must not write "crm2"'s topic
                topic(acls, p, PatternType.LITERAL, Topics.requests(p), AclOperation.WRITE);
            }
        }
        return acls;
    }

    /** The requesters' topics, made by whoever applies the ACLs (a requester may only write its own). */
    public static List<NewTopic> requesterTopics(Collection<String> principals) {
        return principals.stream().filter(p -> !p.equals(GATEWAY) && !p.startsWith(HOST_PRINCIPAL_PREFIX))
                .map(p -> new NewTopic(Topics.requests(p), Optional.of(3), Optional.empty())).toList();
    }

    /**
     * Sets each principal's SCRAM-SHA-512 credential from {@code users} and applies their ACLs. With
     * {@code revokeOthers}, other principals' credentials are removed (not the broker's own): how a
     * principal is revoked on the in-process broker. Never on a broker others administer as well.
     */
    public static void grant(Admin admin, KafkaUsers users, boolean revokeOthers, Duration timeout) {
        try {
            List<UserScramCredentialAlteration> changes = new ArrayList<>();
            if (revokeOthers) {
                for (String known : admin.describeUserScramCredentials().users().get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    if (!known.equals(BROKER) && !users.principals().contains(known)) {
                        log.info("Kafka principal {} is no longer in the users file: its credential is removed", known);
                        changes.add(new UserScramCredentialDeletion(known, ScramMechanism.SCRAM_SHA_512));
                    }
                }
            }
            users.passwords().forEach((name, password) -> changes.add(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)));
            admin.alterUserScramCredentials(changes).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted setting Kafka credentials", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot set the Kafka principals' credentials: " + cause.getMessage(), cause);
        }
        apply(admin, users.principals(), timeout);
    }

    /** Creates the ACLs and the requesters' topics; what exists already is left as it is (idempotent). */
    public static void apply(Admin admin, Collection<String> principals, Duration timeout) {
        try {
            admin.createAcls(bindings(principals)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (var created : admin.createTopics(requesterTopics(principals)).values().entrySet()) {
                try {
                    created.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted applying Ferry's Kafka ACLs", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot apply Ferry's Kafka ACLs: " + cause.getMessage(), cause);
        }
    }

    private static void topic(List<AclBinding> acls, String principal, PatternType type, String name, AclOperation... ops) {
        for (AclOperation op : ops) {
            acls.add(allow(new ResourcePattern(ResourceType.TOPIC, name, type), principal, op));
        }
    }

    private static void group(List<AclBinding> acls, String principal, PatternType type, String name) {
        acls.add(allow(new ResourcePattern(ResourceType.GROUP, name, type), principal, AclOperation.READ));
    }

    private static AclBinding allow(ResourcePattern resource, String principal, AclOperation op) {
        return new AclBinding(resource, new AccessControlEntry("User:" + principal, "*", op, AclPermissionType.ALLOW));
    }
}
