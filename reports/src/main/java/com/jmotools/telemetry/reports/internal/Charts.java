package com.jmotools.telemetry.reports.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

/**
 * Renders the report's charts as PNG images with JFreeChart (headless AWT): titled, both axes
 * labelled, readable fonts.
 */
public final class Charts {

  /** Image width in pixels. */
  public static final int DEFAULT_WIDTH = 800;

  /** Image height in pixels. */
  public static final int DEFAULT_HEIGHT = 440;

  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 20);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
  private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  private static final Color BAR = new Color(0x25, 0x63, 0xeb);

  private Charts() {}

  /**
   * A horizontal bar chart, one bar per entry, in map order (the first at the top).
   *
   * @param categoryLabel what the bars are (the vertical axis), such as "Tool"
   * @param valueLabel what the length measures, with its unit, such as "Share of scans (%)"
   */
  public static void bars(
      Path file,
      String title,
      String categoryLabel,
      String valueLabel,
      Map<String, ? extends Number> values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((k, v) -> data.addValue(v, valueLabel, k));
    JFreeChart chart =
        ChartFactory.createBarChart(
            title,
            categoryLabel,
            valueLabel,
            data,
            PlotOrientation.HORIZONTAL,
            false,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer r = (BarRenderer) plot.getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setSeriesPaint(0, BAR);
    r.setMaximumBarWidth(0.12);
    plot.getDomainAxis().setLabelFont(LABEL);
    plot.getDomainAxis().setTickLabelFont(TICK);
    plot.getRangeAxis().setLabelFont(LABEL);
    plot.getRangeAxis().setTickLabelFont(TICK);
    ((NumberAxis) plot.getRangeAxis()).setLowerBound(0);
    save(file, chart);
  }

  /**
   * A line with a marked point per day; a {@code null} value is a gap (a hidden day), not a zero.
   *
   * @param valueLabel what the values count, such as "Installations"
   */
  public static void daily(
      Path file, String title, String valueLabel, Map<LocalDate, Long> values) {
    TimeSeries series = new TimeSeries(valueLabel);
    values.forEach(
        (d, v) -> series.add(new Day(d.getDayOfMonth(), d.getMonthValue(), d.getYear()), v));
    JFreeChart chart =
        ChartFactory.createTimeSeriesChart(
            title, "Day (UTC)", valueLabel, new TimeSeriesCollection(series), false, false, false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    r.setSeriesPaint(0, BAR);
    r.setSeriesStroke(0, new BasicStroke(2f));
    plot.setRenderer(r);
    plot.getDomainAxis().setLabelFont(LABEL);
    plot.getDomainAxis().setTickLabelFont(TICK);
    plot.getRangeAxis().setLabelFont(LABEL);
    plot.getRangeAxis().setTickLabelFont(TICK);
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setLowerBound(0);
    y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    save(file, chart);
  }

  private static void save(Path file, JFreeChart chart) {
    chart.getTitle().setFont(TITLE);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(Color.WHITE);
    // Opaque (the background is white): three samples a pixel for the PNG writer to copy, not
    // four. That copy runs before the JIT has compiled it and is most of a report's chart time.
    BufferedImage image =
        chart.createBufferedImage(DEFAULT_WIDTH, DEFAULT_HEIGHT, BufferedImage.TYPE_INT_RGB, null);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      ChartUtils.writeBufferedImageAsPNG(out, image);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + file, e);
    }
  }
}
