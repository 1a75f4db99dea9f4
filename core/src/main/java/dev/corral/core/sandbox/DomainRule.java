package dev.corral.core.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One domain rule of a sandbox's egress policy: an exact name ({@code example.org} matches that name only) or a
 * wildcard ({@code *.example.org} matches every name below it, {@code a.example.org} and {@code a.b.example.org},
 * but not the apex {@code example.org} itself: allowing a domain and its subdomains takes both rules).
 *
 * <p>Rules are kept in canonical form, lower case and without the trailing dot, as labels of letters, digits,
 * hyphens and underscores (underscores for service names such as {@code _dmarc.example.org}). Matching compares
 * labels, never strings, so a query label that itself holds a dot (legal on the wire) cannot pass for two labels.
 * {@link #parse} is the one place that says what a valid rule is; its messages are written for API callers.
 */
public record DomainRule(List<String> labels, boolean wildcard) {
    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

    public DomainRule {
        labels = List.copyOf(labels);
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a domain rule needs at least one label");
        }
    }

    /**
     * Reads a rule as written in a policy: {@code example.org}, {@code Example.org.} or {@code *.example.org}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text, e.g. a bare {@code *}, an IP address, an
     *     empty or over-long label, or a character a host name cannot hold
     */
    public static DomainRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "it is empty");
        }
        String name = text.strip().toLowerCase(Locale.ROOT);
        boolean wildcard = name.startsWith("*.");
        if (wildcard) {
            name = name.substring(2);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.equals("*")) {
            throw invalid(text, "a wildcard needs a domain after '*.', e.g. *.example.org");
        }
        if (name.contains("*")) {
            throw invalid(text, "'*' may only be the whole first label, as in *.example.org");
        }
        if (name.contains(":")) {
            throw invalid(text, "it is an IP address; IP addresses and ranges are CIDR rules, not domain rules");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid(text, "a domain name has at most " + MAX_NAME_LENGTH + " characters");
        }
        List<String> labels = List.of(name.split("\\.", -1));
        for (String label : labels) {
            checkLabel(text, label);
        }
        if (NUMERIC.matcher(labels.getLast()).matches()) {
            throw invalid(text, "it is an IP address or ends in a numeric label; IP addresses are CIDR rules");
        }
        return new DomainRule(labels, wildcard);
    }

    private static void checkLabel(String text, String label) {
        if (label.isEmpty()) {
            throw invalid(text, "it has an empty label (two dots in a row, or a leading dot)");
        }
        if (label.length() > MAX_LABEL_LENGTH) {
            throw invalid(text, "the label '" + label + "' is longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (!LABEL.matcher(label).matches()) {
            throw invalid(text, "the label '" + label + "' may hold only letters, digits, '-' and '_', not starting"
                    + " or ending with '-' (write international names in their xn-- form)");
        }
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid domain rule '" + text + "': " + why);
    }

    /** Whether a name, given as lower-case labels from the leftmost to the top-level one, matches this rule. */
    public boolean matches(List<String> name) {
        int extra = name.size() - labels.size();
        if (wildcard ? extra < 1 : extra != 0) {
            return false;
        }
        return name.subList(extra, name.size()).equals(labels);
    }

    /** The rule as written in a policy, in canonical form. */
    @Override
    public String toString() {
        return (wildcard ? "*." : "") + String.join(".", labels);
    }
}
