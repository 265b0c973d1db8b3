package dev.tenantwright.testkit.journal;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A backend that keeps its objects as files in a directory, so that it lives outside the process that provisions
 * it: a host killed with SIGKILL leaves them exactly as they were. {@code disk.object} creates a file named after the
 * resource (atomically, with its ownership marker inside), reads it, and deletes it; every create and delete that
 * changed something is appended to {@code ledger.log}, so a test can tell whether an object was ever created twice.
 * A spec with {@code fail: true} is refused for good (a run that must roll back).
 */
final class DiskObjects {

  /** The spec. */
  record Spec(String value, @Nullable Boolean fail) {}

  /** The outputs. */
  record Out(String name, String value) {}

  private final Path dir;
  private final Path ledger;

  DiskObjects(Path dir) {
    this.dir = dir;
    this.ledger = dir.resolve("ledger.log");
    try {
      Files.createDirectories(dir.resolve("objects"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ResourceType<Spec, Out> type() {
    return new ResourceType<>() {
      @Override
      public String type() {
        return "disk.object";
      }

      @Override
      public Class<Spec> specType() {
        return Spec.class;
      }

      @Override
      public Class<Out> outputType() {
        return Out.class;
      }

      @Override
      public CreateResult<Out> create(Spec spec, StepContext ctx) {
        if (Boolean.TRUE.equals(spec.fail())) {
          throw new PermanentException("disk: refused " + ctx.resourceName());
        }
        String name = ctx.resourceName();
        Path file = object(name);
        Optional<String[]> existing = readFile(file);
        if (existing.isPresent()) {
          return found(existing.get(), name, ctx);
        }
        try {
          Path tmp = dir.resolve("objects").resolve(".tmp-" + UUID.randomUUID());
          Files.writeString(tmp, ctx.ownershipMarker() + "\n" + spec.value(), StandardCharsets.UTF_8);
          try {
            Files.createLink(file, tmp);
          } catch (FileAlreadyExistsException raced) {
            Files.deleteIfExists(tmp);
            return found(readFile(file).orElseThrow(), name, ctx);
          }
          Files.deleteIfExists(tmp);
          append("create " + name);
          return CreateResult.created(new Out(name, spec.value()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
        return readFile(object(ctx.resourceName())).map(f -> new Out(ctx.resourceName(), f[1]));
      }

      @Override
      public void delete(Spec spec, Out outputs, StepContext ctx) {
        try {
          if (Files.deleteIfExists(object(ctx.resourceName()))) {
            append("delete " + ctx.resourceName());
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  private static CreateResult<Out> found(String[] content, String name, StepContext ctx) {
    if (ctx.isOurs(content[0])) {
      return CreateResult.created(new Out(name, content[1]));
    }
    if (ctx.belongsHere(content[0])) {
      return CreateResult.adopted(new Out(name, content[1]));
    }
    throw new PermanentException("disk: " + name + " belongs to someone else");
  }

  private Path object(String name) {
    return dir.resolve("objects").resolve(name);
  }

  private static Optional<String[]> readFile(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      int nl = s.indexOf('\n');
      return Optional.of(new String[] {s.substring(0, nl), s.substring(nl + 1)});
    } catch (java.nio.file.NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One small append per line (O_APPEND), so lines from concurrent writers never interleave. */
  private synchronized void append(String line) throws IOException {
    try (FileChannel ch = FileChannel.open(ledger, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** The objects that exist now, by name. */
  Set<String> names() {
    try (Stream<Path> files = Files.list(dir.resolve("objects"))) {
      Set<String> out = new HashSet<>();
      files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".tmp-")).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names that were created while an object of that name already existed (never deleted in between). */
  List<String> createdTwice() {
    List<String> twice = new ArrayList<>();
    Set<String> live = new HashSet<>();
    try {
      if (!Files.exists(ledger)) {
        return twice;
      }
      for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
        if (line.startsWith("create ")) {
          if (!live.add(line.substring(7))) {
            twice.add(line.substring(7));
          }
        } else if (line.startsWith("delete ")) {
          live.remove(line.substring(7));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return twice;
  }

  /** How many objects were created (each create that made a file). */
  long creations() {
    try {
      return Files.exists(ledger) ? Files.readAllLines(ledger).stream().filter(l -> l.startsWith("create ")).count() : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
