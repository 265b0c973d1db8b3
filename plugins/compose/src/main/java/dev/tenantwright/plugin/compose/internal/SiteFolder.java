package dev.tenantwright.plugin.compose.internal;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One site's folder: {@code <root>/<project>/compose.yaml} and {@code .env}, written atomically.
 *
 * <p>Every file is written to a {@code *.tmp} sibling, flushed to disk, renamed over the target in one atomic
 * step and the folder flushed, so Compose never reads half a file and a crash leaves either the old or the
 * new version. The {@code .env} is created with mode 0600 from the start, never widened afterwards. I/O
 * failures are retryable (a full disk may clear). Immutable; not safe for two writers on one folder, which the
 * engine rules out (one active run per environment).
 */
public final class SiteFolder {

  /** The secrets file's name. */
  public static final String ENV_FILE = ".env";

  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-x---");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Path dir;

  /** The folder of {@code project} below {@code root}; the name must already be validated. */
  public SiteFolder(Path root, String project) {
    this.dir = root.resolve(project).toAbsolutePath().normalize();
    if (!dir.getParent().equals(root.toAbsolutePath().normalize())) {
      throw new PermanentException("compose project name " + project + " does not name a folder directly below " + root);
    }
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** The compose file. */
  public Path composeFile() {
    return dir.resolve(ComposeFile.FILE_NAME);
  }

  /** Whether the folder exists. */
  public boolean exists() {
    return Files.isDirectory(dir);
  }

  /** Whether the folder holds nothing but leftover temporary files (or does not exist). */
  public boolean isEmpty() {
    if (!exists()) {
      return true;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.allMatch(p -> p.getFileName().toString().endsWith(".tmp"));
    } catch (IOException e) {
      throw io("cannot list", dir, e);
    }
  }

  /** The ownership marker of the compose file in the folder, if there is a readable one. */
  public Optional<String> owner() {
    Path file = composeFile();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return ComposeFile.ownerOf(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw io("cannot read", file, e);
    }
  }

  /** Writes the compose file and the {@code .env} (mode 0600), creating the folder (mode 0750) if needed. */
  public void write(String composeYaml, String env) {
    try {
      if (!exists()) {
        Files.createDirectories(dir.getParent());
        try {
          Files.createDirectory(dir, attributes(FOLDER));
        } catch (FileAlreadyExistsException e) {
          // a concurrent create of the same folder: fine, the files below are replaced atomically
        }
      }
    } catch (IOException e) {
      throw io("cannot create", dir, e);
    }
    writeAtomically(dir.resolve(ENV_FILE), env, PRIVATE);
    writeAtomically(composeFile(), composeYaml, READABLE);
  }

  /** Deletes the folder and everything in it; a missing folder is fine. */
  public void remove() {
    if (!exists()) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw io("cannot remove", dir, e);
    }
  }

  /**
   * Moves the folder to {@code archiveRoot/<project>-<UTC timestamp>} after deleting its {@code .env}, so no
   * secret outlives the site; a missing folder is fine.
   *
   * @return where it went, or empty when there was nothing to archive
   */
  public Optional<Path> archive(Path archiveRoot, Clock clock) {
    if (!exists()) {
      return Optional.empty();
    }
    try {
      Files.deleteIfExists(dir.resolve(ENV_FILE));
      Files.deleteIfExists(dir.resolve(ENV_FILE + ".tmp"));
      Files.createDirectories(archiveRoot);
      Path target = archiveRoot.resolve(dir.getFileName() + "-" + STAMP.format(clock.instant()));
      int n = 1;
      while (Files.exists(target)) {
        target = archiveRoot.resolve(dir.getFileName() + "-" + STAMP.format(clock.instant()) + "-" + n++);
      }
      Files.move(dir, target);
      return Optional.of(target);
    } catch (IOException e) {
      throw io("cannot archive", dir, e);
    }
  }

  /** Writes {@code text} to {@code target} through a temporary sibling, fsync and an atomic rename. */
  static void writeAtomically(Path target, String text, Set<PosixFilePermission> mode) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          attributes(mode))) {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncFolder(target.getParent());
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original failure is the one worth reporting
      }
      throw io("cannot write", target, e);
    }
  }

  private static void syncFolder(Path folder) {
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some file systems cannot open or sync a directory; the rename itself is still atomic there.
    }
  }

  private static FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
    boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
  }

  private static RuntimeException io(String what, Path path, IOException e) {
    if (e instanceof NoSuchFileException || e instanceof java.nio.file.AccessDeniedException) {
      return new PermanentException(what + " " + path + ": " + e, e);
    }
    return new RetryableException(what + " " + path + ": " + e, null, false, e);
  }
}
