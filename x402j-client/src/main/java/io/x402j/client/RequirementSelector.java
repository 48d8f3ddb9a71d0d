package io.x402j.client;

import io.x402j.core.Network;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses one of the requirements a client could pay (scheme supported, spend controls passed), in
 * the server's order.
 */
@FunctionalInterface
public interface RequirementSelector {
  /**
   * The payment to make.
   *
   * @param payable at least one payable requirement, in the order the server offered them
   * @return one of {@code payable}: anything else is refused by the {@link Payer}, since only these
   *     passed the spend controls
   */
  PlannedPayment select(List<PlannedPayment> payable);

  /** The server's first payable requirement. The default. */
  static RequirementSelector first() {
    return payable -> payable.get(0);
  }

  /** The first payable requirement on the first of {@code networks} offered; else the first. */
  static RequirementSelector preferNetworks(Network... networks) {
    List<Network> order = List.of(networks);
    return payable -> {
      for (Network n : order) {
        for (PlannedPayment p : payable) {
          if (p.requirements().network().equals(n)) {
            return p;
          }
        }
      }
      return payable.get(0);
    };
  }

  /**
   * The cheapest in dollars among those with a dollar value; when none has one, the first. Ties
   * keep the server's order.
   */
  static RequirementSelector cheapest() {
    return payable -> {
      Optional<PlannedPayment> cheapest =
          payable.stream()
              .filter(p -> p.usd().isPresent())
              .min(Comparator.comparing((PlannedPayment p) -> p.usd().orElse(BigDecimal.ZERO)));
      return cheapest.orElse(payable.get(0));
    };
  }
}
