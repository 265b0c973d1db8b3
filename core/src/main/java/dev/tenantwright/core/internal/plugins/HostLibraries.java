package dev.tenantwright.core.internal.plugins;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names the host-side library a plugin found missing. Plugins are PF4J jars that leave the libraries every plugin
 * shares (the plugin support module, OkHttp, Jackson, Jakarta Mail) to the host's class path; when the host lacks
 * one, the JVM reports a class such as {@code dev/tenantwright/plugin/support/Durations}, which does not tell an
 * operator what to add. This maps the class's package to the Maven artifact that provides it.
 */
final class HostLibraries {

  private static final Map<String, String> BY_PACKAGE = new LinkedHashMap<>();

  static {
    BY_PACKAGE.put("dev.tenantwright.plugin.support.", "dev.tenantwright:tenantwright-plugin-support");
    BY_PACKAGE.put("okhttp3.", "com.squareup.okhttp3:okhttp-jvm (through tenantwright-plugin-support)");
    BY_PACKAGE.put("okio.", "com.squareup.okio:okio-jvm (through tenantwright-plugin-support)");
    BY_PACKAGE.put("com.fasterxml.jackson.dataformat.yaml.",
        "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml (through tenantwright-plugin-support)");
    BY_PACKAGE.put("com.fasterxml.jackson.", "com.fasterxml.jackson.core:jackson-databind");
    BY_PACKAGE.put("com.networknt.schema.", "com.networknt:json-schema-validator (through tenantwright-plugin-support)");
    BY_PACKAGE.put("org.newsclub.", "com.kohlschutter.junixsocket:junixsocket-core (through tenantwright-plugin-support)");
    BY_PACKAGE.put("jakarta.mail.", "jakarta.mail:jakarta.mail-api and org.eclipse.angus:angus-mail");
    BY_PACKAGE.put("org.eclipse.angus.", "org.eclipse.angus:angus-mail");
  }

  private HostLibraries() {}

  /**
   * A sentence naming the missing class and the artifact that provides it, when {@code failure} (or a cause) is a
   * class the JVM could not find; null otherwise.
   */
  static String describeMissing(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String missing = null;
      if (t instanceof NoClassDefFoundError e && e.getMessage() != null) {
        missing = e.getMessage();
      } else if (t instanceof ClassNotFoundException e && e.getMessage() != null) {
        missing = e.getMessage();
      }
      if (missing != null) {
        String className = missing.replace('/', '.');
        for (Map.Entry<String, String> lib : BY_PACKAGE.entrySet()) {
          if (className.startsWith(lib.getKey())) {
            return "needs the host library " + lib.getValue() + " on the application's class path (class "
                + className + " not found)";
          }
        }
        return "needs a library on the application's class path that is missing (class " + className + " not found)";
      }
    }
    return null;
  }
}
