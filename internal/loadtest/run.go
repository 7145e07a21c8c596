package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Limits that keep a run bounded whatever the flags say.
const (
	MaxConcurrency = 1024
	MaxDuration    = time.Hour
	MaxCount       = 10_000_000
)

// Config is one load test run.
type Config struct {
	URLs            []string // Hatch nodes (base URLs); workers are spread over them
	AllowRemote     bool     // allow URLs that are not loopback
	ClientID        string   // the environment's credentials, for the set-up calls
	APIKey          string
	Scenarios       []string      // names; DefaultScenarios when empty
	Concurrency     int           // workers, each with its own keep-alive connection
	Duration        time.Duration // how long each timed scenario runs
	Requests        int           // stop a timed scenario after this many requests (0: only Duration)
	Rate            float64       // total requests per second to pace at (0: as fast as answered)
	Sessions        int           // how many logins the sessions scenario makes
	Rotations       int           // how many refreshes the rotations scenario makes
	MaxTime         time.Duration // bound of the counted scenarios (sessions, rotations)
	Timeout         time.Duration // per request
	PID             int           // the server's process id, for its resident memory (0: not reported)
	Progress        io.Writer     // progress lines, one per ProgressEvery (nil: none)
	ProgressEvery   time.Duration
	ProgressInPlace bool // rewrite one line (a terminal) instead of printing one per tick
}

// Result is one scenario's figures. Requests counts every answered request;
// RPS and the percentiles count successful ones only.
type Result struct {
	Scenario    string           `json:"scenario"`
	About       string           `json:"about"`
	Status      string           `json:"status"` // ok, errors (figures stand, some requests failed), unavailable, failed
	Note        string           `json:"note,omitempty"`
	Concurrency int              `json:"concurrency"`
	TargetRate  float64          `json:"targetRate,omitempty"`
	Requests    int64            `json:"requests"`
	Errors      int64            `json:"errors"`
	Seconds     float64          `json:"seconds"`
	RPS         float64          `json:"rps"`
	P50Ms       float64          `json:"p50Ms"`
	P95Ms       float64          `json:"p95Ms"`
	P99Ms       float64          `json:"p99Ms"`
	MaxMs       float64          `json:"maxMs"`
	ErrorKinds  map[string]int64 `json:"errorKinds,omitempty"`
	ErrorSample string           `json:"errorSample,omitempty"`
	RSSKiB      int64            `json:"rssKiB,omitempty"` // the server's VmRSS after the scenario
	// CPUMsPerRequest is the server process's CPU time (user and system) per
	// successful request during the scenario: a figure that other load on the
	// machine disturbs far less than throughput. It leaves out a separate
	// database server's CPU.
	CPUMsPerRequest float64 `json:"cpuMsPerRequest,omitempty"`
}

// Report is a whole run.
type Report struct {
	Targets     []string  `json:"targets"`
	StartedAt   time.Time `json:"startedAt"`
	CPUs        int       `json:"cpus"`
	Concurrency int       `json:"concurrency"`
	Duration    string    `json:"duration"`
	RSSIdleKiB  int64     `json:"rssIdleKiB,omitempty"` // the server's VmRSS before the run
	Results     []Result  `json:"results"`
}

// Failed reports whether a scenario failed or had errors; unavailable ones do not count.
func (r *Report) Failed() bool {
	for _, res := range r.Results {
		if res.Status == "failed" || res.Status == "errors" {
			return true
		}
	}
	return false
}

