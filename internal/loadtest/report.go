package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// WriteTable prints the summary: one row per scenario, then each failed or
// unavailable scenario's reason and a sample of each scenario's errors.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "\nhatch loadtest: %s, %d workers, %s per timed scenario, %d CPUs on this machine\n",
		strings.Join(r.Targets, " "), r.Concurrency, r.Duration, r.CPUs)
	if r.RSSIdleKiB > 0 {
		fmt.Fprintf(w, "server resident memory before the run: %.1f MiB\n", float64(r.RSSIdleKiB)/1024)
	}
	fmt.Fprintf(w, "\n%-18s %5s %10s %9s %8s %8s %8s %7s %8s %8s  %s\n",
		"scenario", "conc", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cpu ms", "rss MiB", "status")
	for _, res := range r.Results {
		rss, cpu := "-", "-"
		if res.RSSKiB > 0 {
			rss = fmt.Sprintf("%.1f", float64(res.RSSKiB)/1024)
		}
		if res.CPUMsPerRequest > 0 {
			cpu = fmt.Sprintf("%.3f", res.CPUMsPerRequest)
		}
		name := res.Scenario
		if res.TargetRate > 0 {
			name += fmt.Sprintf(" @%.0f/s", res.TargetRate)
		}
		fmt.Fprintf(w, "%-18s %5d %10d %9.1f %8.2f %8.2f %8.2f %7d %8s %8s  %s\n",
			name, res.Concurrency, res.Requests, res.RPS, res.P50Ms, res.P95Ms, res.P99Ms, res.Errors, cpu, rss, res.Status)
	}
	for _, res := range r.Results {
		if res.Note != "" {
			fmt.Fprintf(w, "  %s: %s\n", res.Scenario, res.Note)
		}
		if res.Errors > 0 {
			fmt.Fprintf(w, "  %s errors %v, e.g. %s\n", res.Scenario, res.ErrorKinds, res.ErrorSample)
		}
	}
	fmt.Fprintln(w, "\nreq/s and the percentiles count successful requests; requests counts all answered;")
	fmt.Fprintln(w, "cpu ms is the server process's CPU time per successful request (with --pid; not a separate database's).")
}

// WriteJSONFile writes the report as indented JSON to path.
func (r *Report) WriteJSONFile(path string) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}
