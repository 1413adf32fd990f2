package com.jmotools.cli.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps findings to the OWASP Top 10 (2021) through the CWE ids their tools attach. Enabled by
 * {@code compliance: true} in jmo.yml; secrets found by secret scanners count as CWE-798.
 */
public final class Compliance {

  private static final Map<Integer, String> OWASP_2021 =
      Map.ofEntries(
          Map.entry(22, "A01:2021 Broken Access Control"),
          Map.entry(284, "A01:2021 Broken Access Control"),
          Map.entry(285, "A01:2021 Broken Access Control"),
          Map.entry(352, "A01:2021 Broken Access Control"),
          Map.entry(639, "A01:2021 Broken Access Control"),
          Map.entry(200, "A01:2021 Broken Access Control"),
          Map.entry(259, "A07:2021 Identification and Authentication Failures"),
          Map.entry(798, "A07:2021 Identification and Authentication Failures"),
          Map.entry(287, "A07:2021 Identification and Authentication Failures"),
          Map.entry(327, "A02:2021 Cryptographic Failures"),
          Map.entry(328, "A02:2021 Cryptographic Failures"),
          Map.entry(330, "A02:2021 Cryptographic Failures"),
          Map.entry(326, "A02:2021 Cryptographic Failures"),
          Map.entry(295, "A07:2021 Identification and Authentication Failures"),
          Map.entry(319, "A02:2021 Cryptographic Failures"),
          Map.entry(20, "A03:2021 Injection"),
          Map.entry(74, "A03:2021 Injection"),
          Map.entry(77, "A03:2021 Injection"),
          Map.entry(78, "A03:2021 Injection"),
          Map.entry(79, "A03:2021 Injection"),
          Map.entry(89, "A03:2021 Injection"),
          Map.entry(94, "A03:2021 Injection"),
          Map.entry(95, "A03:2021 Injection"),
          Map.entry(117, "A09:2021 Security Logging and Monitoring Failures"),
          Map.entry(209, "A04:2021 Insecure Design"),
          Map.entry(256, "A04:2021 Insecure Design"),
          Map.entry(16, "A05:2021 Security Misconfiguration"),
          Map.entry(611, "A05:2021 Security Misconfiguration"),
          Map.entry(732, "A01:2021 Broken Access Control"),
          Map.entry(377, "A01:2021 Broken Access Control"),
          Map.entry(1104, "A06:2021 Vulnerable and Outdated Components"),
          Map.entry(502, "A08:2021 Software and Data Integrity Failures"),
          Map.entry(494, "A08:2021 Software and Data Integrity Failures"),
          Map.entry(778, "A09:2021 Security Logging and Monitoring Failures"),
          Map.entry(918, "A10:2021 Server-Side Request Forgery"),
          Map.entry(703, "A04:2021 Insecure Design"),
          Map.entry(400, "A04:2021 Insecure Design"),
          Map.entry(605, "A05:2021 Security Misconfiguration"));

  private Compliance() {}

  /** The OWASP Top 10 categories of {@code finding}, sorted; empty when none of its CWEs maps. */
  public static List<String> owaspTop10(Finding finding) {
    TreeSet<String> out = new TreeSet<>();
    for (String cwe : finding.cwes()) {
      try {
        String cat = OWASP_2021.get(Integer.parseInt(cwe.replaceFirst("(?i)^CWE-", "")));
        if (cat != null) {
          out.add(cat);
        }
      } catch (NumberFormatException ignored) {
        // not a CWE number; nothing to map
      }
    }
    return List.copyOf(out);
  }
}
