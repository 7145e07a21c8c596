package factors

import (
	"testing"
	"time"

	"github.com/hatchid/hatch/internal/factors/factorstest"
)

// rfcSecret is the seed of the RFC 4226 and RFC 6238 (SHA-1) test vectors.
var rfcSecret = []byte("12345678901234567890")

func TestHOTPMatchesRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for counter, w := range want {
		if got := hotp(rfcSecret, uint64(counter)); got != w {
			t.Errorf("hotp(counter %d) = %s, want %s", counter, got, w)
		}
	}
}

// TestTOTPMatchesRFC6238 checks the server's codes and the test
// authenticator's against the RFC's SHA-1 vectors (8 digits there; six-digit
// codes are the same value modulo 10^6).
func TestTOTPMatchesRFC6238(t *testing.T) {
	vectors := []struct {
		unix int64
		want string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	}
	for _, v := range vectors {
		at := time.Unix(v.unix, 0)
		if got := factorstest.TOTP(rfcSecret, at, 8); got != v.want {
			t.Errorf("test authenticator at %d = %s, want %s", v.unix, got, v.want)
		}
		if got, want := hotp(rfcSecret, uint64(totpStep(at))), v.want[2:]; got != want {
			t.Errorf("server at %d = %s, want %s", v.unix, got, want)
		}
	}
}

func TestTOTPWindow(t *testing.T) {
	now := time.Unix(1234567890, 0)
	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"now", now, true},
		{"one step early", now.Add(-30 * time.Second), true},
		{"one step late", now.Add(30 * time.Second), true},
		{"two steps early", now.Add(-60 * time.Second), false},
		{"two steps late", now.Add(60 * time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := factorstest.TOTP(rfcSecret, tt.at, 6)
			step, ok := totpMatch(rfcSecret, code, now)
			if ok != tt.ok {
				t.Fatalf("match = %v, want %v", ok, tt.ok)
			}
			if ok && step != totpStep(tt.at) {
				t.Errorf("step = %d, want %d", step, totpStep(tt.at))
			}
		})
	}
	if _, ok := totpMatch(rfcSecret, "12345", now); ok {
		t.Error("a five-digit code matched")
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{"+14155550123": "+*******0123", "123": "123"} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
