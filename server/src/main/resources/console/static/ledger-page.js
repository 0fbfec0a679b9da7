// The ledger page: verifies the whole ledger in the browser and says plainly whether it is
// intact (ledger-verify.js does the checking; this file only fetches and writes the verdict).
import { verifyLedger } from "./ledger-verify.js";
import { checkEntry } from "./ledger-proof.js";

async function text(url) {
  const r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  if (!r.ok) throw new Error(url + " answered " + r.status);
  return r.text();
}

function put(dl, label, value) {
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.textContent = value;
  dl.append(dt, dd);
}

async function run(section) {
  const verdict = section.querySelector(".verdict");
  const details = section.querySelector(".details");
  const page = Number(section.dataset.page) || 10000;
  const source = {
    pageSize: page,
    checkpoint: () => text(section.dataset.checkpoint),
    publicKey: () => text(section.dataset.publicKey),
    entries: async (start, end) => {
      const body = JSON.parse(await text(section.dataset.entries + "?start=" + start + "&end=" + end));
      return body.entries;
    },
  };
  verdict.textContent = "Checking the ledger in your browser\u2026";
  verdict.className = "verdict";
  const started = performance.now();
  try {
    const r = await verifyLedger(source, (done, total) => {
      verdict.textContent = "Checking the ledger in your browser: " + done.toLocaleString("en") +
        " of " + total.toLocaleString("en") + " entries\u2026";
    });
    const ms = Math.round(performance.now() - started);
    section.dataset.result = r.intact ? "intact" : "broken";
    section.dataset.millis = String(ms);
    if (r.intact) {
      verdict.textContent = "The ledger is intact: all " + r.size.toLocaleString("en") +
        " entries hash to the root the server signed, and the signature verifies.";
      verdict.className = "verdict ok";
    } else {
      verdict.textContent = "The ledger is BROKEN: " + r.reason +
        (r.firstBadIndex >= 0 ? " (first bad entry: " + r.firstBadIndex.toLocaleString("en") + ")" : "") + ".";
      verdict.className = "verdict bad";
    }
    details.replaceChildren();
    put(details, "Signed tree size", r.size.toLocaleString("en"));
    put(details, "Origin", r.origin);
    if (r.root) put(details, "Root computed here", r.root);
    if (r.key) put(details, "Public key", r.key);
    put(details, "Checked in", ms + " ms");
  } catch (e) {
    section.dataset.result = "broken";
    verdict.textContent = "The ledger could not be verified: " + e.message + ".";
    verdict.className = "verdict bad";
  }
}

const section = document.getElementById("ledger-verify");
if (section) run(section);

const entry = new URLSearchParams(location.search).get("entry");
const target = document.getElementById("entry-result");
if (entry !== null && target && /^[0-9]{1,15}$/.test(entry)) {
  document.getElementById("entry").value = entry;
  target.dataset.ledgerEntry = entry;
  target.addEventListener("ledger-checked", (e) => {
    const canonical = e.detail;
    // What the entry says, as hashed: its action, subject, actor and the digests of the state
    // before and after. Shown as text; whether it is genuine is the verdict above.
    const shown = document.getElementById("entry-content");
    if (canonical && shown) {
      let pretty = canonical;
      try {
        pretty = JSON.stringify(JSON.parse(canonical), null, 2);
      } catch (err) {
        // Not JSON: the verdict already says the entry is wrong; show it as it came.
      }
      shown.textContent = pretty;
      shown.hidden = false;
    }
  });
  checkEntry(target);
}
