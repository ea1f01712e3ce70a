package io.ferry.cli;

import io.ferry.core.engine.Doctor;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "doctor", description = "Check that this host can run and checkpoint containers; exits 1 if it cannot.")
final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Override
    public Integer call() {
        Doctor.Report report = Doctor.examine(ferry.settings());
        for (Doctor.Finding f : report.findings()) {
            String mark = f.ok() ? "ok  " : (f.fatal() ? "FAIL" : "warn");
            System.out.printf("[%s] %-28s %s%n", mark, f.name(), f.value());
        }
        System.out.println(report.canCheckpoint() ? "checkpointing can work on this host"
                : "checkpointing cannot work on this host: fix the FAIL lines above");
        return report.canCheckpoint() ? 0 : FerryCli.EXIT_FAILURE;
    }
}
