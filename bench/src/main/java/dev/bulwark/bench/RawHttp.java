package dev.bulwark.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A bare HTTP/1.1 client on one kept-alive socket, one request at a time: what a CI job's curl or
 * HTTP library does, without a client's own thread pool between the clock and the socket. Reads
 * Content-Length and chunked answers; anything but 2xx is an error.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final String token;

  RawHttp(int port, String token) throws IOException {
    this.socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    this.out = new BufferedOutputStream(socket.getOutputStream());
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.token = token;
  }

  String send(String method, String path, String body) throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + content.length
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(content);
    out.flush();
    String status = line();
    int length = -1;
    boolean chunked = false;
    for (String l = line(); !l.isEmpty(); l = line()) {
      String lower = l.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    if (chunked) {
      for (int n = chunkSize(); n > 0; n = chunkSize()) {
        answer.write(in.readNBytes(n));
        line();
      }
      line();
    } else if (length >= 0) {
      answer.write(in.readNBytes(length));
    } else {
      throw new IOException("an answer without a length: " + status);
    }
    String text = answer.toString(StandardCharsets.UTF_8);
    if (!status.startsWith("HTTP/1.1 2")) {
      throw new IOException(method + " " + path + ": " + status + " " + text);
    }
    return text;
  }

  private int chunkSize() throws IOException {
    String l = line();
    int semi = l.indexOf(';');
    return Integer.parseInt((semi < 0 ? l : l.substring(0, semi)).trim(), 16);
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
