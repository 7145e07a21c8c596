package config

import (
	"io"
	"testing"
	"time"
)

func TestLoadFlagBeatsEnv(t *testing.T) {
	env := map[string]string{"HATCH_ADDR": "127.0.0.1:9000", "HATCH_DATABASE_URL": "sqlite:x.db"}
	c, err := Load([]string{"--addr", "127.0.0.1:9100"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Addr, "127.0.0.1:9100"; got != want {
		t.Errorf("Addr = %q, want %q", got, want)
	}
	if got, want := c.DatabaseURL, "sqlite:x.db"; got != want {
		t.Errorf("DatabaseURL = %q, want %q", got, want)
	}
	if got, want := c.BaseURL, "http://127.0.0.1:9100"; got != want {
		t.Errorf("BaseURL = %q, want %q", got, want)
	}
}

func TestLoadRejects(t *testing.T) {
	for name, args := range map[string][]string{
		"bad database":  {"--database-url", "mysql://x"},
		"half creds":    {"--client-id", "abc"},
		"bad master":    {"--master-key", "c2hvcnQ="},
		"bad duration":  {"--shutdown-timeout", "soon"},
		"bad proxy":     {"--trusted-proxies", "10.0.0.0/99"},
		"bad logformat": {"--log-format", "xml"},
		"bad rate":      {"--rate-limit-address", "100"},
		"bad window":    {"--rate-limit-identifier", "5/soon"},
		"zero rate":     {"--rate-limit-address", "0/1m"},
		"bad captcha":   {"--recaptcha-verify-url", "ftp://x"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(args, func(string) string { return "" }, io.Discard); err == nil {
				t.Fatal("Load accepted bad settings")
			}
		})
	}
}

func TestLoadRateLimits(t *testing.T) {
	c, err := Load([]string{"--rate-limit-address", "5/30s", "--rate-limit-identifier", "0"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.RateLimitAddress, (RateLimit{Limit: 5, Window: 30 * time.Second}); got != want {
		t.Errorf("RateLimitAddress = %+v, want %+v", got, want)
	}
	if got, want := c.RateLimitIdentifier, (RateLimit{}); got != want {
		t.Errorf("RateLimitIdentifier = %+v, want %+v (off)", got, want)
	}
	c, err = Load(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.RateLimitAddress, (RateLimit{Limit: 1000, Window: time.Minute}); got != want {
		t.Errorf("default RateLimitAddress = %+v, want %+v", got, want)
	}
	if got, want := c.RateLimitIdentifier, (RateLimit{Limit: 200, Window: time.Hour}); got != want {
		t.Errorf("default RateLimitIdentifier = %+v, want %+v", got, want)
	}
}
