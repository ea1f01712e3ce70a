package io.ferry.core.engine;

import io.ferry.core.criu.Criu;
import io.ferry.core.criu.CriuFeatures;
import io.ferry.core.criu.CriuSelfTest;
import io.ferry.core.criu.Executables;
import io.ferry.core.exec.CommandResult;
import io.ferry.core.exec.Commands;
import io.ferry.core.os.HostFacts;
import io.ferry.core.os.PipeSize;
import io.ferry.core.runtime.RuncRuntime;
import io.ferry.protocol.Compatibility;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ferry doctor}: what the engine finds on this machine and whether checkpointing can work.
 * The CRIU self-test runs afresh here (the engine otherwise uses its cached verdict).
 */
public final class Doctor {
    private static final Duration QUICK = Duration.ofSeconds(60);
    /** CRIU features worth knowing about for migration (criu check --feature NAME). */
    private static final List<String> FEATURES = List.of("uffd-noncoop", "mem_dirty_track", "tcp_half_closed",
            "network_lock_nftables");

    private Doctor() {
    }

    /** One finding; {@code fatal} ones make checkpointing impossible. */
    public record Finding(String name, String value, boolean ok, boolean fatal) {
    }

    public record Report(List<Finding> findings) {
        public boolean canCheckpoint() {
            return findings.stream().noneMatch(f -> f.fatal() && !f.ok());
        }
    }

    public static Report examine(EngineSettings settings) {
        List<Finding> out = new ArrayList<>();
        out.add(new Finding("kernel", HostFacts.kernel() + " (" + HostFacts.arch() + ")", true, false));
        out.add(new Finding("cgroups", HostFacts.cgroupVersion(), true, false));
        out.add(new Finding("overlayfs", filesystems().contains("overlay") ? "available" : "missing",
                filesystems().contains("overlay"), true));
        for (String tool : List.of("ip", "iptables-restore", "mount", "setsid")) {
            var path = Executables.onPath(tool);
            out.add(new Finding(tool, path.map(Path::toString).orElse("not found (install it: scripts/install-host.sh)"),
                    path.isPresent(), true));
        }
        for (String tool : List.of("iptables", "bridge", "arping", "nsenter")) { // container networks, not checkpoints
            var path = Executables.onPath(tool);
            out.add(new Finding(tool, path.map(Path::toString).orElse("not found (container networks need it: "
                    + (tool.equals("arping") ? "iputils-arping, " : "") + "scripts/install-host.sh)"), path.isPresent(), false));
        }
        try {
            Path runc = RuncRuntime.locate(settings.runcBinary());
            out.add(new Finding("runc", runc + " " + RuncRuntime.readVersion(runc), true, true));
        } catch (RuntimeException e) {
            out.add(new Finding("runc", e.getMessage(), false, true));
        }
        Path criu;
        String version;
        try {
            criu = Criu.locate(settings.criuBinary());
            version = Criu.readVersion(criu);
        } catch (RuntimeException e) {
            out.add(new Finding("criu", e.getMessage(), false, true));
            return new Report(out);
        }
        boolean recent = Compatibility.atLeast(version, Criu.MINIMUM_VERSION);
        out.add(new Finding("criu", criu + " " + version + (recent ? "" : " (older than " + Criu.MINIMUM_VERSION
                + ": TCP sockets cannot be checkpointed on kernels >= 6.16)"), recent, false));
        CommandResult check = Commands.run(List.of(criu.toString(), "check"), QUICK);
        out.add(new Finding("criu check", check.ok() ? "Looks good" : String.join("; ", check.errorLines()),
                check.ok(), true));
        for (String feature : FEATURES) {
            CommandResult r = Commands.run(List.of(criu.toString(), "check", "--feature", feature), QUICK);
            out.add(new Finding("feature " + feature, r.ok() ? "supported" : "not supported", r.ok(), false));
        }
        Criu forFeatures = new Criu(criu, version, Map.of());
        String post = CriuFeatures.postCopyUnavailable(forFeatures);
        out.add(new Finding("post-copy", post == null ? "available (CRIU lazy pages, userfaultfd)" : post,
                post == null, false));
        String pre = CriuFeatures.preCopyUnavailable(forFeatures);
        out.add(new Finding("pre-copy", pre == null ? "available (the kernel tracks dirty memory)" : pre,
                pre == null, false));
        long pipeMax = PipeSize.current();
        out.add(new Finding("fs.pipe-max-size", pipeMax + (pipeMax >= PipeSize.LAZY_PAGES_MINIMUM ? ""
                : " (post-copy needs " + PipeSize.LAZY_PAGES_MINIMUM + ": raised before a transfer when root,"
                + " or by scripts/install-host.sh)"), pipeMax >= PipeSize.LAZY_PAGES_MINIMUM, false));
        CriuSelfTest.Result test = CriuSelfTest.run(criu, version, HostFacts.kernel());
        out.add(new Finding("hardware breakpoints", test.breakpointsWork() ? "work"
                : "do not work (CRIU falls back to no-breakpoint mode)", test.breakpointsWork(), false));
        out.add(new Finding("self-test dump", test.dumpWorks()
                ? "works" + (test.faultNeeded() ? " with CRIU_FAULT=130 (set for CRIU only)" : "")
                : "fails: " + String.join("; ", test.error()), test.dumpWorks(), true));
        return new Report(out);
    }

    private static String filesystems() {
        try {
            return Files.readString(Path.of("/proc/filesystems"));
        } catch (IOException e) {
            return "";
        }
    }
}
