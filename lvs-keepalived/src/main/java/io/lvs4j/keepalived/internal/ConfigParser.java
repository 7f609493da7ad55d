package io.lvs4j.keepalived.internal;

import io.lvs4j.keepalived.ConfigException;
import io.lvs4j.keepalived.ConfigPosition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads keepalived.conf's grammar into a tree of {@link ConfigNode}s: one statement per line ({@code keyword
 * arguments...}), an optional block in braces that may span lines, comments from {@code #} or {@code !} to the end of
 * the line, double-quoted strings (with {@code \"} and {@code \\}) as single arguments, and {@code include GLOB}
 * (relative to the including file's folder) anywhere a statement may stand. Errors name the file, line and column.
 *
 * <p>What a file may make the parser hold is bounded: each file at most {@value #MAX_FILE_BYTES} bytes, all the files
 * of one configuration together at most {@value #MAX_TOTAL_BYTES} bytes and {@value #MAX_FILES} files, blocks at most
 * {@value #MAX_NESTING} deep (includes count where they stand), includes at most {@value #MAX_INCLUDE_DEPTH} deep.
 */
public final class ConfigParser {

    /** How deep includes may nest. */
    static final int MAX_INCLUDE_DEPTH = 8;
    /** The most bytes one file may hold. */
    public static final int MAX_FILE_BYTES = 1 << 20;
    /** The most bytes all the files of one configuration may hold together. */
    public static final int MAX_TOTAL_BYTES = 4 << 20;
    /** The most files one configuration may read (itself and what it includes). */
    public static final int MAX_FILES = 256;
    /** How deep blocks may nest; keepalived's own grammar needs 4 (virtual_server, real_server, HTTP_GET, url). */
    public static final int MAX_NESTING = 16;

    private ConfigParser() {
    }

    /** A token: a word, a quoted string, a brace, or the end of a line. */
    private record Token(Kind kind, String text, ConfigPosition position) {
    }

    private enum Kind { WORD, OPEN, CLOSE, END_OF_LINE }

    /** What one parse has read so far: the files being included (innermost first), their count and bytes. */
    private static final class Reading {
        final Deque<Path> including = new ArrayDeque<>();
        int files;
        long bytes;
    }

    /**
     * Parses {@code file} and everything it includes.
     *
     * @throws ConfigException for the first error, with its position
     */
    public static List<ConfigNode> parse(Path file) throws ConfigException {
        return parse(file, new Reading(), 0, null);
    }

    private static List<ConfigNode> parse(Path file, Reading reading, int depth, @Nullable ConfigPosition from)
            throws ConfigException {
        ConfigPosition at = from != null ? from : new ConfigPosition(file.toString(), 0, 0);
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new ConfigException(at, "cannot read " + file + ": " + e.getMessage());
        }
        if (reading.including.contains(real)) {
            throw new ConfigException(at, "include cycle: " + reading.including + " includes " + real + " again");
        }
        if (reading.including.size() >= MAX_INCLUDE_DEPTH) {
            throw new ConfigException(at, "includes nest deeper than " + MAX_INCLUDE_DEPTH);
        }
        if (++reading.files > MAX_FILES) {
            throw new ConfigException(at, "the configuration reads more than " + MAX_FILES + " files");
        }
        String text = read(file, real, reading, at);
        reading.including.push(real);
        try {
            return statements(lex(file.toString(), text), new int[] {0}, file, reading, depth, false);
        } finally {
            reading.including.pop();
        }
    }

    /**
     * Reads at most {@value #MAX_FILE_BYTES} bytes (a pipe or a device has no size to check first); a longer file is
     * an error at the line where the limit falls.
     */
    private static String read(Path file, Path real, Reading reading, ConfigPosition at) throws ConfigException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(real)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigException(at, "cannot read " + file + ": " + e.getMessage());
        }
        String text = new String(bytes, 0, Math.min(bytes.length, MAX_FILE_BYTES), StandardCharsets.UTF_8);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException(new ConfigPosition(file.toString(), lineAtEnd(text), 1), "the file "
                    + "is larger than " + MAX_FILE_BYTES + " bytes, lvs4j's limit for one configuration file");
        }
        reading.bytes += bytes.length;
        if (reading.bytes > MAX_TOTAL_BYTES) {
            throw new ConfigException(at, "the configuration's files hold more than " + MAX_TOTAL_BYTES
                    + " bytes together, lvs4j's limit (at " + file + ")");
        }
        return text;
    }

    private static int lineAtEnd(String text) {
        return (int) text.chars().filter(c -> c == '\n').count() + 1;
    }

    /** Parses text (for tests and the admin call); includes are relative to the working folder. */
    public static List<ConfigNode> parse(String name, String text) throws ConfigException {
        if (text.length() > MAX_FILE_BYTES) {
            String head = text.substring(0, MAX_FILE_BYTES);
            throw new ConfigException(new ConfigPosition(name, lineAtEnd(head), 1), "the file is larger than "
                    + MAX_FILE_BYTES + " bytes, lvs4j's limit for one configuration file");
        }
        return statements(lex(name, text), new int[] {0}, Path.of(name), new Reading(), 0, false);
    }

    private static List<ConfigNode> statements(List<Token> tokens, int[] at, Path file, Reading reading, int depth,
            boolean inBlock) throws ConfigException {
        List<ConfigNode> out = new ArrayList<>();
        while (at[0] < tokens.size()) {
            Token t = tokens.get(at[0]);
            switch (t.kind()) {
                case END_OF_LINE -> at[0]++;
                case CLOSE -> {
                    if (!inBlock) {
                        throw new ConfigException(t.position(), "'}' without a matching '{'");
                    }
                    at[0]++;
                    return out;
                }
                case OPEN -> throw new ConfigException(t.position(), "'{' must follow a keyword");
                case WORD -> {
                    at[0]++;
                    List<ConfigNode.Arg> args = new ArrayList<>();
                    while (at[0] < tokens.size() && tokens.get(at[0]).kind() == Kind.WORD) {
                        Token a = tokens.get(at[0]++);
                        args.add(new ConfigNode.Arg(a.text(), a.position()));
                    }
                    List<ConfigNode> children = null;
                    // a block opens on the statement's line or on the next
                    int look = at[0];
                    if (look < tokens.size() && tokens.get(look).kind() == Kind.END_OF_LINE
                            && look + 1 < tokens.size() && tokens.get(look + 1).kind() == Kind.OPEN) {
                        look++;
                    }
                    if (look < tokens.size() && tokens.get(look).kind() == Kind.OPEN) {
                        if (depth >= MAX_NESTING) {
                            throw new ConfigException(tokens.get(look).position(), "blocks nest deeper than "
                                    + MAX_NESTING + ", lvs4j's limit");
                        }
                        at[0] = look + 1;
                        children = statements(tokens, at, file, reading, depth + 1, true);
                    }
                    if (t.text().equals("include") && children == null) {
                        out.addAll(include(t, args, file, reading, depth));
                    } else {
                        out.add(new ConfigNode(t.text(), args, children, t.position()));
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        if (inBlock) {
            Token last = tokens.isEmpty() ? null : tokens.get(tokens.size() - 1);
            throw new ConfigException(last == null ? new ConfigPosition(file.toString(), 1, 1)
                    : last.position(), "a block is not closed: '}' missing before the end of the file");
        }
        return out;
    }

    private static List<ConfigNode> include(Token t, List<ConfigNode.Arg> args, Path file, Reading reading,
            int depth) throws ConfigException {
        if (args.size() != 1) {
            throw new ConfigException(t.position(), "include takes one file or glob, but was given " + args.size());
        }
        String pattern = args.get(0).text();
        Path base = file.toAbsolutePath().getParent();
        Path glob = base == null ? Path.of(pattern) : base.resolve(pattern);
        Path folder = glob.getParent();
        String namePattern = glob.getFileName().toString();
        Set<Path> matches = new TreeSet<>();
        if (folder != null && Files.isDirectory(folder)) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, namePattern)) {
                for (Path p : dir) {
                    if (Files.isRegularFile(p)) {
                        matches.add(p);
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(args.get(0).position(), "cannot expand include '" + pattern + "': "
                        + e.getMessage());
            }
        }
        if (matches.isEmpty()) {
            throw new ConfigException(args.get(0).position(), "include '" + pattern + "' matches no file");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (Path p : matches) {
            out.addAll(parse(p, reading, depth, args.get(0).position()));
        }
        return out;
    }

    private static List<Token> lex(String file, String text) throws ConfigException {
        List<Token> out = new ArrayList<>();
        int line = 1;
        int col = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            ConfigPosition here = new ConfigPosition(file, line, col);
            if (c == '\n') {
                out.add(new Token(Kind.END_OF_LINE, "", here));
                line++;
                col = 1;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                i++;
                col++;
            } else if (c == '#' || c == '!') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                    col++;
                }
            } else if (c == '{' || c == '}') {
                out.add(new Token(c == '{' ? Kind.OPEN : Kind.CLOSE, String.valueOf(c), here));
                i++;
                col++;
            } else if (c == '"') {
                StringBuilder s = new StringBuilder();
                i++;
                col++;
                boolean closed = false;
                while (i < text.length() && text.charAt(i) != '\n') {
                    char d = text.charAt(i);
                    if (d == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"'
                            || text.charAt(i + 1) == '\\')) {
                        s.append(text.charAt(i + 1));
                        i += 2;
                        col += 2;
                    } else if (d == '"') {
                        i++;
                        col++;
                        closed = true;
                        break;
                    } else {
                        s.append(d);
                        i++;
                        col++;
                    }
                }
                if (!closed) {
                    throw new ConfigException(here, "a quoted string is not closed on its line");
                }
                out.add(new Token(Kind.WORD, s.toString(), here));
            } else {
                int start = i;
                while (i < text.length() && " \t\r\n{}\"".indexOf(text.charAt(i)) < 0) { // # and ! inside a word are not comments
                    i++;
                }
                out.add(new Token(Kind.WORD, text.substring(start, i), here));
                col += i - start;
            }
        }
        out.add(new Token(Kind.END_OF_LINE, "", new ConfigPosition(file, line, col)));
        return out;
    }
}
