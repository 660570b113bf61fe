package org.wsbyhand.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.DoubleFunction;

/**
 * A line chart as standalone SVG: a logarithmic x axis with a tick at every x that has a point,
 * and a y axis from 0 (or logarithmic, when the values span more than 20x), one line with dots
 * per series and a legend below.
 */
final class LineChart {

    private static final int WIDTH = 760;
    private static final int PLOT_LEFT = 80;
    private static final int PLOT_RIGHT = WIDTH - 30;
    private static final int PLOT_TOP = 50;
    private static final int PLOT_BOTTOM = 330;
    private static final int LEGEND_ROW = 18;

    /**
     * One line.
     *
     * @param label  its legend entry
     * @param color  its colour (Svg.color of the server's display name)
     * @param dashed dashed rather than solid
     * @param points (x, y) pairs; x > 0
     */
    record Series(String label, String color, boolean dashed, List<double[]> points) {}

    private LineChart() {}

    /**
     * The chart: {@code title} on top, then a line with {@code yTitle} (and whether it is logarithmic)
     * and {@code note}; x labels from {@code xLabel}.
     */
    static String chart(String title, String note, String xTitle, DoubleFunction<String> xLabel, String yTitle,
            List<Series> series) {
        TreeSet<Double> xs = new TreeSet<>();
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xs.add(p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        int height = PLOT_BOTTOM + 50 + series.size() * LEGEND_ROW;
        StringBuilder svg = Svg.open(WIDTH, height, title);
        if (xs.isEmpty() || yMax <= 0) {
            svg.append("<text x=\"10\" y=\"60\">no data</text>\n</svg>\n");
            return svg.toString();
        }
        boolean logY = yMin > 0 && yMax / yMin > 20;
        Axis x = new Axis(Math.log10(xs.first()), Math.log10(xs.last()), PLOT_LEFT + 20, PLOT_RIGHT - 20);
        Axis y = logY
                ? new Axis(Math.floor(Math.log10(yMin)), Math.ceil(Math.log10(yMax)), PLOT_BOTTOM, PLOT_TOP)
                : new Axis(0, niceCeiling(yMax), PLOT_BOTTOM, PLOT_TOP);
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"40\" fill=\"#555\">%s%s; %s</text>\n",
                Svg.escape(yTitle), logY ? " (logarithmic scale)" : "", Svg.escape(note)));
        for (double tick : yTicks(y, logY)) {
            double py = y.at(logY ? Math.log10(tick) : tick);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", PLOT_LEFT, py, PLOT_RIGHT, py));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    PLOT_LEFT - 6, py + 4, Report.fmt(tick)));
        }
        for (double value : xs) {
            double px = x.at(Math.log10(value));
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", px, PLOT_TOP, px, PLOT_BOTTOM));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    px, PLOT_BOTTOM + 16, Svg.escape(xLabel.apply(value))));
        }
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
                PLOT_LEFT, PLOT_TOP, PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s (logarithmic scale)</text>\n",
                (PLOT_LEFT + PLOT_RIGHT) / 2, PLOT_BOTTOM + 34, Svg.escape(xTitle)));
        int legendY = PLOT_BOTTOM + 50;
        for (Series s : series) {
            String dash = s.dashed() ? " stroke-dasharray=\"6 4\"" : "";
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                double px = x.at(Math.log10(p[0]));
                double py = y.at(logY ? Math.log10(p[1]) : p[1]);
                path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
                        px, py, s.color()));
            }
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    path, s.color(), dash));
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    PLOT_LEFT, legendY - 4, PLOT_LEFT + 30, legendY - 4, s.color(), dash));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n",
                    PLOT_LEFT + 38, legendY, Svg.escape(s.label())));
            legendY += LEGEND_ROW;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A linear map from [from, to] in data units to [start, end] in pixels. */
    private record Axis(double from, double to, double start, double end) {
        double at(double v) {
            return to == from ? (start + end) / 2 : start + (v - from) / (to - from) * (end - start);
        }
    }

    /** Tick values in data units: 5 steps from 0, or 1, 2 and 5 x every power of ten on a log axis. */
    private static List<Double> yTicks(Axis y, boolean log) {
        List<Double> ticks = new ArrayList<>();
        if (log) {
            for (double e = y.from(); e <= y.to() && ticks.size() <= 30; e++) {
                for (double f : new double[] {1, 2, 5}) {
                    if (e + Math.log10(f) <= y.to() + 1e-9) {
                        ticks.add(f * Math.pow(10, e));
                    }
                }
            }
            return ticks;
        }
        double step = y.to() / 5;
        for (int i = 0; i <= 5; i++) {
            ticks.add(y.from() + i * step);
        }
        return ticks;
    }

    /** The smallest of 1, 2, 2.5, 5 x 10^n (times 5 ticks) at or above v. */
    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v / 5)));
        for (double f : new double[] {1, 2, 2.5, 5, 10}) {
            if (f * magnitude * 5 >= v) {
                return f * magnitude * 5;
            }
        }
        return v;
    }
}
