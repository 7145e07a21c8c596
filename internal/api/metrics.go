package api

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Metrics counts requests per route and status and their latency, and writes
// them in the Prometheus text format. Other packages add gauges with Gauge.
type Metrics struct {
	mu     sync.Mutex
	routes map[routeKey]*routeStats
	gauges []gauge
}

type routeKey struct {
	route  string
	status int
}

type routeStats struct {
	count   uint64
	sum     float64
	buckets [len(latencyBuckets)]uint64
}

var latencyBuckets = [...]float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

type gauge struct {
	name, help string
	read       func() map[string]float64 // label value set → value; key "" means no label
	label      string
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics { return &Metrics{routes: map[routeKey]*routeStats{}} }

// Gauge registers a gauge read at scrape time. read returns values by the
// value of label (use the key "" and an empty label for a single value).
func (m *Metrics) Gauge(name, help, label string, read func() map[string]float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gauges = append(m.gauges, gauge{name: name, help: help, label: label, read: read})
}

func (m *Metrics) observe(route string, status int, d time.Duration) {
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	k := routeKey{route, status}
	s := m.routes[k]
	if s == nil {
		s = &routeStats{}
		m.routes[k] = s
	}
	s.count++
	s.sum += secs
	for i, b := range latencyBuckets {
		if secs <= b {
			s.buckets[i]++
		}
	}
}

// ServeHTTP writes the metrics.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.write(w)
}

func (m *Metrics) write(w io.Writer) {
	m.mu.Lock()
	keys := make([]routeKey, 0, len(m.routes))
	for k := range m.routes {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b routeKey) int {
		if a.route != b.route {
			if a.route < b.route {
				return -1
			}
			return 1
		}
		return a.status - b.status
	})
	stats := make([]routeStats, len(keys))
	for i, k := range keys {
		stats[i] = *m.routes[k]
	}
	gauges := slices.Clone(m.gauges)
	m.mu.Unlock()

	fmt.Fprintln(w, "# HELP hatch_http_requests_total HTTP requests by route and status.")
	fmt.Fprintln(w, "# TYPE hatch_http_requests_total counter")
	for i, k := range keys {
		fmt.Fprintf(w, "hatch_http_requests_total{route=%q,code=\"%d\"} %d\n", k.route, k.status, stats[i].count)
	}
	fmt.Fprintln(w, "# HELP hatch_http_request_duration_seconds HTTP request latency by route and status.")
	fmt.Fprintln(w, "# TYPE hatch_http_request_duration_seconds histogram")
	for i, k := range keys {
		s := stats[i]
		labels := fmt.Sprintf("route=%q,code=\"%d\"", k.route, k.status)
		for j, b := range latencyBuckets {
			fmt.Fprintf(w, "hatch_http_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n", labels, strconv.FormatFloat(b, 'g', -1, 64), s.buckets[j])
		}
		fmt.Fprintf(w, "hatch_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, s.count)
		fmt.Fprintf(w, "hatch_http_request_duration_seconds_sum{%s} %g\n", labels, s.sum)
		fmt.Fprintf(w, "hatch_http_request_duration_seconds_count{%s} %d\n", labels, s.count)
	}
	for _, g := range gauges {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", g.name, g.help, g.name)
		values := g.read()
		names := make([]string, 0, len(values))
		for n := range values {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			if g.label == "" {
				fmt.Fprintf(w, "%s %g\n", g.name, values[n])
			} else {
				fmt.Fprintf(w, "%s{%s=%q} %g\n", g.name, g.label, n, values[n])
			}
		}
	}
}
