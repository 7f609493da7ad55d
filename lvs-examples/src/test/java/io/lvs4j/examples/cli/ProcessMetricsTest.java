package io.lvs4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.keepalived.AdminServer;
import io.lvs4j.keepalived.AdminToken;
import io.lvs4j.keepalived.DirectorMetrics;
import io.lvs4j.keepalived.KeepalivedConfig;
import io.lvs4j.keepalived.KeepalivedDirector;
import io.lvs4j.keepalived.LoopbackTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The metrics of a director the lvs4j command runs: the director's, plus the JVM's, the process's and the build's. */
@Timeout(60)
class ProcessMetricsTest {

    @Test
    void theCommandsDirectorAddsJvmProcessAndBuildMetersAndAnEmbeddedOneDoesNot(@TempDir Path dir)
            throws Exception {
        Path conf = dir.resolve("k.conf");
        Files.writeString(conf, "virtual_server 127.0.0.1 " + LoopbackTest.freePort() + " {\n    lb_algo rr\n"
                + "    real_server 127.0.0.1 " + LoopbackTest.freePort() + " {\n        weight 1\n    }\n}\n");
        KeepalivedDirector director = new KeepalivedDirector(KeepalivedConfig.load(conf).config(),
                new KeepalivedDirector.Options(1, false));
        director.start().toCompletableFuture().join();
        String token = AdminToken.create();
        Path tokenFile = dir.resolve("admin.token");
        AdminToken.write(tokenFile, token);
        try (DirectorMetrics embedded = new DirectorMetrics(director);
             DirectorMetrics metrics = Lvs4jCommand.metrics(director);
             AdminServer server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false,
                     token, director, metrics, () -> "nothing changed")) {
            assertThat(embedded.scrape()).as("a library does not force JVM meters on its embedder")
                    .contains("lvs4j_virtual_services").doesNotContain("jvm_").doesNotContain("lvs4j_build_info");

            StringWriter out = new StringWriter();
            CommandLine cl = Lvs4jCommand.newCommandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(new StringWriter(), true));
            assertThat(cl.execute("status", "--metrics", "--admin", "127.0.0.1:" + server.address().getPort(),
                    "--token-file", tokenFile.toString())).isZero();
            String scrape = out.toString();
            assertThat(Lvs4jCommand.version()).isNotEqualTo("unknown").doesNotContain("${");
            assertThat(scrape).contains("# HELP lvs4j_build_info ",
                    "lvs4j_build_info{java_version=\"" + System.getProperty("java.version") + "\",version=\""
                            + Lvs4jCommand.version() + "\"} 1",
                    "jvm_memory_used_bytes{", "jvm_threads_live_threads ", "jvm_classes_loaded_classes ",
                    "process_cpu_usage ", "process_uptime_seconds ", "process_files_open_files ",
                    "process_files_max_files ", "lvs4j_virtual_services 1");
            assertThat(scrape).containsPattern("(?m)^# HELP jvm_gc_\\w+ ");
        } finally {
            director.close();
        }
    }
}
