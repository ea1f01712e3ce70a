package io.ferry.core.criu;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.ferry.core.error.InvalidArchiveException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A protobuf message decoded without its schema: field number to values (varints as Long,
 * length-delimited fields as ByteString). Enough to read the few CRIU image fields Ferry needs
 * without generating code from CRIU's .proto files. A singular field that occurs more than once is
 * refused: protobuf (and CRIU's protobuf-c) merges the occurrences, later scalars winning, so reading
 * any one of them could check a value CRIU never uses.
 */
public final class ProtoMessage {
    private final Map<Integer, List<Object>> fields;

    private ProtoMessage(Map<Integer, List<Object>> fields) {
        this.fields = fields;
    }

    public static ProtoMessage parse(ByteString bytes) {
        return parse(bytes.toByteArray());
    }

    public static ProtoMessage parse(byte[] bytes) {
        Map<Integer, List<Object>> fields = new LinkedHashMap<>();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                int number = WireFormat.getTagFieldNumber(tag);
                Object value = switch (WireFormat.getTagWireType(tag)) {
                    case WireFormat.WIRETYPE_VARINT -> in.readUInt64();
                    case WireFormat.WIRETYPE_FIXED64 -> in.readFixed64();
                    case WireFormat.WIRETYPE_FIXED32 -> (long) in.readFixed32();
                    case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.readBytes();
                    default -> throw new IOException("unsupported wire type in tag " + tag);
                };
                fields.computeIfAbsent(number, n -> new ArrayList<>()).add(value);
            }
        } catch (IOException e) { // the bytes come from an archive: a typed refusal, not an I/O failure
            throw new InvalidArchiveException("CRIU image entry is not a valid protobuf message (a truncated field or an unsupported wire type)", e);
        }
        return new ProtoMessage(fields);
    }

    public long uint(int field, long fallback) {
        return single(field) instanceof Long l ? l : fallback;
    }

    /** Packed or unpacked repeated varints. */
    public List<Long> uints(int field) {
        List<Long> out = new ArrayList<>();
        for (Object v : fields.getOrDefault(field, List.of())) {
            if (v instanceof Long l) {
                out.add(l);
            } else if (v instanceof ByteString packed) {
                CodedInputStream in = packed.newCodedInput();
                try {
                    while (!in.isAtEnd()) {
                        out.add(in.readUInt64());
                    }
                } catch (IOException e) {
                    throw new InvalidArchiveException("CRIU image holds a malformed packed field " + field, e);
                }
            }
        }
        return out;
    }

    public String string(int field) {
        return single(field) instanceof ByteString b ? b.toStringUtf8() : null;
    }

    public ProtoMessage message(int field) {
        return single(field) instanceof ByteString b ? parse(b) : null;
    }

    /** A repeated field of messages (or strings: {@link #strings}), in order. */
    public List<ProtoMessage> messages(int field) {
        List<ProtoMessage> out = new ArrayList<>();
        for (Object v : fields.getOrDefault(field, List.of())) {
            if (!(v instanceof ByteString b)) {
                throw new InvalidArchiveException("CRIU image field " + field + " is not a message");
            }
            out.add(parse(b));
        }
        return out;
    }

    public List<String> strings(int field) {
        List<String> out = new ArrayList<>();
        for (Object v : fields.getOrDefault(field, List.of())) {
            if (!(v instanceof ByteString b)) {
                throw new InvalidArchiveException("CRIU image field " + field + " is not a string");
            }
            out.add(b.toStringUtf8());
        }
        return out;
    }

    public boolean has(int field) {
        return fields.containsKey(field);
    }

    private Object single(int field) {
        List<Object> values = fields.get(field);
        if (values != null && values.size() > 1) {
            throw new InvalidArchiveException("CRIU image field " + field + " occurs " + values.size()
                    + " times (protobuf would merge them)");
        }
        return values == null ? null : values.get(0);
    }
}
