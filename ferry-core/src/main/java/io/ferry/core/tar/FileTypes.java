package io.ferry.core.tar;

/** The file type bits of a st_mode (as {@code unix:mode} reads it), named for messages. */
public final class FileTypes {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private FileTypes() {
    }

    public static boolean isFifo(int mode) {
        return (mode & S_IFMT) == S_IFIFO;
    }

    public static boolean isSocket(int mode) {
        return (mode & S_IFMT) == S_IFSOCK;
    }

    /** "a unix socket", "a character device", ...: what a message says the file is. */
    public static String describe(int mode) {
        switch (mode & S_IFMT) {
            case S_IFSOCK:
                return "a unix socket";
            case S_IFLNK:
                return "a symbolic link";
            case S_IFREG:
                return "a regular file";
            case S_IFBLK:
                return "a block device";
            case S_IFDIR:
                return "a directory";
            case S_IFCHR:
                return "a character device";
            case S_IFIFO:
                return "a named pipe (FIFO)";
            default:
                return "a file of unknown type (mode " + Integer.toOctalString(mode) + ")";
        }
    }
}
