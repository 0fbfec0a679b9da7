package dev.bulwark.server.console;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** What a page answers: a rendered template, a redirect, or a file to download. */
public sealed interface View {
  /**
   * A jte template under {@code server/src/main/jte/} (such as {@code "catalog/services.jte"})
   * rendered with two parameters: {@code page}, the {@link PageContext}, and {@code model}, the
   * page's own record. Output is HTML-escaped unless a template says otherwise.
   */
  record Template(String name, Object model, int status) implements View {
    public Template {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(model, "model");
      if (!name.endsWith(".jte") || name.startsWith("/") || name.contains("..")) {
        throw new IllegalArgumentException("a template is a relative path ending .jte: " + name);
      }
      if (status < 200 || status > 599) {
        throw new IllegalArgumentException("status " + status);
      }
    }
  }

  /** 303 See Other to a path of this server (never another site: no open redirect). */
  record Redirect(String location) implements View {
    public Redirect {
      Objects.requireNonNull(location, "location");
      if (!PageCall.isLocalPath(location)) {
        throw new IllegalArgumentException("a redirect goes to a path of this server: " + location);
      }
    }
  }

  /** A file the browser saves ({@code Content-Disposition: attachment}), such as a CSV export. */
  record Download(String fileName, String contentType, byte[] body) implements View {
    public Download {
      Objects.requireNonNull(fileName, "fileName");
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      if (!fileName.matches("[A-Za-z0-9._-]{1,100}")) {
        throw new IllegalArgumentException("a download's file name is [A-Za-z0-9._-]: " + fileName);
      }
    }
  }

  /**
   * Bytes as they are, with their content type and cache policy: static assets, or a fragment a
   * page's script fetches. Not for HTML (that goes through a template, escaped).
   */
  record Raw(String contentType, byte[] body, String cacheControl) implements View {
    public Raw {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(cacheControl, "cacheControl");
      if (contentType.startsWith("text/html")) {
        throw new IllegalArgumentException("HTML is rendered from a template, escaped");
      }
    }
  }

  static View page(String template, Object model) {
    return new Template(template, model, 200);
  }

  static View page(String template, Object model, int status) {
    return new Template(template, model, status);
  }

  static View redirect(String location) {
    return new Redirect(location);
  }

  static View download(String fileName, String contentType, byte[] body) {
    return new Download(fileName, contentType, body);
  }

  static View download(String fileName, String contentType, String body) {
    return new Download(fileName, contentType, body.getBytes(StandardCharsets.UTF_8));
  }
}
