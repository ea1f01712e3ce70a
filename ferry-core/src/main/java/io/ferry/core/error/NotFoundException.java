package io.ferry.core.error;

/** A container, image, volume or file the user named does not exist. */
public class NotFoundException extends FerryException {
    public NotFoundException(String message) {
        super(message);
    }

    public static NotFoundException container(String nameOrId) {
        return new NotFoundException("no container with name or ID \"" + nameOrId + "\" found");
    }

    public static NotFoundException image(String ref) {
        return new NotFoundException("image not known: " + ref);
    }

    public static NotFoundException volume(String name) {
        return new NotFoundException("no volume with name \"" + name + "\" found");
    }
}
