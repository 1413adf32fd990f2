package com.jmotools.telemetry.client.internal;

import com.jmotools.telemetry.client.Sleeper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * What an {@link OutboxPipeline} is built from: it makes its outbox, uploader and delivery itself.
 *
 * @param stateDirectory where the outbox, the sent log and the locks live
 * @param endpoint the collector's base URL, or {@code null} when none is usable (events wait)
 * @param endpointTag the {@linkplain EndpointKey#tag tag} of the configured collector (empty for
 *     the default one): events are written for it, and only those are sent
 * @param limits the outbox's bounds
 * @param maxSentLogBytes the bound of {@code sent.jsonl}
 * @param queueCapacity the most events held in memory before they reach the outbox
 * @param networkTimeout the longest one request may take
 * @param backoff the waits after failed uploads
 * @param shortRun a run that ends within this time of the start sends nothing and does not wait at
 *     {@link OutboxPipeline#close}: its events stay in the outbox for a later run (zero: every run
 *     sends each event as soon as it is written and delivers the rest at close)
 * @param maxWait when the oldest event in the outbox is this old, delivery is due: the run sends at
 *     once, however short it turns out to be
 * @param clock the time of events and of the outbox
 * @param sleeper how waits are made
 * @param random the backoff's jitter
 * @param userChoice asked before each write to the outbox and each batch sent: once the user's own
 *     settings say off, nothing more is written or sent
 */
public record PipelineSettings(
    Path stateDirectory,
    URI endpoint,
    String endpointTag,
    Outbox.Limits limits,
    long maxSentLogBytes,
    int queueCapacity,
    Duration networkTimeout,
    Backoff backoff,
    Duration shortRun,
    Duration maxWait,
    Clock clock,
    Sleeper sleeper,
    Random random,
    UserChoiceWatch userChoice) {

  public PipelineSettings {
    Objects.requireNonNull(stateDirectory, "stateDirectory");
    Objects.requireNonNull(endpointTag, "endpointTag");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(networkTimeout, "networkTimeout");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(shortRun, "shortRun");
    Objects.requireNonNull(maxWait, "maxWait");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(userChoice, "userChoice");
    if (shortRun.isNegative()) {
      throw new IllegalArgumentException("shortRun is negative: " + shortRun);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait is negative: " + maxWait);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity < 1: " + queueCapacity);
    }
  }
}
