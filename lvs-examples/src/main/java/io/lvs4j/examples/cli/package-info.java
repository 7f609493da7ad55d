/**
 * The {@code lvs4j} command line (picocli): {@code forward}, {@code director}, {@code realserver}, {@code status} and
 * {@code demo} subcommands, started by the {@code ./lvs4j} launcher at the repository root.
 */
@NullMarked
package io.lvs4j.examples.cli;

import org.jspecify.annotations.NullMarked;
