package org.wsbyhand.benchmarks.report;

import java.util.List;
import java.util.Locale;

/**
 * Horizontal bar charts as standalone SVG: one block of bars per group, each bar labelled with
 * its value. With several groups every group is scaled to its own largest bar (payload sizes differ
 * by orders of magnitude), and the chart says so.
 */
final class Svg {

    private static final int WIDTH = 760;
    private static final int LABEL_WIDTH = 250;
    private static final int VALUE_WIDTH = 90;
    private static final int BAR_HEIGHT = 18;
    private static final int BAR_GAP = 4;
    private static final int GROUP_GAP = 14;

    private Svg() {}

    /** An SVG document of this size on a white background, with {@code title} at the top; the caller closes it. */
    static StringBuilder open(int width, int height, String title) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
                escape(title)));
        return svg;
    }

    static String chart(String title, String unit, List<Report.Group> groups) {
        boolean perGroup = groups.size() > 1;
        int height = 40 + (perGroup ? 16 : 0);
        for (Report.Group g : groups) {
            height += (g.name().isEmpty() ? 0 : 18) + g.bars().size() * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP;
        }
        StringBuilder svg = open(WIDTH, height, title);
        int y = 40;
        if (perGroup) {
            svg.append(String.format(Locale.ROOT,
                    "<text x=\"10\" y=\"%d\" fill=\"#555\">Bars are scaled within each group; unit: %s</text>\n",
                    y, escape(unit)));
            y += 16;
        }
        int barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
        for (Report.Group g : groups) {
            if (!g.name().isEmpty()) {
                y += 14;
                svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>\n",
                        y, escape(g.name())));
                y += 4;
            }
            double max = g.bars().stream().mapToDouble(Report.Bar::value).max().orElse(1);
            for (Report.Bar bar : g.bars()) {
                int w = max <= 0 ? 0 : (int) Math.round(Math.max(0, bar.value()) / max * barSpace);
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                        LABEL_WIDTH, y + BAR_HEIGHT - 5, escape(bar.label())));
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                        LABEL_WIDTH + 8, y, Math.max(w, 1), BAR_HEIGHT, color(bar.label())));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s %s</text>\n",
                        LABEL_WIDTH + 14 + w, y + BAR_HEIGHT - 5, Report.fmt(bar.value()), escape(unit)));
                y += BAR_HEIGHT + BAR_GAP;
            }
            y += GROUP_GAP;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** One colour family per implementation, so charts read alike. */
    static String color(String label) {
        if (label.startsWith("ws-by-hand")) {
            return label.contains("(") && !label.contains("in place") ? "#6b9bd1" : "#1f5fa8";
        }
        if (label.startsWith("Netty")) {
            return "#3a9a4a";
        }
        if (label.startsWith("Jetty")) {
            return "#e08a1e";
        }
        if (label.startsWith("Java-WebSocket")) {
            return "#8a5cb8";
        }
        if (label.startsWith("Undertow")) {
            return "#2a9d9d";
        }
        if (label.startsWith("JDK")) {
            return "#a0724a";
        }
        return "#999999";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
