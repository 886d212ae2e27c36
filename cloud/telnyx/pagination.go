package telnyx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// MaxPageSize is the largest page[size] the list operations accept.
const MaxPageSize = 250

// PageParams selects one page; zero values leave the API's defaults.
type PageParams struct {
	Number int // page[number], from 1
	Size   int // page[size], 1..MaxPageSize
}

func (p PageParams) apply(q url.Values) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if p.Number > 0 {
		q.Set("page[number]", strconv.Itoa(p.Number))
	}
	if p.Size > 0 {
		q.Set("page[size]", strconv.Itoa(p.Size))
	}
	return q
}

// PageMeta is the meta block of a list answer. Only page_number and
// total_pages are common to all five lists.
type PageMeta struct {
	PageNumber   int  `json:"page_number"`
	PageSize     int  `json:"page_size,omitempty"`
	TotalPages   int  `json:"total_pages"`
	TotalResults *int `json:"total_results,omitempty"` // nil: not sent (0 is said as 0)
}

// Page is one page of a list.
type Page[T any] struct {
	Data []T      `json:"data"`
	Meta PageMeta `json:"meta"`
}

// last reports whether no page follows this one. Like the SDK, it needs
// page_number < total_pages to go on; without total_pages it goes on until
// an empty page.
func (p *Page[T]) last(requested int) bool {
	if len(p.Data) == 0 {
		return true
	}
	n := p.Meta.PageNumber
	if n == 0 {
		n = requested
	}
	return p.Meta.TotalPages > 0 && n >= p.Meta.TotalPages
}

// listPage fetches one page of path with query q.
func listPage[T any](ctx context.Context, c *Client, path string, q url.Values, page PageParams) (*Page[T], error) {
	r := &request{method: "GET", path: path, query: page.apply(q)}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var p Page[T]
	if err := json.Unmarshal(resp.body, &p); err != nil {
		return nil, undecodable(r, fmt.Errorf("the answer is not valid JSON for a list (%v)", err))
	}
	if p.Data == nil {
		p.Data = []T{}
	}
	return &p, nil
}

// Walked is what Walk gathered.
type Walked[T any] struct {
	Items []T
	Pages int      // pages fetched
	Last  PageMeta // meta of the last page fetched
	// Truncated: max was reached before the last page. NextPage is the page
	// to continue from (its first items may repeat when max fell mid-page).
	Truncated bool
	NextPage  int
}

// Walk fetches pages from first.Number (default 1) until the last page, an
// empty page, or max items, calling onPage (if set) after each page with the
// items gathered so far. fetch gets the page to load.
func Walk[T any](ctx context.Context, first PageParams, max int, fetch func(context.Context, PageParams) (*Page[T], error),
	onPage func(p *Page[T], gathered int)) (*Walked[T], error) {
	page := first
	if page.Number <= 0 {
		page.Number = 1
	}
	w := &Walked[T]{Items: []T{}}
	for {
		p, err := fetch(ctx, page)
		if err != nil {
			return w, err
		}
		w.Pages++
		w.Last = p.Meta
		room := max - len(w.Items)
		cut := len(p.Data) > room
		if cut {
			w.Items = append(w.Items, p.Data[:room]...)
		} else {
			w.Items = append(w.Items, p.Data...)
		}
		if onPage != nil {
			onPage(p, len(w.Items))
		}
		last := p.last(page.Number)
		if cut || (!last && len(w.Items) >= max) {
			w.Truncated = true
			w.NextPage = page.Number + 1
			if cut {
				w.NextPage = page.Number
			}
			return w, nil
		}
		if last {
			return w, nil
		}
		page.Number++
	}
}
