package example.buyer;

import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.NetworkRegistry;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Fetches a URL, paying for it if it asks, but never more than ten cents.
 *
 * <pre>
 * X402J_PRIVATE_KEY=0x… java example.buyer.Buyer https://api.example.com/weather
 * </pre>
 */
public final class Buyer {
  private Buyer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: Buyer URL   (the key in X402J_PRIVATE_KEY)");
      System.exit(2);
    }
    PaidResponse<String> response =
        fetch(
            URI.create(args[0]),
            PrivateKeySigner.fromEnvironment("X402J_PRIVATE_KEY"),
            NetworkRegistry.defaults());
    System.out.println(response.body());
    response
        .paid()
        .ifPresent(
            p ->
                System.err.println(
                    "paid "
                        + p.describe()
                        + (response.settled()
                            ? " in " + response.receipt().transaction()
                            : " (not settled)")));
  }

  /** Gets {@code url}, paying at most $0.10 if it asks. */
  public static PaidResponse<String> fetch(URI url, Signer key, NetworkRegistry networks)
      throws IOException, InterruptedException {
    Payer payer =
        Payer.builder()
            .signer(key)
            .networks(networks)
            .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
            .build();
    X402Client client = X402Client.builder(payer).build();
    return client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
  }
}
