package io.x402j.evm.internal;

import io.x402j.evm.Abi;
import io.x402j.evm.spi.Secp256k1Backend;
import java.math.BigInteger;
import java.util.Arrays;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

/** Pure-Java secp256k1 (BouncyCastle, through web3j crypto). Not part of the x402j API. */
public final class BouncyCastleSecp256k1 implements Secp256k1Backend {
  static final byte[] ONE_KEY = new byte[32];

  static {
    ONE_KEY[31] = 1;
  }

  @Override
  public byte[] recover(byte[] hash, byte[] compact, int recoveryId) {
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(compact, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(compact, 32, 64));
    // libsecp256k1 refuses r or s outside [1, n-1]; web3j would reduce them and "recover".
    if (!inRange(r) || !inRange(s)) {
      return null;
    }
    try {
      BigInteger key = Sign.recoverFromSignature(recoveryId, new ECDSASignature(r, s), hash);
      return key == null ? null : Abi.unsigned(key, 64);
    } catch (RuntimeException e) { // r or s out of range, point not on the curve
      return null;
    }
  }

  private static boolean inRange(BigInteger value) {
    return value.signum() > 0 && value.compareTo(Sign.CURVE_PARAMS.getN()) < 0;
  }

  @Override
  public byte[] sign(byte[] hash, byte[] privateKey) {
    ECKeyPair pair = ECKeyPair.create(privateKey);
    Sign.SignatureData data = Sign.signMessage(hash, pair, false);
    byte[] out = new byte[65];
    System.arraycopy(data.getR(), 0, out, 0, 32);
    System.arraycopy(data.getS(), 0, out, 32, 32);
    out[64] = (byte) ((data.getV()[0] & 0xff) - 27);
    return out;
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    return Abi.unsigned(Sign.publicKeyFromPrivate(new BigInteger(1, privateKey)), 64);
  }

  @Override
  public String name() {
    return "bouncycastle";
  }
}
