package dev.bulwark.cli;

import picocli.CommandLine.Option;

/** The service a command is about, required. */
final class ServiceOption {
  @Option(names = "--service", required = true)
  String service;
}
