package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// Rate is a limit of Limit requests per fixed Window; a zero Limit is no limit.
type Rate struct {
	Limit  int
	Window time.Duration
}

func (r Rate) on() bool { return r.Limit > 0 && r.Window > 0 }

// RateLimits meters the public (unauthenticated) routes, counting in the
// database so that every node shares the counts: per client address over all
// public routes, and per identifier — an email, username, phone number or
// user id named in the JSON body — whatever the route and the address. The
// identifier limit answers the same for accounts that exist and accounts that
// do not. Windows are fixed, so a client may at worst fit twice a limit into
// one window's length across a window boundary. It is the router's api.Limiter.
type RateLimits struct {
	DB         *store.DB
	Now        func() time.Time
	Address    Rate // per client address (IPv6 addresses per /64)
	Identifier Rate // per identifier named in the body
}

// ErrRateLimited is the answer past a limit (429, with Retry-After and
// X-Rate-Limit-Reset set from the api.RetryAfter wrapped around it).
var ErrRateLimited = &iam.Error{Kind: iam.KindRateLimited, Message: "Too many requests, try again later"}

// identifierFields are the body fields that name an account holder on Frontegg's public routes.
var identifierFields = []string{"email", "username", "identifier", "phoneNumber", "userId"}

// Limit counts r against the limits and returns nil, or ErrRateLimited in an
// *api.RetryAfter when a limit is exceeded. It reads r's JSON body to find
// identifiers and puts it back for the handler.
func (l *RateLimits) Limit(r *http.Request) error {
	ctx := r.Context()
	if l.Address.on() {
		if err := l.hit(ctx, "address|"+addressKey(api.ClientIP(ctx)), l.Address); err != nil {
			return err
		}
	}
	if !l.Identifier.on() {
		return nil
	}
	for _, id := range identifiers(r) {
		if err := l.hit(ctx, "identifier|"+id, l.Identifier); err != nil {
			return err
		}
	}
	return nil
}

// hit counts one request against subject under rate.
func (l *RateLimits) hit(ctx context.Context, subject string, rate Rate) error {
	now := l.Now()
	start := now.Truncate(rate.Window)
	n, err := l.DB.HitRateLimit(ctx, secure.HashToken(subject+"|"+rate.Window.String()), start)
	if err != nil || n <= rate.Limit {
		return err
	}
	reset := start.Add(rate.Window)
	return &api.RetryAfter{Seconds: max(1, int(math.Ceil(reset.Sub(now).Seconds()))), Reset: reset, Err: ErrRateLimited}
}

// addressKey groups IPv6 clients by /64, the block one host usually holds.
func addressKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// identifiers returns the lower-cased identifiers in r's JSON or form body and
// restores the body, including a read error (a body over the size limit still
// fails in the handler with 413).
func identifiers(r *http.Request) []string {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body, err := io.ReadAll(r.Body)
	rest := io.Reader(bytes.NewReader(body))
	if err != nil {
		rest = io.MultiReader(rest, errReader{err})
	}
	r.Body = io.NopCloser(rest)
	if err != nil {
		return nil
	}
	value := jsonFields(body)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		// The hosted login page's forms (package oauth) name the email so.
		form, ferr := url.ParseQuery(string(body))
		if ferr != nil {
			return nil
		}
		value = form.Get
	}
	var out []string
	for _, f := range identifierFields {
		s := value(f)
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// jsonFields returns a lookup of the string fields of a JSON object body
// ("" for a field that is missing or not a string, and for a body that is not
// a JSON object).
func jsonFields(body []byte) func(string) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return func(string) string { return "" }
	}
	return func(name string) string {
		var s string
		json.Unmarshal(fields[name], &s)
		return s
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// PruneInterval is how often the counters of past windows should be dropped (Prune).
const PruneInterval = time.Minute

// Prune drops the counters of windows that have ended.
func (l *RateLimits) Prune(ctx context.Context) error {
	longest := max(l.Address.Window, l.Identifier.Window)
	return l.DB.DeleteRateLimitsBefore(ctx, l.Now().Add(-longest))
}
