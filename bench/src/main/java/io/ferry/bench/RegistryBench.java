package io.ferry.bench;

import io.ferry.core.checkpoint.CheckpointArtifacts;
import io.ferry.core.exec.Commands;
import io.ferry.core.image.Image;
import io.ferry.core.image.ImagePuller;
import io.ferry.core.image.ImagePusher;
import io.ferry.core.image.ImageStore;
import io.ferry.core.image.RegistryClients;
import io.ferry.core.os.FileTrees;
import io.ferry.core.registry.BlobUpload;
import io.ferry.core.registry.Credentials;
import io.ferry.core.registry.Reference;
import io.ferry.core.registry.RegistryAuth;
import io.ferry.core.registry.RegistryClient;
import io.ferry.core.tar.ArchiveLimits;
import io.ferry.core.testing.BusyboxImage;
import io.ferry.core.testing.RegistryProcess;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.ferry.bench.Stats.median;

/**
 * registry-service throughput and pull times, next to baselines in the same run:
 * a 1 GiB blob uploaded (known digest; and streamed with the digest computed on the way) and
 * downloaded (as is; and verified against its digest while streaming, as a restore reads it), against
 * {@code cp} of the same file on the same disk; "vs cp" is the throughput as a fraction of cp's. The
 * floor of any verifying path is one SHA-256 pass, so Java's SHA-256 of 1 GiB in memory is shown too.
 * A 3-layer image pulled cold (empty store) and warm (every layer already unpacked).
 * Usage: {@code bench/run.sh registry [rounds]}.
 */
public final class RegistryBench {
    private static final long GIB = 1L << 30;

