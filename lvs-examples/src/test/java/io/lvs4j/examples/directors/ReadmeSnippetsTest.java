package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README cannot drift from the code: each of its Java blocks follows a marker
 * {@code <!-- snippet: FILE REGION -->} and is, to the character, the region of FILE between
 * {@code // snippet begin: REGION} and {@code // snippet end} (less the region's indentation), and FILE is an example
 * director that is compiled and tested. Its list of example directors names every one of them.
 */
class ReadmeSnippetsTest {

    /** The repository: surefire runs in the module's directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DIRECTORS = Path.of("lvs-examples/src/main/java/io/lvs4j/examples/directors");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+) (\\S+) -->");

    /** A Java block of a Markdown file: where it starts (1-based), the marker line before it, and its text. */
    record Block(int line, String marker, String text) {
    }

    static List<Block> javaBlocks(List<String> markdown) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < markdown.size(); i++) {
            if (!markdown.get(i).strip().equals("```java")) {
                continue;
            }
            int start = i;
            String marker = "";
            for (int j = i - 1; j >= 0; j--) {
                if (!markdown.get(j).isBlank()) {
                    marker = markdown.get(j).strip();
                    break;
                }
            }
            StringBuilder text = new StringBuilder();
            for (i++; i < markdown.size() && !markdown.get(i).strip().equals("```"); i++) {
                text.append(markdown.get(i)).append('\n');
            }
            blocks.add(new Block(start + 1, marker, text.toString()));
        }
        return blocks;
    }

    /** The lines between {@code // snippet begin: NAME} and the next {@code // snippet end}, dedented. */
    static String region(List<String> source, String name) {
        int begin = source.indexOf(source.stream().filter(l -> l.strip().equals("// snippet begin: " + name))
                .findFirst().orElseThrow(() -> new AssertionError("no region '" + name + "'")));
        List<String> lines = new ArrayList<>();
        for (int i = begin + 1; !source.get(i).strip().equals("// snippet end"); i++) {
            lines.add(source.get(i));
        }
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return text.toString();
    }

    @Test
    void everyJavaBlockInTheReadmeIsARegionOfAnExampleDirector() throws IOException {
        List<Block> blocks = javaBlocks(Files.readAllLines(ROOT.resolve("README.md")));
        assertThat(blocks).isNotEmpty();
        for (Block b : blocks) {
            Matcher m = MARKER.matcher(b.marker());
            assertThat(m.matches()).as("README.md:%d: a Java block must follow <!-- snippet: FILE REGION --> but"
                    + " follows '%s'", b.line(), b.marker()).isTrue();
            Path file = Path.of(m.group(1));
            assertThat(file.getParent()).as("README.md:%d: snippets come from the example directors", b.line())
                    .isEqualTo(DIRECTORS);
            assertThat(b.text()).as("README.md:%d: the block must equal region '%s' of %s", b.line(), m.group(2),
                    file).isEqualTo(region(Files.readAllLines(ROOT.resolve(file)), m.group(2)));
        }
    }

    @Test
    void theReadmeListsEveryExampleDirector() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.list(ROOT.resolve(DIRECTORS))) {
            List<String> examples = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".java") && !n.equals("package-info.java")).sorted().toList();
            assertThat(examples).hasSize(6);
            for (String e : examples) {
                assertThat(readme).as("README.md links " + e).contains("(" + DIRECTORS.resolve(e) + ")");
            }
        }
    }

    @Test
    void aBlockWithoutAMarkerOrWithOtherTextIsCaught() {
        List<String> source = List.of("class X {", "    // snippet begin: r", "    int a;", "", "      int b;",
                "    // snippet end", "}");
        assertThat(region(source, "r")).isEqualTo("int a;\n\n  int b;\n");
        List<Block> blocks = javaBlocks(List.of("text", "", "```java", "int a;", "```", "<!-- snippet: F r -->",
                "```java", "int a;", "int c;", "```"));
        assertThat(blocks).containsExactly(new Block(3, "text", "int a;\n"),
                new Block(7, "<!-- snippet: F r -->", "int a;\nint c;\n"));
        assertThat(MARKER.matcher(blocks.get(0).marker()).matches()).isFalse();
        assertThat(blocks.get(1).text()).isNotEqualTo(region(source, "r"));
    }
}
