package io.ferry.core.trust;

import io.ferry.protocol.ArchiveAnnotations;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signature as it travels with an archive: the Ed25519 signature (base64) of a
 * {@link CheckpointStatement}, the signer's key fingerprint, and what the signer says it signed
 * (migration, target). Those claims are never trusted: they only let a refusal say
 * "signed for host C" instead of "does not verify".
 */
public record CheckpointSignature(String signature, String keyFingerprint, String claimedMigration,
                                  String claimedTarget) {
    private static final int MAX_FIELD = 256;

    public CheckpointSignature {
        for (String f : new String[]{signature, keyFingerprint, claimedMigration, claimedTarget}) {
            if (f != null && f.length() > MAX_FIELD) {
                throw new IllegalArgumentException("a signature field is longer than " + MAX_FIELD + " characters");
            }
        }
    }

    public static CheckpointSignature sign(HostKeys keys, CheckpointStatement statement) {
        return new CheckpointSignature(Base64.getEncoder().encodeToString(keys.sign(statement.bytes())),
                keys.identity().fingerprint(), statement.migrationId(), statement.targetHost());
    }

    /** The annotations of a signed artifact's manifest. */
    public Map<String, String> annotations() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(ArchiveAnnotations.SIGNATURE, signature);
        a.put(ArchiveAnnotations.SIGNATURE_KEY, keyFingerprint);
        a.put(ArchiveAnnotations.SIGNATURE_MIGRATION, claimedMigration);
        a.put(ArchiveAnnotations.SIGNATURE_TARGET, claimedTarget);
        return a;
    }

    /** The signature in a manifest's annotations; null when it has none. */
    public static CheckpointSignature fromAnnotations(Map<String, String> annotations) {
        String signature = annotations.get(ArchiveAnnotations.SIGNATURE);
        if (signature == null || signature.isEmpty()) {
            return null;
        }
        return new CheckpointSignature(signature, annotations.get(ArchiveAnnotations.SIGNATURE_KEY),
                annotations.get(ArchiveAnnotations.SIGNATURE_MIGRATION), annotations.get(ArchiveAnnotations.SIGNATURE_TARGET));
    }

    /** The raw signature bytes; null when they are not base64. */
    byte[] bytes() {
        try {
            return Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
