/**
 * One reader for every x402j configuration file and command-line flag (the facilitator, the
 * gateway, and any later role): {@link io.x402j.config.ConfigSection} reads YAML or JSON keeping
 * every scalar as text, {@link io.x402j.config.ValueParser} turns a setting's text into a typed,
 * range-checked value — the same parser for a key and for a flag — and {@link
 * io.x402j.config.ConfigException} names the setting and quotes the value refused.
 */
package io.x402j.config;
