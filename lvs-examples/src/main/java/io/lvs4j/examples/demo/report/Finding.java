package io.lvs4j.examples.demo.report;

import org.jspecify.annotations.Nullable;

/**
 * A finding of the study, set against what one run measured.
 *
 * @param study what the study found, e.g. "Less request loss."
 * @param measured what this run measured, in a sentence with its figures
 * @param holds whether this run points the same direction as the study
 * @param target the stricter goal this project sets for the same measure, or {@code null} when it sets none
 */
public record Finding(String study, String measured, boolean holds, @Nullable Target target) {

    /**
     * A goal for a finding's measure and whether the run met it.
     *
     * @param goal the goal, e.g. "availability >= 99.5%"
     * @param met whether the run met it
     */
    public record Target(String goal, boolean met) {
    }
}
