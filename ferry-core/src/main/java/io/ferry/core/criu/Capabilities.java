package io.ferry.core.criu;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/** Linux capability names by number (linux/capability.h), for reading the capability sets in CRIU images. */
public final class Capabilities {
    private static final List<String> NAMES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    private Capabilities() {
    }

    /** The set of the named capabilities; an unknown name is a programming error in the template. */
    public static BitSet of(Collection<String> names) {
        BitSet set = new BitSet();
        for (String name : names) {
            int n = NAMES.indexOf(name);
            if (n < 0) {
                throw new IllegalArgumentException("unknown capability " + name);
            }
            set.set(n);
        }
        return set;
    }

    /** A set as CRIU stores it: 32-bit words, lowest capabilities first. */
    public static BitSet fromWords(List<Long> words) {
        BitSet set = new BitSet();
        for (int w = 0; w < words.size(); w++) {
            long word = words.get(w) & 0xffffffffL;
            for (int bit = 0; bit < 32; bit++) {
                if ((word & (1L << bit)) != 0) {
                    set.set(w * 32 + bit);
                }
            }
        }
        return set;
    }

    public static List<String> names(BitSet set) {
        List<String> names = new ArrayList<>();
        set.stream().forEach(n -> names.add(n < NAMES.size() ? NAMES.get(n) : "capability " + n));
        return names;
    }
}
