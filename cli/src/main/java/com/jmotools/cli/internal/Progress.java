package com.jmotools.cli.internal;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Shows a scan's progress: on a terminal one live line (tools done, running, failed) redrawn in
 * place; elsewhere one plain log line per finished tool run.
 */
public final class Progress implements ScanListener {

  private final PrintWriter out;
  private final boolean live;
  private final Set<String> running = new LinkedHashSet<>();
  private int planned;
  private int done;
  private int failed;
  private boolean lineOpen;

  /** A display writing to {@code out}; {@code live} redraws one line (for terminals). */
  public Progress(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  @Override
  public synchronized void planned(int runs) {
    planned = runs;
    if (!live) {
      out.println("jmo: " + runs + " tool run(s) planned");
      out.flush();
    } else {
      redraw();
    }
  }

  @Override
  public synchronized void started(Target target, String tool) {
    running.add(tool + "@" + target.name());
    if (live) {
      redraw();
    }
  }

  @Override
  public synchronized void finished(ToolResult r) {
    running.remove(r.tool() + "@" + r.target().name());
    done++;
    if (r.status() == ToolResult.Status.FAILED) {
      failed++;
    }
    if (live) {
      if (r.status() == ToolResult.Status.FAILED) {
        clearLine();
        out.println("jmo: " + r.tool() + " on " + r.target().name() + " failed: " + r.detail());
      }
      redraw();
    } else {
      out.println(
          String.format(
              Locale.ROOT,
              "jmo: [%d/%d] %s on %s: %s",
              done,
              planned,
              r.tool(),
              r.target().name(),
              describe(r)));
      out.flush();
    }
  }

  @Override
  public synchronized void warn(String message) {
    clearLine();
    out.println("jmo: warning: " + message);
    out.flush();
    if (live && planned > 0) {
      redraw();
    }
  }

  @Override
  public synchronized void done() {
    if (live) {
      redraw();
      out.println();
      lineOpen = false;
      out.flush();
    }
  }

  private static String describe(ToolResult r) {
    return switch (r.status()) {
      case SUCCEEDED ->
          String.format(
              Locale.ROOT,
              "ok, %d finding(s) in %.1f s%s",
              r.findings(),
              r.duration().toMillis() / 1000.0,
              r.detail().isEmpty() ? "" : " (" + r.detail() + ")");
      case FAILED -> "FAILED (" + r.failure().wire() + "): " + r.detail();
      default -> "not applicable (" + r.detail() + ")";
    };
  }

  private void redraw() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "jmo: %d/%d done, %d running, %d failed",
            done,
            planned,
            running.size(),
            failed));
    if (!running.isEmpty()) {
      b.append(" [").append(String.join(", ", running)).append("]");
    }
    String line = b.length() > 160 ? b.substring(0, 157) + "..." : b.toString();
    out.print("\r\033[2K" + line);
    out.flush();
    lineOpen = true;
  }

  private void clearLine() {
    if (live && lineOpen) {
      out.print("\r\033[2K");
      lineOpen = false;
    }
  }
}
