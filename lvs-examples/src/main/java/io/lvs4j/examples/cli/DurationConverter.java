package io.lvs4j.examples.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses durations written as {@code 500ms}, {@code 2s}, {@code 0.5s}, {@code 1m}, {@code 1.5h}, or a bare number of
 * seconds as keepalived writes them ({@code 6}, {@code 0.5}); the smallest step is a nanosecond.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)(ms|s|m|h)?");
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration; write it like 500ms, 2s, 1m or 1h, or 0.5s (a bare number is seconds)");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal seconds = new BigDecimal(m.group(1)).multiply(switch (unit) {
            case "ms" -> new BigDecimal("0.001");
            case "m" -> BigDecimal.valueOf(60);
            case "h" -> BigDecimal.valueOf(3600);
            default -> BigDecimal.ONE;
        });
        // at most 12 digits before the point, so the seconds fit a long (999,999,999,999 h is 3.6e15 s)
        long whole = seconds.longValue();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).multiply(NANOS_PER_SECOND).longValue();
        return Duration.ofSeconds(whole, nanos);
    }
}
