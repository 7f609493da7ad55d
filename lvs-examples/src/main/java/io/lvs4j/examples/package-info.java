/**
 * Runnable directors, the demo real server and the reference experiment.
 */
@NullMarked
package io.lvs4j.examples;

import org.jspecify.annotations.NullMarked;
