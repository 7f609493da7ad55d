/**
 * The reference experiment behind {@code lvs4j demo}: a real server with a capacity model
 * ({@link io.lvs4j.examples.demo.DemoRealServer}), an open-loop load generator
 * ({@link io.lvs4j.examples.demo.LoadGenerator}), the orchestration of separate processes
 * ({@link io.lvs4j.examples.demo.Demo}) and what a run measured ({@link io.lvs4j.examples.demo.DemoResult}). Its report
 * is in {@code io.lvs4j.examples.demo.report}.
 */
@NullMarked
package io.lvs4j.examples.demo;

import org.jspecify.annotations.NullMarked;
