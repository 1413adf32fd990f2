package com.jmotools.telemetry.reports.internal;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.general.DefaultPieDataset;

/** Renders the report's charts as PNG images with JFreeChart (headless AWT). */
public final class Charts {

  /** Image width in pixels. */
  public static final int DEFAULT_WIDTH = 720;
  /** Image height in pixels. */
  public static final int DEFAULT_HEIGHT = 400;

  private Charts() {}

  /** A pie chart of the shares in {@code values} (label to count), in map order. */
  public static void pie(Path file, String title, Map<String, ? extends Number> values) {
    DefaultPieDataset<String> data = new DefaultPieDataset<>();
    values.forEach(data::setValue);
    JFreeChart chart = ChartFactory.createPieChart(title, data, true, false, false);
    save(file, chart);
  }

  /** A horizontal bar chart, one bar per entry, in map order. */
  public static void bars(Path file, String title, String valueLabel, Map<String, ? extends Number> values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((k, v) -> data.addValue(v, valueLabel, k));
    JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, data, PlotOrientation.HORIZONTAL, false, false, false);
    save(file, chart);
  }

  /** A line chart of one series over ordered categories (such as weeks). */
  public static void line(Path file, String title, String valueLabel, Map<String, ? extends Number> values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((k, v) -> data.addValue(v, valueLabel, k));
    JFreeChart chart = ChartFactory.createLineChart(title, null, valueLabel, data, PlotOrientation.VERTICAL, false, false, false);
    chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(
        org.jfree.chart.axis.CategoryLabelPositions.UP_45);
    save(file, chart);
  }

  private static void save(Path file, JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    try {
      ChartUtils.saveChartAsPNG(file.toFile(), chart, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + file, e);
    }
  }
}
