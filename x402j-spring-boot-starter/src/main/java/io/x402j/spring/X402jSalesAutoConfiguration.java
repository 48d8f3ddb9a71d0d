package io.x402j.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.x402j.core.NetworkRegistry;
import io.x402j.jetty.AdminServer;
import io.x402j.jetty.BasicAuthGuard;
import io.x402j.sales.JdbcSalesRecord;
import io.x402j.sales.SalesMetrics;
import io.x402j.sales.SellerDashboard;
import io.x402j.server.SalesRecord;
import io.x402j.spring.internal.DashboardServlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The seller's sales record and dashboard, when {@code x402j-sales} is on the class path: {@code
 * x402j.sales.db} opens a {@link JdbcSalesRecord} the gate records every sale in (counted into the
 * application's {@link MeterRegistry} when there is one: {@code x402j_seller_*}), in a Spring MVC
 * or a WebFlux application; in a Spring MVC application {@code x402j.dashboard.enabled} serves the
 * {@link SellerDashboard} under {@code x402j.dashboard.path} on the application's port — always
 * behind the password in the environment variable {@code x402j.dashboard.password-env}, since that
 * port is public. A WebFlux application that enables the dashboard does not start.
 */
@AutoConfiguration(
    before = X402jAutoConfiguration.class,
    beforeName = "io.x402j.spring.X402jReactiveAutoConfiguration")
@ConditionalOnWebApplication
@ConditionalOnClass(JdbcSalesRecord.class)
@ConditionalOnProperty(prefix = "x402j", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(X402jSalesProperties.class)
public class X402jSalesAutoConfiguration {
  /** The sales record at {@code x402j.sales.db}. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "x402j.sales", name = "db")
  @ConditionalOnMissingBean
  public JdbcSalesRecord x402jSalesRecord(X402jSalesProperties properties) {
    return JdbcSalesRecord.open(properties.getSales().getDb().strip());
  }

  /**
   * What the gate records into: the JDBC record, counted into the meter registry if any. The JDBC
   * record is itself a {@link SalesRecord}, so it is ignored by the condition (else this bean would
   * never be made and the metrics never counted), and this one is the primary.
   */
  @Bean
  @Primary
  @ConditionalOnProperty(prefix = "x402j.sales", name = "db")
  @ConditionalOnMissingBean(value = SalesRecord.class, ignored = JdbcSalesRecord.class)
  public SalesRecord x402jGateSalesRecord(
      JdbcSalesRecord record, ObjectProvider<MeterRegistry> meters) {
    MeterRegistry registry = meters.getIfAvailable();
    // Never the JDBC record itself: a second bean of its type (closed twice, ambiguous to inject).
    return registry == null ? record::record : SalesMetrics.wrapping(record, registry);
  }

  /** The dashboard on the application's port, in a Spring MVC application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  static class ServletDashboard {
    /** The dashboard, behind its password, under {@code x402j.dashboard.path}. */
    @Bean
    @ConditionalOnProperty(prefix = "x402j.dashboard", name = "enabled", havingValue = "true")
    public ServletRegistrationBean<DashboardServlet> x402jDashboard(
        X402jSalesProperties properties,
        ObjectProvider<JdbcSalesRecord> record,
        NetworkRegistry networks) {
      X402jSalesProperties.Dashboard d = properties.getDashboard();
      JdbcSalesRecord sales = record.getIfAvailable();
      if (sales == null) {
        throw new IllegalStateException(
            "x402j.dashboard.enabled needs x402j.sales.db: the dashboard shows the sales record");
      }
      String password;
      if (d.getPasswordEnv() != null && !d.getPasswordEnv().isBlank()) {
        password = AdminServer.passwordFromEnv(d.getPasswordEnv().strip(), System.getenv());
      } else if (d.getPassword() != null && !d.getPassword().isBlank()) {
        password = d.getPassword();
      } else {
        throw new IllegalStateException(
            "x402j.dashboard.enabled serves the dashboard on the application's port, so it needs a"
                + " password: set x402j.dashboard.password-env to the name of an environment"
                + " variable holding it (or x402j.dashboard.password, e.g. from"
                + " X402J_DASHBOARD_PASSWORD)");
      }
      try {
        BasicAuthGuard.checkPassword(password);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("x402j.dashboard: " + e.getMessage());
      }
      String path = d.getPath() == null ? "" : d.getPath().strip();
      if (path.isEmpty() || path.equals("/")) {
        // Mapped to /*, the dashboard's servlet would answer every request of the application,
        // its paid routes included.
        throw new IllegalStateException(
            "x402j.dashboard.path must be a path of its own such as /x402j/dashboard, not the"
                + " application's root");
      }
      SellerDashboard dashboard =
          SellerDashboard.builder(sales).networks(networks).base(path).build();
      String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      ServletRegistrationBean<DashboardServlet> bean =
          new ServletRegistrationBean<>(new DashboardServlet(dashboard, password), base + "/*");
      bean.setName("x402jDashboard");
      return bean;
    }
  }

  /** A WebFlux application has no dashboard on its port: asking for one stops the start. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnProperty(prefix = "x402j.dashboard", name = "enabled", havingValue = "true")
  static class NoReactiveDashboard {
    NoReactiveDashboard() {
      throw new IllegalStateException(
          "x402j.dashboard.enabled is for Spring MVC applications: a WebFlux application can"
              + " serve the seller dashboard on an admin listener (SellerDashboard.register on"
              + " io.x402j.jetty.AdminServer); the sales record (x402j.sales.db) works in both");
    }
  }
}
