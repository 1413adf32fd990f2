package com.jmotools.telemetry.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.NodeList;

/**
 * The address mask of the collector's {@code logback.xml}: the regular expression its {@code
 * %replace} applies to every message and stack trace (logback runs it as {@link
 * Matcher#replaceAll}), read from the shipped file so that the test checks what runs.
 */
class LogbackMaskTest {

  private static Pattern mask;

  @BeforeAll
  static void readTheShippedPattern() throws Exception {
    String pattern;
    try (InputStream in = LogbackMaskTest.class.getResourceAsStream("/logback.xml")) {
      NodeList patterns =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(in)
              .getElementsByTagName("pattern");
      pattern = patterns.item(0).getTextContent();
    }
    Matcher m = Pattern.compile("%replace\\(%msg%n%ex\\)\\{'(.*)','\\[address]'}").matcher(pattern);
    assertThat(m.find()).as("the STDERR appender masks with %%replace: %s", pattern).isTrue();
    mask = Pattern.compile(m.group(1));
  }

  private static String masked(String message) {
    return mask.matcher(message).replaceAll("[address]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // The auditors' request: an IPv4-mapped IPv6 address, percent-encoded, after a letter.
        "GET /a%3A%3Affff%3A10.0.0.1 404 1 ms",
        "GET /a%3a%3affff%3a10.0.0.1 404 1 ms",
        "GET /x10.0.0.1 404 1 ms",
        "GET /v10.0.0.1/y 404 1 ms",
        "GET /_10.0.0.1 404 1 ms",
        "GET /a.10.0.0.1 404 1 ms",
        "GET /10.0.0.1 404 1 ms",
        "GET /::ffff:10.0.0.1 404 1 ms",
        "from 10.0.0.1.",
        "from 10.0.0.1, then",
        "GET /2001:db8::7334 404 1 ms",
        "GET /2001%3Adb8%3A%3A7334 404 1 ms",
        "GET /[2001:db8::7334]:8080 404 1 ms",
        "peer fe80::1%eth0 closed",
      })
  void masksEveryAddressForm(String message) {
    assertThat(masked(message))
        .contains("[address]")
        .doesNotContain("10.0.0.1")
        .doesNotContain("0.0.1")
        .doesNotContain("7334")
        .doesNotContain("fe80");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jmo-telemetry 0.7.0 (catalog version 2) starting",
        "client version 1.10.3 sent 12 events",
        "GET /v1/events 200 3 ms",
        "POST / 429 0 ms",
        "release 2026.11.30 ready",
      })
  void sparesVersionsAndOrdinaryNumbers(String message) {
    assertThat(masked(message)).isEqualTo(message);
  }

  @Test
  void aLongerDottedNumberIsNoAddress() {
    // Five parts: an identifier such as an OID, not an address (as before).
    assertThat(masked("oid 1.3.6.1.4 seen")).isEqualTo("oid 1.3.6.1.4 seen");
  }
}
