package com.jmotools.telemetry.reports.internal;

import com.jmotools.telemetry.catalog.Catalog;
import com.jmotools.telemetry.reports.Cell;
import com.jmotools.telemetry.reports.Period;
import com.jmotools.telemetry.reports.Stats;
import com.jmotools.telemetry.reports.ToolFailures;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Turns a {@link Cube} into {@link Stats}, with the same order rules as the SQL path. */
public final class CubeStats {

  public static final Comparator<Cell> BY_EVENTS =
      Comparator.comparingLong(Cell::events).reversed().thenComparing(Cell::key);
  public static final Comparator<Cell> BY_KEY = Comparator.comparing(Cell::key);

  private CubeStats() {}

  public static Stats toStats(Period p, Cube cube) {
    Cube.Agg all = cube.cell(Cube.ANY, Cube.ALL, "");
    cube.capIds(all.count());
    List<Cell> byType = new ArrayList<>();
    cube.cells()
        .forEach(
            (k, a) -> {
              if (k.dim().equals(Cube.ALL) && !k.type().equals(Cube.ANY)) {
                byType.add(new Cell(k.type(), a.events, a.count()));
              }
            });
    byType.sort(BY_EVENTS);
    Cube.Agg wiz = cube.cell("wizard.completed", Cube.ALL, "");
    Stats.Wizard wizard =
        new Stats.Wizard(
            wiz.events,
            wiz.count(),
            dim(cube, "wizard.completed", "artifact"),
            dim(cube, "wizard.completed", "execution_mode"),
            dim(cube, "wizard.completed", "profile_selected"),
            ordered(
                dim(cube, "wizard.completed", "duration_range"),
                List.copyOf(Stats.WIZARD_DURATION_RANGES.keySet())));
    return new Stats(
        p,
        all.events,
        all.count(),
        byType,
        dim(cube, "scan.started", "profile"),
        dim(cube, "scan.started", "mode"),
        dim(cube, Cube.ANY, "platform"),
        dim(cube, Cube.ANY, "version"),
        series(cube, CubeStats::week),
        series(cube, d -> d.substring(0, 7)),
        toolFailures(cube),
        wizard,
        dim(cube, "report.generated", "output_format"),
        inBucketOrder(dim(cube, "scan.completed", "findings"), "findings"),
        inBucketOrder(dim(cube, "report.generated", "findings"), "findings"),
        inBucketOrder(dim(cube, "scan.completed", "duration"), "duration"),
        dim(cube, "scan.started", "tool"),
        dim(cube, "report.generated", "suppressions"),
        dim(cube, "report.generated", "compliance"));
  }

  /** The ISO date of the Monday of the day's week. */
  static String week(String day) {
    return LocalDate.parse(day).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
  }

  /** Distinct ids per day. */
  public static List<Cell> days(Cube cube) {
    return series(cube, Function.identity());
  }

  public static List<Cell> dim(Cube cube, String type, String dim) {
    List<Cell> out = new ArrayList<>();
    cube.cells()
        .forEach(
            (k, a) -> {
              if (k.type().equals(type) && k.dim().equals(dim)) {
                out.add(new Cell(k.value(), a.events, a.count()));
              }
            });
    out.sort(BY_EVENTS);
    return out;
  }

  private static List<Cell> series(Cube cube, Function<String, String> slot) {
    Map<String, Cube.Agg> groups = new TreeMap<>();
    cube.days()
        .forEach(
            (day, a) -> {
              Cube.Agg g = groups.computeIfAbsent(slot.apply(day), x -> new Cube.Agg());
              g.events += a.events;
              g.addIds(a);
            });
    List<Cell> out = new ArrayList<>();
    groups.forEach((k, a) -> out.add(new Cell(k, a.events, a.count())));
    return out;
  }

  /**
   * Sorts cells of a bucketed field from the lowest bucket to the highest, as the catalog lists
   * them.
   */
  public static List<Cell> inBucketOrder(List<Cell> cells, String scheme) {
    return ordered(cells, Catalog.standard().bucket(scheme).labels());
  }

  /** Sorts cells in the order of {@code labels}, unknown keys last. */
  public static List<Cell> ordered(List<Cell> cells, List<String> labels) {
    List<Cell> out = new ArrayList<>(cells);
    out.sort(
        Comparator.comparingInt(
                (Cell x) -> {
                  int i = labels.indexOf(x.key());
                  return i < 0 ? Integer.MAX_VALUE : i;
                })
            .thenComparing(Cell::key));
    return out;
  }

  public static List<ToolFailures> toolFailures(Cube cube) {
    Map<String, long[]> scans = new TreeMap<>();
    Map<String, long[]> reported = new TreeMap<>();
    Map<String, Map<String, Long>> failures = new TreeMap<>();
    Map<String, Map<String, Long>> failureIds = new TreeMap<>();
    cube.cells()
        .forEach(
            (k, a) -> {
              if (k.type().equals("scan.started") && k.dim().equals("tool")) {
                scans.put(k.value(), new long[] {a.events, a.count()});
              } else if (k.type().equals("scan.completed") && k.dim().equals("tool_runs")) {
                reported.computeIfAbsent(k.value(), t -> new long[2])[0] = a.events;
              } else if (k.type().equals("scan.completed") && k.dim().equals("tool_reported")) {
                reported.computeIfAbsent(k.value(), t -> new long[2])[1] = a.events;
              } else if (k.type().equals("tool.failed") && k.dim().equals("failure")) {
                int bar = k.value().lastIndexOf('|');
                String tool = k.value().substring(0, bar);
                String type = k.value().substring(bar + 1);
                failures.computeIfAbsent(tool, t -> new LinkedHashMap<>()).put(type, a.events);
                failureIds.computeIfAbsent(tool, t -> new LinkedHashMap<>()).put(type, a.count());
              }
            });
    return toolFailures(scans, reported, failures, failureIds);
  }

  /**
   * One {@link ToolFailures} per tool seen in any of the maps, in {@link #TOOL_ORDER}: the one
   * assembly of the rollup's and the SQL path's figures.
   *
   * @param scans per tool, {events, distinct ids} of {@code scan.started} listing it
   * @param reported per tool, {runs reported in tool_runs, scans that reported them}
   * @param failures per tool, failures per failure type
   * @param failureIds per tool, distinct ids per failure type
   */
  public static List<ToolFailures> toolFailures(
      Map<String, long[]> scans,
      Map<String, long[]> reported,
      Map<String, Map<String, Long>> failures,
      Map<String, Map<String, Long>> failureIds) {
    java.util.TreeSet<String> tools = new java.util.TreeSet<>(scans.keySet());
    tools.addAll(reported.keySet());
    tools.addAll(failures.keySet());
    List<ToolFailures> out = new ArrayList<>();
    for (String tool : tools) {
      long[] s = scans.getOrDefault(tool, new long[2]);
      long[] r = reported.getOrDefault(tool, new long[2]);
      out.add(
          new ToolFailures(
              tool,
              s[0],
              s[1],
              r[0],
              r[1],
              failures.getOrDefault(tool, Map.of()),
              failureIds.getOrDefault(tool, Map.of())));
    }
    out.sort(TOOL_ORDER);
    return out;
  }

  public static final Comparator<ToolFailures> TOOL_ORDER =
      Comparator.comparingDouble(ToolFailures::totalRate)
          .reversed()
          .thenComparing(Comparator.comparingLong(ToolFailures::totalFailures).reversed())
          .thenComparing(ToolFailures::tool);
}
