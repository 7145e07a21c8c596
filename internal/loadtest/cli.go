package loadtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

const usage = `hatch loadtest — drive a running Hatch and report its throughput and latency

Usage:
  hatch loadtest [flags]

Creates an account and users of its own through the management API (with the
environment's client ID and API key), then runs each scenario in turn with
--concurrency workers over HTTP keep-alive, printing a progress line each
second and a summary table at the end: successful requests per second, p50,
p95 and p99 latency, and errors. A scenario whose routes the server does not
have (404) is reported as unavailable and does not fail the run; any other
failure or error makes the command exit non-zero.

Scenarios (--scenarios, a comma list; the timed ones run for --duration):
`

const usageFlags = `
Only loopback targets (localhost, 127.0.0.0/8, ::1) are accepted unless
--allow-remote is given: a load test is indistinguishable from an attack on a
server you do not run, and on a shared server it disturbs its other users and
measures them as much as Hatch. Every run is bounded: at most %d workers,
%s per scenario, %d requests per counted scenario.

Flags:
`

// Main is the "hatch loadtest" subcommand: args are its flags; getenv
// supplies HATCH_CLIENT_ID and HATCH_API_KEY when the flags are not given.
// It returns flag.ErrHelp after printing the usage for -h.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hatch loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	var urls, names, jsonPath string
	var quiet bool
	fs.StringVar(&urls, "url", "http://localhost:8080", "base URL of the Hatch to drive; a comma list spreads the workers over several nodes")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a --url that is not a loopback address (see above)")
	fs.StringVar(&cfg.ClientID, "client-id", getenv("HATCH_CLIENT_ID"), "the environment's client ID (HATCH_CLIENT_ID)")
	fs.StringVar(&cfg.APIKey, "api-key", getenv("HATCH_API_KEY"), "the environment's API key (HATCH_API_KEY)")
	fs.StringVar(&names, "scenarios", strings.Join(DefaultScenarios, ","), "scenarios to run, in order")
	fs.IntVar(&cfg.Concurrency, "concurrency", 8, "workers, each with its own keep-alive connection")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long each timed scenario runs")
	fs.IntVar(&cfg.Requests, "requests", 0, "stop a timed scenario after this many requests (0: --duration only)")
	fs.Float64Var(&cfg.Rate, "rate", 0, "pace all workers together at this many requests per second (0: as fast as answered); latency then counts from each request's scheduled time")
	fs.IntVar(&cfg.Sessions, "sessions", 100_000, "logins the sessions scenario makes")
	fs.IntVar(&cfg.Rotations, "rotations", 1_000_000, "refresh-token rotations the rotations scenario makes")
	fs.DurationVar(&cfg.MaxTime, "max-time", time.Hour, "bound of each counted scenario (sessions, rotations)")
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "per request")
	fs.IntVar(&cfg.PID, "pid", 0, "the server's process id: its resident memory (VmRSS) is reported before the run and after each scenario")
	fs.StringVar(&jsonPath, "json", "", "also write the summary as JSON to this file")
	fs.BoolVar(&quiet, "quiet", false, "no progress lines")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		for _, s := range scenarios {
			fmt.Fprintf(stderr, "  %-18s %s\n", s.name, s.about)
		}
		fmt.Fprintf(stderr, "  (default: %s)\n", strings.Join(DefaultScenarios, ","))
		fmt.Fprintf(stderr, usageFlags, MaxConcurrency, MaxDuration, MaxCount)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("loadtest: unexpected argument %q (try hatch loadtest --help)", fs.Arg(0))
	}
	cfg.URLs = strings.Split(urls, ",")
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			cfg.Scenarios = append(cfg.Scenarios, n)
		}
	}
	if !quiet {
		cfg.Progress = stderr
		if f, ok := stderr.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				cfg.ProgressInPlace = true
			}
		}
	}
	rep, err := Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	rep.WriteTable(stdout)
	if jsonPath != "" {
		if err := rep.WriteJSONFile(jsonPath); err != nil {
			return fmt.Errorf("loadtest: %w", err)
		}
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("loadtest: interrupted: %w", ctx.Err())
	case rep.Failed():
		return errors.New("loadtest: some scenarios failed or had errors (see the table)")
	}
	return nil
}
