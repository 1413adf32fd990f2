package com.jmotools.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Writes {@code telemetry.enabled} into jmo.yml by editing the text as little as possible, so the
 * file's other keys, comments and layout stay as the user wrote them.
 *
 * <p>An existing {@code enabled} value is replaced in place; a {@code telemetry} block without it
 * gets one line; a file without {@code telemetry} gets a block appended. The result is parsed again
 * before it is written, and written atomically (temporary file, then rename).
 */
public final class ConfigEditor {

  private ConfigEditor() {}

  /**
   * Sets {@code telemetry.enabled} in {@code file}, creating the file if it does not exist. Only
   * the telemetry block must be valid: an error elsewhere in the file (which scans still refuse)
   * does not stop switching telemetry off. A symbolic link is written through: the file it points
   * to is edited, and the link stays.
   *
   * @throws UserError ({@link ExitCodes#CONFIG}) if the file is not a YAML mapping that can be
   *     edited, or is a link to a missing file; the file is then left untouched
   */
  public static void setTelemetryEnabled(Path file, boolean enabled) {
    Path target = writableTarget(file);
    String text;
    try {
      text = Files.exists(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UserError(ExitCodes.CONFIG, file + ": cannot read (" + e.getMessage() + ")", e);
    }
    String edited = withTelemetryEnabled(text, enabled, file.toString());
    if (!Boolean.valueOf(enabled).equals(telemetryEnabled(edited, file.toString()))) {
      throw new UserError(
          ExitCodes.CONFIG,
          file + ": could not set telemetry.enabled without rewriting the file; edit it by hand");
    }
    writeAtomically(target, edited);
  }

  /**
   * The file to write for {@code file}: itself, or for a symbolic link, the file it points to (a
   * rename onto the link would replace the link and leave the user's real file unchanged).
   */
  private static Path writableTarget(Path file) {
    if (!Files.isSymbolicLink(file)) {
      return file;
    }
    try {
      return file.toRealPath();
    } catch (IOException e) {
      throw new UserError(
          ExitCodes.CONFIG,
          file
              + ": a symbolic link to a file that does not exist ("
              + e.getMessage()
              + "); not"
              + " changed",
          e);
    }
  }

  /**
   * The value of {@code telemetry.enabled} in {@code text} ({@code null} when it is not a boolean
   * there), reading nothing else of the file.
   */
  private static Boolean telemetryEnabled(String text, String label) {
    Object root;
    try {
      root = new Load(LoadSettings.builder().setLabel(label).build()).loadFromString(text);
    } catch (YamlEngineException e) {
      return null;
    }
    if (root instanceof Map<?, ?> top
        && top.get("telemetry") instanceof Map<?, ?> telemetry
        && telemetry.get("enabled") instanceof Boolean value) {
      return value;
    }
    return null;
  }

  /** The text with {@code telemetry.enabled} set; {@code label} names the file in errors. */
  public static String withTelemetryEnabled(String text, boolean enabled, String label) {
    String value = Boolean.toString(enabled);
    Optional<Node> root;
    try {
      root = new Compose(LoadSettings.builder().setLabel(label).build()).composeString(text);
    } catch (YamlEngineException e) {
      throw new UserError(
          ExitCodes.CONFIG, label + ": " + ConfigLoader.describe(e) + " (not changed)", e);
    }
    if (root.isEmpty()
        || (root.get() instanceof ScalarNode scalarNode && scalarNode.getValue().isEmpty())) {
      return appendBlock(text, value);
    }
    if (!(root.get() instanceof MappingNode top)) {
      throw new UserError(ExitCodes.CONFIG, label + ": the document is not a mapping, not changed");
    }

    if (top.getFlowStyle() == FlowStyle.FLOW) {
      throw new UserError(
          ExitCodes.CONFIG,
          label + ": a flow-style document ({...}) is not edited; add telemetry.enabled by hand");
    }
    for (NodeTuple tuple : top.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode)
          || !((ScalarNode) tuple.getKeyNode()).getValue().equals("telemetry")) {
        continue;
      }
      Node telemetry = tuple.getValueNode();
      if (telemetry instanceof ScalarNode scalarNode && isNull(scalarNode)) {
        // "telemetry:" with nothing (or ~ / null) after it: keep any comment, add the block line.
        int keyEnd = offset(text, tuple.getKeyNode().getEndMark().orElseThrow());
        int colon = text.indexOf(':', keyEnd);
        int lineEnd = endOfLine(text, colon);
        String after = text.substring(colon + 1, lineEnd);
        int hash = after.indexOf('#');
        String comment = hash < 0 ? "" : " " + after.substring(hash);
        String indent = " ".repeat(tuple.getKeyNode().getStartMark().orElseThrow().getColumn() + 2);
        return text.substring(0, colon + 1)
            + comment
            + newline(text)
            + indent
            + "enabled: "
            + value
            + text.substring(lineEnd);
      }
      if (!(telemetry instanceof MappingNode t)) {
        throw new UserError(ExitCodes.CONFIG, label + ": telemetry is not a mapping, not changed");
      }

      for (NodeTuple entry : t.getValue()) {
        if (entry.getKeyNode() instanceof ScalarNode
            && ((ScalarNode) entry.getKeyNode()).getValue().equals("enabled")) {
          Node v = entry.getValueNode();
          if (!(v instanceof ScalarNode scalarNode) || scalarNode.getValue().isEmpty()) {
            if (v instanceof ScalarNode) {
              int at = offset(text, entry.getKeyNode().getEndMark().orElseThrow());
              int colon = text.indexOf(':', at);
              return text.substring(0, colon + 1) + " " + value + text.substring(colon + 1);
            }
            throw new UserError(
                ExitCodes.CONFIG, label + ": telemetry.enabled is not a plain value, not changed");
          }
          int start = offset(text, v.getStartMark().orElseThrow());
          int end = offset(text, v.getEndMark().orElseThrow());
          return text.substring(0, start) + value + text.substring(end);
        }
      }
      if (t.getFlowStyle() == FlowStyle.FLOW) {
        int end = offset(text, t.getEndMark().orElseThrow());
        int close = text.lastIndexOf('}', end);
        String inside =
            text.substring(offset(text, t.getStartMark().orElseThrow()) + 1, close).strip();
        return text.substring(0, close).replaceAll("\\s+$", "")
            + (inside.isEmpty() ? "" : ", ")
            + "enabled: "
            + value
            + text.substring(close);
      }
      // A block mapping: add a line before its first entry, with that entry's indentation.
      Node firstKey = t.getValue().get(0).getKeyNode();
      Mark mark = firstKey.getStartMark().orElseThrow();
      int lineStart = offset(text, mark) - mark.getColumn();
      return text.substring(0, lineStart)
          + " ".repeat(mark.getColumn())
          + "enabled: "
          + value
          + newline(text)
          + text.substring(lineStart);
    }
    return appendBlock(text, value);
  }

  private static String appendBlock(String text, String value) {
    String nl = newline(text);
    StringBuilder b = new StringBuilder(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      b.append(nl);
    }
    if (text.isBlank()) {
      b.append("# jmo.yml: settings of the jmo CLI").append(nl);
    }
    b.append("telemetry:")
        .append(nl)
        .append("  enabled: ")
        .append(value)
        .append("  # anonymous usage statistics; see docs/USER_GUIDE.md")
        .append(nl);
    return b.toString();
  }

  private static boolean isNull(ScalarNode node) {
    String v = node.getValue();
    return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
  }

  private static String newline(String text) {
    return text.contains("\r\n") ? "\r\n" : "\n";
  }

  private static int endOfLine(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
      i++;
    }
    return i;
  }

  /** The char offset of a mark (marks count code points by line and column). */
  private static int offset(String text, Mark mark) {
    int line = 0;
    int i = 0;
    while (line < mark.getLine() && i < text.length()) {
      char c = text.charAt(i++);
      if (c == '\n' || (c == '\r' && (i >= text.length() || text.charAt(i) != '\n'))) {
        line++;
      }
    }
    return text.offsetByCodePoints(i, mark.getColumn());
  }

  /**
   * Gives {@code tmp} the permissions of the file it replaces, if there is one (a temporary file is
   * created readable by its owner only; a jmo.yml others could read stays so).
   */
  private static void keepPermissions(Path file, Path tmp) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: the new file has the directory's default access
    }
  }

  /** Writes {@code text} to {@code file} through a temporary file and a rename. */
  public static void writeAtomically(Path file, String text) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      keepPermissions(file, tmp);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UserError(ExitCodes.ERROR, file + ": cannot write (" + e.getMessage() + ")", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the rename happened or the write failed; nothing more to clean
        }
      }
    }
  }
}
