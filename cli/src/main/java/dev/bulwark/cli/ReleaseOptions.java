package dev.bulwark.cli;

import picocli.CommandLine.Option;

/** The release a command is about: the service and the version, both required. */
final class ReleaseOptions {
  @Option(names = "--service", required = true)
  String service;

  @Option(names = "--version", required = true, paramLabel = "VERSION")
  String version;
}
