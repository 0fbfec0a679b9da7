package dev.bulwark.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The API operations a command calls, each as {@code "METHOD /path"} exactly as the OpenAPI
 * document spells it. CliCoverageTest reads these from the command tree: every operation a user
 * drives must be called by some command, and every operation named here must exist.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface Calls {
  String[] value();
}
