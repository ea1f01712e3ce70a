package io.ferry.core.engine;

/** A host's runtime, CRIU, kernel, architecture and cgroup version, as its heartbeats announce them. */
public record HostDescription(String runtime, String runtimeVersion, String criuVersion, String kernel, String arch,
                              String cgroupVersion) {
}
