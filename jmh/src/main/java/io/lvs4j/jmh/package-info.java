/**
 * JMH benchmarks.
 */
@NullMarked
package io.lvs4j.jmh;

import org.jspecify.annotations.NullMarked;
