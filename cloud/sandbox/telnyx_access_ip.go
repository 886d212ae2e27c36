package sandbox

import (
	"net/http"
	"net/netip"
	"sort"
)

// tnxAccessIPRoutes are this area's routes (see routeTelnyx).
var tnxAccessIPRoutes = []tnxRoute{
	{"GET /v2/access_ip_address", tnxListAccessIPs, false},
	{"POST /v2/access_ip_address", tnxCreateAccessIP, true},
	{"GET /v2/access_ip_address/{id}", tnxGetAccessIP, false},
	{"DELETE /v2/access_ip_address/{id}", tnxDeleteAccessIP, true},
}

func tnxListAccessIPs(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	if err := tnxOnlyQuery(r, tnxAccessIPQuery...); err != nil {
		return 0, nil, err
	}
	created, err := tnxParseTimeFilter(r, "created_at")
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	var out []*tnxAccessIP
	for _, a := range st.AccessIPs {
		if v := q.Get("filter[ip_address]"); v != "" && a.IPAddress != v {
			continue
		}
		if v := q.Get("filter[ip_source]"); v != "" && a.Source != v {
			continue
		}
		if !created.match(a.CreatedAt) {
			continue
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return tnxNewest(out[i].CreatedAt, out[j].CreatedAt, out[i].ID, out[j].ID) })
	return telnyxPage(r, out)
}

func tnxCreateAccessIP(s *Server, st *TelnyxState, _ *http.Request, body []byte) (int, any, error) {
	f, err := tnxDecodeFields(body, "ip_address", "description")
	if err != nil {
		return 0, nil, err
	}
	ip := f.str("ip_address", true)
	desc := f.str("description", false)
	if ip != "" {
		if addr, perr := netip.ParseAddr(ip); perr != nil || addr.Zone() != "" {
			f.fail("ip_address", "Invalid parameter", "ip_address must be a valid IPv4 or IPv6 address.")
		} else {
			ip = addr.String()
			for _, a := range st.AccessIPs {
				if a.IPAddress == ip {
					f.fail("ip_address", "Invalid parameter", "ip_address has already been taken.")
				}
			}
		}
	}
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	now := s.telnyxNow()
	a := &tnxAccessIP{ID: tnxNewUUID(), IPAddress: ip, Source: "api", Status: "pending", UserID: st.UserID,
		Description: desc, CreatedAt: now, UpdatedAt: now}
	st.AccessIPs = append(st.AccessIPs, a)
	return http.StatusCreated, a, nil // bare record, as the API answers
}

func tnxFindAccessIP(st *TelnyxState, r *http.Request) (int, *tnxAccessIP, error) {
	return tnxFind(r, st.AccessIPs, func(a *tnxAccessIP) string { return a.ID }, "access IP address", false)
}

func tnxGetAccessIP(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	_, a, err := tnxFindAccessIP(st, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

func tnxDeleteAccessIP(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	i, a, err := tnxFindAccessIP(st, r)
	if err != nil {
		return 0, nil, err
	}
	st.AccessIPs = append(st.AccessIPs[:i], st.AccessIPs[i+1:]...)
	return http.StatusOK, a, nil
}
