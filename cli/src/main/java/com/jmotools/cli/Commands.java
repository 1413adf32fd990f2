package com.jmotools.cli;

import com.jmotools.cli.internal.ExitCodes;
import com.jmotools.cli.internal.UserError;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Builds the picocli command lines of jmo and jmotools: the environment injected, errors as one
 * line.
 */
final class Commands {

  private Commands() {}

  /**
   * Gives every subcommand the root's version provider, so {@code --version} prints the version
   * everywhere.
   */
  static void inheritVersion(CommandLine cl, CommandLine.IVersionProvider provider) {
    if (cl.getCommandSpec().versionProvider() == null) {
      cl.getCommandSpec().versionProvider(provider);
    }
    cl.getSubcommands().values().forEach(sub -> inheritVersion(sub, provider));
  }

  /**
   * Runs {@code cl} with {@code args}. What picocli's handlers do not catch (an {@link Error} such
   * as running out of memory, or an exception thrown by a handler) ends as one line on stderr and
   * {@link ExitCodes#ERROR}, never a stack trace.
   */
  static int execute(CommandLine cl, String... args) {
    try {
      return cl.execute(args);
    } catch (RuntimeException | Error e) {
      PrintWriter err = cl.getErr();
      err.println(cl.getCommandSpec().name() + ": unexpected error: " + describe(e));
      err.flush();
      return ExitCodes.ERROR;
    }
  }

  /** A throwable in words for a person: its message, or what kind of failure it is. */
  private static String describe(Throwable e) {
    if (e instanceof OutOfMemoryError) {
      return "out of memory (" + oneLine(e.getMessage()) + ")";
    }
    if (e instanceof StackOverflowError) {
      return "stack overflow";
    }
    return e.getMessage() == null || e.getMessage().isBlank()
        ? "no detail available"
        : oneLine(e.getMessage());
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }

  static CommandLine commandLine(Object root, CliEnvironment env) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            try {
              Constructor<K> c = cls.getDeclaredConstructor(CliEnvironment.class);
              c.setAccessible(true);
              return c.newInstance(env);
            } catch (NoSuchMethodException e) {
              return defaults.create(cls);
            }
          }
        };
    CommandLine cl = new CommandLine(root, factory);
    // `jmo generate-completion` prints a bash/zsh completion script (picocli generates it)
    cl.addSubcommand("generate-completion", new picocli.AutoComplete.GenerateCompletion());
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    cl.getSubcommands()
        .get("generate-completion")
        .getCommandSpec()
        .versionProvider(new Version()); // not picocli's
    inheritVersion(cl, cl.getCommandSpec().versionProvider());
    cl.setOut(
        new PrintWriter(new java.io.OutputStreamWriter(env.out(), StandardCharsets.UTF_8), true));
    cl.setErr(
        new PrintWriter(new java.io.OutputStreamWriter(env.err(), StandardCharsets.UTF_8), true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter err = c.getErr();
          err.println(
              c.getCommandSpec().qualifiedName()
                  + ": "
                  + ex.getMessage().replaceAll("\\s+", " ").trim()
                  + " (see "
                  + c.getCommandSpec().qualifiedName()
                  + " --help)");
          err.flush();
          return ExitCodes.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          PrintWriter err = c.getErr();
          String name = c.getCommandSpec().root().name();
          if (ex instanceof UserError userError) {
            err.println(name + ": " + ex.getMessage());
            err.flush();
            return userError.exitCode();
          }
          if (ex instanceof InterruptedException) {
            err.println(name + ": interrupted");
            err.flush();
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
          }
          // a person reads this: the message, never an exception's class name
          String message =
              ex.getMessage() == null || ex.getMessage().isBlank()
                  ? "no detail available"
                  : ex.getMessage();
          err.println(name + ": unexpected error: " + message.replaceAll("\\s+", " ").trim());
          err.flush();
          return ExitCodes.ERROR;
        });
    return cl;
  }
}
