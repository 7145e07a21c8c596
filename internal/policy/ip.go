package policy

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// List types of IP and email-domain restrictions.
const (
	Allow = "ALLOW"
	Block = "BLOCK"
)

// IPConfig is an account's IP restriction switch: off, or on with its allow
// list (only listed addresses get in) or its block list (listed addresses do
// not) in force.
type IPConfig struct {
	IsActive bool   `json:"isActive"`
	Strategy string `json:"strategy"` // ALLOW or BLOCK
}

// IPConfigName is the account settings document that holds IPConfig.
const IPConfigName = "ipRestrictions"

// DefaultIPConfig is the configuration of an account that never set one: off.
func DefaultIPConfig() IPConfig { return IPConfig{Strategy: Allow} }

// ErrIPRestricted answers a login, refresh or request from an address the
// account's IP restrictions do not allow.
var ErrIPRestricted = &iam.Error{Kind: iam.KindForbidden, Message: "Access from this IP address is not allowed in this account"}

// ParseIPRange parses an IPv4 or IPv6 address or CIDR range and returns the
// range with its canonical text: the address alone for a single address, the
// masked prefix for a range. IPv4-mapped IPv6 forms are read as IPv4.
func ParseIPRange(s string) (netip.Prefix, string, error) {
	s = strings.TrimSpace(s)
	bad := iam.Invalid("ip must be an IPv4 or IPv6 address or CIDR range")
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, "", bad
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		p = p.Masked()
		if p.IsSingleIP() {
			return p, p.Addr().String(), nil
		}
		return p, p.String(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, "", bad
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), a.String(), nil
}

// clientAddr parses a client address as api.ClientIP gives it; the zero
// Addr when it is not an IP address.
func clientAddr(ip string) netip.Addr {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

// IPRules are an account's IP restrictions as enforced: its configuration and
// the ranges of its active entries.
type IPRules struct {
	Config       IPConfig
	allow, block []netip.Prefix
}

// Allows reports whether a client at ip may use the account: always when the
// restrictions are off; with the allow list in force, only from an address in
// an active allow entry; with the block list, unless the address is in an
// active block entry. An address that does not parse is in no list.
func (r *IPRules) Allows(ip string) bool {
	switch {
	case !r.Config.IsActive:
		return true
	case r.Config.Strategy == Block:
		return !contains(r.block, clientAddr(ip))
	}
	return contains(r.allow, clientAddr(ip))
}

// InAllowList reports whether ip is in an active allow entry, whether or not
// the allow list is in force (the "test my IP" check before turning it on).
func (r *IPRules) InAllowList(ip string) bool { return contains(r.allow, clientAddr(ip)) }

func contains(ranges []netip.Prefix, a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range ranges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// IPRestrictions reads accounts' IP rules through a cache that lives
// ipRulesTTL: a change made on another node is enforced here within that
// time, one made through this node at once (Invalidate).
type IPRestrictions struct {
	DB  *store.DB
	Now func() time.Time

	cache accountCache[*IPRules]
}

const ipRulesTTL = 2 * time.Second

// Rules returns the account's IP rules.
func (x *IPRestrictions) Rules(ctx context.Context, tenantID string) (*IPRules, error) {
	now := x.Now()
	cached, gen, ok := x.cache.get(tenantID, now, ipRulesTTL)
	if ok {
		return cached, nil
	}
	cfg, err := x.Config(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	r := &IPRules{Config: cfg}
	entries, err := x.DB.FindAllIPRestrictions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsActive {
			continue
		}
		p, _, err := ParseIPRange(e.IP)
		if err != nil {
			continue // stored entries were validated; an unreadable one matches nothing
		}
		if e.Strategy == Block {
			r.block = append(r.block, p)
		} else {
			r.allow = append(r.allow, p)
		}
	}
	x.cache.put(tenantID, r, now, ipRulesTTL, gen)
	return r, nil
}

// Config returns the account's stored configuration, or the default.
func (x *IPRestrictions) Config(ctx context.Context, tenantID string) (IPConfig, error) {
	cfg := DefaultIPConfig()
	if err := x.DB.FindSetting(ctx, tenantID, IPConfigName, &cfg); err != nil && !errors.Is(err, iam.ErrNotFound) {
		return cfg, err
	}
	return cfg, nil
}

// Invalidate makes this node read the account's rules afresh; call it after
// changing them.
func (x *IPRestrictions) Invalidate(tenantID string) { x.cache.drop(tenantID) }

// Check returns ErrIPRestricted unless the account's rules allow ip.
func (x *IPRestrictions) Check(ctx context.Context, tenantID, ip string) error {
	r, err := x.Rules(ctx, tenantID)
	if err != nil {
		return err
	}
	if !r.Allows(ip) {
		return ErrIPRestricted
	}
	return nil
}

// IPGuard is an api.Authenticator that wraps another and also refuses, with
// ErrIPRestricted (403), user and API-token callers whose address the IP
// rules of their token's account do not allow. The vendor is not restricted.
// Rules come from IPRestrictions' cache, so a request costs a map lookup and,
// once per account per cache period, a database read. On a public route the
// router ignores the refusal as it ignores any bad token: the caller is
// anonymous there, and login and refresh run their own check.
type IPGuard struct {
	Next  api.Authenticator
	Rules *IPRestrictions
}

// Authenticate implements api.Authenticator.
func (g *IPGuard) Authenticate(r *http.Request) (*iam.Principal, error) {
	p, err := g.Next.Authenticate(r)
	if err != nil || p == nil || p.IsVendor() || p.TenantID == "" {
		return p, err
	}
	if err := g.Rules.Check(r.Context(), p.TenantID, api.ClientIP(r.Context())); err != nil {
		return nil, err
	}
	return p, nil
}
