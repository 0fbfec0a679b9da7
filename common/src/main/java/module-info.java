/** The few helpers every Bulwark module shares. */
module dev.bulwark.common {
  exports dev.bulwark.common;
}
