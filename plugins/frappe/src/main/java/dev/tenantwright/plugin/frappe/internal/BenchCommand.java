package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.spi.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code bench} invocation, independent of where bench runs: its arguments (plain or secret, in order), a
 * short description for messages, whether it changes the site, and the site whose lock it holds on the bench host.
 *
 * <p>A {@link Transport} turns it into a {@link dev.tenantwright.spi.Command}. Secret arguments carry a label
 * (e.g. "the Administrator password") so that a transport can name one it cannot carry without revealing it.
 * Immutable.
 */
public final class BenchCommand {

  /** A secret argument with a label that names it in messages. */
  public record SecretArg(String label, Secret value) {
    /** Validates presence. */
    public SecretArg {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(value, "value");
    }
  }

  private final String what;
  private final List<Object> args;
  private final boolean mutating;
  private final String lockedSite;

  private BenchCommand(String what, List<Object> args, boolean mutating, String lockedSite) {
    this.what = what;
    this.args = List.copyOf(args);
    this.mutating = mutating;
    this.lockedSite = lockedSite;
  }

  /** Starts a command described as {@code what} in messages, e.g. {@code "install-app erpnext on a.example"}. */
  public static Builder builder(String what) {
    return new Builder(what);
  }

  /** The description used in messages. */
  public String what() {
    return what;
  }

  /** The arguments after {@code bench}: each a {@link String} or a {@link SecretArg}. */
  public List<Object> args() {
    return args;
  }

  /** The plain arguments with every secret replaced by {@link Secret#MASK}. */
  public List<String> redactedArgs() {
    List<String> out = new ArrayList<>();
    for (Object a : args) {
      out.add(a instanceof SecretArg ? Secret.MASK : (String) a);
    }
    return out;
  }

  /** The secrets, in argument order. */
  public List<SecretArg> secrets() {
    List<SecretArg> out = new ArrayList<>();
    for (Object a : args) {
      if (a instanceof SecretArg s) {
        out.add(s);
      }
    }
    return out;
  }

  /** Whether the command changes the site (a failure may then have left part of its effect behind). */
  public boolean mutating() {
    return mutating;
  }

  /**
   * The site whose per-site lock the command holds while it runs on the bench host (when process guards are on), or
   * null for a command that needs none.
   */
  public String lockedSite() {
    return lockedSite;
  }

  @Override
  public String toString() {
    return "bench " + String.join(" ", redactedArgs());
  }

  /** Builds a {@link BenchCommand}. Not thread-safe. */
  public static final class Builder {
    private final String what;
    private final List<Object> args = new ArrayList<>();
    private boolean mutating;
    private String lockedSite;

    private Builder(String what) {
      this.what = Objects.requireNonNull(what, "what");
    }

    /** Adds the global {@code --site SITE} option. */
    public Builder site(String site) {
      return arg("--site").arg(site);
    }

    /** Appends a plain argument. */
    public Builder arg(String arg) {
      args.add(Objects.requireNonNull(arg, "arg"));
      return this;
    }

    /** Appends plain arguments. */
    public Builder args(String... more) {
      for (String a : more) {
        arg(a);
      }
      return this;
    }

    /** Appends a secret argument, named by {@code label} in messages. */
    public Builder secret(String label, Secret value) {
      args.add(new SecretArg(label, value));
      return this;
    }

    /** Marks the command as one that changes the site. */
    public Builder mutating() {
      this.mutating = true;
      return this;
    }

    /** Makes the command hold {@code site}'s lock on the bench host while it runs. */
    public Builder locked(String site) {
      this.lockedSite = Objects.requireNonNull(site, "site");
      return this;
    }

    /** Builds the immutable command. */
    public BenchCommand build() {
      return new BenchCommand(what, args, mutating, lockedSite);
    }
  }
}
