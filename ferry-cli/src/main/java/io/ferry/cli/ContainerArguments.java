package io.ferry.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which containers a checkpoint or restore is about, Podman's way: the names or ids given, or -a/--all, or
 * -l/--latest (Podman's {@code validate.CheckAllLatestAndIDFile}, its messages). A target remembers what was
 * typed: Podman prints the name as given, and the id for --all/--latest.
 */
final class ContainerArguments {
    /** One container to act on: {@code nameOrId} to look it up, {@code shown} what the command prints for it. */
    record Target(String nameOrId, String shown) {
    }

    private ContainerArguments() {
    }

    /** Podman's checks of positional arguments against --all and --latest. */
    static void check(List<String> args, boolean all, boolean latest) {
        if (all && latest) {
            throw new IllegalArgumentException("--all and --latest cannot be used together");
        }
        if (!args.isEmpty() && all) {
            throw new IllegalArgumentException("no arguments are needed with --all");
        }
        if (!args.isEmpty() && latest) {
            throw new IllegalArgumentException("--latest and containers cannot be used together");
        }
        if (args.isEmpty() && !all && !latest) {
            throw new IllegalArgumentException("you must provide at least one name or id");
        }
    }

    /**
     * The targets: the arguments as typed, or the ids of {@code everything} (--all), or of {@code latest}
     * (--latest; Podman's error when there is none).
     */
    static List<Target> targets(List<String> args, boolean all, boolean latest, Supplier<List<String>> everything,
                                Supplier<Optional<String>> latestId) {
        check(args, all, latest);
        List<Target> out = new ArrayList<>();
        if (all) {
            everything.get().forEach(id -> out.add(new Target(id, id)));
        } else if (latest) {
            String id = latestId.get().orElseThrow(() -> new io.ferry.core.error.NotFoundException(
                    "no containers to get latest: no such container"));
            out.add(new Target(id, id));
        } else {
            args.forEach(a -> out.add(new Target(a, a)));
        }
        return out;
    }

    /** What {@code ferry restore ARG...} restores: checkpointed containers, checkpoint images, or an archive. */
    enum RestoreKind { CONTAINERS, IMAGES, IMPORT }

    /**
     * Podman's decision (cmd/podman/containers/restore.go): with any argument naming a container, they are
     * containers; else, when every one is a checkpoint image, images. Then its refusals, in its words:
     * {@code onlyWithImageOrImport} names the given flags that only an image or --import restore takes.
     */
    static RestoreKind restoreKind(String importArchive, List<String> args, boolean all, boolean latest,
                                   String name, boolean tcpEstablished, List<String> onlyWithImageOrImport,
                                   Predicate<String> isContainer, Predicate<String> isCheckpointImage) {
        boolean images = !args.isEmpty() && args.stream().noneMatch(isContainer) && args.stream().allMatch(isCheckpointImage);
        boolean notImport = !images && importArchive == null;
        if (notImport) {
            for (String flag : onlyWithImageOrImport) {
                throw new IllegalArgumentException(flag + " can only be used with image or --import");
            }
            if (name != null) {
                throw new IllegalArgumentException("--name can only be used with image or --import");
            }
        }
        if (name != null && tcpEstablished) {
            throw new IllegalArgumentException("--tcp-established cannot be used with --name");
        }
        if (importArchive != null) {
            if (all || latest) {
                throw new IllegalArgumentException("cannot use --import with --all or --latest");
            }
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("cannot use --import with positional arguments");
            }
            return RestoreKind.IMPORT;
        }
        if ((all || latest) && !args.isEmpty()) {
            throw new IllegalArgumentException("--all or --latest and containers cannot be used together");
        }
        check(args, all, latest); // what is left of it: arguments with --all/--latest were refused just above
        if (args.size() > 1 && name != null) {
            throw new IllegalArgumentException("--name can only be used with one checkpoint image");
        }
        return images ? RestoreKind.IMAGES : RestoreKind.CONTAINERS;
    }

    /**
     * Runs {@code action} on each target and prints the line it returns (none: null); with several, a failure
     * is printed and the others go on (Podman's way), the exit code telling the last failure.
     */
    static int each(List<Target> targets, Function<Target, String> action, java.io.PrintWriter err) {
        if (targets.size() == 1) {
            print(action.apply(targets.get(0)));
            return 0;
        }
        int exit = 0;
        for (Target t : targets) {
            try {
                print(action.apply(t));
            } catch (RuntimeException e) {
                err.println("Error: " + ErrorMessages.of(e));
                exit = FerryCli.exitCode(e);
            }
        }
        return exit;
    }

    private static void print(String line) {
        if (line != null) {
            System.out.println(line);
        }
    }
}
