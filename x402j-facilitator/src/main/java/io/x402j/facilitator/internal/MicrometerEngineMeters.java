package io.x402j.facilitator.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.x402j.settlement.EngineMeters;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * An engine's meters on a Micrometer registry. Micrometer holds the state of function meters
 * weakly, so this keeps every supplier it was given: keep it as long as the registry is scraped.
 * Not part of the x402j API.
 */
public final class MicrometerEngineMeters implements EngineMeters {
  private final MeterRegistry registry;
  private final List<DoubleSupplier> held = new CopyOnWriteArrayList<>();

  /** Meters registered on {@code registry}. */
  public MicrometerEngineMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  private static Tags tags(Map<String, String> tags) {
    Tags all = Tags.empty();
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      all = all.and(tag.getKey(), tag.getValue());
    }
    return all;
  }

  @Override
  public void gauge(
      String name,
      String description,
      String baseUnit,
      Map<String, String> tags,
      DoubleSupplier value) {
    held.add(value);
    Gauge.builder(name, value, DoubleSupplier::getAsDouble)
        .strongReference(true)
        .description(description)
        .baseUnit(baseUnit)
        .tags(tags(tags))
        .register(registry);
  }

  @Override
  public void functionCounter(
      String name, String description, Map<String, String> tags, DoubleSupplier total) {
    held.add(total);
    FunctionCounter.builder(name, total, DoubleSupplier::getAsDouble)
        .description(description)
        .tags(tags(tags))
        .register(registry);
  }

  @Override
  public Runnable counter(String name, String description, Map<String, String> tags) {
    Counter counter =
        Counter.builder(name).description(description).tags(tags(tags)).register(registry);
    return counter::increment;
  }
}
