package io.incidentsync.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Rows that must wait, on disk rather than in memory: each row is the column values a record was
 * already converted to, so reading them back costs no parsing, flattening or conversion. Values are
 * what {@link ColumnType#convert} returns: text, whole numbers, doubles, booleans, timestamps, null.
 */
final class RowSpool implements Closeable {

    private static final byte NULL = 0;
    private static final byte TEXT = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;
    private static final byte TRUE = 4;
    private static final byte FALSE = 5;
    private static final byte TIMESTAMP = 6;
    /** Text with a lone surrogate, as its UTF-16 code units: UTF-8 has no bytes for one. */
    private static final byte UTF16 = 7;

    private final Path file;
    private DataOutputStream out;
    private long rows;

    RowSpool(String name) throws IOException {
        this.file = Files.createTempFile("incident-io-sync-" + name + "-", ".rows");
        this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    long rows() {
        return rows;
    }

    void write(Object[] row) throws IOException {
        out.writeInt(row.length);
        for (Object value : row) {
            if (value == null) {
                out.writeByte(NULL);
            } else if (value instanceof String) {
                String text = (String) value;
                // the UTF-8 encoder would write '?' for a lone surrogate
                if (hasLoneSurrogate(text)) {
                    out.writeByte(UTF16);
                    out.writeInt(text.length());
                    out.writeChars(text);
                } else {
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    out.writeByte(TEXT);
                    out.writeInt(bytes.length);
                    out.write(bytes);
                }
            } else if (value instanceof Long) {
                out.writeByte(LONG);
                out.writeLong((Long) value);
            } else if (value instanceof Double) {
                out.writeByte(DOUBLE);
                out.writeDouble((Double) value);
            } else if (value instanceof Boolean) {
                out.writeByte((Boolean) value ? TRUE : FALSE);
            } else if (value instanceof OffsetDateTime) {
                OffsetDateTime time = (OffsetDateTime) value;
                out.writeByte(TIMESTAMP);
                out.writeLong(time.toEpochSecond());
                out.writeInt(time.getNano());
                out.writeInt(time.getOffset().getTotalSeconds());
            } else {
                throw new IllegalArgumentException("cannot spool a " + value.getClass().getName());
            }
        }
        rows++;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private DataInputStream in;
    private long read;

    /** The next row, in the order written, or null after the last; the spool cannot be written after the first call. */
    Object[] next() throws IOException {
        if (in == null) {
            if (out != null) {
                out.close();
                out = null;
            }
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }
        if (read >= rows) {
            return null;
        }
        Object[] row = new Object[in.readInt()];
        for (int i = 0; i < row.length; i++) {
            row[i] = read(in);
        }
        read++;
        return row;
    }

    private Object read(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case TEXT:
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            case UTF16:
                char[] chars = new char[in.readInt()];
                for (int k = 0; k < chars.length; k++) {
                    chars[k] = in.readChar();
                }
                return new String(chars);
            case LONG:
                return in.readLong();
            case DOUBLE:
                return in.readDouble();
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case TIMESTAMP:
                long seconds = in.readLong();
                int nanos = in.readInt();
                ZoneOffset offset = ZoneOffset.ofTotalSeconds(in.readInt());
                return OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), offset);
            default:
                throw new IOException("the spool file " + file + " is damaged (value tag " + tag + ")");
        }
    }

    /** Deletes the file; never throws. */
    @Override
    public void close() {
        try {
            if (out != null) {
                out.close();
            }
            if (in != null) {
                in.close();
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
        out = null;
        in = null;
    }
}