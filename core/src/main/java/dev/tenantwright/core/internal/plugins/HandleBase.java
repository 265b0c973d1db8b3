package dev.tenantwright.core.internal.plugins;

/**
 * What both adapters share: the name, backend, origin and record classes read once at construction, the
 * context class loader for plugin calls, and the checks that the engine passes records of those classes.
 */
abstract class HandleBase implements TypeHandle {

  final String kind;
  final String name;
  final String backend;
  final String origin;
  final Class<?> specType;
  final Class<?> outputType;
  final Class<?> configType;
  final ContextLoader loader;
  private final String specNoun;

  /**
   * @param kind {@code type} or {@code step}, for messages
   * @param specNoun {@code a spec} or {@code parameters}, for messages
   */
  HandleBase(String kind, String specNoun, String name, String backend, String origin, Class<?> specType,
      Class<?> outputType, Class<?> configType, ContextLoader loader) {
    this.kind = kind;
    this.specNoun = specNoun;
    this.name = name;
    this.backend = backend;
    this.origin = origin;
    this.specType = specType;
    this.outputType = outputType;
    this.configType = configType;
    this.loader = loader;
  }

  @Override
  public String type() {
    return name;
  }

  @Override
  public String backend() {
    return backend;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public Class<?> specType() {
    return specType;
  }

  @Override
  public Class<?> outputType() {
    return outputType;
  }

  @Override
  public Class<?> configType() {
    return configType;
  }

  @Override
  public String toString() {
    return kind + " '" + name + "' from " + TypeHandles.describeOrigin(origin);
  }

  final Object requireSpec(Object spec) {
    if (!specType.isInstance(spec)) {
      throw new IllegalArgumentException(kind + " '" + name + "' expects " + specNoun + " of " + specType.getName()
          + ", got " + (spec == null ? "null" : spec.getClass().getName()));
    }
    return spec;
  }

  final Object requireOutputs(Object outputs) {
    if (outputs != null && !outputType.isInstance(outputs)) {
      throw new IllegalArgumentException(kind + " '" + name + "' expects outputs of " + outputType.getName()
          + ", got " + outputs.getClass().getName());
    }
    return outputs;
  }
}
