package com.jmotools.telemetry.collector.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client, kept in memory only. A client is known by a salted hash of its remote
 * address; the salt is random per process and never stored, so the keys cannot be turned back into
 * addresses, not even by someone who reads the process's memory after the fact and guesses.
 */
public final class RateLimiter {

  private final double perNano;
  private final double burst;
  private final int maxClients;
  private final LongSupplier nanoTime;
  private final byte[] salt;
  private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }

  /**
   * @param perSecond sustained requests per second per client; 0 disables the limit
   * @param burst requests a client may send at once
   * @param maxClients clients tracked at most (memory bound); beyond it, idle ones are forgotten
   */
  public RateLimiter(double perSecond, int burst, int maxClients, LongSupplier nanoTime) {
    if (perSecond < 0 || burst < 1 || maxClients < 1) {
      throw new IllegalArgumentException(
          "rate limit out of range: "
              + perSecond
              + "/s, burst "
              + burst
              + ", "
              + maxClients
              + " clients");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxClients = maxClients;
    this.nanoTime = nanoTime;
    this.salt = new byte[32];
    new SecureRandom().nextBytes(salt);
  }

  /** Whether the limiter does anything. */
  public boolean isEnabled() {
    return perNano > 0;
  }

  /**
   * Takes one request's token for the client at {@code remoteAddress}.
   *
   * @return 0 if the request may proceed, else the whole seconds (at least 1) until it may
   */
  public long acquire(String remoteAddress) {
    if (perNano <= 0) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    long key = key(remoteAddress);
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= maxClients) {
        sweep(now);
        if (buckets.size() >= maxClients) {
          return 0; // fail open rather than let a flood of addresses grow memory without bound
        }
      }
      bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    }
    synchronized (bucket) {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.last) * perNano);
      bucket.last = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      double wait = (1 - bucket.tokens) / perNano / 1e9;
      return Math.max(1, (long) Math.ceil(wait));
    }
  }

  /**
   * How long the client at {@code remoteAddress} must wait for a token, without taking one.
   *
   * @return 0 if a token is available (or the client is unknown), else whole seconds, at least 1
   */
  public long waitSeconds(String remoteAddress) {
    if (perNano <= 0) {
      return 0;
    }
    Bucket bucket = buckets.get(key(remoteAddress));
    if (bucket == null) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    synchronized (bucket) {
      double tokens = Math.min(burst, bucket.tokens + (now - bucket.last) * perNano);
      return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
    }
  }

  /** Clients currently tracked, for tests. */
  int trackedClients() {
    return buckets.size();
  }

  /** Forgets clients whose bucket has refilled: they are indistinguishable from new ones. */
  private void sweep(long now) {
    long full = (long) (burst / perNano);
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      synchronized (b) {
        if (now - b.last >= full) {
          it.remove();
        }
      }
    }
  }

  private long key(String address) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      digest.update(String.valueOf(address).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
