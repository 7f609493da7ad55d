/**
 * The {@code lvs4j} command line (picocli), started by the {@code ./lvs4j} launcher at the repository root. The root
 * command is {@code Lvs4jCommand}; its subcommands are:
 * <ul>
 *   <li>{@code forward}: an ad-hoc director from flags, one virtual service and its real servers
 *       ({@code ForwardCommand});</li>
 *   <li>{@code director}: a director from a keepalived.conf, with {@code --check} to validate it
 *       ({@code DirectorCommand});</li>
 *   <li>{@code status}, {@code weight}, {@code drain}, {@code disable}, {@code enable} and {@code reload}: clients of a
 *       running director's admin endpoint ({@code AdminCommands});</li>
 *   <li>{@code realserver}: a demo HTTP real server with a capacity model ({@code RealServerCommand});</li>
 *   <li>{@code load}: open-loop constant-rate HTTP load ({@code LoadCommand});</li>
 *   <li>{@code demo}: the reference experiment and its report ({@code DemoCommand});</li>
 *   <li>{@code generate-completion}: a bash and zsh completion script for all of them (picocli's);</li>
 *   <li>{@code help}: picocli's help for any of these.</li>
 * </ul>
 */
@NullMarked
package io.lvs4j.examples.cli;

import org.jspecify.annotations.NullMarked;
