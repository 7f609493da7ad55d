package io.lvs4j.keepalived;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One statement of a keepalived.conf: its keyword, its arguments, and the statements of its block if it has one.
 *
 * @param keyword the first word
 * @param args the other words on its line
 * @param children the block's statements, or {@code null} when there is no block
 * @param position where the keyword stands
 */
public record ConfigNode(String keyword, List<Arg> args, @Nullable List<ConfigNode> children, Position position) {

    /** Copies the lists. */
    public ConfigNode {
        args = List.copyOf(args);
        children = children == null ? null : List.copyOf(children);
    }

    /** A place in a file: 1-based line and column. */
    public record Position(String file, int line, int column) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }

    /** An argument and where it stands. */
    public record Arg(String text, Position position) {
    }

    /** The block's statements; empty when there is none. */
    public List<ConfigNode> block() {
        return children == null ? List.of() : children;
    }
}
