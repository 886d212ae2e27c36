package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// templateCache remembers each environment's integration templates, so the
// tools know which Ext fields are secret (type password) and required
// without listing templates on every call. Templates change rarely: entries
// live for ttl, and an unknown code refetches at most once per retry.
type templateCache struct {
	ttl, retry time.Duration
	now        func() time.Time
	group      singleflight.Group

	mu   sync.Mutex
	sets map[string]*templateSet // by env id + business
}

type templateSet struct {
	fetched time.Time
	byCode  map[string]*tcb.UserKeyTemplate
}

func newTemplateCache() *templateCache {
	return &templateCache{ttl: 5 * time.Minute, retry: 30 * time.Second, now: time.Now, sets: map[string]*templateSet{}}
}

// lookup returns the template named code, or nil when the cloud has none.
// A stale entry is used when refreshing it fails: it still tells secrets apart.
func (c *templateCache) lookup(ctx context.Context, client *tcb.Client, business, code string) (*tcb.UserKeyTemplate, error) {
	if business == "" {
		business = tcb.DefaultBusiness
	}
	key := cacheKey(ctx, client, business)
	c.mu.Lock()
	set := c.sets[key]
	c.mu.Unlock()
	if set != nil {
		age := c.now().Sub(set.fetched)
		if t := set.byCode[code]; t != nil && age < c.ttl || t == nil && age < c.retry {
			return t, nil
		}
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		all, err := client.AllUserKeyTemplates(ctx, tcb.GetUserKeyTemplateListRequest{Business: business})
		if err != nil {
			return nil, err
		}
		fresh := &templateSet{fetched: c.now(), byCode: map[string]*tcb.UserKeyTemplate{}}
		for i := range all {
			fresh.byCode[all[i].AuthTypeCode] = &all[i]
		}
		c.mu.Lock()
		if _, ok := c.sets[key]; !ok && len(c.sets) >= maxTemplateSets {
			c.evictOldestLocked()
		}
		c.sets[key] = fresh
		c.mu.Unlock()
		return fresh, nil
	})
	if err != nil {
		if set != nil && set.byCode[code] != nil {
			return set.byCode[code], nil
		}
		return nil, err
	}
	return v.(*templateSet).byCode[code], nil
}

// codes lists the known template codes (for error messages), from the cache only.
func (c *templateCache) codes(ctx context.Context, client *tcb.Client, business string) []string {
	if business == "" {
		business = tcb.DefaultBusiness
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	set := c.sets[cacheKey(ctx, client, business)]
	if set == nil {
		return nil
	}
	out := make([]string, 0, len(set.byCode))
	for code := range set.byCode {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// maxTemplateSets bounds the cache: callers choose business and bring their
// own credentials, so the number of keys is theirs to grow.
const maxTemplateSets = 64

func (c *templateCache) evictOldestLocked() {
	var oldest string
	for k, s := range c.sets {
		if oldest == "" || s.fetched.Before(c.sets[oldest].fetched) {
			oldest = k
		}
	}
	delete(c.sets, oldest)
}

// cacheKey keys cloud data by environment, business and a hash of the
// credentials that fetched it: a session with other (or wrong) credentials
// must not be served what someone else's could read.
func cacheKey(ctx context.Context, client *tcb.Client, business string) string {
	o := cloud.OverridesFrom(ctx)
	sum := sha256.Sum256([]byte(o.Get(tcb.HeaderSecretID) + "\x00" + o.Get(tcb.HeaderSecretKey) + "\x00" + o.Get(tcb.HeaderSessionToken)))
	return client.EnvID(ctx) + "\x00" + business + "\x00" + hex.EncodeToString(sum[:8])
}
