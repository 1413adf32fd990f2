package com.jmotools.telemetry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on {@code 127.0.0.1} (port 0) that answers every request with a status line and then one
 * header line every {@code interval}, for a minute: each read of the client gets a byte well within
 * any read timeout, so only a bound on the whole request ends it. It counts the requests it
 * received. Thread-safe.
 */
public final class TricklingServer implements AutoCloseable {

  /** How long one answer trickles before it ends. */
  public static final Duration ANSWER_LASTS = Duration.ofSeconds(60);

  private final ServerSocket socket;
  private final Duration interval;
  private final ExecutorService threads = Executors.newCachedThreadPool(TricklingServer::daemon);
  private final AtomicInteger requests = new AtomicInteger();

  private TricklingServer(Duration interval) throws IOException {
    this.interval = interval;
    this.socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  /**
   * Starts a server that sends a header line every {@code interval}.
   *
   * @throws UncheckedIOException if it cannot listen
   */
  public static TricklingServer start(Duration interval) {
    try {
      return new TricklingServer(interval);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "trickling-server");
    t.setDaemon(true);
    return t;
  }

  /** The base URL, such as {@code http://127.0.0.1:41234}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  /** The base URL as a URI. */
  public URI baseUri() {
    return URI.create(baseUrl());
  }

  /** How many requests arrived (connections whose first bytes were read). */
  public int requests() {
    return requests.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket c = socket.accept();
        threads.execute(() -> trickle(c));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void trickle(Socket c) {
    try (c) {
      InputStream in = c.getInputStream();
      byte[] buffer = new byte[65536];
      if (in.read(buffer) < 0) {
        return;
      }
      requests.incrementAndGet();
      OutputStream out = c.getOutputStream();
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      long end = System.nanoTime() + ANSWER_LASTS.toNanos();
      while (System.nanoTime() < end && !socket.isClosed()) {
        out.write("X-Pad: a\r\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(interval.toMillis());
      }
      out.write(
          "Content-Length: 20\r\n\r\n{\"status\":\"deleted\"}".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the client hung up: what this server is for
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
