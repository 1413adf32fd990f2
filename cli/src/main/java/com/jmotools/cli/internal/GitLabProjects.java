package com.jmotools.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Lists the projects of a GitLab group through the GitLab REST API. */
public interface GitLabProjects {

  /** The environment variable that holds the GitLab token. */
  String TOKEN_VARIABLE = "GITLAB_TOKEN";

  /**
   * The {@code path_with_namespace} of every project of {@code group}, subgroups included.
   *
   * @throws IOException if the server cannot be reached or refuses
   */
  List<String> list(String gitlabUrl, String group) throws IOException;

  /** The API client; {@code token} may be null for public groups. */
  static GitLabProjects api(String token) {
    return new Api(token);
  }

  /** Calls {@code GET /api/v4/groups/:group/projects}, page by page (at most 50 pages of 100). */
  final class Api implements GitLabProjects {
    private static final int MAX_PAGES = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final String token;

    Api(String token) {
      this.token = token;
    }

    @Override
    public List<String> list(String gitlabUrl, String group) throws IOException {
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      List<String> out = new ArrayList<>();
      ObjectMapper json = new ObjectMapper();
      for (int page = 1; page <= MAX_PAGES; page++) {
        URI uri =
            URI.create(
                gitlabUrl
                    + "/api/v4/groups/"
                    + URLEncoder.encode(group, StandardCharsets.UTF_8)
                    + "/projects?include_subgroups=true&archived=false&per_page=100&page="
                    + page);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        if (token != null && !token.isBlank()) {
          req.header("PRIVATE-TOKEN", token);
        }
        HttpResponse<String> resp;
        try {
          resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        if (resp.statusCode() != 200) {
          throw new IOException("GitLab answered HTTP " + resp.statusCode());
        }
        JsonNode list = json.readTree(resp.body());
        if (!list.isArray()) {
          throw new IOException("GitLab answered something that is not a project list");
        }
        list.forEach(p -> out.add(p.path("path_with_namespace").asText()));
        if (list.size() < 100) {
          break;
        }
      }
      return out;
    }
  }
}
