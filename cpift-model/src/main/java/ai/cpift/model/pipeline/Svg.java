package ai.cpift.model.pipeline;

import java.util.List;
import java.util.Locale;

/** The report's two kinds of plot, as standalone SVG written by hand (no plotting library). */
final class Svg {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};

    /** A named line of (x, y) points. */
    record Series(String name, List<double[]> points) {
    }

    private Svg() {
    }

    /** A square heat map of values in [0, 1] with row/column labels and the value printed in each cell. */
    static String heatmap(String title, List<String> labels, double[][] v) {
        int cell = 56;
        int left = 100;
        int top = 40;
        int n = labels.size();
        int w = left + n * cell + 20;
        int h = top + n * cell + 90;
        StringBuilder s = header(w, h).append(text(w / 2.0, 22, title, "middle", 14));
        for (int i = 0; i < n; i++) {
            s.append(text(left - 6, top + i * cell + cell / 2.0 + 4, labels.get(i), "end", 11));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" "
                            + "transform=\"rotate(-45 %d %d)\">%s</text>%n", left + i * cell + cell / 2, top + n * cell + 14,
                    left + i * cell + cell / 2, top + n * cell + 14, esc(labels.get(i))));
            for (int j = 0; j < n; j++) {
                double x = Math.max(0, Math.min(1, v[i][j]));
                int shade = (int) Math.round(255 * (1 - x));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" stroke=\"#fff\"/>%n",
                        left + j * cell, top + i * cell, cell, cell, shade, shade));
                s.append(text(left + j * cell + cell / 2.0, top + i * cell + cell / 2.0 + 4, String.format(Locale.ROOT, "%.3f", v[i][j]),
                        "middle", 11, x > 0.5 ? "#fff" : "#000"));
            }
        }
        return s.append("</svg>\n").toString();
    }

    /** Lines over shared axes, with a legend; y from 0 to the largest value. */
    static String lines(String title, String xLabel, String yLabel, List<Series> series) {
        int w = 640;
        int h = 360;
        int left = 60;
        int right = 170;
        int top = 36;
        int bottom = 46;
        double maxX = 1;
        double maxY = 1e-9;
        for (Series se : series) {
            for (double[] p : se.points()) {
                maxX = Math.max(maxX, p[0]);
                if (Double.isFinite(p[1])) {
                    maxY = Math.max(maxY, p[1]);
                }
            }
        }
        double pw = w - left - right;
        double ph = h - top - bottom;
        StringBuilder s = header(w, h).append(text(w / 2.0, 20, title, "middle", 14));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>%n", left, top, pw, ph));
        for (int k = 0; k <= 4; k++) {
            double y = top + ph - k * ph / 4;
            s.append(text(left - 6, y + 4, String.format(Locale.ROOT, "%.2f", maxY * k / 4), "end", 10));
            double x = left + k * pw / 4;
            s.append(text(x, top + ph + 16, String.format(Locale.ROOT, "%.0f", maxX * k / 4), "middle", 10));
        }
        s.append(text(left + pw / 2, h - 8, xLabel, "middle", 11));
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.0f)\">%s</text>%n",
                top + ph / 2, top + ph / 2, esc(yLabel)));
        for (int i = 0; i < series.size(); i++) {
            String c = COLORS[i % COLORS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : series.get(i).points()) {
                if (Double.isFinite(p[1])) {
                    path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f",
                            left + p[0] / maxX * pw, top + ph - p[1] / maxY * ph));
                }
            }
            s.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n", path, c));
            double ly = top + 10 + i * 16;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    w - right + 10, ly, w - right + 30, ly, c));
            s.append(text(w - right + 34, ly + 4, series.get(i).name(), "start", 10));
        }
        return s.append("</svg>\n").toString();
    }

    private static StringBuilder header(int w, int h) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>%n", w, h, w, h));
    }

    private static String text(double x, double y, String t, String anchor, int size) {
        return text(x, y, t, anchor, size, "#000");
    }

    private static String text(double x, double y, String t, String anchor, int size, String fill) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
                x, y, size, anchor, fill, esc(t));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