// Validate checks cfg and fills in defaults.
func (cfg *Config) Validate() error {
	if len(cfg.URLs) == 0 {
		return errors.New("no --url")
	}
	for i, raw := range cfg.URLs {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--url %q: want http://host:port", raw)
		}
		if !cfg.AllowRemote && !isLoopback(u.Hostname()) {
			return fmt.Errorf("--url %s is not a loopback address: hatch loadtest only drives a server on this machine "+
				"(pass --allow-remote for a server of your own elsewhere)", raw)
		}
		cfg.URLs[i] = strings.TrimRight(u.String(), "/")
	}
	if len(cfg.Scenarios) == 0 {
		cfg.Scenarios = DefaultScenarios
	}
	if cfg.MaxTime == 0 {
		cfg.MaxTime = MaxDuration
	}
	for _, name := range cfg.Scenarios {
		if _, ok := findScenario(name); !ok {
			return fmt.Errorf("unknown scenario %q", name)
		}
	}
	switch {
	case cfg.ClientID == "" || cfg.APIKey == "":
		return errors.New("the environment's client ID and API key are required (--client-id/--api-key or HATCH_CLIENT_ID/HATCH_API_KEY)")
	case cfg.Concurrency < 1 || cfg.Concurrency > MaxConcurrency:
		return fmt.Errorf("--concurrency must be between 1 and %d", MaxConcurrency)
	case cfg.Duration <= 0 || cfg.Duration > MaxDuration:
		return fmt.Errorf("--duration must be above 0 and at most %s", MaxDuration)
	case cfg.MaxTime <= 0 || cfg.MaxTime > MaxDuration:
		return fmt.Errorf("--max-time must be above 0 and at most %s", MaxDuration)
	case cfg.Requests < 0 || cfg.Requests > MaxCount, cfg.Sessions < 0 || cfg.Sessions > MaxCount,
		cfg.Rotations < 0 || cfg.Rotations > MaxCount:
		return fmt.Errorf("--requests, --sessions and --rotations must be between 0 and %d", MaxCount)
	case cfg.Rate < 0:
		return errors.New("--rate must not be negative")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = time.Second
	}
	return nil
}

// isLoopback reports whether host names this machine: localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Run sets up an account and users through the management API, then runs
// each scenario in turn. It returns an error only when the run could not
// start; a scenario that fails is reported in its Result.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	clients := make([]*Client, len(cfg.URLs))
	for i, u := range cfg.URLs {
		c, err := NewClient(u, cfg.Concurrency, cfg.Timeout)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		clients[i] = c
	}
	rep := &Report{Targets: cfg.URLs, StartedAt: time.Now().UTC(), CPUs: runtime.NumCPU(),
		Concurrency: cfg.Concurrency, Duration: cfg.Duration.String()}
	if cfg.PID > 0 {
		rss, err := ReadRSS(cfg.PID)
		if err != nil {
			return nil, err
		}
		rep.RSSIdleKiB = rss
	}
	e, err := newEnv(ctx, &cfg, clients)
	if err != nil {
		return nil, err
	}
	for _, name := range cfg.Scenarios {
		sc, _ := findScenario(name)
		res := runScenario(ctx, e, sc)
		if cfg.PID > 0 {
			res.RSSKiB, _ = ReadRSS(cfg.PID)
		}
		rep.Results = append(rep.Results, res)
		if ctx.Err() != nil {
			break
		}
	}
	return rep, nil
}

// recorder is one worker's tally; only its worker writes it during a run.
type recorder struct {
	hist   histogram
	errors map[string]int64
	sample string
}

