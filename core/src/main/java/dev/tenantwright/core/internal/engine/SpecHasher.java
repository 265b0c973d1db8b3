package dev.tenantwright.core.internal.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.internal.blueprint.Interpolator;
import dev.tenantwright.core.internal.blueprint.Resolver;
import dev.tenantwright.core.internal.journal.SecretCipher;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantInfo;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The keyed hash of a definition's spec as it would be resolved now, with the outputs of other resources and
 * generated secrets left as their expressions: it changes when the blueprint, the variables, the tenant or a
 * host secret changes, and the planner compares it with the hash recorded for the resource. Keyed (HMAC with
 * the host key) because resolved specs hold secrets. Thread-safe.
 */
final class SpecHasher {

  private final SecretCipher cipher;
  private final Map<String, Secret> hostSecrets;
  private final ObjectMapper mapper;

  SpecHasher(SecretCipher cipher, Map<String, Secret> hostSecrets) {
    this.cipher = cipher;
    this.hostSecrets = hostSecrets;
    SimpleModule m = new SimpleModule("tenantwright-hash");
    m.addSerializer(Secret.class, new JsonSerializer<>() {
      @Override
      public void serialize(Secret value, JsonGenerator gen, SerializerProvider p) throws IOException {
        gen.writeString(value.reveal());
      }
    });
    this.mapper = JsonMapper.builder().addModule(m).configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
        .build();
  }

  String hash(ResourceDefinition def, TenantInfo tenant, String envName, EnvironmentKind kind,
      Map<String, Object> vars, Blueprint bp) {
    Object resolved = Interpolator.resolve(def.params(), new Resolver() {
      @Override
      public Object tenant(String field) {
        Object value = Resolver.tenantField(tenant, field);
        return value == null ? "" : value;
      }

      @Override
      public Object env(String field) {
        return "name".equals(field) ? envName : kind.name().toLowerCase(Locale.ROOT);
      }

      @Override
      public Object var(String name) {
        return vars.getOrDefault(name, "");
      }

      @Override
      public Secret secret(String name) {
        boolean generated = bp.resource(name).map(d -> "secret".equals(d.type())).orElse(false);
        Secret host = hostSecrets.get(name);
        return !generated && host != null ? host : Secret.of("${secrets." + name + "}");
      }

      @Override
      public Object output(String resource, String field) {
        return "${" + resource + "." + field + "}";
      }
    });
    Map<String, Object> doc = new HashMap<>();
    doc.put("type", def.type());
    doc.put("params", resolved);
    try {
      return cipher.hash(mapper.writeValueAsString(doc));
    } catch (JsonProcessingException e) {
      throw new TenantwrightException("cannot hash the spec of " + def.name(), e);
    }
  }
}
