package dev.corral.app.cli;

/**
 * Whether a mistyped word is near enough a command's name to suggest it: its beginning, or a few edits away (two at
 * most, and at most half the name, so that {@code ls} does not suggest {@code rm}).
 */
final class Suggestions {
    private static final int MAX_EDITS = 2;

    private Suggestions() {
    }

    static boolean near(String typed, String name) {
        return (typed.length() >= 2 && name.startsWith(typed))
                || edits(typed, name) <= Math.min(MAX_EDITS, name.length() / 2);
    }

    /** The Levenshtein distance: insertions, deletions and substitutions that turn {@code a} into {@code b}. */
    private static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
