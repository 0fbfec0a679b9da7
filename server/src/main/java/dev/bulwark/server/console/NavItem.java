package dev.bulwark.server.console;

/** One entry of the console's navigation, as the layout shows it. */
public record NavItem(String label, String path, boolean current) {}
