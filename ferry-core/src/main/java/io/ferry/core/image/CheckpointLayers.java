package io.ferry.core.image;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a pull does with a checkpoint image's layer, given by the engine (the archive's format and trust live
 * above the image store): vet the downloaded archive before it is kept — it came from a registry and is
 * hostile until checked — and keep the signature its annotations carry beside the stored archive.
 */
public interface CheckpointLayers {
    /** Refuses (an InvalidArchiveException naming {@code what}) a blob that is not a checkpoint archive. */
    void vet(Path blob, String what);

    /** After the archive is stored at {@code archive}: keeps the signature in {@code annotations}, if any. */
    void stored(Path archive, String blobDigest, Map<String, String> annotations);

    /** Refuses every checkpoint image (an image store without the engine above it). */
    CheckpointLayers REFUSE = new CheckpointLayers() {
        @Override
        public void vet(Path blob, String what) {
            throw new io.ferry.core.error.InvalidArchiveException(what + " is a checkpoint image: pull it with the engine");
        }

        @Override
        public void stored(Path archive, String blobDigest, Map<String, String> annotations) {
        }
    };
}
