package dev.bulwark.server.db;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory and everything in it are its owner's only: directories 0700, files 0600. Java
 * cannot set the process umask, so files that other code creates (SQLite's backups, a copied
 * restore) are narrowed right after; the 0700 directory keeps them from other users meanwhile.
 * Without POSIX permissions (Windows) these calls do nothing.
 */
public final class PrivateFiles {
  public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  private static boolean posix(Path p) throws IOException {
    Path existing = p.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
  }

  /**
   * Refuses a key file that anyone but its owner may read or write (where the file system has POSIX
   * permissions): a secret kept beside the data is only as private as its mode.
   */
  public static void requireOwnerOnly(Path file, String what) throws IOException {
    if (!Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
      return;
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
    for (PosixFilePermission bad :
        java.util.List.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE)) {
      if (p.contains(bad)) {
        throw new dev.bulwark.server.config.ConfigException(
            what
                + " "
                + file
                + " is accessible by others ("
                + PosixFilePermissions.toString(p)
                + "); chmod 600 it");
      }
    }
  }

  /** Creates {@code dir} (and missing parents) if needed, and makes it 0700. */
  public static void directory(Path dir) throws IOException {
    boolean posix = posix(dir);
    if (!Files.isDirectory(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        if (posix) {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
        } else {
          Files.createDirectory(dir);
        }
      } catch (FileAlreadyExistsException e) {
        // created meanwhile by another process; narrowed below
      }
    }
    if (posix) {
      Files.setPosixFilePermissions(dir, DIR);
    }
  }

  /** Creates an empty file with mode 0600 unless it exists; then makes it 0600 either way. */
  public static void file(Path file) throws IOException {
    boolean posix = posix(file);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      FileAttribute<?>[] attrs =
          posix
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
              : new FileAttribute<?>[0];
      try {
        Files.createFile(file, attrs);
      } catch (FileAlreadyExistsException e) {
        // created meanwhile; narrowed below
      }
    }
    restrict(file);
  }

  /** Makes an existing file 0600 (a missing one is left missing). */
  public static void restrict(Path file) throws IOException {
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && posix(file)) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }

  /**
   * Makes {@code root} 0700 and Bulwark's own entries in it private: directories 0700, files 0600.
   * What a start does, so that files from an older version or a careless copy become private. Only
   * Bulwark's names are touched ({@code bulwark.*}, {@code *.key}, {@code osv-cache}, {@code
   * backup-tmp}), so a data directory pointed at a directory with other files in it (the current
   * one, say) does not have them changed. Symbolic links are not followed.
   */
  public static void tree(Path root) throws IOException {
    directory(root);
    if (!posix(root)) {
      return;
    }
    List<Path> own;
    try (Stream<Path> entries = Files.list(root)) {
      own = entries.filter(p -> ours(p.getFileName().toString())).toList();
    }
    for (Path entry : own) {
      walk(entry);
    }
  }

  private static boolean ours(String name) {
    return name.startsWith("bulwark.")
        || name.endsWith(".key")
        || name.equals("osv-cache")
        || name.equals("backup-tmp");
  }

  private static void walk(Path start) throws IOException {
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.setPosixFilePermissions(dir, DIR);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              Files.setPosixFilePermissions(file, FILE);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            // A file removed while we walk (a finished backup) is no longer our concern.
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
