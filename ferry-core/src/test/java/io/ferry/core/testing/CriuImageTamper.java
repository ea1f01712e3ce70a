package io.ferry.core.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Rewrites varint fields inside CRIU images (magic, then u32-length-prefixed protobuf entries). */
public final class CriuImageTamper {
    private CriuImageTamper() {
    }

    /** inventory.img (one magic) with img_version (field 1) replaced. */
    public static byte[] inventoryVersion(byte[] image, long version) {
        return rewriteEntries(image, 4, msg -> setVarint(msg, new int[]{1}, version));
    }

    /** cpuinfo.img (two magics): every x86 entry (field 1) claims all capability bits (field 6). */
    public static byte[] cpuinfoAllCapabilities(byte[] image) {
        return rewriteEntries(image, 8, msg -> setVarint(msg, new int[]{1, 6}, 0xffffffffL));
    }

    /** inventory.img (one magic): its entry through {@code change}. */
    public static byte[] inventory(byte[] image, java.util.function.UnaryOperator<byte[]> change) {
        return rewriteEntries(image, 4, change);
    }

    /** Any image with two magics (core-PID.img, ...): every varint at the field path set to {@code value}. */
    public static byte[] setAll(byte[] image, int[] path, long value) {
        return rewriteEntries(image, 8, msg -> setVarint(msg, path, value));
    }

    /**
     * Any image with two magics: the nested message at {@code path} occurs twice, its own and a copy
     * of its fields up to {@code keepUpTo} whose varint at {@code varint} is {@code value}, the copy
     * {@code first} or after. Protobuf merges a singular message that occurs twice: the later one's
     * scalars win, repeated fields are joined (so the copy may have to leave them out).
     */
    public static byte[] duplicate(byte[] image, int[] path, int keepUpTo, boolean first, int[] varint, long value) {
        return rewriteEntries(image, 8, msg -> duplicateIn(msg, path, keepUpTo, first, varint, value));
    }

    private static byte[] duplicateIn(byte[] message, int[] path, int keepUpTo, boolean first, int[] varint,
                                      long value) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) != path[0]
                        || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    in.skipField(tag, out);
                } else if (path.length > 1) {
                    byte[] nested = in.readBytes().toByteArray();
                    out.writeBytes(path[0], ByteString.copyFrom(
                            duplicateIn(nested, Arrays.copyOfRange(path, 1, path.length), keepUpTo, first, varint, value)));
                } else {
                    byte[] own = in.readBytes().toByteArray();
                    ByteString copy = ByteString.copyFrom(setVarint(fieldsUpTo(own, keepUpTo), varint, value));
                    if (first) {
                        out.writeBytes(path[0], copy);
                    }
                    out.writeBytes(path[0], ByteString.copyFrom(own));
                    if (!first) {
                        out.writeBytes(path[0], copy);
                    }
                }
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any image with two magics: its entries (each a protobuf message) through {@code change}. */
    public static byte[] entries(byte[] image, java.util.function.UnaryOperator<java.util.List<byte[]>> change) {
        java.util.List<byte[]> entries = new java.util.ArrayList<>();
        rewriteEntries(image, 8, msg -> {
            entries.add(msg);
            return msg;
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(image, 0, 8);
        for (byte[] msg : change.apply(entries)) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(msg.length).array());
            out.writeBytes(msg);
        }
        return out.toByteArray();
    }

    /** A message with top-level fields replaced: Long values as varints, String values as strings. */
    public static byte[] withFields(byte[] message, java.util.Map<Integer, Object> values) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            int tag;
            while ((tag = in.readTag()) != 0) {
                Object v = values.get(WireFormat.getTagFieldNumber(tag));
                if (v == null) {
                    in.skipField(tag, out);
                } else {
                    in.skipField(tag);
                    if (v instanceof Long l) {
                        out.writeUInt64(WireFormat.getTagFieldNumber(tag), l);
                    } else {
                        out.writeString(WireFormat.getTagFieldNumber(tag), (String) v);
                    }
                }
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message with every nested message at the field path passed through {@code change}. */
    public static byte[] nested(byte[] message, int[] path, java.util.function.UnaryOperator<byte[]> change) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) != path[0]
                        || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    in.skipField(tag, out);
                    continue;
                }
                byte[] inner = in.readBytes().toByteArray();
                byte[] changed = path.length == 1 ? change.apply(inner)
                        : nested(inner, Arrays.copyOfRange(path, 1, path.length), change);
                out.writeBytes(path[0], ByteString.copyFrom(changed));
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message with every varint at the field path set to {@code value}. */
    public static byte[] withVarint(byte[] message, int[] path, long value) {
        return setVarint(message, path, value);
    }

    private static byte[] fieldsUpTo(byte[] message, int last) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) <= last) {
                in.skipField(tag, out);
            } else {
                in.skipField(tag);
            }
        }
        out.flush();
        return buf.toByteArray();
    }

    private static byte[] rewriteEntries(byte[] image, int magicBytes, java.util.function.UnaryOperator<byte[]> change) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(image, 0, magicBytes);
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int pos = magicBytes;
        while (pos < image.length) {
            int len = in.getInt(pos);
            byte[] msg = change.apply(Arrays.copyOfRange(image, pos + 4, pos + 4 + len));
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(msg.length).array());
            out.writeBytes(msg);
            pos += 4 + len;
        }
        return out.toByteArray();
    }

    /** Sets every varint at the field path (nested messages along the way) to {@code value}. */
    static byte[] setVarint(byte[] message, int[] path, long value) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(buf);
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                int type = WireFormat.getTagWireType(tag);
                if (field == path[0] && path.length == 1 && type == WireFormat.WIRETYPE_VARINT) {
                    in.readUInt64();
                    out.writeUInt64(field, value);
                } else if (field == path[0] && path.length == 1 && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    ByteString packed = in.readBytes(); // packed repeated varints
                    CodedInputStream p = packed.newCodedInput();
                    ByteArrayOutputStream pb = new ByteArrayOutputStream();
                    CodedOutputStream po = CodedOutputStream.newInstance(pb);
                    while (!p.isAtEnd()) {
                        p.readUInt64();
                        po.writeUInt64NoTag(value);
                    }
                    po.flush();
                    out.writeBytes(field, ByteString.copyFrom(pb.toByteArray()));
                } else if (field == path[0] && path.length > 1 && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    byte[] nested = in.readBytes().toByteArray();
                    out.writeBytes(field, ByteString.copyFrom(setVarint(nested, Arrays.copyOfRange(path, 1, path.length), value)));
                } else {
                    in.skipField(tag, out); // copies the field, tag included
                }
            }
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
