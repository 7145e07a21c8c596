package login

import "testing"

func TestHostedReturnTo(t *testing.T) {
	for _, c := range []struct {
		base, target string
		want         bool
	}{
		{"https://id.example.com", "https://id.example.com/oauth/authorize?client_id=a", true},
		{"https://id.example.com/", "https://id.example.com/oauth/authorize?client_id=a", true},
		{"https://example.com/auth", "https://example.com/auth/oauth/authorize?client_id=a", true},
		{"https://id.example.com", "https://id.example.com/oauth/authorize", false},           // no request
		{"https://id.example.com", "https://id.example.com/oauth/token?client_id=a", false},   // another endpoint
		{"https://id.example.com", "https://evil.example/oauth/authorize?client_id=a", false}, // another host
		{"https://id.example.com", "http://id.example.com/oauth/authorize?client_id=a", false},
		{"https://id.example.com", "//id.example.com/oauth/authorize?client_id=a", false},
		{"https://id.example.com", "/oauth/authorize?client_id=a", false},
		{"https://id.example.com", "https://id.example.com.evil.example/oauth/authorize?a=1", false},
		{"https://id.example.com", "https://user@id.example.com/oauth/authorize?a=1", false},
		{"https://id.example.com", "https://id.example.com/oauth/authorize?a=1#x", false},
		{"https://id.example.com", "https://id.example.com/oauth/authorize/../../evil?a=1", false},
		{"https://id.example.com", "javascript:alert(1)//id.example.com/oauth/authorize?a=1", false},
		{"", "https://id.example.com/oauth/authorize?a=1", false},
	} {
		if got := HostedReturnTo(c.base, c.target); got != c.want {
			t.Errorf("HostedReturnTo(%q, %q) = %v, want %v", c.base, c.target, got, c.want)
		}
	}
}
