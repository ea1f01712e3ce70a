package io.ferry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.ferry.cli.FerryCliTest.ferryRaw;
import static org.assertj.core.api.Assertions.assertThat;

/** The post-copy flags' refusals: said before anything is touched, with exit 2 (usage). */
class PostCopyCliTest {
    @TempDir
    Path root;

    private FerryCliTest.Run ferry(String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "--root";
        argv[1] = root.toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        return ferryRaw(argv);
    }

    @Test
    void checkpointRefusesLazyPagesWithoutAPageServerAndTheOtherWayRound() {
        FerryCliTest.Run noServer = ferry("checkpoint", "looper", "--export", "/tmp/x.tar", "--lazy-pages");
        assertThat(noServer.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(noServer.err()).contains("Error: --lazy-pages needs --page-server ADDRESS:PORT");

        FerryCliTest.Run noLazy = ferry("checkpoint", "looper", "--export", "/tmp/x.tar", "--page-server", "127.0.0.1:0");
        assertThat(noLazy.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(noLazy.err()).contains("Error: --page-server is only used with --lazy-pages");
    }

    @Test
    void checkpointRefusesLazyPagesThatLeaveTheContainerRunning() {
        FerryCliTest.Run r = ferry("checkpoint", "looper", "-e", "/tmp/x.tar", "--lazy-pages", "--page-server",
                "127.0.0.1:0", "--leave-running");
        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(r.err()).contains("cannot be combined with --leave-running");
    }

    @Test
    void aPageServerThatIsNotAddressColonPortIsSaidSo() {
        FerryCliTest.Run r = ferry("checkpoint", "looper", "-e", "/tmp/x.tar", "--lazy-pages", "--page-server", "host");
        assertThat(r.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(r.err()).contains("page server 'host' is not ADDRESS:PORT");
        FerryCliTest.Run port = ferry("checkpoint", "looper", "-e", "/tmp/x.tar", "--lazy-pages", "--page-server", "h:99999");
        assertThat(port.err()).contains("page server port 99999 is out of range");
    }

    @Test
    void restoreRefusesLazyPagesWithoutTheSourcesPageServerOrWithPortZero() {
        FerryCliTest.Run noServer = ferry("restore", "-i", "/tmp/x.tar", "--lazy-pages");
        assertThat(noServer.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(noServer.err()).contains("Error: --lazy-pages needs --page-server ADDRESS:PORT: the source's page server");

        FerryCliTest.Run zero = ferry("restore", "-i", "/tmp/x.tar", "--lazy-pages", "--page-server", "10.0.0.1:0");
        assertThat(zero.exit()).isEqualTo(FerryCli.EXIT_USAGE);
        assertThat(zero.err()).contains("the source's page server has a port of its own");

        FerryCliTest.Run noLazy = ferry("restore", "-i", "/tmp/x.tar", "--page-server", "10.0.0.1:27000");
        assertThat(noLazy.err()).contains("--page-server is only used with --lazy-pages");
    }
}
