package com.jmotools.telemetry.collector;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded slow-client attack on a loopback collector, from 127.0.0.1: {@code connections}
 * connections that each send a request's start and then one byte a second, either of the body (a
 * slow POST) or of the headers (slowloris). Connections the server closes are opened again, at most
 * {@code opensPerSecond} a second, for as long as the attack runs.
 */
final class SlowAttack implements AutoCloseable {

  enum Kind {
    SLOW_BODY,
    SLOWLORIS
  }

  final AtomicLong opened = new AtomicLong();
  final AtomicLong closedByServer = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  SlowAttack(Kind kind, int port, int connections, int opensPerSecond) {
    this.thread = new Thread(() -> run(kind, port, connections, opensPerSecond), "slow-attack");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Kind kind, int port, int connections, int opensPerSecond) {
    List<Socket> sockets = new ArrayList<>();
    byte[] start =
        (kind == Kind.SLOW_BODY
                ? "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    + "application/json\r\nContent-Length: 4000\r\n\r\n"
                    + "["
                : "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte trickle = (byte) (kind == Kind.SLOW_BODY ? ' ' : 'X');
    long nextTick = System.nanoTime();
    long openInterval = 1_000_000_000L / opensPerSecond;
    long nextOpen = System.nanoTime();
    try {
      while (running.get()) {
        // Open (or reopen) up to the target count, paced.
        while (sockets.size() < connections && System.nanoTime() >= nextOpen && running.get()) {
          Socket s = new Socket();
          try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            s.getOutputStream().write(start);
            sockets.add(s);
            opened.incrementAndGet();
          } catch (IOException e) {
            closeQuietly(s);
            closedByServer.incrementAndGet();
          }
          nextOpen += openInterval;
        }
        if (System.nanoTime() >= nextTick) {
          nextTick += 1_000_000_000L;
          for (int i = sockets.size() - 1; i >= 0; i--) {
            Socket s = sockets.get(i);
            try {
              OutputStream out = s.getOutputStream();
              out.write(trickle);
              if (s.getInputStream().available()
                  > 0) { // answered (429): the server is done with it
                throw new IOException("answered");
              }
            } catch (IOException e) {
              closeQuietly(s);
              sockets.remove(i);
              closedByServer.incrementAndGet();
            }
          }
        }
        LockSupport.parkNanos(2_000_000);
      }
    } finally {
      sockets.forEach(SlowAttack::closeQuietly);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
