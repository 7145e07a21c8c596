package api

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/iam"
)

// fakeAuth maps a bearer value to a principal; "bad" is an invalid token.
type fakeAuth map[string]*iam.Principal

func (f fakeAuth) Authenticate(r *http.Request) (*iam.Principal, error) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "" {
		return nil, nil
	}
	if p, ok := f[tok]; ok {
		return p, nil
	}
	return nil, iam.Unauthorized("Unauthorized")
}

func testRouter(t *testing.T) (http.Handler, *bytes.Buffer) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	auth := fakeAuth{
		"vendor": {Kind: iam.CallerVendor},
		"reader": {Kind: iam.CallerUser, Permissions: []string{"fe.secure.read.users"}},
		"admin":  {Kind: iam.CallerUser, Permissions: []string{"fe.secure.*"}},
		"m2m":    {Kind: iam.CallerAPIToken, Permissions: []string{"fe.secure.read.users"}},
	}
	m := NewMetrics()
	rt := NewRouter(auth, log, m)
	ok := func(w http.ResponseWriter, r *http.Request) error { return OK(w, map[string]string{"ok": "yes"}) }
	rt.Handle("GET /public", Public, ok)
	rt.Handle("GET /vendor", Vendor, ok)
	rt.Handle("GET /user", User, ok)
	rt.Handle("DELETE /users/{id}", SelfService.Can("fe.secure.delete.users"), ok)
	rt.Handle("GET /users", SelfService.Can("fe.secure.read.users"), ok)
	rt.Handle("GET /boom", Public, func(w http.ResponseWriter, r *http.Request) error { return errors.New("db down") })
	rt.HandleRaw("GET /metrics", m)
	mw := &Middleware{Log: log, Metrics: m, MaxBodyBytes: 1024, CORS: &CORS{Origins: func() []string { return []string{"https://app.example"} }}}
	return mw.Wrap(rt.Mux()), &logs
}

func call(h http.Handler, method, path, token string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAccess(t *testing.T) {
	h, _ := testRouter(t)
	for _, tc := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/public", "", 200},
		{"GET", "/public", "bad", 200}, // stale tokens are ignored on public routes
		{"GET", "/frontegg/public", "", 200},
		{"GET", "/vendor", "", 401},
		{"GET", "/vendor", "bad", 401},
		{"GET", "/vendor", "reader", 403},
		{"GET", "/vendor", "vendor", 200},
		{"GET", "/user", "vendor", 403},
		{"GET", "/user", "reader", 200},
		{"GET", "/users", "reader", 200},
		{"GET", "/users", "m2m", 200},
		{"GET", "/users", "vendor", 200},
		{"DELETE", "/users/1", "reader", 403},
		{"DELETE", "/users/1", "admin", 200}, // fe.secure.* grants fe.secure.delete.users
		{"DELETE", "/frontegg/users/1", "vendor", 200},
		{"GET", "/nowhere", "", 404},
	} {
		if got := call(h, tc.method, tc.path, tc.token).Code; got != tc.want {
			t.Errorf("%s %s as %q: %d, want %d", tc.method, tc.path, tc.token, got, tc.want)
		}
	}
}

func TestErrorsAreFronteggShaped(t *testing.T) {
	h, logs := testRouter(t)
	rec := call(h, "GET", "/boom", "")
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"errors":["Internal server error"]`) {
		t.Fatalf("500 body: %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "db down") {
		t.Error("internal cause leaked to the client")
	}
	trace := rec.Header().Get("frontegg-trace-id")
	if len(trace) != 32 || !strings.Contains(logs.String(), trace) || !strings.Contains(logs.String(), "db down") {
		t.Errorf("trace id %q and cause should be in the log: %s", trace, logs)
	}
	rec = call(h, "GET", "/vendor", "reader")
	if !strings.Contains(rec.Body.String(), `"statusCode":403`) || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("403 body: %s", rec.Body)
	}
}

func TestCORS(t *testing.T) {
	h, _ := testRouter(t)
	rec := call(h, "OPTIONS", "/frontegg/users", "", "Origin", "https://app.example",
		"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization, content-type, x-frontegg-sdk")
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example" ||
		rec.Header().Get("Access-Control-Allow-Credentials") != "true" ||
		rec.Header().Get("Access-Control-Allow-Headers") != "authorization, content-type, x-frontegg-sdk" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	rec = call(h, "GET", "/public", "", "Origin", "https://evil.example")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("foreign origin allowed")
	}
	rec = call(h, "OPTIONS", "/users", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")
	if rec.Code == 204 {
		t.Error("preflight from a foreign origin answered")
	}
}

func TestClientIP(t *testing.T) {
	_, trusted, _ := net.ParseCIDR("10.0.0.0/8")
	for _, tc := range []struct {
		remote, xff string
		nets        []*net.IPNet
		want        string
	}{
		{"1.2.3.4:5", "9.9.9.9", nil, "1.2.3.4"},                                       // no trusted proxy: header ignored
		{"1.2.3.4:5", "9.9.9.9", []*net.IPNet{trusted}, "1.2.3.4"},                     // peer not trusted
		{"10.0.0.1:5", "9.9.9.9", []*net.IPNet{trusted}, "9.9.9.9"},                    // trusted proxy
		{"10.0.0.1:5", "6.6.6.6, 9.9.9.9, 10.0.0.2", []*net.IPNet{trusted}, "9.9.9.9"}, // right-most untrusted hop
		{"[2001:db8::1]:5", "", nil, "2001:db8::1"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.remote
		if tc.xff != "" {
			req.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientIP(req, tc.nets); got != tc.want {
			t.Errorf("clientIP(%s, %s) = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestParsePaging(t *testing.T) {
	for q, want := range map[string]string{
		"_limit=x":      "_limit must be a non-negative integer",
		"_offset=-1":    "_offset must be a non-negative integer",
		"_limit=5000":   "_limit must not be greater than 1000",
		"_order=upward": "_order must be one of ASC, DESC",
	} {
		_, err := ParsePaging(httptest.NewRequest("GET", "/?"+q, nil), 20)
		if err == nil || !strings.Contains(err.Error(), want) || iam.KindOf(err) != iam.KindInvalid {
			t.Errorf("%s: err = %v, want %q", q, err, want)
		}
	}
	p, err := ParsePaging(httptest.NewRequest("GET", "/?_limit=5&_offset=2&_order=desc&_sortBy=name&_filter=ad", nil), 20)
	if err != nil || p.Limit != 5 || p.Offset != 2 || !p.Desc || p.SortBy != "name" || p.Filter != "ad" {
		t.Errorf("ParsePaging = %+v, %v", p, err)
	}
}

func TestMetrics(t *testing.T) {
	h, _ := testRouter(t)
	call(h, "GET", "/frontegg/public", "")
	call(h, "GET", "/vendor", "")
	body := call(h, "GET", "/metrics", "").Body.String()
	for _, want := range []string{
		`hatch_http_requests_total{route="GET /public",code="200"} 1`,
		`hatch_http_requests_total{route="GET /vendor",code="401"} 1`,
		`hatch_http_request_duration_seconds_count{route="GET /public",code="200"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}
