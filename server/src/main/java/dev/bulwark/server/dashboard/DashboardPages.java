package dev.bulwark.server.dashboard;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.console.ConsolePage;
import dev.bulwark.server.console.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard's console page: every chart drawn on the server as inline SVG (presentation
 * attributes only, so the strict Content-Security-Policy holds and no script is needed) next to the
 * table it is drawn from. The charts are computed here and the template only places them; the chart
 * code is ours, a few lines of arithmetic, since no maintained Java SVG chart library fits a
 * template without a DOM.
 */
public final class DashboardPages {
  private DashboardPages() {}

  /** The periods the page offers. */
  public static final List<Integer> PERIODS = List.of(7, 30, 90, 365);

  static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "unknown");

  static final List<String> COLOURS =
      List.of("#b3261e", "#d56e0c", "#b58a00", "#1e8e3e", "#6b7280");

  /** A rectangle of a chart with its label and value, in the chart's coordinates. */
  public record Bar(double x, double y, double width, double height, String fill, String title) {}

  /** A line of a chart as SVG points, with its colour and legend. */
  public record Line(String points, String stroke, String legend, boolean dashed) {}

  /** A text of a chart. */
  public record Text(double x, double y, String text, String anchor) {}

  /** One chart: its size, what it draws and its accessible description. */
  public record Chart(
      int width,
      int height,
      String description,
      List<Bar> bars,
      List<Line> lines,
      List<Text> texts) {
    public Chart {
      bars = List.copyOf(bars);
      lines = List.copyOf(lines);
      texts = List.copyOf(texts);
    }
  }

  /** The model of {@code dashboard/dashboard.jte}. */
  public record Page(
      Dashboard dashboard,
      int days,
      List<Integer> periods,
      Chart severities,
      Chart teams,
      Chart tolerance,
      Chart trend,
      Chart remediation,
      Chart gates) {}

  public static List<ConsolePage> pages(Dashboards dashboards) {
    return List.of(
        ConsolePage.get(
                "/dashboard",
                Permission.SERVICE_READ,
                call -> {
                  int days = call.intQuery("days", Dashboards.DEFAULT_DAYS, 1, Dashboards.MAX_DAYS);
                  return View.page(
                      "dashboard/dashboard.jte",
                      page(dashboards.read(call.principal(), days), days));
                })
            .inNav("Dashboard", 10));
  }

  static Page page(Dashboard d, int days) {
    return new Page(
        d,
        days,
        PERIODS,
        severities(d),
        teams(d),
        tolerance(d),
        trend(d),
        remediation(d),
        gates(d));
  }

  private static long count(Counts c, String severity) {
    return switch (severity) {
      case "critical" -> c.critical();
      case "high" -> c.high();
      case "medium" -> c.medium();
      case "low" -> c.low();
      default -> c.unknown();
    };
  }

  /** Horizontal bars, one per label, scaled to the largest value. */
  private static Chart horizontal(
      String description,
      List<String> labels,
      List<Double> values,
      List<String> fills,
      List<String> shown) {
    int w = 520;
    int row = 28;
    int h = Math.max(row * labels.size() + 10, 40);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double left = 110;
    double span = w - left - 70;
    List<Bar> bars = new ArrayList<>();
    List<Text> texts = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      double v = values.get(i);
      double len = max <= 0 ? 0 : Math.max(v > 0 ? 2 : 0, v / max * span);
      double y = 5 + i * row;
      bars.add(
          new Bar(left, y + 4, len, row - 10, fills.get(i), labels.get(i) + ": " + shown.get(i)));
      texts.add(new Text(left - 8, y + row / 2.0 + 4, labels.get(i), "end"));
      texts.add(new Text(left + len + 6, y + row / 2.0 + 4, shown.get(i), "start"));
    }
    return new Chart(w, h, description, bars, List.of(), texts);
  }

  static Chart severities(Dashboard d) {
    List<Double> v = new ArrayList<>();
    List<String> s = new ArrayList<>();
    for (String sev : SEVERITIES) {
      long n = count(d.open(), sev);
      v.add((double) n);
      s.add(Long.toString(n));
    }
    return horizontal("Open findings by severity", SEVERITIES, v, COLOURS, s);
  }

  /** Stacked bars per team: its open findings by severity; the overdue count beside them. */
  static Chart teams(Dashboard d) {
    int w = 520;
    int row = 28;
    int h = Math.max(row * d.teams().size() + 10, 40);
    double left = 110;
    double span = w - left - 90;
    long max = d.teams().stream().mapToLong(t -> t.open().total()).max().orElse(0);
    List<Bar> bars = new ArrayList<>();
    List<Text> texts = new ArrayList<>();
    for (int i = 0; i < d.teams().size(); i++) {
      Dashboard.Team t = d.teams().get(i);
      double y = 5 + i * row;
      double x = left;
      for (int s = 0; s < SEVERITIES.size(); s++) {
        long n = count(t.open(), SEVERITIES.get(s));
        if (n == 0 || max == 0) {
          continue;
        }
        double len = n / (double) max * span;
        bars.add(
            new Bar(
                x,
                y + 4,
                len,
                row - 10,
                COLOURS.get(s),
                t.team() + " " + SEVERITIES.get(s) + ": " + n));
        x += len;
      }
      texts.add(new Text(left - 8, y + row / 2.0 + 4, t.team(), "end"));
      texts.add(
          new Text(
              x + 6,
              y + row / 2.0 + 4,
              t.open().total() + (t.overdue() > 0 ? " (" + t.overdue() + " overdue)" : ""),
              "start"));
    }
    return new Chart(
        w, h, "Open findings per team by severity, with the overdue ones", bars, List.of(), texts);
  }

  /** The area x criticality grid: each cell's share of services breaching their tolerance. */
  static Chart tolerance(Dashboard d) {
    int cell = 90;
    int left = 80;
    int top = 24;
    List<Bar> bars = new ArrayList<>();
    List<Text> texts = new ArrayList<>();
    var crits = dev.bulwark.server.catalog.Criticality.values();
    var areas = dev.bulwark.server.catalog.Area.values();
    for (int c = 0; c < crits.length; c++) {
      texts.add(new Text(left + c * cell + cell / 2.0, 16, crits[c].name(), "middle"));
    }
    for (int a = 0; a < areas.length; a++) {
      texts.add(new Text(left - 8, top + a * 50 + 29, areas[a].name(), "end"));
      for (int c = 0; c < crits.length; c++) {
        Dashboard.Tolerance t = null;
        for (Dashboard.Tolerance x : d.tolerance()) {
          if (x.area() == areas[a] && x.criticality() == crits[c]) {
            t = x;
          }
        }
        long services = t == null ? 0 : t.services();
        long breaching = t == null ? 0 : t.breaching();
        String fill =
            services == 0
                ? "#f1f3f5"
                : breaching == 0 ? "#d7eedd" : breaching * 2 >= services ? "#f5c2bf" : "#fde2c4";
        String text = services == 0 ? "none" : breaching + " / " + services;
        bars.add(
            new Bar(
                left + c * cell + 2,
                top + a * 50 + 2,
                cell - 4,
                46,
                fill,
                areas[a].name()
                    + ", "
                    + crits[c].name()
                    + ": "
                    + breaching
                    + " of "
                    + services
                    + " services breach their tolerance"));
        texts.add(new Text(left + c * cell + cell / 2.0, top + a * 50 + 30, text, "middle"));
      }
    }
    return new Chart(
        left + crits.length * cell + 4,
        top + areas.length * 50 + 4,
        "Services by area and criticality: breaching their tolerance of all",
        bars,
        List.of(),
        texts);
  }

  /** Lines over the recorded days: open findings per severity, and the overdue ones dashed. */
  static Chart trend(Dashboard d) {
    int w = 720;
    int h = 240;
    double left = 44;
    double right = 12;
    double top = 10;
    double bottom = 28;
    List<Dashboard.Day> days = d.trend();
    long max = 1;
    for (Dashboard.Day day : days) {
      for (String s : SEVERITIES) {
        max = Math.max(max, count(day.open(), s));
      }
      max = Math.max(max, day.overdue());
    }
    double plotW = w - left - right;
    double plotH = h - top - bottom;
    int n = days.size();
    List<Line> lines = new ArrayList<>();
    List<Text> texts = new ArrayList<>();
    List<Bar> grid = new ArrayList<>();
    // Four grid lines with their values.
    for (int g = 0; g <= 4; g++) {
      double y = top + plotH - plotH * g / 4.0;
      grid.add(new Bar(left, y, plotW, 0.6, "#d0d5dd", ""));
      texts.add(new Text(left - 6, y + 4, fmt(max * g / 4.0), "end"));
    }
    if (n > 0) {
      for (int s = 0; s < SEVERITIES.size(); s++) {
        String sev = SEVERITIES.get(s);
        if (days.stream().allMatch(x -> count(x.open(), sev) == 0)) {
          continue;
        }
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < n; i++) {
          p.append(i == 0 ? "" : " ")
              .append(fmt(x(i, n, left, plotW)))
              .append(',')
              .append(fmt(top + plotH - plotH * count(days.get(i).open(), sev) / max));
        }
        lines.add(new Line(p.toString(), COLOURS.get(s), sev, false));
      }
      StringBuilder p = new StringBuilder();
      for (int i = 0; i < n; i++) {
        p.append(i == 0 ? "" : " ")
            .append(fmt(x(i, n, left, plotW)))
            .append(',')
            .append(fmt(top + plotH - plotH * days.get(i).overdue() / max));
      }
      lines.add(new Line(p.toString(), "#111827", "overdue", true));
      texts.add(new Text(left, h - 8, days.get(0).day().toString(), "start"));
      if (n > 1) {
        texts.add(new Text(w - right, h - 8, days.get(n - 1).day().toString(), "end"));
      }
    }
    return new Chart(
        w,
        h,
        "Open findings per severity and overdue findings per recorded day",
        grid,
        lines,
        texts);
  }

  private static double x(int i, int n, double left, double plotW) {
    return n == 1 ? left + plotW / 2 : left + plotW * i / (n - 1);
  }

  static Chart remediation(Dashboard d) {
    List<String> labels = new ArrayList<>();
    List<Double> v = new ArrayList<>();
    List<String> s = new ArrayList<>();
    List<String> fills = new ArrayList<>();
    for (Dashboard.Remediation r : d.remediation()) {
      labels.add(r.severity());
      v.add(r.meanDays() == null ? 0 : r.meanDays());
      s.add(r.meanDays() == null ? "none fixed" : fmt(r.meanDays()) + " days (" + r.fixed() + ")");
      fills.add(COLOURS.get(SEVERITIES.indexOf(r.severity())));
    }
    return horizontal("Mean days from first seen to fixed, by severity", labels, v, fills, s);
  }

  static Chart gates(Dashboard d) {
    List<String> labels = new ArrayList<>();
    List<Double> v = new ArrayList<>();
    List<String> s = new ArrayList<>();
    List<String> fills = new ArrayList<>();
    for (Dashboard.Gate g : d.gates()) {
      labels.add(g.environment());
      v.add(g.passRate());
      s.add(Math.round(g.passRate() * 100) + " % of " + (g.allowed() + g.denied()));
      fills.add(g.passRate() >= 0.9 ? "#1e8e3e" : g.passRate() >= 0.6 ? "#b58a00" : "#b3261e");
    }
    // Scaled to 100 %, not to the best environment.
    labels.add("");
    v.add(1.0);
    s.add("");
    fills.add("none");
    Chart c = horizontal("Gate pass rate per environment", labels, v, fills, s);
    return new Chart(
        c.width(),
        c.height() - 28,
        c.description(),
        c.bars().subList(0, c.bars().size() - 1),
        c.lines(),
        c.texts().subList(0, c.texts().size() - 2));
  }

  /** A number for a chart: whole when it is, else one decimal. */
  public static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** A pass rate as a percentage. */
  public static String percent(double rate) {
    return Math.round(rate * 100) + " %";
  }
}
