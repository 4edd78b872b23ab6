package io.incidentsync.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes one answer on a connection: whole, streamed in chunks, or not at all (a reset). */
final class HttpResponse {
    static final String JSON = "application/json; charset=utf-8";

    private final Socket socket;
    private final OutputStream out;
    private final boolean keepAlive;
    private boolean reset;

    HttpResponse(Socket socket, OutputStream out, boolean keepAlive) {
        this.socket = socket;
        this.out = out;
        this.keepAlive = keepAlive;
    }

    /** A complete body with its Content-Length. */
    void send(int status, String contentType, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = head(status, contentType, headers);
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** A body of unknown length, sent chunked; closing the returned stream ends the answer, not the connection. */
    OutputStream stream(int status, String contentType, Map<String, String> headers) throws IOException {
        StringBuilder head = head(status, contentType, headers);
        head.append("Transfer-Encoding: chunked\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        return new ChunkedOutputStream(out);
    }

    /** Drops the connection with a TCP RST instead of answering. */
    void reset() throws IOException {
        reset = true;
        socket.setSoLinger(true, 0);
        socket.close();
    }

    boolean wasReset() {
        return reset;
    }

    private StringBuilder head(int status, String contentType, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }

    private static final class ChunkedOutputStream extends OutputStream {
        private final OutputStream target;
        private final byte[] buffer = new byte[16 * 1024];
        private int used;

        ChunkedOutputStream(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            if (used == buffer.length) {
                flushChunk();
            }
            buffer[used++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (used == buffer.length) {
                    flushChunk();
                }
                int n = Math.min(length, buffer.length - used);
                System.arraycopy(bytes, offset, buffer, used, n);
                used += n;
                offset += n;
                length -= n;
            }
        }

        private void flushChunk() throws IOException {
            if (used == 0) {
                return;
            }
            target.write((Integer.toHexString(used) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            target.write(buffer, 0, used);
            target.write('\r');
            target.write('\n');
            used = 0;
        }

        @Override
        public void close() throws IOException {
            flushChunk();
            target.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            target.flush();
        }
    }
}
