package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class JmoTelemetryCommandTest {

  @TempDir Path dir;

  @Test
  void serveHelpListsEveryFlagWithItsEnvironmentVariable() {
    StringWriter out = new StringWriter();
    CommandLine line = JmoTelemetryCommand.commandLine(List.of());
    line.setOut(new PrintWriter(out));
    assertThat(line.execute("serve", "--help")).isZero();
    String help = out.toString();
    for (String flag :
        List.of(
            "--port",
            "--db",
            "--admin-token-file",
            "--retention-days",
            "--rate-limit",
            "--rate-burst",
            "--max-queued-events",
            "--max-commit-events",
            "--idle-timeout-seconds",
            "--durability",
            "--request-log")) {
      assertThat(help).contains(flag);
    }
    for (String env :
        List.of(
            "JMO_TELEMETRY_PORT",
            "JMO_TELEMETRY_DB",
            "JMO_TELEMETRY_ADMIN_TOKEN",
            "JMO_TELEMETRY_RETENTION_DAYS",
            "JMO_TELEMETRY_RATE_LIMIT")) {
      assertThat(help).contains(env);
    }
    assertThat(help)
        .contains("default: 8787")
        .contains("default: jmo-telemetry.db")
        .contains("default: 400");
  }

  @Test
  void serveListensOnLoopbackUnlessHostSaysOtherwise() {
    StringWriter out = new StringWriter();
    CommandLine line = JmoTelemetryCommand.commandLine(List.of());
    line.setOut(new PrintWriter(out));
    assertThat(line.execute("serve", "--help")).isZero();
    assertThat(out.toString()).contains("default: 127.0.0.1");
    assertThat(CollectorServer.DEFAULT_HOST).isEqualTo("127.0.0.1");
  }

  @Test
  void serveShowsTheBindAddressAsGiven() {
    assertThat(ServeCommand.displayedHost("127.0.0.2")).isEqualTo("127.0.0.2");
    assertThat(ServeCommand.displayedHost("192.0.2.2")).isEqualTo("192.0.2.2");
    assertThat(ServeCommand.displayedHost("0.0.0.0")).isEqualTo("0.0.0.0");
    assertThat(ServeCommand.displayedHost("::1")).isEqualTo("[::1]");
    assertThat(ServeCommand.displayedHost("collector.internal")).isEqualTo("collector.internal");
  }

  @Test
  void serveRefusesAnEmptyOrMissingAdminTokenFileInsteadOfTurningAdminOff() throws Exception {
    Path blank = dir.resolve("blank-token");
    java.nio.file.Files.writeString(blank, " \n");
    for (Path token : List.of(blank, dir.resolve("no-such-token"))) {
      StringWriter err = new StringWriter();
      CommandLine line = JmoTelemetryCommand.commandLine(List.of());
      line.getSubcommands().get("serve").setErr(new PrintWriter(err));
      assertThat(
              line.execute(
                  "serve",
                  "--port",
                  "0",
                  "--db",
                  dir.resolve("blank.db").toString(),
                  "--admin-token-file",
                  token.toString()))
          .as(token.toString())
          .isEqualTo(2);
      assertThat(err.toString())
          .contains("--admin-token-file " + token)
          .doesNotContain("\tat ")
          .doesNotContain("listening");
    }
    assertThat(Files.readString(blank)).isBlank();
  }

  @Test
  void serveRefusesTheReadmesExampleTokenOnAnInterfaceOthersCanReach() throws Exception {
    Path token = dir.resolve("token");
    java.nio.file.Files.writeString(token, AdminAuth.EXAMPLE_TOKEN + "\n");
    for (String host : List.of("0.0.0.0", "::")) {
      StringWriter err = new StringWriter();
      CommandLine line = JmoTelemetryCommand.commandLine(List.of());
      line.getSubcommands().get("serve").setErr(new PrintWriter(err));
      assertThat(
              line.execute(
                  "serve",
                  "--host",
                  host,
                  "--port",
                  "0",
                  "--db",
                  dir.resolve("x.db").toString(),
                  "--admin-token-file",
                  token.toString()))
          .as(host)
          .isEqualTo(2);
      assertThat(err.toString()).contains("example").contains("loopback").doesNotContain("\tat ");
    }
    try (Database db = Database.open(dir.resolve("y.db").toString())) {
      AdminAuth example = AdminAuth.of(AdminAuth.EXAMPLE_TOKEN);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> CollectorServer.builder(db).host("0.0.0.0").admin(example).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("loopback");
      // On loopback it is fine (the README's local try-out), and so is a token of one's own
      // anywhere.
      CollectorServer.builder(db).host("127.0.0.1").port(0).admin(example).build();
      CollectorServer.builder(db).host("localhost").port(0).admin(example).build();
      CollectorServer.builder(db)
          .host("0.0.0.0")
          .port(0)
          .admin(AdminAuth.of("a-token-of-our-own-0123"))
          .build();
    }
  }

  @Test
  void otherModulesCanAddSubcommands() {
    @CommandLine.Command(name = "stats")
    class Stats implements Runnable {
      @CommandLine.Mixin DatabaseOption db = new DatabaseOption();

      @Override
      public void run() {}
    }
    CommandLine line =
        JmoTelemetryCommand.commandLine(List.of()).addSubcommand("stats", new Stats());
    assertThat(line.getSubcommands()).containsKeys("serve", "purge", "stats");
    assertThat(line.execute("stats", "--db", dir.resolve("x.db").toString())).isZero();
  }

  @Test
  void purgeDeletesOnlyEventsOlderThanTheRetention() {
    String location = dir.resolve("purge.db").toString();
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    UUID id = UUID.randomUUID();
    try (Database db = Database.open(location)) {
      EventStore.of(db)
          .appendEvents(
              List.of(
                  CollectorContractTest.event(id, now.minus(Duration.ofDays(40))),
                  CollectorContractTest.event(id, now.minus(Duration.ofDays(20)))),
              now);
    }
    StringWriter out = new StringWriter();
    CommandLine line = new CommandLine(new PurgeCommand(Clock.fixed(now, ZoneOffset.UTC)));
    line.setOut(new PrintWriter(out));
    assertThat(line.execute("--db", location, "--retention-days", "30")).isZero();
    assertThat(out.toString()).contains("purged 1 events older than 30 days");
    try (Database db = Database.open(location)) {
      assertThat(Rows.count(db)).isEqualTo(1);
    }
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    StringWriter err = new StringWriter();
    CommandLine line = JmoTelemetryCommand.commandLine(List.of());
    line.getSubcommands().get("purge").setErr(new PrintWriter(err));
    assertThat(
            line.execute("purge", "--db", dir.resolve("x.db").toString(), "--retention-days", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--retention-days must be at least 1");
    StringWriter err2 = new StringWriter();
    line.getSubcommands().get("purge").setErr(new PrintWriter(err2));
    assertThat(line.execute("purge", "--db", "jdbc:mysql://x/y")).isEqualTo(1);
    assertThat(err2.toString())
        .startsWith("jmo-telemetry: unsupported database URL")
        .doesNotContain("\tat ");
  }
}
