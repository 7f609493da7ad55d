package io.lvs4j.keepalived.internal;

import io.lvs4j.keepalived.ConfigPosition;
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
public record ConfigNode(String keyword, List<Arg> args, @Nullable List<ConfigNode> children, ConfigPosition position) {

    /** Copies the lists. */
    public ConfigNode {
        args = List.copyOf(args);
        children = children == null ? null : List.copyOf(children);
    }

    /** An argument and where it stands. */
    public record Arg(String text, ConfigPosition position) {
    }

    /** The block's statements; empty when there is none. */
    public List<ConfigNode> block() {
        return children == null ? List.of() : children;
    }
}
