package io.ferry.cli;

import io.ferry.core.image.ImagePuller;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "pull", description = "Pull an image from a registry (HOST[:PORT]/REPO[:TAG]).")
final class PullCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(paramLabel = "IMAGE")
    String reference;

    @Override
    public Integer call() {
        ImagePuller.Result r = ferry.engine().images().pull(reference);
        System.err.printf("pulled %s: %d layers downloaded (%s), %d already here%n", reference, r.layersDownloaded(),
                Formats.bytes(r.bytesDownloaded()), r.layersCached());
        System.out.println(r.image().id());
        return 0;
    }
}