func runScenario(ctx context.Context, e *env, sc scenario) Result {
	cfg := e.cfg
	res := Result{Scenario: sc.name, About: sc.about, Concurrency: cfg.Concurrency, TargetRate: cfg.Rate}
	if err := sc.prepare(ctx, e); err != nil {
		res.Status, res.Note = "failed", err.Error()
		if errors.Is(err, ErrUnavailable) {
			res.Status = "unavailable"
		}
		return res
	}
	if sc.name == ScenarioMixed && e.apiErr != nil {
		res.Note = "without the API-token requests (" + e.apiErr.Error() + ")"
	}
	steps := make([]step, cfg.Concurrency)
	errs := make([]error, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range steps {
		wg.Go(func() { steps[i], errs[i] = sc.worker(ctx, e, i) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		res.Status, res.Note = "failed", "set-up: "+err.Error()
		return res
	}

	limit, bound := int64(cfg.Requests), cfg.Duration
	if sc.counted {
		limit, bound = int64(cfg.Sessions), cfg.MaxTime
		if sc.name == ScenarioRotations {
			limit = int64(cfg.Rotations)
		}
	}
	cpuBefore, cpuErr := readCPU(cfg.PID)
	start := time.Now()
	deadline := start.Add(bound)
	var issued, done, failed atomic.Int64
	var pace *pacer
	if cfg.Rate > 0 {
		pace = &pacer{start: start, interval: time.Duration(float64(time.Second) / cfg.Rate)}
	}
	stopProgress := startProgress(cfg, sc.name, start, bound, limit, &done, &failed)
	recs := make([]recorder, cfg.Concurrency)
	for i := range steps {
		wg.Go(func() {
			rec := &recs[i]
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if limit > 0 && issued.Add(1) > limit {
					return
				}
				var slot time.Time
				if pace != nil {
					if slot = pace.next(); !slot.Before(deadline) || !sleepUntil(ctx, slot) {
						return
					}
				}
				d, err := steps[i](ctx)
				if pace != nil {
					d = time.Since(slot) // from the scheduled time, so a slow server's queue counts
				}
				done.Add(1)
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					failed.Add(1)
					rec.fail(err)
					continue
				}
				rec.hist.record(d)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopProgress()
	cpuAfter, cpuAfterErr := readCPU(cfg.PID)

	var all histogram
	res.ErrorKinds = map[string]int64{}
	for i := range recs {
		all.merge(&recs[i].hist)
		for k, n := range recs[i].errors {
			res.ErrorKinds[k] += n
		}
		if res.ErrorSample == "" {
			res.ErrorSample = recs[i].sample
		}
	}
	res.Requests, res.Errors, res.Seconds = done.Load(), failed.Load(), elapsed.Seconds()
	res.RPS = float64(all.total) / elapsed.Seconds()
	res.P50Ms, res.P95Ms, res.P99Ms = ms(all.quantile(0.50)), ms(all.quantile(0.95)), ms(all.quantile(0.99))
	res.MaxMs = ms(all.max)
	if cfg.PID > 0 && cpuErr == nil && cpuAfterErr == nil && all.total > 0 {
		res.CPUMsPerRequest = ms(cpuAfter-cpuBefore) / float64(all.total)
	}
	res.Status = "ok"
	if res.Errors > 0 {
		res.Status = "errors"
	}
	if len(res.ErrorKinds) == 0 {
		res.ErrorKinds = nil
	}
	return res
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fail counts err by kind: the HTTP status, a timeout, or a transport failure.
func (r *recorder) fail(err error) {
	if r.errors == nil {
		r.errors = map[string]int64{}
		r.sample = err.Error()
	}
	r.errors[errorKind(err)]++
}

func errorKind(err error) string {
	var se *StatusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("HTTP %d", se.Status)
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	return "other"
}

// pacer hands out evenly spaced send times, for a paced (open-loop) run.
type pacer struct {
	start    time.Time
	interval time.Duration
	n        atomic.Int64
}

func (p *pacer) next() time.Time {
	return p.start.Add(time.Duration(p.n.Add(1)-1) * p.interval)
}

// sleepUntil waits until t; it returns false when ctx ends first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// startProgress prints a line every cfg.ProgressEvery until the returned stop is called.
func startProgress(cfg *Config, name string, start time.Time, bound time.Duration, limit int64, done, failed *atomic.Int64) (stop func()) {
	if cfg.Progress == nil {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(cfg.ProgressEvery)
		defer t.Stop()
		last, lastAt := int64(0), start
		for {
			select {
			case <-quit:
				if cfg.ProgressInPlace {
					fmt.Fprint(cfg.Progress, "\r\033[K")
				}
				return
			case now := <-t.C:
				n := done.Load()
				line := fmt.Sprintf("%-18s %6s  %10d requests  %9.1f/s now  %9.1f/s mean  %d errors",
					name, now.Sub(start).Truncate(time.Second), n, float64(n-last)/now.Sub(lastAt).Seconds(),
					float64(n)/now.Sub(start).Seconds(), failed.Load())
				if limit > 0 {
					line += fmt.Sprintf("  %.0f%% of %d", 100*float64(n)/float64(limit), limit)
				} else {
					line += fmt.Sprintf("  of %s", bound)
				}
				if cfg.ProgressInPlace {
					fmt.Fprint(cfg.Progress, "\r\033[K"+line)
				} else {
					fmt.Fprintln(cfg.Progress, line)
				}
				last, lastAt = n, now
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// clockTicks is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTicks = 100

// readCPU returns the CPU time (user plus system) process pid has used, from
// /proc; 0 and no error when pid is 0.
func readCPU(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, nil
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name (which may hold spaces, so cut at the
	// last ')'): state is field 3, utime 14 and stime 15.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	var user, sys int64
	if _, err := fmt.Sscan(fields[11], &user); err != nil {
		return 0, err
	}
	if _, err := fmt.Sscan(fields[12], &sys); err != nil {
		return 0, err
	}
	return time.Duration(user+sys) * time.Second / clockTicks, nil
}

// ReadRSS returns the resident memory (VmRSS, KiB) of process pid, from /proc.
func ReadRSS(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("resident memory of process %d: %w", pid, err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kib); err != nil {
				return 0, fmt.Errorf("resident memory of process %d: %q: %w", pid, line, err)
			}
			return kib, nil
		}
	}
	return 0, fmt.Errorf("resident memory of process %d: no VmRSS in /proc/%d/status", pid, pid)
}
