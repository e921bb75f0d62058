package io.portwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The README and the docs/ pages hold together: every relative link names a file that exists, every {@code #anchor}
 * names a heading of its page (GitHub's anchors), the README links every page, and no table row is longer than
 * {@value #MAX_ROW} characters (a cell is a sentence; the detail goes in a section it links to).
 */
class DocsLinksTest {

    /** The longest table row, in characters. */
    static final int MAX_ROW = 200;

    /**
     * Pages whose long table rows are not this test's to shorten: their owners keep them (design.md's health tables
     * and history file table, performance.md's targets table). Their links are checked all the same.
     */
    static final Set<String> LONG_ROWS_ALLOWED = Set.of("docs/design.md", "docs/performance.md");

    private static final Pattern LINK = Pattern.compile("(?<!!)\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Path root = Path.of(System.getProperty("basedir", "."));

    @Test
    void everyRelativeLinkNamesAFileThatExists() throws IOException {
        assertEquals(List.of(), brokenLinks(root, pages(root)), "broken links");
    }

    @Test
    void everyTableRowIsAtMost200Characters() throws IOException {
        List<String> pages = pages(root).stream().filter(p -> !LONG_ROWS_ALLOWED.contains(p)).toList();
        assertEquals(List.of(), longRows(root, pages), "table rows over " + MAX_ROW + " characters: shorten the cell to"
                + " a sentence and link to a section that explains");
    }

    @Test
    void theReadmeLinksEveryDocsPage() throws IOException {
        Set<String> linked = new TreeSet<>();
        for (Link link : links(root, "README.md")) {
            linked.add(normalise(root, "README.md", link.file()));
        }
        Set<String> pages = new TreeSet<>(pages(root));
        pages.remove("README.md");
        pages.removeAll(linked);
        assertEquals(Set.of(), pages, "docs pages the README does not link");
    }

    /** The checker itself finds what it must: a missing file, a missing heading, a long row; and passes good links. */
    @Test
    void brokenFileAndAnchorLinksAndLongRowsAreFound(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("README.md"), String.join("\n",
                "# Title",
                "[ok](docs/a.md#5-never-harm-the-host) [ok](docs/a.md#connection-log-connections---log-and---watch)",
                "[ok](#title) [ok](docs/a.md#same-1) [ok](https://example.com/x.md) `[not a link](nowhere.md)`",
                "[gone](docs/missing.md) [no heading](docs/a.md#nope) [no heading here](#nope)",
                "```", "[in a code block](nowhere.md)", "```",
                "| " + "x".repeat(MAX_ROW) + " |", ""), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("docs/a.md"), String.join("\n",
                "## 5. Never harm the host", "## Connection log: `connections --log` and `--watch`",
                "## Same", "## Same", "[back](../README.md#title)", ""), StandardCharsets.UTF_8);
        List<String> pages = List.of("README.md", "docs/a.md");
        assertEquals(List.of("README.md:4: docs/missing.md: no such file",
                "README.md:4: docs/a.md#nope: no heading with that anchor in docs/a.md",
                "README.md:4: #nope: no heading with that anchor in README.md"), brokenLinks(dir, pages));
        assertEquals(List.of("README.md:8: " + (MAX_ROW + 4) + " characters"), longRows(dir, pages));
    }

    @Test
    void anchorsAreGitHubs() {
        assertEquals("5-never-harm-the-host", slug("5. Never harm the host"));
        assertEquals("connection-log-connections---log-and---watch",
                slug("Connection log: `connections --log` and `--watch`"));
        assertEquals("reports-report", slug("Reports: `report`"));
        assertEquals("what-a-local-user-can-and-cannot-see", slug("What a local user can and cannot see"));
        assertEquals("see-the-docs", slug("See [the docs](docs/x.md)"));
        assertEquals("snake_case-stays", slug("snake_case stays"));
    }

    /** README.md and every docs/*.md, relative to {@code root}, with {@code /}. */
    static List<String> pages(Path root) throws IOException {
        List<String> pages = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.map(p -> "docs/" + p.getFileName()).filter(p -> p.endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** A link's target: the file part (empty for the page itself) and the anchor (empty for none). */
    record Link(int line, String target, String file, String anchor) {
    }

    static List<String> brokenLinks(Path root, List<String> pages) throws IOException {
        List<String> broken = new ArrayList<>();
        Map<String, Set<String>> anchors = new HashMap<>();
        for (String page : pages) {
            for (Link link : links(root, page)) {
                String file = link.file().isEmpty() ? page : normalise(root, page, link.file());
                Path target = root.resolve(file);
                if (!Files.exists(target)) {
                    broken.add(page + ":" + link.line() + ": " + link.target() + ": no such file");
                } else if (!link.anchor().isEmpty() && !anchors.computeIfAbsent(file, f -> headings(root, f))
                        .contains(link.anchor())) {
                    broken.add(page + ":" + link.line() + ": " + link.target() + ": no heading with that anchor in "
                            + file);
                }
            }
        }
        return broken;
    }

    static List<String> longRows(Path root, List<String> pages) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String page : pages) {
            List<String> lines = prose(root, page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int length = line.codePointCount(0, line.length());
                if (line.stripLeading().startsWith("|") && length > MAX_ROW) {
                    rows.add(page + ":" + (i + 1) + ": " + length + " characters");
                }
            }
        }
        return rows;
    }

    /** The relative links of a page (outside code), in order. */
    static List<Link> links(Path root, String page) throws IOException {
        List<Link> out = new ArrayList<>();
        List<String> lines = prose(root, page);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LINK.matcher(INLINE_CODE.matcher(lines.get(i)).replaceAll(""));
            while (m.find()) {
                String target = m.group(1);
                if (SCHEME.matcher(target).find()) {
                    continue;
                }
                int hash = target.indexOf('#');
                out.add(new Link(i + 1, target, hash < 0 ? target : target.substring(0, hash),
                        hash < 0 ? "" : target.substring(hash + 1)));
            }
        }
        return out;
    }

    /** The page's lines with the lines of fenced code blocks blanked (line numbers stay). */
    static List<String> prose(Path root, String page) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve(page), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(lines.size());
        boolean code = false;
        for (String line : lines) {
            boolean fence = line.stripLeading().startsWith("```");
            out.add(code || fence ? "" : line);
            if (fence) {
                code = !code;
            }
        }
        return out;
    }

    /** The anchors GitHub gives the headings of a page, duplicates numbered {@code -1}, {@code -2}, ... */
    static Set<String> headings(Path root, String page) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        try {
            for (String line : prose(root, page)) {
                Matcher m = HEADING.matcher(line);
                if (m.matches()) {
                    String slug = slug(m.group(2));
                    int n = seen.merge(slug, 1, Integer::sum) - 1;
                    anchors.add(n == 0 ? slug : slug + "-" + n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return anchors;
    }

    /** GitHub's anchor of a heading: its text lower-cased, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
    }

    /** A link's file part resolved against the page that holds it, relative to the root, with {@code /}. */
    static String normalise(Path root, String page, String file) {
        Path resolved = root.resolve(page).getParent().resolve(file).normalize();
        return root.normalize().relativize(resolved).toString().replace('\\', '/');
    }
}
