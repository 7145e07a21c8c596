package loadtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/apitest"
	"github.com/hatchid/hatch/internal/config"
	"github.com/hatchid/hatch/internal/loadtest"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// noAddressLimit turns off the per-address rate limit: all load comes from 127.0.0.1.
func noAddressLimit(c *config.Config) { c.RateLimitAddress = config.RateLimit{} }

// TestEveryScenario runs each scenario briefly against a real server on
// every database; the API-token scenarios may be unavailable (their routes
// are not in every build) but must not fail.
func TestEveryScenario(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, rawURL string) {
		s := apitest.New(t, rawURL, noAddressLimit)
		scenarios := append(append([]string{}, loadtest.DefaultScenarios...), loadtest.ScenarioSessions, loadtest.ScenarioRotations)
		var progress bytes.Buffer
		rep, err := loadtest.Run(context.Background(), loadtest.Config{
			URLs: []string{s.URL}, ClientID: s.ClientID, APIKey: s.APIKey, Scenarios: scenarios,
			Concurrency: 3, Duration: 300 * time.Millisecond, Sessions: 10, Rotations: 30, PID: os.Getpid(),
			Progress: &progress, ProgressEvery: 100 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Results) != len(scenarios) {
			t.Fatalf("%d results for %d scenarios", len(rep.Results), len(scenarios))
		}
		for _, res := range rep.Results {
			api := res.Scenario == loadtest.ScenarioAPIToken || res.Scenario == loadtest.ScenarioAPITokenRefresh
			switch {
			case api && res.Status == "unavailable":
				continue
			case res.Status != "ok":
				t.Errorf("%s: %s %s %v %s", res.Scenario, res.Status, res.Note, res.ErrorKinds, res.ErrorSample)
			case res.Requests == 0 || res.RPS <= 0 || res.P50Ms <= 0 || res.P99Ms < res.P50Ms || res.RSSKiB <= 0:
				t.Errorf("%s: implausible figures %+v", res.Scenario, res)
			}
		}
		counted := map[string]int64{}
		for _, res := range rep.Results {
			counted[res.Scenario] = res.Requests
		}
		if counted[loadtest.ScenarioSessions] != 10 || counted[loadtest.ScenarioRotations] != 30 {
			t.Errorf("counted scenarios made %d sessions and %d rotations, want 10 and 30",
				counted[loadtest.ScenarioSessions], counted[loadtest.ScenarioRotations])
		}
		if !strings.Contains(progress.String(), "requests") {
			t.Errorf("no progress line: %q", progress.String())
		}
	})
}

// TestPacedRun paces the refresh scenario and checks it keeps near the rate.
func TestPacedRun(t *testing.T) {
	s := apitest.New(t, "sqlite:"+filepath.Join(t.TempDir(), "hatch.db"), noAddressLimit)
	rep, err := loadtest.Run(context.Background(), loadtest.Config{
		URLs: []string{s.URL}, ClientID: s.ClientID, APIKey: s.APIKey, Scenarios: []string{loadtest.ScenarioRefresh},
		Concurrency: 4, Duration: time.Second, Rate: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Results[0]
	if res.Status != "ok" || res.Requests < 25 || res.Requests > 50 {
		t.Errorf("paced at 50/s for 1 s: %s, %d requests", res.Status, res.Requests)
	}
}

func TestMainWritesTableAndJSON(t *testing.T) {
	s := apitest.New(t, "sqlite:"+filepath.Join(t.TempDir(), "hatch.db"), noAddressLimit)
	path := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	env := map[string]string{"HATCH_CLIENT_ID": s.ClientID, "HATCH_API_KEY": s.APIKey}
	err := loadtest.Main(context.Background(), []string{"--url", s.URL, "--scenarios", "validate", "--concurrency", "2",
		"--duration", "200ms", "--json", path}, func(k string) string { return env[k] }, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "validate") || !strings.Contains(stdout.String(), "p99 ms") {
		t.Errorf("no summary table:\n%s", stdout.String())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep loadtest.Report
	if err := json.Unmarshal(raw, &rep); err != nil || len(rep.Results) != 1 || rep.Results[0].RPS <= 0 {
		t.Errorf("JSON summary: %v %s", err, raw)
	}
}

func TestRefusals(t *testing.T) {
	base := loadtest.Config{ClientID: "id", APIKey: "key", Concurrency: 1, Duration: time.Second}
	for _, tc := range []struct {
		name string
		edit func(*loadtest.Config)
		want string
	}{
		{"remote", func(c *loadtest.Config) { c.URLs = []string{"http://example.com:8080"} }, "not a loopback address"},
		{"remote among local", func(c *loadtest.Config) { c.URLs = []string{"http://127.0.0.1:1", "http://10.0.0.1:8080"} }, "not a loopback address"},
		{"no credentials", func(c *loadtest.Config) { c.ClientID = "" }, "client ID and API key"},
		{"too many workers", func(c *loadtest.Config) { c.Concurrency = loadtest.MaxConcurrency + 1 }, "--concurrency"},
		{"too long", func(c *loadtest.Config) { c.Duration = 2 * loadtest.MaxDuration }, "--duration"},
		{"unknown scenario", func(c *loadtest.Config) { c.Scenarios = []string{"nope"} }, "unknown scenario"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			cfg.URLs = []string{"http://localhost:8080"}
			tc.edit(&cfg)
			if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	cfg := base
	cfg.URLs, cfg.AllowRemote = []string{"http://example.com:8080"}, true
	if err := cfg.Validate(); err != nil {
		t.Errorf("--allow-remote: %v", err)
	}
	for _, local := range []string{"http://localhost:1", "http://127.0.0.1:1", "http://[::1]:1", "http://127.1.2.3:1"} {
		cfg := base
		cfg.URLs = []string{local}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", local, err)
		}
	}
}

func TestHelpSaysWhyOnlyLoopback(t *testing.T) {
	var out bytes.Buffer
	err := loadtest.Main(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"--allow-remote", "loopback", "attack", "api-token-refresh", "--rotations"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
