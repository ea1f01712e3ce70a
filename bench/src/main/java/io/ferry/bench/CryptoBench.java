package io.ferry.bench;

import io.ferry.core.crypto.ArchiveKey;
import io.ferry.core.crypto.EncryptedArchives;
import io.ferry.core.oci.Sha256;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of the encrypting and decrypting archive streams (AES-256-GCM in chunks) by chunk
 * size, next to SHA-256 (what the registry digest check already costs per byte), in MiB/s: median
 * of N rounds of 512 MiB each, in memory, one thread. Run with the services' JVM flags (plain
 * {@code java}, full JIT). Usage: {@code bench/run.sh crypto [rounds]}.
 */
public final class CryptoBench {
    private static final int BLOCK = 1 << 20;
    private static final long TOTAL = 512L << 20;

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        byte[] block = new byte[BLOCK];
        new Random(1).nextBytes(block);
        ArchiveKey key = ArchiveKey.generate();
        System.out.printf("%n%d rounds of %d MiB, median MiB/s, %s %s%n%n", rounds, TOTAL >> 20,
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.println("| chunk     | encrypt MiB/s | decrypt MiB/s | sha256 MiB/s |");
        System.out.println("|-----------|---------------|---------------|--------------|");
        for (int chunk : new int[]{64 << 10, 256 << 10, 1 << 20}) {
            List<Double> enc = new ArrayList<>();
            List<Double> dec = new ArrayList<>();
            List<Double> sha = new ArrayList<>();
            byte[] sealed = seal(block, key, chunk, 64); // 64 MiB of ciphertext, decrypted 8 times a round
            for (int r = 0; r <= rounds; r++) { // round 0 warms the JIT up
                long t0 = System.nanoTime();
                try (OutputStream out = EncryptedArchives.encrypt(OutputStream.nullOutputStream(), key, chunk)) {
                    for (long n = 0; n < TOTAL; n += BLOCK) {
                        out.write(block);
                    }
                }
                long t1 = System.nanoTime();
                byte[] buf = new byte[1 << 16];
                for (int i = 0; i < TOTAL / (64L << 20); i++) {
                    try (InputStream in = EncryptedArchives.decrypt(new ByteArrayInputStream(sealed), key)) {
                        while (in.read(buf) >= 0) {
                            // drain
                        }
                    }
                }
                long t2 = System.nanoTime();
                MessageDigest md = Sha256.newDigest();
                for (long n = 0; n < TOTAL; n += BLOCK) {
                    md.update(block);
                }
                md.digest();
                long t3 = System.nanoTime();
                if (r > 0) {
                    enc.add(mibs(t1 - t0));
                    dec.add(mibs(t2 - t1));
                    sha.add(mibs(t3 - t2));
                }
            }
            System.out.printf(Locale.ROOT, "| %4d KiB  | %13.0f | %13.0f | %12.0f |%n", chunk >> 10, Stats.median(enc),
                    Stats.median(dec), Stats.median(sha));
        }
    }

    private static byte[] seal(byte[] block, ArchiveKey key, int chunk, int mib) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((mib << 20) + (mib << 20) / chunk * 16 + 64);
        try (OutputStream enc = EncryptedArchives.encrypt(out, key, chunk)) {
            for (int i = 0; i < mib; i++) {
                enc.write(block);
            }
        }
        return out.toByteArray();
    }

    private static double mibs(long nanos) {
        return (TOTAL / 1048576.0) / (nanos / 1e9);
    }
}
