package io.lvs4j.keepalived;

/**
 * A place in a keepalived.conf (or a file it includes): where a problem or a statement is.
 *
 * @param file the file's name as the operator wrote it
 * @param line 1-based line
 * @param column 1-based column
 */
public record ConfigPosition(String file, int line, int column) {

    /** {@code file:line:column}, as compilers write it. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
