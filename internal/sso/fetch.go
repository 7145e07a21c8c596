package sso

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"github.com/hatchid/hatch/internal/iam"
)

// NewFetchClient returns the client Hatch calls identity providers with.
// The URLs it is given come from account admins, so unless allowPrivate is
// set (development, tests) it refuses to connect to loopback, private,
// link-local and other non-public addresses — checked on the address
// actually dialled, so a DNS name pointing inside the network is refused too
// — and does not follow redirects to them either.
func NewFetchClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !publicIP(ip) {
				return fmt.Errorf("%w: %s", errPrivateAddress, host)
			}
			return nil
		}
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{Transport: transport, Timeout: 20 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			if req.URL.Scheme != "https" && !allowPrivate {
				return errors.New("redirect to a non-https URL")
			}
			return nil
		}}
}

var errPrivateAddress = errors.New("refusing to connect to a non-public address")

// publicIP reports whether ip is a globally routable unicast address.
func publicIP(ip net.IP) bool {
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() &&
		!ip.IsInterfaceLocalMulticast() && !ip.IsUnspecified() && !ip.Equal(net.IPv4bcast) &&
		!(ip.To4() != nil && ip.To4()[0] == 100 && ip.To4()[1]&0xc0 == 64) // 100.64.0.0/10, carrier-grade NAT
}

// checkURL returns a 400 naming field unless raw is an absolute https URL
// (or http, when insecure URLs are allowed).
func checkURL(field, raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.User != nil:
		return iam.Invalid("%s must be an absolute URL", field)
	case u.Scheme == "https", u.Scheme == "http" && allowHTTP:
		return nil
	}
	return iam.Invalid("%s must be an https URL", field)
}

// maxMetadataBytes bounds the IdP metadata Hatch reads.
const maxMetadataBytes = 1 << 20

// fetchMetadata downloads IdP metadata from rawURL.
func (h *Handler) fetchMetadata(r *http.Request, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, iam.Invalid("url must be an absolute URL")
	}
	resp, err := h.Fetch.Do(req)
	if err != nil {
		return nil, &iam.Error{Kind: iam.KindInvalid, Message: "The metadata URL could not be fetched", Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, iam.Invalid("The metadata URL answered with status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataBytes+1))
	if err != nil {
		return nil, &iam.Error{Kind: iam.KindInvalid, Message: "The metadata URL could not be read", Err: err}
	}
	if len(body) > maxMetadataBytes {
		return nil, iam.Invalid("The metadata at the URL is larger than %d bytes", maxMetadataBytes)
	}
	return body, nil
}
