// Verifies the Bulwark ledger in the browser, trusting nothing the server concludes: it fetches
// the signed checkpoint, the verifier key and the entries' canonical bytes, and itself
//  - checks the key id (SHA-256(name || "\n" || 0x01 || key), first 4 bytes, C2SP signed note),
//  - checks the checkpoint's Ed25519 signature over the note text with WebCrypto,
//  - hashes every entry as an RFC 9162 leaf, SHA-256(0x00 || UTF-8 bytes of the canonical JSON),
//  - folds the leaves into the RFC 9162 Merkle tree hash, SHA-256(0x01 || left || right), and
//    compares the root of the checkpoint's size with the signed one,
//  - checks that entry i says it is entry i.
// Written here rather than vendored: WebCrypto gives SHA-256 and Ed25519; what is left is the
// tree, the note format and the proof check of RFC 9162, a few dozen lines each, tested in
// Chromium against the Java implementation (engine-ledger) as the oracle.

const enc = new TextEncoder();

export function hex(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += b.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(s) {
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error("not hex: " + s.slice(0, 80));
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

function fromBase64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function leafHash(canonical) {
  const b = enc.encode(canonical);
  const m = new Uint8Array(b.length + 1);
  m.set(b, 1);
  return sha256(m);
}

export async function nodeHash(left, right) {
  const m = new Uint8Array(65);
  m[0] = 1;
  m.set(left, 1);
  m.set(right, 33);
  return sha256(m);
}

/**
 * The RFC 9162 tree hash of the leaves, level by level: pairs are hashed, an odd last node moves
 * up unchanged, which is the same tree as RFC 9162's split at the largest power of two below n.
 * Each level's hashes run concurrently (WebCrypto is asynchronous).
 */
export async function merkleRoot(leaves) {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  let level = leaves;
  while (level.length > 1) {
    const pairs = [];
    for (let i = 0; i + 1 < level.length; i += 2) pairs.push(nodeHash(level[i], level[i + 1]));
    const next = await Promise.all(pairs);
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** RFC 9162 section 2.1.3.2: does the audit path lead from the leaf to the root? */
export async function verifyInclusion(leaf, index, size, proof, root) {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== 32) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** A C2SP verifier key, name+hexid+base64(0x01 || key); the id is checked against the key. */
export async function parseVerifierKey(text) {
  const s = text.trim();
  const mid = s.indexOf("+");
  const last = mid < 0 ? -1 : s.indexOf("+", mid + 1);
  if (mid <= 0 || last < 0) throw new Error("the public key is not name+keyid+key");
  const name = s.slice(0, mid);
  const id = fromHex(s.slice(mid + 1, last));
  const typed = fromBase64(s.slice(last + 1));
  if (id.length !== 4 || typed.length !== 33 || typed[0] !== 1) {
    throw new Error("the public key is not an Ed25519 verifier key");
  }
  const digest = await sha256(concat(enc.encode(name + "\n"), typed));
  if (!equal(digest.slice(0, 4), id)) throw new Error("the key id does not match the key");
  const key = await crypto.subtle.importKey(
    "raw",
    typed.slice(1),
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  return { name, id, key, encoded: s };
}

/**
 * Verifies a signed note with the key and returns its checkpoint {origin, size, root}; throws with
 * the reason otherwise.
 */
export async function verifyCheckpoint(note, verifier) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) throw new Error("the checkpoint is not a signed note");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, note.length - 1).split("\n");
  let signed = false;
  for (const line of lines) {
    if (!line.startsWith("\u2014 ")) throw new Error("malformed signature line");
    const rest = line.slice(2);
    const space = rest.lastIndexOf(" ");
    if (rest.slice(0, space) !== verifier.name) continue;
    const blob = fromBase64(rest.slice(space + 1));
    if (blob.length !== 68 || !equal(blob.slice(0, 4), verifier.id)) continue;
    signed = await crypto.subtle.verify(
      { name: "Ed25519" },
      verifier.key,
      blob.slice(4),
      enc.encode(text),
    );
    if (!signed) throw new Error("the checkpoint's signature does not verify");
    break;
  }
  if (!signed) throw new Error("the checkpoint carries no signature by " + verifier.name);
  const body = text.split("\n");
  const size = Number(body[1]);
  if (!/^(0|[1-9][0-9]*)$/.test(body[1]) || !Number.isSafeInteger(size)) {
    throw new Error("the checkpoint's size line is not a number");
  }
  const root = fromBase64(body[2]);
  if (root.length !== 32) throw new Error("the checkpoint's root is not 32 bytes");
  return { origin: body[0], size, root };
}

/** The value of "index" in canonical entry JSON (between "before" and "requestId"). */
function claimedIndex(canonical) {
  const m = /,"index":([0-9]{1,15}),"requestId":/.exec(canonical);
  return m ? Number(m[1]) : -1;
}

/**
 * Verifies the whole ledger up to the signed checkpoint. {@code source} fetches: checkpoint() the
 * note text, publicKey() the key text, entries(start, end) the canonical strings of [start, end).
 * Returns {intact, size, checked, reason, firstBadIndex, root}.
 */
export async function verifyLedger(source, progress = () => {}) {
  const verifier = await parseVerifierKey(await source.publicKey());
  const cp = await verifyCheckpoint(await source.checkpoint(), verifier);
  const page = source.pageSize || 10000;
  const leaves = [];
  let firstBad = -1;
  let reason = null;
  for (let start = 0; start < cp.size; start += page) {
    const end = Math.min(cp.size, start + page);
    const canon = await source.entries(start, end);
    if (canon.length !== end - start) {
      return broken(cp, start + canon.length, "entries from " + (start + canon.length) + " are missing");
    }
    const hashed = await Promise.all(canon.map(leafHash));
    for (let i = 0; i < canon.length; i++) {
      if (firstBad < 0 && claimedIndex(canon[i]) !== start + i) {
        firstBad = start + i;
        reason = "entry " + (start + i) + " does not say it is entry " + (start + i);
      }
      leaves.push(hashed[i]);
    }
    progress(end, cp.size);
  }
  const root = await merkleRoot(leaves);
  if (!equal(root, cp.root)) {
    return broken(
      cp,
      firstBad,
      reason ||
        "the entries do not hash to the signed root of size " + cp.size + ": an entry was changed",
      hex(root),
    );
  }
  if (firstBad >= 0) return broken(cp, firstBad, reason, hex(root));
  return { intact: true, size: cp.size, origin: cp.origin, root: hex(root), key: verifier.encoded };
}

function broken(cp, firstBad, reason, root = null) {
  return { intact: false, size: cp.size, origin: cp.origin, firstBadIndex: firstBad, reason, root };
}

/**
 * Checks that entry {@code index} is in the signed checkpoint: the signature, the leaf of the
 * entry's canonical bytes and its inclusion proof. {@code source} adds entry(index) (canonical
 * text) and proof(index, size) (hex hashes).
 */
export async function verifyEntry(source, index) {
  const verifier = await parseVerifierKey(await source.publicKey());
  const cp = await verifyCheckpoint(await source.checkpoint(), verifier);
  if (index >= cp.size) {
    return { included: false, pending: true, index, size: cp.size };
  }
  const canonical = await source.entry(index);
  if (claimedIndex(canonical) !== index) {
    return { included: false, index, size: cp.size, reason: "the entry says it is another" };
  }
  const proof = (await source.proof(index, cp.size)).map(fromHex);
  const ok = await verifyInclusion(await leafHash(canonical), index, cp.size, proof, cp.root);
  return { included: ok, index, size: cp.size, reason: ok ? null : "the proof does not verify" };
}
