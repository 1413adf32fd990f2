package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's Python client ({@code _send_event_async}, verbatim), pointed at the collector, is
 * accepted and stored. Without python3 on the PATH, the byte-identical request is sent instead.
 */
@Timeout(120)
class GuideClientTest {

  @TempDir Path dir;

  @Test
  void theGuidesPythonClientIsAccepted() throws Exception {
    try (Database db = Database.open(dir.resolve("guide.db").toString());
        CollectorServer server =
            CollectorServer.builder(db)
                .port(0)
                .host("127.0.0.1")
                .purgeInterval(Duration.ZERO)
                .build()
                .start()) {
      String endpoint = "http://127.0.0.1:" + server.port();
      Path python = findOnPath("python3");
      if (python != null) {
        runGuideClient(python, endpoint);
      } else {
        sendByteIdenticalRequest(server.port());
      }
      List<Rows.Row> rows = Rows.all(db);
      assertThat(rows).hasSize(1);
      Rows.Row row = rows.get(0);
      assertThat(row.eventType()).isEqualTo("scan.started");
      assertThat(row.pythonVersion()).matches("3\\.\\d+");
      assertThat(row.metadata()).contains("\"tools\":[\"trufflehog\",\"semgrep\"]");
      assertThat(UUID.fromString(row.anonymousId()).version()).isEqualTo(4);
      assertThat(row.timestamp().getEpochSecond() % 3600).isZero();
    }
  }

  private void runGuideClient(Path python, String endpoint) throws Exception {
    Path scripts = dir.resolve("scripts");
    Files.createDirectories(scripts);
    for (String name : List.of("telemetry.py", "send_event.py")) {
      try (InputStream in = GuideClientTest.class.getResourceAsStream("/guide/" + name)) {
        Files.copy(in, scripts.resolve(name));
      }
    }
    ProcessBuilder builder =
        new ProcessBuilder(python.toString(), "send_event.py", endpoint)
            .directory(scripts.toFile())
            .redirectErrorStream(true);
    builder.environment().put("HOME", dir.resolve("home").toString()); // the id file goes there
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(Files.readString(dir.resolve("home/.jmo-security/telemetry-id")))
        .matches("[0-9a-f-]{36}");
  }

  /** What urllib sends for the guide's client: json.dumps' separators, no offset on the time. */
  private static void sendByteIdenticalRequest(int port) throws IOException {
    String time = LocalDateTime.now(ZoneOffset.UTC).toString();
    String body =
        "{\"event\": \"scan.started\", \"version\": \"0.7.0\", \"platform\": \"Linux\","
            + " \"python_version\": \"3.11\", \"anonymous_id\": \""
            + UUID.randomUUID()
            + "\", \"metadata\": {\"mode\": \"cli\", \"profile\": \"balanced\", \"tools\":"
            + " [\"trufflehog\", \"semgrep\"], \"target_types\": {\"repos\": 3, \"images\": 1,"
            + " \"urls\": 0, \"iac\": 0, \"gitlab\": 0, \"k8s\": 0}}, \"timestamp\": \""
            + time
            + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST / HTTP/1.1\r\nAccept-Encoding: identity\r\nContent-Type: "
            + "application/json\r\nContent-Length: "
            + bytes.length
            + "\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUser-Agent: Python-urllib/3.11\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("OK");
    }
  }

  private static Path findOnPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Paths.get(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
