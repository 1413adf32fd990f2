package com.jmotools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitLab targets: a group's projects are listed through the API (token in a header), each is cloned
 * with git (token in git's environment, never on its command line) and scanned.
 */
@Timeout(60)
class GitLabScanTest {

  @TempDir Path tmp;

  private HttpServer gitlab;
  private final AtomicReference<String> tokenSeen = new AtomicReference<>();

  @BeforeEach
  void startFakeGitLab() throws Exception {
    gitlab = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    gitlab.createContext(
        "/api/v4/groups/",
        exchange -> {
          if (!exchange
              .getRequestURI()
              .getRawPath()
              .equals("/api/v4/groups/acme%2Fplatform/projects")) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          tokenSeen.set(exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN"));
          byte[] body =
              ("[{\"path_with_namespace\":\"acme/platform/api\"}"
                      + ",{\"path_with_namespace\":\"acme/platform/web\"}]")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    gitlab.start();
  }

  @AfterEach
  void stop() {
    gitlab.stop(0);
  }

  @Test
  void aGroupIsListedClonedAndScannedWithoutTheTokenOnACommandLine() throws Exception {
    CliFixture f = new CliFixture(tmp);
    f.env.put("JMO_TELEMETRY_DEBUG", "1");
    f.env.put("GITLAB_TOKEN", "glpat-s3cret");
    assertThat(f.jmo("telemetry", "enable").code()).isZero();
    Path gitLog = tmp.resolve("git-args.log");
    // git clone --quiet --depth 1 -- URL DIR: record the arguments and the auth header, make the
    // checkout.
    f.tool(
        "git",
        "echo \"$@\" >> "
            + gitLog
            + "\necho \"$GIT_CONFIG_VALUE_0\" >> "
            + gitLog
            + ".env\nfor last; do :; done\nmkdir -p \"$last\" && echo"
            + " 'print(1)' > \"$last/app.py\"");
    FakeTools.semgrepFinds(f, 1);
    String url = "http://127.0.0.1:" + gitlab.getAddress().getPort();

    CliFixture.Run run =
        f.jmo("scan", "--gitlab-group", "acme/platform", "--gitlab-url", url, "--tools", "semgrep");

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(tokenSeen.get()).isEqualTo("glpat-s3cret");
    String args = Files.readString(gitLog);
    assertThat(args)
        .contains(url + "/acme/platform/api.git")
        .contains(url + "/acme/platform/web.git")
        .doesNotContain("s3cret");
    assertThat(Files.readString(Path.of(gitLog + ".env"))).startsWith("Authorization: Basic ");
    assertThat(f.work.resolve("results/acme_platform_api/semgrep/semgrep.sarif")).exists();
    assertThat(f.work.resolve("results/acme_platform_web/semgrep/semgrep.sarif")).exists();
    assertThat(run.err())
        .contains(
            "\"target_types\":{\"repos\":0,\"images\":0,\"urls\":0,\"iac\":0,\"gitlab\":2,"
                + "\"k8s\":0}")
        .contains("\"tools_succeeded\":2");
  }
}
