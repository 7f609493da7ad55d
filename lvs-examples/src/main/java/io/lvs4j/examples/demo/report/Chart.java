package io.lvs4j.examples.demo.report;

/** The charts of the report: each one's file under {@code charts/} and its caption. */
enum Chart {
    THROUGHPUT("throughput.png", "Throughput against offered load"),
    LOSS("loss.png", "Request loss against offered load"),
    LATENCY("latency.png", "p99 response time against offered load"),
    PERCENTILES("percentiles.png", "Response-time percentiles at one overload"),
    CPU("cpu.png", "CPU use of each process at one overload"),
    TIMELINE("timeline.png", "Redundancy test: requests per second, with the kills, detection and takeover marked");

    private final String file;
    private final String caption;

    Chart(String file, String caption) {
        this.file = file;
        this.caption = caption;
    }

    /** The file name, e.g. {@code throughput.png}. */
    String file() {
        return file;
    }

    /** The words under or over the chart. */
    String caption() {
        return caption;
    }

    /** The path from the report folder. */
    String path() {
        return "charts/" + file;
    }
}
