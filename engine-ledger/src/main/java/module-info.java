/** RFC 9162 Merkle math, signed checkpoints and ledger entries; no I/O. */
module dev.bulwark.ledger {
  requires dev.bulwark.common;
  requires com.fasterxml.jackson.databind;

  exports dev.bulwark.ledger;
}
