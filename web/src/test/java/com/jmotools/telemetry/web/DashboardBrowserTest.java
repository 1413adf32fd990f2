package com.jmotools.telemetry.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.jmotools.telemetry.collector.Database;
import com.jmotools.telemetry.collector.Dialect;
import com.jmotools.telemetry.reports.Fixtures;
import com.jmotools.telemetry.reports.Seeder;
import com.jmotools.telemetry.reports.TestDatabases;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver; nothing is
 * downloaded). Skips, saying why, when they are not installed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOT = Path.of("target", "dashboard.png");

  /** Reads every chart's labels and data from the Chart.js instances on the page. */
  static final String READ_CHARTS =
      "return JSON.stringify(Object.fromEntries(Object.entries(window.jmoCharts || {}).map(([k, c])"
          + " => [k, {type: c.config.type, labels: c.data.labels, data: c.data.datasets.map(d =>"
          + " d.data)}])));";

  @TempDir Path dir;

  /**
   * The seeded quarter moved by whole days, so that its last day (2026-03-31) is today. Whole days:
   * a shift by hours moved some of its events across midnight, so the per-day figures (installs)
   * depended on the hour the test ran at (6 instead of 5 at 13:00 UTC).
   */
  static List<Seeder.Row> recent(Instant now) {
    Duration shift =
        Duration.between(Instant.parse("2026-03-31T00:00:00Z"), now.truncatedTo(ChronoUnit.DAYS));
    List<Seeder.Row> rows = new ArrayList<>();
    for (Seeder.Row r : Fixtures.quarter().rows()) {
      if (Fixtures.Q1.contains(r.instant())) {
        rows.add(
            new Seeder.Row(
                r.type(),
                r.version(),
                r.platform(),
                r.anonymousId(),
                r.instant().plus(shift).toString(),
                r.metadata()));
      }
    }
    return rows;
  }

  @Test
  void chartsShowTheSeededNumbersAndNewEventsWithinFiveSeconds() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser test skipped: Debian's chromium and chromedriver are not installed (apt-get"
            + " install chromium chromium-driver)");
    Instant nowHour = Clock.systemUTC().instant().truncatedTo(ChronoUnit.HOURS);
    try (Database db = TestDatabases.open(Dialect.SQLITE, dir);
        TestServer server = new TestServer(db, Clock.systemUTC())) {
      Seeder.insert(db, recent(nowHour), new Random(1));

      System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-dev-shm-usage",
          "--window-size=1400,1700",
          "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium")));
      ChromeDriver driver = new ChromeDriver(service, options);
      try {
        driver.get(server.base + "/dashboard");
        // Without a token the page is the login form.
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> driver.findElement(By.id("login-form")).isDisplayed());
        driver.findElement(By.id("token")).sendKeys(TestServer.TOKEN);
        driver.findElement(By.id("login-button")).click();
        assertThat(driver.getCurrentUrl()).doesNotContain(TestServer.TOKEN);

        // The default period, the last 30 days, holds the two events of the last days of the seeded
        // quarter.
        JsonNode charts = awaitCharts(driver, c -> sum(c.get("timeline")) == 2);
        assertThat(labelsAndData(charts.get("modes"))).containsExactly("cli=1");
        assertThat(labelsAndData(charts.get("platforms"))).containsExactly("Linux=2");

        // The period picker: the last 90 days hold the whole quarter.
        new Select(driver.findElement(By.id("range"))).selectByValue("90");
        charts = awaitCharts(driver, c -> sum(c.get("timeline")) == 14);
        assertThat(labelsAndData(charts.get("profiles")))
            .containsExactly("balanced=3", "deep=1", "fast=1");
        assertThat(labelsAndData(charts.get("modes")))
            .containsExactly("cli=3", "docker=1", "wizard=1");
        assertThat(labelsAndData(charts.get("platforms")))
            .containsExactly("Linux=7", "macOS=5", "Windows=2");
        // Failures per run; these events carry no tool_runs (catalog 1), so the runs are estimated
        // (*).
        assertThat(labelsAndData(charts.get("failures")))
            .containsExactly("trivy *=66.7", "zap *=50", "semgrep *=0");
        assertThat(labelsAndData(charts.get("versions"))).containsExactly("0.7.1=3", "0.7.0=1");
        assertThat(sum(charts.get("installs")))
            .isEqualTo(5); // one installation on each of five days
        // Every day of the period is a bar, days without events at zero; counts are bars, never
        // smoothed lines.
        assertThat(charts.get("installs").get("labels").size()).isBetween(90, 91);
        assertThat(charts.get("installs").get("data").get(0))
            .filteredOn(v -> v.asLong() == 0)
            .hasSizeGreaterThan(80);
        assertThat(charts.get("timeline").get("type").asText()).isEqualTo("bar");
        assertThat(charts.get("installs").get("type").asText()).isEqualTo("bar");
        // The other events of the catalog, each in its own chart.
        assertThat(labelsAndData(charts.get("tools")))
            .containsExactly("trivy=3", "semgrep=2", "zap=2");
        assertThat(labelsAndData(charts.get("durations"))).containsExactly("<5min=1", "5-15min=1");
        assertThat(labelsAndData(charts.get("scanFindings"))).containsExactly("0=1", "10-100=1");
        assertThat(labelsAndData(charts.get("formats")))
            .containsExactly("json=2", "md=1", "sarif=1");
        assertThat(labelsAndData(charts.get("reportFindings")))
            .containsExactly("10-100=1", ">1000=1");
        assertThat(labelsAndData(charts.get("reportFlags")))
            .containsExactly("suppressions used=1", "compliance enabled=1");
        assertThat(labelsAndData(charts.get("wizardArtifacts")))
            .containsExactly("makefile=1", "none=1");
        assertThat(labelsAndData(charts.get("wizardModes")))
            .containsExactly("docker=1", "native=1");
        assertThat(labelsAndData(charts.get("wizardDurations"))).containsExactly("1-3min=2");

        // Live: a new event appears within 5 s, without reloading.
        new Seeder()
            .add(
                "scan.started",
                Fixtures.C,
                "Windows",
                "0.7.1",
                nowHour.toString(),
                Fixtures.started("docker", "deep", "zap"))
            .writeTo(db);
        long t0 = System.nanoTime();
        charts = awaitCharts(driver, Duration.ofSeconds(5), c -> sum(c.get("timeline")) == 15);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(labelsAndData(charts.get("modes")))
            .containsExactly("cli=3", "docker=2", "wizard=1");
        assertThat(labelsAndData(charts.get("platforms")))
            .containsExactly("Linux=7", "macOS=5", "Windows=3");

        Files.createDirectories(SCREENSHOT.getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
      } finally {
        driver.quit();
      }
    }
  }

  interface ChartCheck {
    boolean test(JsonNode charts);
  }

  private static JsonNode awaitCharts(ChromeDriver driver, ChartCheck check) {
    return awaitCharts(driver, Duration.ofSeconds(20), check);
  }

  private static JsonNode awaitCharts(ChromeDriver driver, Duration atMost, ChartCheck check) {
    JsonNode[] last = new JsonNode[1];
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                last[0] =
                    Seeder.JSON.readTree(
                        (String) ((JavascriptExecutor) driver).executeScript(READ_CHARTS));
                return last[0].has("timeline") && last[0].has("installs") && check.test(last[0]);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "charts never matched; last read: "
              + last[0]
              + "; page status: "
              + driver.findElement(By.id("status")).getText()
              + "; login error: "
              + driver.findElement(By.id("login-error")).getText(),
          e);
    }
    return last[0];
  }

  private static long sum(JsonNode chart) {
    long n = 0;
    for (JsonNode dataset : chart.get("data")) {
      for (JsonNode v : dataset) {
        n += v.asLong();
      }
    }
    return n;
  }

  /** {@code label=value} of a one-dataset chart, in chart order. */
  private static List<String> labelsAndData(JsonNode chart) {
    List<String> out = new ArrayList<>();
    JsonNode labels = chart.get("labels");
    JsonNode data = chart.get("data").get(0);
    for (int i = 0; i < labels.size(); i++) {
      JsonNode v = data.get(i);
      out.add(
          labels.get(i).asText()
              + "="
              + (v.isIntegralNumber() || v.asDouble() == Math.rint(v.asDouble())
                  ? String.valueOf(v.asLong())
                  : String.valueOf(v.asDouble())));
    }
    return out;
  }
}
