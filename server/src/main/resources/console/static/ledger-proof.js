// The inclusion widget: any page shows a ledger entry as
//   <span data-ledger-entry="4812" data-ledger-label="this decision">entry 4812</span>
//   <script type="module" src="/static/ledger-proof.js"></script>   (through page.asset)
// and this module checks, in the browser, that the entry is in the latest signed checkpoint
// (signature, leaf hash, RFC 9162 inclusion proof), then says so in the element:
// "this decision is entry 4,812 of the ledger: verified". It needs the ledger permission
// (auditor, admin); for other readers it says that it could not check.
import { verifyEntry } from "./ledger-verify.js";

async function text(url) {
  const r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  if (r.status === 403) throw new Error("your role may not read the ledger");
  if (!r.ok) throw new Error(url + " answered " + r.status);
  return r.text();
}

let cached = null;
function source() {
  if (cached) return cached;
  const entries = new Map();
  const proof = async (index, size) => {
    const body = JSON.parse(await text("/ledger/data/proof?index=" + index + "&size=" + size));
    entries.set(index, body.entry);
    return body.hashes;
  };
  const note = text("/ledger/data/checkpoint");
  const key = text("/ledger/data/public-key");
  cached = {
    checkpoint: () => note,
    publicKey: () => key,
    proof,
    entry: async (index) => {
      // The proof's answer carries the entry too; this fetch is for an entry asked before it.
      if (!entries.has(index)) {
        const r = JSON.parse(await text("/ledger/data/entries?start=" + index + "&end=" + (index + 1)));
        entries.set(index, r.entries[0]);
      }
      return entries.get(index);
    },
  };
  return cached;
}

// An entry just written (the page after a form) is newer than the signed checkpoint until the
// server signs the next one (ledger.checkpointInterval, 10 s by default): look again a few times,
// with a fresh checkpoint, before leaving it pending.
const RECHECKS = 8;
const RECHECK_MS = 4000;
function recheck(el) {
  const tries = Number(el.dataset.ledgerRechecks || 0);
  if (tries >= RECHECKS) return;
  el.dataset.ledgerRechecks = String(tries + 1);
  setTimeout(() => {
    cached = null;
    checkEntry(el);
  }, RECHECK_MS);
}

// Checks the entry the element names and writes the verdict into it. Once the entry could be
// checked (verified or not), the element gets a "ledger-checked" event whose detail is the entry's
// canonical JSON (the ledger page shows it); the same is returned, or null.
export async function checkEntry(el) {
  const index = Number(el.dataset.ledgerEntry);
  const label = el.dataset.ledgerLabel || "this record";
  const n = index.toLocaleString("en");
  el.textContent = label + " is entry " + n + " of the ledger: checking\u2026";
  try {
    const src = source();
    const r = await verifyEntry(src, index);
    if (r.included) {
      el.textContent = label + " is entry " + n + " of the ledger: verified";
      el.dataset.ledgerResult = "verified";
    } else if (r.pending) {
      el.textContent = label + " is entry " + n + " of the ledger: newer than the last signed checkpoint (" +
        r.size.toLocaleString("en") + "), not yet provable";
      el.dataset.ledgerResult = "pending";
      recheck(el);
    } else {
      el.textContent = label + " is entry " + n + " of the ledger: NOT verified (" + r.reason + ")";
      el.dataset.ledgerResult = "failed";
    }
    if (r.pending) return null;
    const canonical = await src.entry(index);
    el.dispatchEvent(new CustomEvent("ledger-checked", { detail: canonical }));
    return canonical;
  } catch (e) {
    el.textContent = label + " is entry " + n + " of the ledger: could not be checked (" + e.message + ")";
    el.dataset.ledgerResult = "unchecked";
    return null;
  }
}

for (const el of document.querySelectorAll("[data-ledger-entry]")) {
  checkEntry(el);
}
