package com.jmotools.telemetry.collector;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * Adds routes to a collector server, such as the maintainer statistics and dashboard of the {@code
 * reports} module. Register one with {@link CollectorServer.Builder#extension}.
 */
public interface CollectorExtension {

  /**
   * Adjusts the Javalin configuration before the server is created (static files, for example). The
   * default does nothing. The collector's own settings (limits, logging) must not be changed.
   */
  default void configure(JavalinConfig config) {}

  /** Registers routes on {@code app}; called once, before the server starts. */
  void register(Javalin app, Services services);

  /**
   * Stops what {@link #register} started (background threads, schedules); called once when the
   * server closes, after its HTTP server stopped and before the caller closes the database. The
   * default does nothing.
   */
  default void stop() {}

  /**
   * What the collector shares with its extensions.
   *
   * @param database the database the collector writes (read it; write only through the collector)
   * @param admin the maintainer token check; call {@link AdminAuth#require} in every admin route
   * @param meters the registry behind {@code /metrics}
   * @param clock the server's clock
   */
  record Services(Database database, AdminAuth admin, MeterRegistry meters, Clock clock) {
    public Services {
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(admin, "admin");
      Objects.requireNonNull(meters, "meters");
      Objects.requireNonNull(clock, "clock");
    }
  }
}
