package com.jmotools.telemetry.collector.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps slow or numerous connections from starving the collector, beside Jetty's own idle
 * timeout and global connection limit:
 *
 * <ul>
 *   <li>a <b>header deadline</b>: a connection must deliver a request's headers within {@code
 *       headerTimeout} of opening or of its previous request's end (a slowloris trickling header
 *       bytes never trips an idle timeout);
 *   <li>a <b>body deadline</b>: an ingestion body must arrive whole within {@code bodyTimeout};
 *   <li>a <b>cap on the connections one address holds open</b>: beyond it, new ones are closed at
 *       once;
 *   <li>a <b>cap on the bodies one address sends at a time</b>: a blocking body read holds a
 *       thread, so one address may hold at most that many; beyond it, requests are answered 429
 *       without reading, and the thread goes back to the pool.
 * </ul>
 *
 * <p>A connection past a deadline is closed by a sweeper thread. Addresses are held in memory only,
 * while their connections are open, and never logged.
 */
public final class ConnectionGuard implements Connection.Listener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long NO_DEADLINE = Long.MAX_VALUE;
  private static final Duration SWEEP_INTERVAL = Duration.ofMillis(250);

  /** One open connection: whose it is and when it must have moved on. */
  private static final class Tracked {
    final InetAddress address;
    volatile long deadline;

    Tracked(InetAddress address, long deadline) {
      this.address = address;
      this.deadline = deadline;
    }
  }

  private final int maxConnectionsPerAddress;
  private final int maxBodiesPerAddress;
  private final long headerTimeoutNanos;
  private final long bodyTimeoutNanos;
  private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> connectionsByAddress = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> bodiesByAddress = new ConcurrentHashMap<>();
  private final AtomicInteger refusedConnections = new AtomicInteger();
  private final ScheduledExecutorService sweeper;

  public ConnectionGuard(
      int maxConnectionsPerAddress,
      int maxBodiesPerAddress,
      Duration headerTimeout,
      Duration bodyTimeout) {
    if (maxConnectionsPerAddress < 1 || maxBodiesPerAddress < 1) {
      throw new IllegalArgumentException(
          "per-address limits must be positive: "
              + maxConnectionsPerAddress
              + " connections, "
              + maxBodiesPerAddress
              + " bodies");
    }
    this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    this.maxBodiesPerAddress = maxBodiesPerAddress;
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.bodyTimeoutNanos = bodyTimeout.toNanos();
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jmo-telemetry-connection-guard");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts closing connections past their deadlines. */
  public void start() {
    ScheduledFuture<?> unused =
        sweeper.scheduleWithFixedDelay(
            this::sweep,
            SWEEP_INTERVAL.toMillis(),
            SWEEP_INTERVAL.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress address = addressOf(connection.getEndPoint().getRemoteSocketAddress());
    if (address == null) {
      return;
    }
    int count = connectionsByAddress.merge(address, 1, Integer::sum);
    open.put(connection, new Tracked(address, System.nanoTime() + headerTimeoutNanos));
    if (count > maxConnectionsPerAddress) {
      refusedConnections.incrementAndGet();
      connection.getEndPoint().close();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    Tracked tracked = open.remove(connection);
    if (tracked != null) {
      release(connectionsByAddress, tracked.address);
    }
  }

  /** A request's headers have arrived: no deadline while the application handles it. */
  public void requestStarted(Request request) {
    Tracked tracked = open.get(request.getHttpChannel().getConnection());
    if (tracked != null) {
      tracked.deadline = NO_DEADLINE;
    }
  }

  /** A request was answered: the next one's headers must arrive within the header timeout. */
  public void requestFinished(Request request) {
    Tracked tracked = open.get(request.getHttpChannel().getConnection());
    if (tracked != null) {
      tracked.deadline = System.nanoTime() + headerTimeoutNanos;
    }
  }

  /**
   * Starts reading a body: sets the body deadline and takes one of the address's body slots.
   *
   * @return a handle to close when the body is read, or {@code null} if the address already sends
   *     as many bodies as it may (answer 429 without reading)
   */
  public BodyRead startBody(Request request) {
    Connection connection = request.getHttpChannel().getConnection();
    Tracked tracked = open.get(connection);
    if (tracked == null) {
      return () -> {};
    }
    if (bodiesByAddress.merge(tracked.address, 1, Integer::sum) > maxBodiesPerAddress) {
      release(bodiesByAddress, tracked.address);
      return null;
    }
    tracked.deadline = System.nanoTime() + bodyTimeoutNanos;
    return () -> {
      tracked.deadline = NO_DEADLINE;
      release(bodiesByAddress, tracked.address);
    };
  }

  /** The end of a body read started by {@link #startBody}. */
  @FunctionalInterface
  public interface BodyRead extends AutoCloseable {
    @Override
    void close();
  }

  /** The Jetty request behind a servlet request, for the methods above. */
  public static Request jettyRequest(jakarta.servlet.http.HttpServletRequest request) {
    return Request.getBaseRequest(request);
  }

  /** Connections closed at once because their address held too many, since start. */
  public int refusedConnections() {
    return refusedConnections.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return open.size();
  }

  private void sweep() {
    try {
      long now = System.nanoTime();
      for (Map.Entry<Connection, Tracked> e : open.entrySet()) {
        long deadline = e.getValue().deadline;
        if (deadline != NO_DEADLINE && now - deadline > 0) {
          e.getKey().getEndPoint().close();
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("connection sweep failed; it runs again: {}", e.toString());
    }
  }

  private static void release(Map<InetAddress, Integer> counts, InetAddress address) {
    counts.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  private static InetAddress addressOf(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
