package io.ferry.cli;

import io.ferry.core.image.ImagePusher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "push", description = "Push a local image to a registry: push IMAGE [DESTINATION].")
final class PushCommand implements Callable<Integer> {
    @ParentCommand
    FerryCli ferry;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DESTINATION")
    String destination;

    @Override
    public Integer call() {
        ImagePusher.Result r = ferry.engine().images().push(image, destination);
        System.err.printf("pushed %s: %d layers uploaded, %d already in the registry%n", image, r.layersUploaded(),
                r.layersPresent());
        System.out.println(r.digest());
        return 0;
    }
}
