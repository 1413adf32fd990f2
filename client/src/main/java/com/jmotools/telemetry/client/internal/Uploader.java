package com.jmotools.telemetry.client.internal;

import java.time.Duration;
import java.util.UUID;

/** Sends to the collector; the edge of the client towards the network. */
public interface Uploader {

  /**
   * An uploader for hosts without a usable endpoint: every call fails, nothing leaves the machine.
   */
  Uploader NONE =
      new Uploader() {
        @Override
        public UploadResult upload(byte[] jsonArray, Duration timeout) {
          return UploadResult.Failed.of(UploadFailure.NO_ENDPOINT);
        }

        @Override
        public DeletionAnswer requestDeletion(UUID anonymousId, Duration timeout) {
          return new DeletionAnswer(false, "no usable endpoint");
        }
      };

  /**
   * The answer to a deletion request.
   *
   * @param deleted whether the collector confirmed (it does not say how many rows it erased: a
   *     count would tell anyone holding an id whether it existed and how active it was)
   * @param error why not, when not
   */
  record DeletionAnswer(boolean deleted, String error) {}

  /** Prepares for the first call (connection machinery, class loading); optional. */
  default void warmUp() {}

  /**
   * Cuts short a call in flight (closes its connection) and refuses later calls: each then fails at
   * once with {@link UploadFailure#ABORTED}. Optional.
   *
   * @return whether a call was in flight (its request may have reached the collector)
   */
  default boolean abort() {
    return false;
  }

  /**
   * POSTs a JSON array of events to {@code /v1/events}, waiting at most {@code timeout}. Never
   * throws.
   */
  UploadResult upload(byte[] jsonArray, Duration timeout);

  /** POSTs to {@code /v1/deletion-request}, waiting at most {@code timeout}. Never throws. */
  DeletionAnswer requestDeletion(UUID anonymousId, Duration timeout);
}
