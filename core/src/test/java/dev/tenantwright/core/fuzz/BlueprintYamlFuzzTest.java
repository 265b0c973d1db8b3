package dev.tenantwright.core.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.engine.Stores;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of valid blueprints — unknown keys, wrong types, cycles, dangling references, bad names,
 * malformed expressions, truncated YAML, deep nesting, huge numbers, YAML's own traps — loaded with
 * {@link Blueprint#fromYaml(String, String)}. Each either loads or is refused with a {@link BlueprintException}
 * whose problems name the source and, where the mutation touched one resource, that resource. A share of the
 * ones that load is also handed to an engine, which must start or refuse them the same way, creating nothing.
 */
class BlueprintYamlFuzzTest {

  private static final ObjectMapper YAML = new YAMLMapper();
  /** JSON is YAML too, and a hundred times faster to write: most mutants are written as JSON, some as block YAML. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String WEBSITE = """
      blueprint: website
      vars:
        greeting: Welcome
        domain: null
        limits: {cpu: 2, memory: 512}
      resources:
        admin-password:
          type: secret
          params: {length: 32}
        http-port:
          type: port
        web:
          type: fuzz.thing
          needs: [http-port]
          kinds: [demo, test, live]
          timeout: 5m
          attempts: 3
          data-bearing: true
          params:
            value: "http://localhost:${http-port.port}/ ${vars.greeting} ${secrets.admin-password}"
            size: 3
        health:
          type: http.health-check
          kinds: [demo, live]
          params:
            url: "http://127.0.0.1:${http-port.port}/"
            timeout: 2m
      """;

  private static final String CHAIN = """
      blueprint: chain
      resources:
        a:
          type: fuzz.thing
          params: {value: "first for ${tenant.id} in ${env.name}"}
        b:
          type: fuzz.thing
          params: {value: "after ${a.id}"}
        c:
          type: fuzz.thing
          needs: [b]
          destructive: true
          params: {value: "$${literal}", size: 1}
      """;

  private static final List<String> BASES = List.of(WEBSITE, CHAIN);

  private Path dir;
  private JdbcConnectionPool pool;
  private final FuzzThing thing = new FuzzThing();

  @BeforeEach
  void openStore() throws IOException {
    dir = Files.createTempDirectory("tw-fuzz-yaml");
    pool = JdbcConnectionPool.create("jdbc:h2:async:" + dir.resolve("tenantwright").toAbsolutePath(), "tw", "");
  }

  @AfterEach
  void closeStore() throws IOException {
    pool.dispose();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void everyMutatedBlueprintLoadsOrIsRefusedWithProblemsThatNameItsSourceAndResource() throws Exception {
    Fuzz fuzz = Fuzz.forTest("blueprint YAML", 0.625, 1000);
    Random r = fuzz.random();
    int builds = 0;
    int maxBuilds = Math.max(8, fuzz.cases() / 800);
    int loaded = 0;
    long genNanos = 0;
    long loadNanos = 0;
    long buildNanos = 0;
    Map<String, Long> slow = new LinkedHashMap<>();
    for (int i = 0; i < fuzz.cases(); i++) {
      long t0 = System.nanoTime();
      Mutant m = mutant(r);
      long t1 = System.nanoTime();
      genNanos += t1 - t0;
      String source = "fuzz-" + i + ".yaml";
      Blueprint bp;
      try {
        bp = Blueprint.fromYaml(source, m.yaml);
      } catch (BlueprintException e) {
        long t2 = System.nanoTime();
        loadNanos += t2 - t1;
        if (t2 - t1 > 20_000_000L) {
          slow.merge(m.what.replaceAll("[0-9]+", "N"), (t2 - t1) / 1_000_000, Long::sum);
        }
        String problem = problemsProblem(e, source, m);
        if (problem != null) {
          fuzz.fail(i, m.toString(), problem, e);
        }
        continue;
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        fuzz.fail(i, m.toString(), "refused with " + e.getClass().getName() + " instead of a BlueprintException", e);
        continue;
      }
      long t2 = System.nanoTime();
      loadNanos += t2 - t1;
      if (t2 - t1 > 20_000_000L) {
        slow.merge(m.what.replaceAll("[0-9]+", "N"), (t2 - t1) / 1_000_000, Long::sum);
      }
      loaded++;
      if (builds < maxBuilds && r.nextInt(3) == 0) {
        builds++;
        String problem = buildProblem(bp, source, m, fuzz, i);
        buildNanos += System.nanoTime() - t2;
        if (problem != null) {
          fuzz.fail(i, m.toString(), problem, null);
        }
      }
    }
    System.out.printf("fuzz blueprint YAML: %d of %d loaded, %d handed to an engine; ms generating %d, loading %d, "
        + "building %d; slow: %s%n", loaded, fuzz.cases(), builds, genNanos / 1_000_000, loadNanos / 1_000_000,
        buildNanos / 1_000_000, slow);
    fuzz.assertNoFailures();
  }

  private String buildProblem(Blueprint bp, String source, Mutant m, Fuzz fuzz, int i) throws SQLException {
    Tenantwright tw;
    try {
      tw = Stores.on(pool).resourceType(thing).blueprint(bp).recoverOnStart(false).build();
    } catch (BlueprintException e) {
      return problemsProblem(e, source, m);
    } catch (RuntimeException e) {
      if (Fuzz.isClearError(e)) {
        return null;
      }
      fuzz.fail(i, m.toString(), "the engine refused the blueprint with " + e.getClass().getName(), e);
      return null;
    }
    tw.close(Duration.ZERO);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM tw_tenant) + (SELECT COUNT(*) FROM tw_run) "
            + "+ (SELECT COUNT(*) FROM tw_environment)")) {
      rs.next();
      if (rs.getLong(1) != 0 || !thing.objects.isEmpty()) {
        return "starting an engine with a blueprint created something";
      }
    }
    return null;
  }

  private static String problemsProblem(BlueprintException e, String source, Mutant m) {
    if (e.problems().isEmpty()) {
      return "a BlueprintException without problems";
    }
    for (BlueprintException.Problem p : e.problems()) {
      if (!source.equals(p.source())) {
        return "the problem '" + p + "' does not name the source " + source;
      }
      if (p.message().isBlank()) {
        return "a problem without a message";
      }
    }
    boolean wholeDocument = e.problems().stream().anyMatch(p -> p.resource() == null && p.field() == null);
    if (m.resource != null && !wholeDocument && e.problems().stream().noneMatch(p -> m.resource.equals(p.resource())
        || p.message().contains("'" + m.resource + "'"))) {
      return "no problem names the mutated resource '" + m.resource + "': " + e.getMessage();
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------ mutations

  /** A mutated blueprint: its text, what was done, and the resource the problems must name (or null). */
  private record Mutant(String yaml, String what, String resource) {
    @Override
    public String toString() {
      return what + (resource != null ? " [resource " + resource + "]" : "") + "\n    yaml: " + Fuzz.show(yaml);
    }
  }

  private static Mutant mutant(Random r) throws IOException {
    String base = BASES.get(r.nextInt(BASES.size()));
    if (r.nextInt(4) == 0) {
      return textMutant(base, r);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = JSON.readValue(JSON.writeValueAsBytes(parsed(base)), LinkedHashMap.class);
    List<String> what = new ArrayList<>();
    String resource = null;
    int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
    for (int k = 0; k < n; k++) {
      String named = mutateTree(tree, r, what);
      resource = n == 1 ? named : null;
    }
    String text = r.nextInt(5) == 0 ? YAML.writeValueAsString(tree) : JSON.writeValueAsString(tree);
    return new Mutant(text, String.join("; ", what), resource);
  }

  private static final Map<String, Object> PARSED_WEBSITE = parse(WEBSITE);
  private static final Map<String, Object> PARSED_CHAIN = parse(CHAIN);

  private static Map<String, Object> parsed(String base) {
    return WEBSITE.equals(base) ? PARSED_WEBSITE : PARSED_CHAIN;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String yaml) {
    try {
      return YAML.readValue(yaml, LinkedHashMap.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> resources(Map<String, Object> tree) {
    Object res = tree.get("resources");
    Map<String, Object> fresh = new LinkedHashMap<>();
    if (res instanceof Map<?, ?> m) {
      fresh.putAll((Map<String, Object>) m);
    }
    if (fresh.isEmpty()) {
      fresh.put("x", new LinkedHashMap<>(Map.of("type", "fuzz.thing")));
    }
    tree.put("resources", fresh);
    return fresh;
  }

  /** Mutates the tree in place; returns the resource the problem must name, or null. */
  @SuppressWarnings("unchecked")
  private static String mutateTree(Map<String, Object> tree, Random r, List<String> what) {
    Map<String, Object> resources = resources(tree);
    List<String> names = new ArrayList<>(resources.keySet());
    String name = names.get(r.nextInt(names.size()));
    Object raw = resources.get(name);
    Map<String, Object> res;
    res = new LinkedHashMap<>();
    if (raw instanceof Map<?, ?> m) {
      res.putAll((Map<String, Object>) m);
    }
    resources.put(name, res);
    Object[] odd = {123, -1, 0, 1.5, true, "", " ", List.of(), List.of(1, 2), Map.of(), Map.of("a", List.of()), null,
        new BigInteger("9".repeat(40)), 1e300, "${", "\u0000", BadInput.text(r)};
    switch (r.nextInt(22)) {
      case 0 -> {
        String key = r.nextBoolean() ? "colour" : BadInput.text(r);
        tree.put(key, odd[r.nextInt(odd.length)]);
        what.add("unknown top-level key " + Fuzz.show(key));
        return null;
      }
      case 1 -> {
        String key = r.nextBoolean() ? "replicas" : BadInput.text(r);
        if (List.of("type", "params", "needs", "kinds", "timeout", "attempts", "data-bearing", "destructive")
            .contains(key)) {
          key = key + "x";
        }
        res.put(key, odd[r.nextInt(odd.length)]);
        what.add("unknown key " + Fuzz.show(key) + " in " + name);
        return name;
      }
      case 2, 3 -> {
        String[] fields = {"type", "params", "needs", "kinds", "timeout", "attempts", "data-bearing", "destructive"};
        String field = fields[r.nextInt(fields.length)];
        Object[] wrong = switch (field) {
          case "type" -> new Object[] {123, List.of("a"), Map.of("a", "b"), true, "no.such.type", "", "Fuzz.Thing"};
          case "params" -> new Object[] {"params", List.of(1), 5, true};
          case "needs" -> new Object[] {5, Map.of("a", "b"), List.of(1, 2), List.of(List.of()), List.of(""), true};
          case "kinds" -> new Object[] {"moon", List.of(1), Map.of(), List.of("DEMO", "moon"), List.of(), 7};
          case "timeout" -> new Object[] {30, true, "5 parsecs", "-5s", "0s", "P9999999999999999D", "1e9h", "",
              "PT-1S", "999999999999999999999999h", List.of("5m")};
          case "attempts" -> new Object[] {"three", 0, 101, -1, 1.5, 1e30, new BigInteger("9".repeat(30)), true,
              Long.MAX_VALUE};
          default -> new Object[] {"yes", 1, "true", List.of(true), Map.of()};
        };
        Object v = wrong[r.nextInt(wrong.length)];
        res.put(field, v);
        what.add(name + "." + field + " = " + Fuzz.show(v));
        return name;
      }
      case 4 -> {
        if (names.size() < 2) {
          res.put("needs", List.of(name));
          what.add(name + " needs itself");
          return name;
        }
        String other = names.get((names.indexOf(name) + 1) % names.size());
        res.put("needs", List.of(other));
        Map<String, Object> otherRes = new LinkedHashMap<>();
        if (resources.get(other) instanceof Map<?, ?> om) {
          otherRes.putAll((Map<String, Object>) om);
        }
        otherRes.put("needs", List.of(name));
        resources.put(other, otherRes);
        what.add("cycle " + name + " ⇄ " + other);
        return null;
      }
      case 5 -> {
        res.put("needs", List.of(name));
        what.add(name + " needs itself");
        return name;
      }
      case 6 -> {
        res.put("needs", List.of("ghost"));
        what.add(name + " needs the undeclared 'ghost'");
        return name;
      }
      case 7, 8 -> {
        String[] refs = {"${ghost.id}", "${web.nonexistent}", "${a.nonexistent}", "${vars.undeclared}",
            "${secrets.nope}", "${tenant.nonsense}", "${env.nope}", "${" + name + ".id}", "${http-port.port.x}"};
        String ref = refs[r.nextInt(refs.length)];
        params(res).put("value", "x " + ref);
        what.add(name + ".params.value references " + ref);
        return null;
      }
      case 9 -> {
        String[] bad = {"Bad Name", "1abc", "a".repeat(41), "", "tenant", "env", "vars", "secrets", "-x", "ré",
            "a:b", "a.b", "web\u0000", BadInput.text(r)};
        String newName = bad[r.nextInt(bad.length)];
        Map<String, Object> copy = new LinkedHashMap<>();
        resources.forEach((k, v) -> copy.put(k.equals(name) ? newName : k, v));
        resources.clear();
        resources.putAll(copy);
        what.add("resource " + name + " renamed " + Fuzz.show(newName));
        return null;
      }
      case 10 -> {
        Object[] names2 = {null, 42, "", "Web Site", "a".repeat(100), BadInput.text(r), List.of("x")};
        Object v = names2[r.nextInt(names2.length)];
        if (v == null) {
          tree.remove("blueprint");
        } else {
          tree.put("blueprint", v);
        }
        what.add("blueprint name " + Fuzz.show(v));
        return null;
      }
      case 11 -> {
        String[] exprs = {"${", "${}", "${a.}", "${.b}", "${a.b", "${a.b.c.d}", "${ tenant.id }", "${tenant.id}}",
            "${${vars.greeting}}", "${tenant..id}", "${vars.}", "${secrets.}", "${tenant.attributes.}",
            "$$${", "${\u0000}", "${" + "a".repeat(500) + ".b}", "${tenant.id"};
        String e = exprs[r.nextInt(exprs.length)];
        params(res).put("value", "pre " + e + " post");
        what.add(name + ".params.value = " + Fuzz.show(e));
        return null;
      }
      case 12 -> {
        if (r.nextBoolean()) {
          res.remove("type");
          what.add(name + " without type");
          return name;
        }
        params(res).remove("value");
        what.add(name + " without params.value");
        return null;
      }
      case 13 -> {
        int depth = new int[] {10, 100, 500, 900}[r.nextInt(4)];
        Object v = "leaf";
        for (int d = 0; d < depth; d++) {
          v = r.nextBoolean() ? Map.of("n", v) : List.of(v);
        }
        params(res).put("value", v);
        what.add(name + ".params.value nested " + depth + " deep");
        return null;
      }
      case 14 -> {
        Object[] huge = {new BigInteger("1" + "0".repeat(400)), -0.0, Double.MAX_VALUE, Long.MIN_VALUE,
            new java.math.BigDecimal("1e-400"), Integer.MAX_VALUE + 1L};
        Object v = huge[r.nextInt(huge.length)];
        params(res).put("size", v);
        what.add(name + ".params.size = " + v);
        return null;
      }
      case 15 -> {
        Map<String, Object> vars = new LinkedHashMap<>();
        if (tree.get("vars") instanceof Map<?, ?> vm) {
          vars.putAll((Map<String, Object>) vm);
        }
        String[] varNames = {"1x", "a b", "", "vars", "x".repeat(200), BadInput.text(r), "ok"};
        String vn = varNames[r.nextInt(varNames.length)];
        Object[] values = {"${tenant.id}", Map.of("k", "${x}"), null, List.of(1, List.of(2)), BadInput.text(r)};
        vars.put(vn, values[r.nextInt(values.length)]);
        tree.put("vars", vars);
        what.add("var " + Fuzz.show(vn));
        return null;
      }
      case 16 -> {
        Object[] shapes = {null, Map.of(), List.of("a", "b"), "web", 5};
        Object v = shapes[r.nextInt(shapes.length)];
        tree.put("resources", v);
        what.add("resources = " + Fuzz.show(v));
        return null;
      }
      case 17 -> {
        Map<String, Object> many = new LinkedHashMap<>();
        int count = r.nextInt(10) == 0 ? 200 + r.nextInt(300) : 20 + r.nextInt(60);
        for (int k = 0; k < count; k++) {
          Map<String, Object> def = new LinkedHashMap<>();
          def.put("type", "fuzz.thing");
          def.put("params", Map.of("value", k == 0 ? "root" : "after ${r" + (k - 1) + ".id}"));
          many.put("r" + k, def);
        }
        tree.put("resources", many);
        what.add(count + " chained resources");
        return null;
      }
      case 18 -> {
        tree.put("vars", odd[r.nextInt(odd.length)]);
        what.add("vars replaced");
        return null;
      }
      default -> {
        Object v = odd[r.nextInt(odd.length)];
        params(res).put(r.nextBoolean() ? "value" : BadInput.text(r), v);
        what.add(name + " param of odd value " + Fuzz.show(v));
        return null;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> params(Map<String, Object> res) {
    Object p = res.get("params");
    if (p instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
      res.put("params", copy);
      return copy;
    }
    Map<String, Object> fresh = new LinkedHashMap<>();
    res.put("params", fresh);
    return fresh;
  }

  private static Mutant textMutant(String base, Random r) {
    switch (r.nextInt(9)) {
      case 0 -> {
        int cut = r.nextInt(base.length());
        return new Mutant(base.substring(0, cut), "truncated at " + cut, null);
      }
      case 1, 2 -> {
        StringBuilder sb = new StringBuilder(base);
        int edits = 1 + r.nextInt(4);
        String chars = ":{}[]\"'\t\n-#&*!|>%@`,?\u0000\ufeff\u0085 ";
        for (int k = 0; k < edits; k++) {
          int at = r.nextInt(sb.length());
          switch (r.nextInt(3)) {
            case 0 -> sb.insert(at, chars.charAt(r.nextInt(chars.length())));
            case 1 -> sb.deleteCharAt(at);
            default -> sb.setCharAt(at, chars.charAt(r.nextInt(chars.length())));
          }
        }
        return new Mutant(sb.toString(), edits + " character edits", null);
      }
      case 3 -> {
        String laughs = """
            blueprint: bomb
            vars:
              a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
              b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
              c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
              d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
              e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
              f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
              g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            resources:
              a: {type: fuzz.thing, params: {value: x}}
            """;
        return new Mutant(laughs, "billion laughs (aliases)", null);
      }
      case 4 -> {
        String[] tags = {"!!binary aGVsbG8=", "!!python/object/apply:os.system ['ls']", "!custom {a: b}",
            "!!set {a, b}", "!!omap [a: 1]", "!!java.io.File /etc", "!!float nan", "!!int 0x7fffffffffffffffff",
            "!!timestamp 2001-12-14", "!<tag:yaml.org,2002:str> x"};
        String tag = tags[r.nextInt(tags.length)];
        return new Mutant(base.replace("value: \"first for ${tenant.id} in ${env.name}\"", "value: " + tag)
            .replace("length: 32", "length: " + tag), "tag " + tag, null);
      }
      case 5 -> {
        String[] docs = {"", "~", "---", "--- \n...\n--- \n", "# only a comment", "[a, b]", "just text", "42",
            base + "\n---\n" + base, "? [a, b]\n: c\n", "<<: {blueprint: x}\n", base + "\nresources: {}\n",
            "\ufeff" + base, base.replace("  ", "\t"), "blueprint: x\nresources:\n  a: *missing\n",
            "[".repeat(5000) + "]".repeat(5000), "{a: ".repeat(3000) + "b" + "}".repeat(3000),
            "blueprint: x\nresources:\n  a:\n    type: fuzz.thing\n    params:\n      value: \"" + "v".repeat(200_000) + "\"\n"};
        String d = docs[r.nextInt(docs.length)];
        return new Mutant(d, "special document", null);
      }
      case 6 -> {
        return new Mutant(BadInput.randomCodePoints(r, 1 + r.nextInt(200)), "random code points", null);
      }
      case 7 -> {
        String dup = base.replace("resources:\n", "resources:\n  a:\n    type: fuzz.thing\n    params: {value: 1}\n");
        return new Mutant(dup, "duplicate key", null);
      }
      default -> {
        StringBuilder deep = new StringBuilder("blueprint: deep\nresources:\n  a:\n    type: fuzz.thing\n    params:\n");
        int depth = 20 + r.nextInt(300);
        String indent = "      ";
        deep.append(indent).append("value:\n");
        for (int d = 0; d < depth; d++) {
          indent += "  ";
          deep.append(indent).append("n:\n");
        }
        deep.append(indent).append("  leaf\n");
        return new Mutant(deep.toString(), "block nesting " + depth + " deep", null);
      }
    }
  }
}
