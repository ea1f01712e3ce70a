package io.ferry.core.criu;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * CRIU's image file framing: one or two little-endian u32 magics (a common/service magic followed
 * by the image's own, or the image's own alone for inventory.img), then entries, each a u32 length
 * and a protobuf message.
 */
public record CriuImageFile(long magic, List<ProtoMessage> entries) {
    static final long IMG_COMMON_MAGIC = 0x54564319L;
    static final long IMG_SERVICE_MAGIC = 0x55105940L;
    public static final long INVENTORY_MAGIC = 0x58313116L;
    public static final long STATS_MAGIC = 0x57093306L;
    public static final long PSTREE_MAGIC = 0x50273030L;
    private static final int MAX_ENTRY = 16 << 20;

    public static CriuImageFile read(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        long magic = u32(in);
        if (magic == IMG_COMMON_MAGIC || magic == IMG_SERVICE_MAGIC) {
            magic = u32(in);
        }
        List<ProtoMessage> entries = new ArrayList<>();
        while (true) {
            byte[] len = in.readNBytes(4);
            if (len.length == 0) {
                break;
            }
            if (len.length < 4) {
                throw new EOFException("truncated CRIU image entry header");
            }
            int size = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (size < 0 || size > MAX_ENTRY) {
                throw new IOException("CRIU image entry of " + size + " bytes is out of range");
            }
            byte[] payload = in.readNBytes(size);
            if (payload.length < size) {
                throw new EOFException("truncated CRIU image entry");
            }
            entries.add(ProtoMessage.parse(payload));
        }
        return new CriuImageFile(magic, entries);
    }

    public ProtoMessage first() throws IOException {
        if (entries.isEmpty()) {
            throw new IOException("CRIU image has no entries");
        }
        return entries.get(0);
    }

    private static long u32(DataInputStream in) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new EOFException("CRIU image is shorter than its magic");
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }
}
