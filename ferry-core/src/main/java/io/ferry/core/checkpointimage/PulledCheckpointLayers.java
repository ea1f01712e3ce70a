package io.ferry.core.checkpointimage;

import io.ferry.core.archive.ArchiveInspector;
import io.ferry.core.error.InvalidArchiveException;
import io.ferry.core.error.UntrustedCheckpointException;
import io.ferry.core.image.CheckpointLayers;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.trust.CheckpointSignature;
import io.ferry.core.trust.CheckpointStatement;
import io.ferry.core.trust.SignatureFile;
import io.ferry.protocol.ArchiveAnnotations;

import java.nio.file.Path;
import java.util.Map;

/**
 * A pulled checkpoint image's layer came from a registry: hostile until checked. It must be a checkpoint archive
 * (read through once within the host's limits: entry names, sizes, config.dump) before the store keeps it; the
 * restore then vets it in full and applies the signature rules, as it does any imported archive.
 */
public final class PulledCheckpointLayers implements CheckpointLayers {
    private final ArchiveLimits limits;

    public PulledCheckpointLayers(ArchiveLimits limits) {
        this.limits = limits;
    }

    @Override
    public void vet(Path blob, String what) {
        try {
            ArchiveInspector.inspect(blob, limits);
        } catch (InvalidArchiveException e) {
            throw new InvalidArchiveException(what + " is refused: its layer is not a checkpoint archive: "
                    + e.getMessage(), e);
        }
    }

    /** The signature the image's annotations carry, kept as the stored archive's {@code .sig} (as a signed export's). */
    @Override
    public void stored(Path archive, String blobDigest, Map<String, String> annotations) {
        CheckpointSignature signature;
        CheckpointStatement statement;
        try {
            signature = CheckpointSignature.fromAnnotations(annotations);
            if (signature == null) {
                return; // unsigned: a restore under --require-signed refuses it
            }
            statement = CheckpointStatement.export(blobDigest, annotations.get(ArchiveAnnotations.SOURCE_HOST));
        } catch (IllegalArgumentException e) {
            throw new UntrustedCheckpointException("the checkpoint image's signature is refused: " + e.getMessage());
        }
        SignatureFile.of(statement, signature).write(SignatureFile.of(archive));
    }
}
