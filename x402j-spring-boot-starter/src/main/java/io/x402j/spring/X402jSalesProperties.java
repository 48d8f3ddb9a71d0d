package io.x402j.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The seller's sales record ({@code x402j.sales.*}) and dashboard ({@code x402j.dashboard.*}). Both
 * are off unless configured; both need {@code io.x402j:x402j-sales} on the class path.
 */
@ConfigurationProperties(prefix = "x402j")
public class X402jSalesProperties {
  private final Sales sales = new Sales();
  private final Dashboard dashboard = new Dashboard();

  /** {@code x402j.sales.*}. */
  public Sales getSales() {
    return sales;
  }

  /** {@code x402j.dashboard.*}. */
  public Dashboard getDashboard() {
    return dashboard;
  }

  /** Where every sale is recorded. */
  public static class Sales {
    /**
     * {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST:PORT/DB} (credentials in the
     * environment variables X402J_DB_USER / X402J_DB_PASSWORD); unset: no record.
     */
    private String db;

    public String getDb() {
      return db;
    }

    public void setDb(String db) {
      this.db = db;
    }
  }

  /** The seller dashboard, served on the application's port. */
  public static class Dashboard {
    /** Serve the dashboard (needs {@code x402j.sales.db}). */
    private boolean enabled;

    /** The path it is served under. */
    private String path = "/x402j/dashboard";

    /**
     * The environment variable holding the dashboard's password (HTTP Basic). Required: the
     * application's port is public.
     */
    private String passwordEnv;

    /**
     * The password itself, e.g. from the environment variable X402J_DASHBOARD_PASSWORD or a secret
     * store (never put it in a checked-in file); used when {@code password-env} is not set.
     */
    private String password;

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public String getPasswordEnv() {
      return passwordEnv;
    }

    public void setPasswordEnv(String passwordEnv) {
      this.passwordEnv = passwordEnv;
    }
  }
}
