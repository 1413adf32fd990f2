package com.jmotools.telemetry.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrivacyDocumentTest {

  @Test
  void committedPrivacyDocumentMatchesTheCatalog() throws Exception {
    Path doc = Path.of(System.getProperty("jmo.repo.root", ".."), "docs", "PRIVACY.md");
    assertThat(Files.readString(doc))
        .as(
            "docs/PRIVACY.md is out of date: regenerate it with ./mvnw -q -pl catalog compile"
                + " exec:java")
        .isEqualTo(PrivacyDocument.render(Catalog.standard()));
  }

  @Test
  void listsEveryEventFieldAndTool() {
    String md = PrivacyDocument.render(Catalog.standard());
    Catalog.standard()
        .events()
        .values()
        .forEach(
            event -> {
              assertThat(md).contains("### `" + event.name() + "`");
              event.fields().keySet().forEach(field -> assertThat(md).contains("`" + field + "`"));
            });
    Catalog.standard().tools().forEach(tool -> assertThat(md).contains("`" + tool + "`"));
    assertThat(md).contains("IP addresses");
  }

  @Test
  void sayThatAPendingErasureIsStillSentWhileTelemetryIsOff() {
    String md = PrivacyDocument.render(Catalog.standard());
    assertThat(md)
        .doesNotContain("nothing is then written or sent")
        .contains("the one\nexception, an erasure you asked for, is below")
        .contains("is still sent by later `jmo` runs even while telemetry is off")
        .contains("deletion-requests.json");
  }

  @Test
  void listsTheSummaryInBrief() {
    String md = PrivacyDocument.render(Catalog.standard());
    Catalog.standard().inBrief().forEach(item -> assertThat(md).contains("- " + item.text()));
  }
}
