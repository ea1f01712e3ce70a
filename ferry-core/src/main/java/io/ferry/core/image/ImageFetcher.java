package io.ferry.core.image;

/**
 * Brings a missing image onto the host (restore pulls the archive's image when it is missing, as
 * Podman's does): in-process through {@link ImagePuller}, or through the host's image-service.
 */
@FunctionalInterface
public interface ImageFetcher {
    Image fetch(String reference);
}
