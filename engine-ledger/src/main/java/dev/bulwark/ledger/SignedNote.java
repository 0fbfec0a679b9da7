package dev.bulwark.ledger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/**
 * C2SP signed notes: the text, a blank line, then signature lines {@code "— <name> <base64(key id
 * || signature)>"}. Verification finds the line of the given verifier key (name and id) and checks
 * the Ed25519 signature over the text.
 */
public final class SignedNote {
  private static final String DASH = "\u2014 ";

  private SignedNote() {}

  public static String sign(Checkpoint checkpoint, NoteKey.Signer key) {
    String text = checkpoint.body();
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key.privateKey());
      s.update(text.getBytes(StandardCharsets.UTF_8));
      byte[] sig = s.sign();
      byte[] line = new byte[4 + sig.length];
      System.arraycopy(key.verifier().keyId(), 0, line, 0, 4);
      System.arraycopy(sig, 0, line, 4, sig.length);
      return text
          + "\n"
          + DASH
          + key.name()
          + " "
          + Base64.getEncoder().encodeToString(line)
          + "\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** The outcome of checking a note: the checkpoint it carries, or why it is refused. */
  public sealed interface Result permits Result.Valid, Result.Invalid {
    record Valid(Checkpoint checkpoint) implements Result {}

    record Invalid(String reason) implements Result {}
  }

  public static Result verify(String note, NoteKey.Verifier key) {
    if (note == null || note.length() > 1_000_000) {
      return new Result.Invalid("the note is missing or too large");
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      return new Result.Invalid("not a signed note: no blank line between text and signatures");
    }
    String text = note.substring(0, split + 1);
    String[] sigLines = note.substring(split + 2, note.length() - 1).split("\n", -1);
    boolean sawOurName = false;
    for (String line : sigLines) {
      if (!line.startsWith(DASH)) {
        return new Result.Invalid("malformed signature line");
      }
      String rest = line.substring(DASH.length());
      int space = rest.lastIndexOf(' ');
      if (space <= 0) {
        return new Result.Invalid("malformed signature line");
      }
      String name = rest.substring(0, space);
      byte[] blob;
      try {
        blob = Base64.getDecoder().decode(rest.substring(space + 1));
      } catch (IllegalArgumentException e) {
        return new Result.Invalid("a signature is not base64");
      }
      if (!name.equals(key.name())) {
        continue;
      }
      sawOurName = true;
      if (blob.length != 4 + 64 || !Arrays.equals(Arrays.copyOf(blob, 4), key.keyId())) {
        continue;
      }
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key.jdkKey());
        s.update(text.getBytes(StandardCharsets.UTF_8));
        if (!s.verify(Arrays.copyOfRange(blob, 4, blob.length))) {
          return new Result.Invalid("the signature of " + name + " does not verify");
        }
      } catch (GeneralSecurityException e) {
        return new Result.Invalid("the signature of " + name + " does not verify");
      }
      try {
        return new Result.Valid(Checkpoint.parse(text));
      } catch (IllegalArgumentException e) {
        return new Result.Invalid("signed, but not a checkpoint: " + e.getMessage());
      }
    }
    return new Result.Invalid(
        sawOurName
            ? "no signature by this key id (unknown key)"
            : "no signature by " + key.name() + " (unknown key)");
  }
}
