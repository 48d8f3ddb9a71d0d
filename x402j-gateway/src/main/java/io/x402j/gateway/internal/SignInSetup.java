package io.x402j.gateway.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.x402j.gateway.GatewayConfig.SignInSpec;
import io.x402j.server.ReplayStore;
import io.x402j.server.siwx.PaymentHistory;
import io.x402j.server.siwx.SignInWithXExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Builds the gateway's sign-in-with-x extension from its {@link SignInSpec}: the origin, the shared
 * database (payment history and used nonces) and the challenge secret. Not part of the x402j API.
 */
public final class SignInSetup {
  private SignInSetup() {}

  /**
   * The extension {@code spec} describes for a gateway listening on {@code host:port}, handing the
   * connection pool it opens for the shared database (if any) to {@code owner}, who must close it
   * when the gate is no longer used.
   *
   * @throws IllegalArgumentException naming the setting that does not work (the pool is then closed
   *     already)
   */
  public static SignInWithXExtension extension(
      SignInSpec spec,
      String host,
      int port,
      Map<String, String> env,
      Consumer<? super AutoCloseable> owner) {
    SignInWithXExtension.Builder b =
        SignInWithXExtension.builder().origin(origin(spec, host, port)).passWindow(spec.window());
    if (spec.secretEnv() != null) {
      String secret = env.get(spec.secretEnv());
      if (secret == null || secret.isBlank()) {
        throw new IllegalArgumentException(
            "the environment variable "
                + spec.secretEnv()
                + " (signInWithX.secretEnv, the sign-in challenge secret) is not set");
      }
      byte[] bytes = secret.strip().getBytes(StandardCharsets.UTF_8);
      if (bytes.length < 32) {
        throw new IllegalArgumentException(
            "the environment variable "
                + spec.secretEnv()
                + " (signInWithX.secretEnv) must hold at least 32 characters");
      }
      b.nonceSecret(bytes);
    }
    if (spec.database() != null) {
      HikariDataSource db = dataSource(spec.database());
      try {
        b.nonceStore(ReplayStore.jdbc(db))
            .history(PaymentHistory.jdbc(db, Clock.systemUTC(), spec.window()));
      } catch (RuntimeException e) {
        db.close();
        throw new IllegalArgumentException(
            "signInWithX.database: " + scrub(e.getMessage(), spec.database()), e);
      }
      try {
        SignInWithXExtension extension = b.build();
        owner.accept(db);
        return extension;
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
    }
    return b.build();
  }

  private static String origin(SignInSpec spec, String host, int port) {
    if (spec.origin() != null) {
      return spec.origin();
    }
    if (port == 0 || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      throw new IllegalArgumentException(
          "signInWithX.origin (--sign-in-origin) is needed when the gateway listens on "
              + host
              + ":"
              + port
              + ": give the public origin clients use, e.g. https://api.example.com");
    }
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port;
  }

  private static HikariDataSource dataSource(String url) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("x402j-gateway-signin");
    config.setMaximumPoolSize(4);
    if (url.startsWith("jdbc:sqlite:")) {
      String file = url.substring("jdbc:sqlite:".length());
      Path parent = Path.of(file).toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new IllegalArgumentException(
            "signInWithX.database: the directory " + parent + " does not exist");
      }
      SQLiteConfig sqlite = new SQLiteConfig();
      sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
      sqlite.setBusyTimeout(10_000);
      SQLiteDataSource source = new SQLiteDataSource(sqlite);
      source.setUrl(url);
      config.setDataSource(source);
    } else {
      PGSimpleDataSource source = new PGSimpleDataSource();
      try {
        source.setUrl(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "signInWithX.database is not a PostgreSQL JDBC URL (jdbc:postgresql://HOST/DB)");
      }
      config.setDataSource(source);
    }
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "signInWithX.database cannot be opened: " + scrub(String.valueOf(e.getMessage()), url));
    }
  }

  /** {@code message} without the URL (which may carry a password). */
  private static String scrub(String message, String url) {
    return message == null ? "" : message.replace(url, "(the database URL)");
  }
}
