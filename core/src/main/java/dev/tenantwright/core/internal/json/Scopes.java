package dev.tenantwright.core.internal.json;

/**
 * The places a sealed value can be stored, as the binding {@link JournalCodec} seals it to: the journal row and
 * column, and through the row the tenant and environment. A value sealed for one place opens only there.
 */
public final class Scopes {

  private Scopes() {}

  /** A resource row's outputs ({@code part} "outputs"), resolved spec ("resolved") or parameters ("params"). */
  public static String resource(String environmentId, String name, String part) {
    return "tw:resource:" + environmentId + ":" + name + ":" + part;
  }

  /** An environment row's parameters. */
  public static String parameters(String environmentId) {
    return "tw:environment:" + environmentId + ":parameters";
  }

  /** A run row's options (what it was started with). */
  public static String run(String runId) {
    return "tw:run:" + runId + ":options";
  }
}
