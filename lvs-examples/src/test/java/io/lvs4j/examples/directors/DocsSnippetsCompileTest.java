package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java blocks of docs/*.md cannot drift from the API: each is compiled as the body of a method, against the
 * library modules, with the names the docs leave to the reader ({@code web}, {@code client}, ...) declared as fields.
 * (The README's blocks are regions of the example directors instead: {@link ReadmeSnippetsTest}.)
 */
class DocsSnippetsCompileTest {

    private static final Path DOCS = Path.of("..", "docs");

    private static final String IMPORTS = """
            import io.lvs4j.api.*;
            import io.lvs4j.api.failover.*;
            import io.lvs4j.api.health.*;
            import io.lvs4j.failover.*;
            import io.lvs4j.failover.zookeeper.*;
            import io.lvs4j.forward.*;
            import io.lvs4j.health.*;
            import java.net.InetSocketAddress;
            import java.time.Duration;
            import java.util.concurrent.ScheduledExecutorService;
            import org.apache.curator.framework.CuratorFramework;
            import org.slf4j.Logger;
            """;

    /** What the docs' blocks use without declaring it; a block's own declaration shadows a field of the name. */
    private static final String GIVEN = """
                VirtualService web, service, template;
                Director director;
                byte[] secret;
                InetSocketAddress otherDirector;
                ScheduledExecutorService executor;
                CuratorFramework client;
                Logger log;
                String ip;
            """;

    private static final int HEADER_LINES = (IMPORTS + GIVEN).split("\n").length + 2;

    @Test
    void everyJavaBlockInTheDocsCompiles(@TempDir Path out) throws IOException {
        Map<String, String> blocks = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DOCS)) {
            for (Path md : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                for (ReadmeSnippetsTest.Block b : ReadmeSnippetsTest.javaBlocks(Files.readAllLines(md))) {
                    blocks.put("docs/" + md.getFileName() + ":" + (b.line() + 1), b.text());
                }
            }
        }
        assertThat(blocks).as("Java blocks in docs/").hasSizeGreaterThanOrEqualTo(6);
        assertThat(compile(blocks, out)).isEmpty();
    }

    @Test
    void aBlockThatNoLongerMatchesTheApiIsReportedWithItsPlace(@TempDir Path out) {
        Map<String, String> blocks = new LinkedHashMap<>();
        blocks.put("good.md:3", "Director d = Director.builder().virtualService(web).build();\n");
        blocks.put("bad.md:10", "Director d = Director.builder()\n        .noSuchSetting(1).build();\n");
        List<String> errors = compile(blocks, out);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("bad.md:11: ").contains("noSuchSetting");
    }

    /** Compiles each block (keyed by its first line's place); the errors, each at its place in the Markdown. */
    private static List<String> compile(Map<String, String> blocks, Path out) {
        List<JavaFileObject> units = new ArrayList<>();
        List<String> places = new ArrayList<>(blocks.keySet());
        for (int i = 0; i < places.size(); i++) {
            String source = IMPORTS + "class Snippet" + i + " {\n" + GIVEN + "    void run() throws Exception {\n"
                    + blocks.get(places.get(i)) + "    }\n}\n";
            units.add(new SimpleJavaFileObject(URI.create("string:///Snippet" + i + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            });
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler").isNotNull();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        javac.getTask(null, null, diagnostics, List.of("-proc:none", "-classpath", classpath, "-d", out.toString()),
                null, units).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                String unit = d.getSource().getName().replaceAll("\\D", "");
                String place = places.get(Integer.parseInt(unit));
                int first = Integer.parseInt(place.substring(place.lastIndexOf(':') + 1));
                errors.add(place.substring(0, place.lastIndexOf(':')) + ":"
                        + (first + d.getLineNumber() - HEADER_LINES - 1) + ": " + d.getMessage(null));
            }
        }
        return errors;
    }
}
