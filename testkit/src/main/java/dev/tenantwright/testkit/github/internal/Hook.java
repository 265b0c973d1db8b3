package dev.tenantwright.testkit.github.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A repository webhook of the fake as GitHub stores it: its configuration (the secret in clear, which GitHub never
 * shows again), events, whether it is active, and the answer to its last delivery. Guarded by the fake's monitor.
 */
public final class Hook {
  public long id;
  public String url;
  public String contentType;
  public String secret;
  public String insecureSsl = "0";
  public List<String> events = new ArrayList<>();
  public boolean active = true;
  public Instant createdAt;
  public Instant updatedAt;
  public Integer lastCode;
  public String lastStatus = "unused";
  public String lastMessage;
}
