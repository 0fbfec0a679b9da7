package dev.bulwark.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedNoteTest {
  static final NoteKey.Signer KEY = NoteKey.generate("bulwark.example/ledger");

  @Test
  void aSignedCheckpointVerifiesAndCarriesItsFields() {
    Checkpoint cp = new Checkpoint("bulwark.example/ledger", 42, Hashes.leaf(new byte[] {1}));
    String note = SignedNote.sign(cp, KEY);
    assertThat(note)
        .startsWith("bulwark.example/ledger\n42\n")
        .contains("\n\n\u2014 bulwark.example/ledger ")
        .endsWith("\n");
    SignedNote.Result r = SignedNote.verify(note, KEY.verifier());
    assertThat(r).isEqualTo(new SignedNote.Result.Valid(cp));
    NoteKey.Verifier parsed = NoteKey.Verifier.parse(KEY.verifier().encoded());
    assertThat(SignedNote.verify(note, parsed)).isInstanceOf(SignedNote.Result.Valid.class);
  }

  @Test
  void tamperedNotesAndOtherKeysAreRefused() {
    String note =
        SignedNote.sign(new Checkpoint("bulwark.example/ledger", 7, Hashes.leaf(new byte[0])), KEY);
    assertThat(SignedNote.verify(note.replace("\n7\n", "\n8\n"), KEY.verifier()))
        .isInstanceOf(SignedNote.Result.Invalid.class);
    NoteKey.Signer other = NoteKey.generate("bulwark.example/ledger");
    SignedNote.Result unknown = SignedNote.verify(note, other.verifier());
    assertThat(unknown).isInstanceOf(SignedNote.Result.Invalid.class);
    assertThat(((SignedNote.Result.Invalid) unknown).reason()).contains("unknown key");
    NoteKey.Signer renamed = NoteKey.generate("someone.else");
    assertThat(((SignedNote.Result.Invalid) SignedNote.verify(note, renamed.verifier())).reason())
        .contains("unknown key");
    assertThat(SignedNote.verify("garbage", KEY.verifier()))
        .isInstanceOf(SignedNote.Result.Invalid.class);
    assertThat(SignedNote.verify(note.substring(0, note.length() - 10), KEY.verifier()))
        .isInstanceOf(SignedNote.Result.Invalid.class);
    assertThat(SignedNote.verify(note.replace("\u2014", "-"), KEY.verifier()))
        .isInstanceOf(SignedNote.Result.Invalid.class);
  }

  @org.junit.jupiter.api.RepeatedTest(50)
  void verifierKeysRoundTripWhateverTheirBase64Holds() {
    NoteKey.Signer k = NoteKey.generate("bulwark.example/ledger");
    assertThat(NoteKey.Verifier.parse(k.verifier().encoded()).encoded())
        .isEqualTo(k.verifier().encoded());
  }

  @Test
  void verifierKeysCheckTheirOwnId() {
    String enc = KEY.verifier().encoded();
    assertThat(enc).startsWith("bulwark.example/ledger+");
    int first = enc.indexOf('+');
    String wrongId = enc.substring(0, first) + "+00000000+" + enc.substring(first + 10);
    assertThatThrownBy(() -> NoteKey.Verifier.parse(wrongId)).hasMessageContaining("key id");
    assertThatThrownBy(() -> NoteKey.Verifier.parse("nonsense"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void entriesAreCanonicalJson() {
    LedgerEntry e =
        new LedgerEntry(
            3,
            Instant.parse("2026-11-27T10:00:00Z"),
            "token:tok_a",
            "service.update",
            Map.of("kind", "service", "id", "checkout", "team", "shop"),
            "req-1",
            "sha256:aa",
            null);
    String json = new String(e.canonicalBytes(), java.nio.charset.StandardCharsets.UTF_8);
    // RFC 8785: keys sorted, no white space, nulls kept.
    assertThat(json)
        .isEqualTo(
            "{\"action\":\"service.update\",\"actor\":\"token:tok_a\",\"after\":null,\"before\":\"sha256:aa\",\"index\":3,\"requestId\":\"req-1\",\"subject\":{\"id\":\"checkout\",\"kind\":\"service\",\"team\":\"shop\"},\"time\":\"2026-11-27T10:00:00Z\"}");
    assertThat(LedgerEntry.parse(e.canonicalBytes())).isEqualTo(e);
    assertThatThrownBy(() -> LedgerEntry.parse("{}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