    private RegistryBench() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("ferry-registry-bench");
        try (RegistryProcess registry = RegistryProcess.start()) {
            RegistryAuth creds = RegistryAuth.of(registry.address(), Credentials.parse(registry.credentials()));
            RegistryClients clients = new RegistryClients(creds, true);
            RegistryClient client = clients.client(registry.address());

            Path blob = work.resolve("blob.bin");
            writeRandom(blob, GIB);
            String digest = io.ferry.core.oci.Sha256.of(blob);
            List<Double> cp = new ArrayList<>();
            List<Double> hash = new ArrayList<>();
            List<Double> curl = new ArrayList<>();
            List<Double> up = new ArrayList<>();
            List<Double> stream = new ArrayList<>();
            List<Double> down = new ArrayList<>();
            List<Double> verified = new ArrayList<>();
            List<Double> javaSha = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                Path copy = work.resolve("copy.bin");
                sync();
                cp.add(time(() -> Commands.check("cp", List.of("cp", blob.toString(), copy.toString()), Duration.ofMinutes(5))));
                Files.delete(copy);
                sync();
                hash.add(time(() -> Commands.check("sha256sum", List.of("sha256sum", blob.toString()), Duration.ofMinutes(5))));
                javaSha.add(time(RegistryBench::sha256InMemory));
                sync();
                up.add(time(() -> client.pushBlob("bench/blob", digest, blob)));
                stream.add(time(() -> {
                    BlobUpload u = client.streamBlob("bench/stream");
                    try (InputStream in = Files.newInputStream(blob)) {
                        in.transferTo(u);
                        u.finish();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                Path got = work.resolve("down.bin");
                down.add(time(() -> {
                    try (InputStream in = client.openBlob("bench/blob", digest, 0); OutputStream out = Files.newOutputStream(got)) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                Files.delete(got);
                sync();
                verified.add(time(() -> {
                    try (InputStream in = CheckpointArtifacts.verifying(client.openBlob("bench/blob", digest, 0), digest, GIB);
                         OutputStream out = Files.newOutputStream(got)) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                Files.delete(got);
                sync();
                String token = client.bearerFor("bench/blob");
                curl.add(time(() -> Commands.check("curl", List.of("curl", "-sf", "-o", got.toString(), "-H",
                        "Authorization: Bearer " + token, "http://" + registry.address() + "/v2/bench/blob/blobs/" + digest),
                        Duration.ofMinutes(5))));
                Files.delete(got);
                System.err.printf("blob round %d/%d done%n", i + 1, rounds);
            }
            Files.delete(blob);

            // a 3-layer image: busybox, a small config layer, 64 MiB of random data
            ImageStore builder = new ImageStore(work.resolve("builder"), ArchiveLimits.defaults());
            String base;
            try (InputStream in = Files.newInputStream(BusyboxImage.tarball())) {
                base = builder.storeLayer(in);
            }
            byte[] data = new byte[64 << 20];
            new Random(5).nextBytes(data);
            String conf = builder.storeLayer(tar("etc/app.conf", "answer=42\n".getBytes()), null, true);
            String payload = builder.storeLayer(tar("opt/data.bin", data), null, true);
            String ref = registry.address() + "/bench/app:1";
            Image image = builder.register(ref, List.of(base, conf, payload));
            new ImagePusher(builder, clients, work.resolve("tmp")).push(image, Reference.parse(ref));
            List<Double> cold = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                Path storeDir = work.resolve("store" + i);
                ImageStore store = new ImageStore(storeDir, ArchiveLimits.defaults());
                ImagePuller puller = new ImagePuller(store, new RegistryClients(creds, true), storeDir.resolve("downloads"));
                cold.add(time(() -> puller.pull(Reference.parse(ref))));
                warm.add(time(() -> puller.pull(Reference.parse(ref))));
                FileTrees.deleteRecursively(storeDir);
            }

            System.out.printf("%nregistry-service, median of %d rounds (2-core VM, same disk for everything)%n%n", rounds);
            System.out.println("| operation | time (s) | throughput | vs cp (throughput) |");
            System.out.println("|---|---|---|---|");
            row("cp 1 GiB file (baseline)", median(cp), median(cp));
            row("sha256sum 1 GiB file (coreutils)", median(hash), median(cp));
            row("SHA-256 of 1 GiB in memory (Java; the floor of any verifying path)", median(javaSha), median(cp));
            row("upload 1 GiB (POST + PUT, digest known; Java client)", median(up), median(cp));
            row("upload 1 GiB streamed (PATCH, digest on the way; Java client)", median(stream), median(cp));
            row("download 1 GiB to a file (GET; Java client)", median(down), median(cp));
            row("download 1 GiB to a file, digest verified on the way (GET; Java client)", median(verified), median(cp));
            row("download 1 GiB to a file (GET; curl)", median(curl), median(cp));
            System.out.printf(Locale.ROOT, "%n| 3-layer image pull (%.1f MiB compressed) | time (s) |%n|---|---|%n| cold (empty store) | %.3f |%n| warm (layers present) | %.3f |%n",
                    layersMiB(client), median(cold), median(warm));
        } finally {
            FileTrees.deleteRecursively(work);
        }
    }

    private static double layersMiB(RegistryClient client) {
        var m = io.ferry.core.json.Json.MAPPER.readTree(client.getManifest("bench/app", "1").content());
        long total = 0;
        for (var l : m.path("layers")) {
            total += l.path("size").asLong();
        }
        return total / 1048576.0;
    }

    private static void row(String what, double seconds, double cp) {
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.0f MiB/s | %.2fx |%n", what, seconds, GIB / 1048576.0 / seconds, cp / seconds);
    }

    /** 1 GiB through MessageDigest from one 1 MiB array: the hash alone, no I/O. */
    private static void sha256InMemory() {
        byte[] buf = new byte[1 << 20];
        new Random(2).nextBytes(buf);
        java.security.MessageDigest md = io.ferry.core.oci.Sha256.newDigest();
        for (long n = 0; n < GIB; n += buf.length) {
            md.update(buf);
        }
        md.digest();
    }

    private static InputStream tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            out.putArchiveEntry(e);
            out.write(content);
            out.closeArchiveEntry();
        }
        return new ByteArrayInputStream(buf.toByteArray());
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Random random = new Random(1);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += buf.length) {
                random.nextBytes(buf);
                out.write(buf);
            }
        }
    }

    /** Writes dirty pages back first, so one measurement does not pay for the previous one's writes. */
    private static void sync() {
        Commands.check("sync", List.of("sync"), Duration.ofMinutes(5));
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }
}
