package io.ferry.core.network;

import java.util.ArrayList;
import java.util.List;

/**
 * iptables (the nf_tables backend on Debian 12) in the host's namespace: idempotent chain and rule helpers.
 * Ferry changes only the chains it created, and its jumps into them.
 */
public final class Iptables {
    private final HostShell shell;

    public Iptables(HostShell shell) {
        this.shell = shell;
    }

    public void ensureChain(String table, String chain) {
        if (!shell.run("iptables", "-w", "-t", table, "-S", chain).ok()) {
            shell.check("creating chain " + chain, "iptables", "-w", "-t", table, "-N", chain);
        }
    }

    /** Appends the rule (or inserts it first) unless it is there. */
    public void ensureRule(String table, String chain, boolean first, List<String> rule) {
        if (!exists(table, chain, rule)) {
            shell.check("adding a rule to " + chain, command(table, first ? "-I" : "-A", chain, rule));
        }
    }

    public boolean exists(String table, String chain, List<String> rule) {
        return shell.run(command(table, "-C", chain, rule)).ok();
    }

    /** Deletes every copy of the rule; fine when there is none (or no such chain). */
    public void deleteRule(String table, String chain, List<String> rule) {
        for (int i = 0; i < 16 && exists(table, chain, rule); i++) {
            shell.check("deleting a rule from " + chain, command(table, "-D", chain, rule));
        }
    }

    /** Deletes the rules of the chain whose comment is {@code comment}. */
    public void deleteTagged(String table, String chain, String comment) {
        for (List<String> rule : rules(table, chain)) {
            if (commentOf(rule).equals(comment)) {
                deleteRule(table, chain, rule);
            }
        }
    }

    /** The chain's rules as {@code iptables -S} prints them, without the leading "-A CHAIN". */
    public List<List<String>> rules(String table, String chain) {
        var r = shell.run("iptables", "-w", "-t", table, "-S", chain);
        List<List<String>> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        for (String line : r.stdout().split("\n")) {
            List<String> words = split(line.strip());
            if (words.size() > 2 && words.get(0).equals("-A") && words.get(1).equals(chain)) {
                out.add(words.subList(2, words.size()));
            }
        }
        return out;
    }

    static String commentOf(List<String> rule) {
        int i = rule.indexOf("--comment");
        return i >= 0 && i + 1 < rule.size() ? rule.get(i + 1) : "";
    }

    /** Splits iptables -S output: words, with double-quoted ones unquoted (pure: unit-tested). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == '\\' && quoted && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == ' ' && !quoted) {
                if (any || word.length() > 0) {
                    out.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
            }
        }
        if (any || word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    private static String[] command(String table, String op, String chain, List<String> rule) {
        List<String> c = new ArrayList<>(List.of("iptables", "-w", "-t", table, op, chain));
        c.addAll(rule);
        return c.toArray(String[]::new);
    }
}
