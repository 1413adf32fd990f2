package com.jmotools.telemetry.web;

import com.jmotools.telemetry.collector.AdminAuth;
import com.jmotools.telemetry.collector.CollectorServer;
import com.jmotools.telemetry.collector.Database;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/** A collector on port 0 with the analytics routes, and a small HTTP client for it. */
final class TestServer implements AutoCloseable {

  static final String TOKEN = "test-admin-token-0123456789";

  final CollectorServer server;
  final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestServer(Database db, Clock clock) {
    this.server =
        CollectorServer.builder(db)
            .host("127.0.0.1")
            .port(0)
            .admin(AdminAuth.of(TOKEN))
            .clock(clock)
            .purgeInterval(Duration.ZERO)
            .extension(new AnalyticsExtension())
            .build()
            .start();
    this.base = "http://127.0.0.1:" + server.port();
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create(base + path);
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}
