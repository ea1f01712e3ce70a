package io.ferry.core.criu;

import io.ferry.core.error.ToolFailedException;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CRIU binary the engine uses, its version, and the environment it must run with
 * ({@code CRIU_FAULT=130} only on machines whose hardware breakpoints hang CRIU; see {@link CriuSelfTest}).
 */
public record Criu(Path binary, String version, Map<String, String> environment) {
    /** Where scripts/install-host.sh puts its wrapper when the host's own CRIU does not qualify. */
    public static final Path FERRY_WRAPPER = Path.of("/usr/local/lib/ferry/criu");
    public static final String MINIMUM_VERSION = "4.2";
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final String CPUINFO = "cpuinfo.img";
    private static final Pattern VERSION = Pattern.compile("Version:\\s*(\\d+\\.\\d+(?:\\.\\d+)?)");

    /** The configured CRIU (FERRY_CRIU), else Ferry's wrapper, else criu on PATH. */
    public static Path locate(Path configured) {
        if (configured != null) {
            return configured;
        }
        if (Files.isExecutable(FERRY_WRAPPER)) {
            return FERRY_WRAPPER;
        }
        return Executables.onPath("criu").orElseThrow(() -> new ToolFailedException(
                "CRIU not found: run scripts/install-host.sh (needs CRIU >= " + MINIMUM_VERSION + ")", List.of()));
    }

    public static String readVersion(Path binary) {
        CommandResult r = Commands.check("criu --version", List.of(binary.toString(), "--version"), QUICK);
        Matcher m = VERSION.matcher(r.stdout());
        if (!m.find()) {
            throw new ToolFailedException("cannot read the version of " + binary, r.errorLines());
        }
        return m.group(1);
    }

    /**
     * Saves this CPU's description (cpuinfo.img) into the image directory, so the target can check
     * it before restoring. The CPU does not change while the machine runs: the image is made once
     * per boot and CRIU version and copied (it would otherwise add a CRIU start to every downtime).
     */
    public void dumpCpuInfo(Path imagesDir) {
        try {
            Files.copy(localCpuInfo(), imagesDir.resolve(CPUINFO), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save cpuinfo.img", e);
        }
    }

    /**
     * Null when this CPU can run the checkpoint; otherwise CRIU's own explanation. A checkpoint made
     * on a CPU identical to this one (same cpuinfo.img) passes without asking CRIU.
     */
    public List<String> checkCpuInfo(Path imagesDir) {
        try {
            if (Files.mismatch(imagesDir.resolve(CPUINFO), localCpuInfo()) == -1) {
                return null;
            }
        } catch (IOException e) {
            // fall through to CRIU's own check
        }
        CommandResult r = Commands.run(List.of(binary.toString(), "cpuinfo", "check", "-D", imagesDir.toString()),
                environment, QUICK);
        return r.ok() ? null : CriuLogs.errorLines(r.stderr() + "\n" + r.stdout());
    }

    private Path localCpuInfo() throws IOException {
        Path cached = CriuSelfTest.CACHE_DIR.resolve("cpuinfo-" + version + ".img");
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        Files.createDirectories(CriuSelfTest.CACHE_DIR);
        Path dir = Files.createTempDirectory(CriuSelfTest.CACHE_DIR, "cpuinfo");
        try {
            Commands.check("criu cpuinfo dump", List.of(binary.toString(), "cpuinfo", "dump", "-D", dir.toString()),
                    environment, QUICK);
            Files.move(dir.resolve(CPUINFO), cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return cached;
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }
}
