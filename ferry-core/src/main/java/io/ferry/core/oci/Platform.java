package io.ferry.core.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The platform of an index entry ("linux"/"amd64"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Platform(String architecture, String os, String variant) {
    public static final Platform LINUX_AMD64 = new Platform("amd64", "linux", null);

    public boolean matches(Platform other) {
        return other != null && architecture.equals(other.architecture()) && os.equals(other.os());
    }
}
