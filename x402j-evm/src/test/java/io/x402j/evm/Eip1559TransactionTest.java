package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;

/** Our type-2 encoding must equal web3j's independent implementation, byte for byte. */
class Eip1559TransactionTest {
  @Test
  void matchesWeb3jForRandomTransactions() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 50; i++) {
      PrivateKeySigner signer = PrivateKeySigner.generate(random);
      byte[] data = new byte[random.nextInt(300)];
      random.nextBytes(data);
      long nonce = random.nextInt(1_000_000);
      BigInteger tip = BigInteger.valueOf(random.nextInt(1_000_000_000));
      BigInteger maxFee = tip.add(BigInteger.valueOf(random.nextInt(Integer.MAX_VALUE)));
      EvmAddress to = PrivateKeySigner.generate(random).address();
      Eip1559Transaction ours =
          new Eip1559Transaction(84532, nonce, tip, maxFee, 90_000, to, BigInteger.ZERO, data);

      RawTransaction theirs =
          RawTransaction.createTransaction(
              84532,
              BigInteger.valueOf(nonce),
              BigInteger.valueOf(90_000),
              to.toString(),
              BigInteger.ZERO,
              Hex.encode(data),
              tip,
              maxFee);
      byte[] web3jSigned =
          TransactionEncoder.signMessage(theirs, Credentials.create(signer.exportPrivateKeyHex()));

      byte[] oursSigned = ours.encodeSigned(signer.sign(ours.signingHash()));
      assertThat(Hex.encode(oursSigned)).isEqualTo(Hex.encode(web3jSigned));
    }
  }
}
